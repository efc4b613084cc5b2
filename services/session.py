"""Signing in: the accounts the authenticator checks, lock-out, and who is signed in.

These run before anyone is signed in, so they take the engine rather than a request
context (which carries the signed-in actor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.lockout import lock_message
from core.permissions import Actor
from db import users
from db.engine import DatabaseUnavailable, unavailable_message
from db.models import Region, utcnow

__all__ = [
    "LOST_DATABASE",
    "DatabaseUnavailable",
    "SignedIn",
    "credentials",
    "lock_words",
    "record_login_attempt",
    "signed_in",
    "unavailable_message",
]

#: What a page raises when the database goes away while it runs (the router says so
#: in a sentence: :func:`unavailable_message`).
LOST_DATABASE: tuple[type[Exception], ...] = (OperationalError,)


@dataclass(frozen=True)
class SignedIn:
    """The person signed in: the actor, the name to show, their region's name, and
    whether they must choose a new password before anything else (an administrator's
    reset asked for one)."""

    actor: Actor
    name: str
    region_name: str | None
    must_change_password: bool = False


def credentials(engine: Engine) -> dict[str, Any]:
    """Active accounts in the shape streamlit-authenticator expects (read each run)."""
    with Session(engine) as session:
        return users.credentials(session)


def lock_words(engine: Engine, username: str) -> str | None:
    """Why ``username`` may not try to sign in now (it is locked), or None when it may."""
    now = utcnow()
    with Session(engine) as session:
        until = users.lock_ends(session, username, now)
    return None if until is None else lock_message(until, now)


def record_login_attempt(engine: Engine, username: str, succeeded: bool) -> None:
    """Keep a sign-in attempt (the lock-out counts the failures)."""
    users.record_login_attempt(engine, username, succeeded)


def signed_in(engine: Engine, username: str) -> SignedIn | None:
    """The active account called ``username``, or None (gone, or no longer active)."""
    with Session(engine) as session:
        actor = users.actor_for(session, username)
        if actor is None:
            return None
        region = session.get(Region, actor.region_id) if actor.region_id else None
        return SignedIn(
            actor,
            users.display_name(session, username),
            region.name if region else None,
            users.must_change_password(session, username),
        )
