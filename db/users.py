"""People: accounts, sign-in attempts, and the writes that manage them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from core.entities import Entity
from core.lockout import LOCK_FOR, WINDOW, locked_until
from core.passwords import check_password, hash_password, password_problem
from core.permissions import REGIONAL_ROLES, ROLE_LABELS, Action, Actor, Role
from db.models import LoginAttempt, Region, User, utcnow
from db.writes import UnitOfWork, WriteRefused, registered_write, snapshot

USER_FIELDS = ("username", "display_name", "email", "role", "region_id", "active")


def credentials(session: Session) -> dict[str, Any]:
    """Active accounts in the shape streamlit-authenticator expects (built each run)."""
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    return {
        "usernames": {
            u.username: {
                "name": u.display_name,
                "email": u.email,
                "password": u.password_hash,
                "roles": [u.role],
                "failed_login_attempts": 0,
                "logged_in": False,
            }
            for u in users
        }
    }


def actor_for(session: Session, username: str) -> Actor | None:
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        return None
    return Actor(user.id, user.username, user.role, user.region_id)


def display_name(session: Session, username: str) -> str:
    return session.scalar(select(User.display_name).where(User.username == username)) or username


def must_change_password(session: Session, username: str) -> bool:
    """Whether an administrator's reset asks this person for a new password first."""
    return bool(session.scalar(select(User.must_change_password).where(User.username == username)))


def account_problem(user: User, new_password: str) -> str | None:
    """Why ``new_password`` will not do for this account (core.passwords' one rule, with
    the account's own username, name and email as the words to refuse), or None."""
    return password_problem(new_password, (user.username, user.display_name, user.email))


def no_region_for(role: str) -> str:
    """The refusal for a region chosen with a national role."""
    label = ROLE_LABELS.get(role, role)
    return (
        f"{label} is a national role and works across every region, so it has no region. "
        'Set the region to "None", or choose a regional role (regional lead or forum member).'
    )


def lock_ends(session: Session, username: str, now: datetime | None = None) -> datetime | None:
    """When the lock on ``username`` ends, or None when it may try to sign in."""
    now = now or utcnow()
    since = now - WINDOW - LOCK_FOR
    rows = session.execute(
        select(LoginAttempt.attempted_at, LoginAttempt.succeeded)
        .where(LoginAttempt.username == username, LoginAttempt.attempted_at >= since)
        .order_by(LoginAttempt.attempted_at)
    ).all()
    failures: list[datetime] = []
    for attempted_at, succeeded in rows:
        failures = [] if succeeded else [*failures, attempted_at]
    return locked_until(failures, now)


def record_login_attempt(engine: Engine, username: str, succeeded: bool) -> None:
    """Keep one sign-in attempt. Not a user's write (nobody is signed in yet), so it is
    outside the write registry; old attempts are pruned as it goes."""
    now = utcnow()
    with Session(engine) as session, session.begin():
        session.add(LoginAttempt(username=username[:200], attempted_at=now, succeeded=succeeded))
        session.execute(
            delete(LoginAttempt).where(LoginAttempt.attempted_at < now - timedelta(days=30))
        )


def _region_id(uow: UnitOfWork, role: str, region_code: str | None) -> int | None:
    if role not in {r.value for r in Role}:
        raise WriteRefused(
            f"'{role}' is not a role. Choose one of: {', '.join(r.value for r in Role)}."
        )
    if role not in REGIONAL_ROLES:
        if region_code:
            raise WriteRefused(no_region_for(role))
        return None
    if not region_code:
        raise WriteRefused("A regional lead or forum member needs a region.")
    region = uow.session.scalar(
        select(Region).where((Region.code == region_code) | (Region.name == region_code))
    )
    if region is None:
        raise WriteRefused(f"There is no region called '{region_code}'.")
    return region.id


@registered_write(Action.MANAGE_USERS, entity=Entity.USER)
def create_user(
    uow: UnitOfWork,
    username: str,
    display_name: str,
    password: str,
    role: str,
    region_code: str | None = None,
    email: str = "",
    *,
    must_change_password: bool = False,
) -> int:
    """Add an account; with ``must_change_password`` the person chooses their own
    password when they first sign in."""
    uow.require(Action.MANAGE_USERS)
    username = username.strip().lower()
    if not username:
        raise WriteRefused("A username is needed.")
    if problem := password_problem(password, (username, display_name, email)):
        raise WriteRefused(problem)
    if uow.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise WriteRefused(f"The username '{username}' is already taken.")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        email=email.strip(),
        password_hash=hash_password(password),
        role=role,
        region_id=_region_id(uow, role, region_code),
        must_change_password=bool(must_change_password),
    )
    uow.session.add(user)
    uow.session.flush()
    uow.audit(Entity.USER, user.id, "create", after=snapshot(user, USER_FIELDS))
    return user.id


def give_password(
    session: Session, user: User, new_password: str, must_change: bool
) -> dict[str, Any]:
    """Give ``user`` a password set by an administrator (refused unless it passes the
    one rule) and end any lock-out; returns the audit's before and after (never the
    password itself)."""
    if problem := account_problem(user, new_password):
        raise WriteRefused(problem)
    before = {"must_change_password": bool(user.must_change_password)}
    user.password_hash = hash_password(new_password)
    user.must_change_password = bool(must_change)
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == user.username))
    return {"before": before, "after": {"must_change_password": bool(must_change)}}


def reset_reason(by: str, must_change: bool) -> str:
    """The audit's reason for a password set by an administrator."""
    return f"Password {by} an administrator" + (
        "; a new one is needed at the next sign-in" if must_change else ""
    )


@registered_write(Action.MANAGE_USERS, entity=Entity.USER)
def reset_password(
    uow: UnitOfWork, username: str, new_password: str, *, must_change_password: bool = False
) -> None:
    """An administrator (or ``python -m db.manage reset-password``) sets a password."""
    uow.require(Action.MANAGE_USERS)
    user = uow.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise WriteRefused(f"There is no account called '{username}'.")
    changes = give_password(uow.session, user, new_password, must_change_password)
    uow.audit(
        Entity.USER,
        user.id,
        "reset_password",
        **changes,
        reason=reset_reason("reset by", must_change_password),
    )


@registered_write(Action.EDIT_OWN_SETTINGS, entity=Entity.USER)
def change_own_password(uow: UnitOfWork, current_password: str, new_password: str) -> str:
    """The signed-in person chooses their own new password (which ends any request for
    one at the next sign-in); returns their username. The current password is asked
    for, so a forgotten open session cannot be used to take the account."""
    uow.require(Action.EDIT_OWN_SETTINGS)
    user = uow.session.scalar(select(User).where(User.username == uow.actor.username))
    if user is None or not user.active:
        raise WriteRefused(
            "Only a person signed in with their own account can change its password."
        )
    if not check_password(current_password, user.password_hash):
        raise WriteRefused("The current password is not right. Nothing was changed.")
    if new_password == current_password:
        raise WriteRefused("The new password must be different from the current one.")
    if problem := account_problem(user, new_password):
        raise WriteRefused(problem)
    before = {"must_change_password": bool(user.must_change_password)}
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    uow.audit(
        Entity.USER,
        user.id,
        "update",
        before=before,
        after={"must_change_password": False},
        reason="Changed their own password",
        region_id=user.region_id,
    )
    return user.username
