"""The reminders' writes in the role-by-region matrix (tests/db/test_write_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import db.reminders  # noqa: F401  (registers the writes)
from core.permissions import Action
from db import models as m
from tests.db.test_write_matrix import Call, World

#: The matrix's North West forum member has no account in the demo data (it acts with
#: no user id); their own setting needs one, made here as test set-up.
NORTH_WEST_FORUM = "northwest.forum"


def own_setting(w: World) -> Call:
    """Everyone's setting is first set to the opposite, so every allowed call changes
    the acting person's own (and only theirs)."""
    on = bool(w.n() % 2)
    with Session(w.engine) as session, session.begin():
        if session.scalar(select(m.User.id).where(m.User.username == NORTH_WEST_FORUM)) is None:
            session.add(
                m.User(
                    username=NORTH_WEST_FORUM,
                    display_name="North West forum member",
                    password_hash="x",
                    role="forum_member",
                    region_id=w.north_west,
                )
            )
        session.execute(update(m.User).values(email_reminders=not on))
    return Call((on,), {}, None, Action.EDIT_OWN_SETTINGS)


def reminder_sent(w: World) -> Call:
    """A new day each call (one reminder a person a day)."""
    day = date(2030, 1, 1) + timedelta(days=w.n())
    return Call(
        (w.users["london.lead"].id, day, "leon@example.org", 2),
        {},
        None,
        Action.SEND_REMINDERS,
    )


CASES: dict[str, Callable[[World], Call]] = {
    "record_reminder_sent": reminder_sent,
    "set_email_reminders": own_setting,
}
