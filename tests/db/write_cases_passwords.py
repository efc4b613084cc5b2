"""A person's own password (db.users.change_own_password) in the role-by-region test
(test_write_matrix.py): everyone's password is first set to one known here, so every
allowed call, by the acting person, changes their own."""

from __future__ import annotations

from collections.abc import Callable

import bcrypt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

import db.users  # noqa: F401  (registers the write)
from core.permissions import Action
from db import models as m
from tests.db.test_write_matrix import Call, World
from tests.db.write_cases_reminders import NORTH_WEST_FORUM

KNOWN = "Known-before-the-change-1"
#: A cheap hash (4 rounds) of the known password, so the set-up stays fast.
KNOWN_HASH = bcrypt.hashpw(KNOWN.encode(), bcrypt.gensalt(4)).decode("ascii")


def own_password(w: World) -> Call:
    with Session(w.engine) as session, session.begin():
        if session.scalar(select(m.User.id).where(m.User.username == NORTH_WEST_FORUM)) is None:
            session.add(
                m.User(
                    username=NORTH_WEST_FORUM,
                    display_name="North West forum member",
                    password_hash=KNOWN_HASH,
                    role="forum_member",
                    region_id=w.north_west,
                )
            )
        session.execute(update(m.User).values(password_hash=KNOWN_HASH))
    return Call((KNOWN, f"Lantern-kettle-moss-{w.n()}"), {}, None, Action.EDIT_OWN_SETTINGS)


CASES: dict[str, Callable[[World], Call]] = {"change_own_password": own_password}
