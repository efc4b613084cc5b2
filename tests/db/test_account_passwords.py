"""Passwords and regions on accounts: one password rule on every write that sets a
password, an administrator's reset that asks for a new one at the next sign-in, a
person choosing their own, and a region refused (not dropped) for a national role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.passwords import MADE_OF_ACCOUNT, TOO_EASY, check_password
from core.permissions import SYSTEM_ACTOR, Actor
from db import admin
from db.manage import main as manage
from db.models import AuditEvent, LoginAttempt, Region, User
from db.users import change_own_password, create_user, reset_password
from db.writes import WriteRefused

STRONG = "Lantern-kettle-moss-river"


def account(engine, username: str) -> User:
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        session.expunge(user)
        return user


def as_actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.region_id)


def newest_event(engine) -> AuditEvent:
    with Session(engine) as session:
        event = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
        session.expunge(event)
        return event


def counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count(User.id))),
            session.scalar(select(func.count(AuditEvent.id))),
        )


def london_id(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == "london"))


def test_a_common_password_is_refused_when_an_account_is_made(engine):
    before = counts(engine)
    with pytest.raises(WriteRefused, match=TOO_EASY):
        create_user(engine, SYSTEM_ACTOR, "new.lead", "New Lead", "password1234", "national_lead")
    assert counts(engine) == before


def test_a_password_made_of_the_username_is_refused_when_an_account_is_made(engine):
    with pytest.raises(WriteRefused, match=MADE_OF_ACCOUNT):
        create_user(engine, SYSTEM_ACTOR, "sam.lee", "Sam Lee", "sam.lee.sam.lee", "national_lead")


def test_a_region_for_a_national_role_is_refused_when_an_account_is_made(engine):
    before = counts(engine)
    with pytest.raises(WriteRefused, match="National lead is a national role"):
        create_user(engine, SYSTEM_ACTOR, "jo.national", "Jo", STRONG, "national_lead", "london")
    assert counts(engine) == before


def test_a_new_account_can_be_asked_for_a_new_password(engine):
    create_user(
        engine, SYSTEM_ACTOR, "jo.new", "Jo", STRONG, "national_lead", must_change_password=True
    )
    assert account(engine, "jo.new").must_change_password


def test_a_region_for_a_national_role_is_refused_when_an_account_changes(demo_engine):
    me = as_actor(account(demo_engine, "admin"))
    lead = account(demo_engine, "london.lead")
    before = counts(demo_engine)
    with pytest.raises(WriteRefused, match='Set the region to "None"'):
        admin.update_user(
            demo_engine,
            me,
            lead.id,
            display_name=lead.display_name,
            email=lead.email,
            role="national_lead",
            region_id=lead.region_id,
            active=True,
        )
    assert counts(demo_engine) == before
    assert account(demo_engine, "london.lead").role == "regional_lead"


def test_an_administrator_reset_asks_for_a_new_password_and_names_the_account(demo_engine):
    me = as_actor(account(demo_engine, "admin"))
    lead = account(demo_engine, "london.lead")
    assert admin.set_password(demo_engine, me, lead.id, STRONG, must_change_password=True) == (
        "london.lead"
    )
    after = account(demo_engine, "london.lead")
    assert after.must_change_password and check_password(STRONG, after.password_hash)
    event = newest_event(demo_engine)
    assert (event.action, event.entity_id) == ("reset_password", lead.id)
    assert event.after == {"must_change_password": True}
    assert STRONG not in str(event.before) + str(event.after) + event.reason


def test_an_administrator_reset_refuses_a_guessable_password(demo_engine):
    me = as_actor(account(demo_engine, "admin"))
    lead = account(demo_engine, "london.lead")
    with pytest.raises(WriteRefused, match=MADE_OF_ACCOUNT):
        admin.set_password(demo_engine, me, lead.id, "london.lead.london.lead")
    assert account(demo_engine, "london.lead").password_hash == lead.password_hash


def test_an_administrator_reset_ends_the_lock_out(demo_engine):
    with Session(demo_engine) as session, session.begin():
        session.add(LoginAttempt(username="london.lead", succeeded=False))
    me = as_actor(account(demo_engine, "admin"))
    admin.set_password(demo_engine, me, account(demo_engine, "london.lead").id, STRONG)
    with Session(demo_engine) as session:
        left = session.scalar(
            select(func.count(LoginAttempt.id)).where(LoginAttempt.username == "london.lead")
        )
    assert left == 0


def test_choosing_ones_own_password_clears_the_request(demo_engine):
    lead = account(demo_engine, "london.lead")
    reset_password(demo_engine, SYSTEM_ACTOR, "london.lead", STRONG, must_change_password=True)
    assert change_own_password(demo_engine, as_actor(lead), STRONG, "Otter-basalt-violin-7") == (
        "london.lead"
    )
    after = account(demo_engine, "london.lead")
    assert not after.must_change_password
    assert check_password("Otter-basalt-violin-7", after.password_hash)
    event = newest_event(demo_engine)
    assert (event.action, event.reason) == ("update", "Changed their own password")
    assert (event.before, event.after) == (
        {"must_change_password": True},
        {"must_change_password": False},
    )


def test_ones_own_password_needs_the_current_one(demo_engine):
    lead = account(demo_engine, "london.lead")
    with pytest.raises(WriteRefused, match="current password is not right"):
        change_own_password(demo_engine, as_actor(lead), "not-my-password", STRONG)
    assert account(demo_engine, "london.lead").password_hash == lead.password_hash


def test_ones_own_password_follows_the_same_rule(demo_engine):
    lead = account(demo_engine, "london.lead")
    with pytest.raises(WriteRefused, match=TOO_EASY):
        change_own_password(demo_engine, as_actor(lead), "demo-london", "password1234")


def test_the_command_line_reset_follows_the_rule_and_can_ask_for_a_new_one(
    demo_engine, monkeypatch, capsys
):
    url = demo_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("AMHE_NEW_PASSWORD", "password1234")
    assert manage(["--database-url", url, "reset-password", "london.lead"]) == 1
    assert "too easy to guess" in capsys.readouterr().err
    monkeypatch.setenv("AMHE_NEW_PASSWORD", STRONG)
    assert manage(["--database-url", url, "reset-password", "london.lead", "--must-change"]) == 0
    assert "New password set for london.lead." in capsys.readouterr().out
    assert account(demo_engine, "london.lead").must_change_password
