"""Accounts: every write checks permission, audits, and a refusal changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.passwords import check_password
from core.permissions import SYSTEM_ACTOR, Actor, PermissionDenied, Role
from db.models import AuditEvent, LoginAttempt, User, utcnow
from db.users import (
    actor_for,
    create_user,
    credentials,
    lock_ends,
    record_login_attempt,
    reset_password,
)
from db.writes import WRITE_REGISTRY, WriteRefused


def counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count(User.id))),
            session.scalar(select(func.count(AuditEvent.id))),
        )


def test_admin_creates_a_user_with_an_audit_event(engine):
    user_id = create_user(
        engine, SYSTEM_ACTOR, "New.Lead", "New Lead", "a-long-password!", "regional_lead", "london"
    )
    with Session(engine) as session:
        user = session.get(User, user_id)
        assert user.username == "new.lead"
        assert user.region.code == "london"
        assert check_password("a-long-password!", user.password_hash)
        event = session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "user"))
        assert event.action == "create" and event.entity_id == user_id
        assert "password_hash" not in (event.after or {})


@pytest.mark.parametrize("role", [Role.NATIONAL_LEAD, Role.REGIONAL_LEAD, Role.FORUM_MEMBER])
def test_only_admins_create_users_and_a_refusal_changes_nothing(engine, role):
    actor = Actor(None, "someone", role, 1)
    before = counts(engine)
    with pytest.raises(PermissionDenied):
        create_user(engine, actor, "x.user", "X", "a-long-password!", "forum_member", "london")
    assert counts(engine) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("short.pw", "S", "short", "national_lead", None), "at least 12"),
        (("no.region", "N", "a-long-password!", "regional_lead", None), "needs a region"),
        (("bad.region", "B", "a-long-password!", "forum_member", "atlantis"), "no region"),
        (("bad.role", "B", "a-long-password!", "superuser", None), "not a role"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(engine, args, message):
    before = counts(engine)
    with pytest.raises(WriteRefused, match=message):
        create_user(engine, SYSTEM_ACTOR, *args)
    assert counts(engine) == before


def test_duplicate_username_refused(engine):
    create_user(engine, SYSTEM_ACTOR, "dup", "D", "a-long-password!", "national_lead")
    with pytest.raises(WriteRefused, match="already taken"):
        create_user(engine, SYSTEM_ACTOR, "DUP", "D", "a-long-password!", "national_lead")


def test_reset_password_clears_the_lock(engine):
    create_user(engine, SYSTEM_ACTOR, "locked", "L", "a-long-password!", "national_lead")
    for _ in range(5):
        record_login_attempt(engine, "locked", False)
    with Session(engine) as session:
        assert lock_ends(session, "locked") is not None
    reset_password(engine, SYSTEM_ACTOR, "locked", "another-long-password")
    with Session(engine) as session:
        assert lock_ends(session, "locked") is None
        user = session.scalar(select(User).where(User.username == "locked"))
        assert check_password("another-long-password", user.password_hash)


def test_lockout_counts_failures_since_the_last_success(engine):
    for _ in range(4):
        record_login_attempt(engine, "someone", False)
    record_login_attempt(engine, "someone", True)
    record_login_attempt(engine, "someone", False)
    with Session(engine) as session:
        assert lock_ends(session, "someone") is None
        for _ in range(4):
            session.add(LoginAttempt(username="someone", attempted_at=utcnow(), succeeded=False))
        session.commit()
        until = lock_ends(session, "someone")
        assert until is not None and until > utcnow() + timedelta(minutes=14)


def test_unknown_usernames_lock_too_so_locking_reveals_nothing(engine):
    for _ in range(5):
        record_login_attempt(engine, "nobody.here", False)
    with Session(engine) as session:
        assert lock_ends(session, "nobody.here") is not None


def test_credentials_and_actor_come_from_the_database(engine):
    create_user(
        engine, SYSTEM_ACTOR, "reader", "Reader", "a-long-password!", "forum_member", "north_west"
    )
    with Session(engine) as session:
        creds = credentials(session)
        assert creds["usernames"]["reader"]["name"] == "Reader"
        assert creds["usernames"]["reader"]["password"].startswith("$2")
        actor = actor_for(session, "reader")
        assert actor.role == "forum_member" and actor.region_id is not None
        assert actor_for(session, "ghost") is None


def test_user_writes_are_registered():
    assert {"create_user", "reset_password"} <= set(WRITE_REGISTRY)
