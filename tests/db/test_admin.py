"""Administration writes: only admins, audited, refusals change nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.passwords import check_password
from core.permissions import Actor, PermissionDenied, Role
from db import admin
from db.models import (
    Area,
    AuditEvent,
    Characteristic,
    CharacteristicGroup,
    Metric,
    MetricValue,
    Region,
    User,
)
from db.writes import WriteRefused


def ids(engine):
    with Session(engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        users = {u.username: u for u in session.scalars(select(User))}
        return london, users


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.region_id)


def table_counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (User, Area, CharacteristicGroup, AuditEvent)
        }


@pytest.mark.parametrize("username", ["national.lead", "london.lead", "london.forum"])
def test_only_admins_administer(demo_engine, username):
    london, users = ids(demo_engine)
    actor = actor_of(users[username])
    before = table_counts(demo_engine)
    target = users["london.forum"]
    calls = [
        lambda: admin.update_user(
            demo_engine,
            actor,
            target.id,
            display_name="X",
            email="",
            role="forum_member",
            region_id=london,
            active=False,
        ),
        lambda: admin.set_password(demo_engine, actor, target.id, "a-long-enough-password"),
        lambda: admin.add_area(demo_engine, actor, london, "New ICB"),
        lambda: admin.add_group(demo_engine, actor, "ethnicity", "New group"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert table_counts(demo_engine) == before


def test_admin_deactivates_an_account_and_it_can_no_longer_sign_in(demo_engine):
    london, users = ids(demo_engine)
    admin.update_user(
        demo_engine,
        actor_of(users["admin"]),
        users["london.forum"].id,
        display_name="Forum member",
        email="",
        role="forum_member",
        region_id=london,
        active=False,
        reason="Left the forum",
    )
    with Session(demo_engine) as session:
        user = session.get(User, users["london.forum"].id)
        assert not user.active
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "user")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.reason == "Left the forum"
        assert event.before["active"] is True and event.after["active"] is False
        from db.users import actor_for, credentials

        assert actor_for(session, "london.forum") is None
        assert "london.forum" not in credentials(session)["usernames"]


def test_admin_cannot_lock_themselves_out(demo_engine):
    _, users = ids(demo_engine)
    me = users["admin"]
    with pytest.raises(WriteRefused, match="your own administrator"):
        admin.update_user(
            demo_engine,
            actor_of(me),
            me.id,
            display_name="A",
            email="",
            role=Role.NATIONAL_LEAD,
            region_id=None,
            active=True,
        )


def test_regional_roles_need_a_region(demo_engine):
    _, users = ids(demo_engine)
    with pytest.raises(WriteRefused, match="needs a region"):
        admin.update_user(
            demo_engine,
            actor_of(users["admin"]),
            users["national.lead"].id,
            display_name="N",
            email="",
            role="regional_lead",
            region_id=None,
            active=True,
        )


def test_set_password_checks_length(demo_engine):
    _, users = ids(demo_engine)
    with pytest.raises(WriteRefused, match="12"):
        admin.set_password(demo_engine, actor_of(users["admin"]), users["london.lead"].id, "short")
    admin.set_password(
        demo_engine, actor_of(users["admin"]), users["london.lead"].id, "a-brand-new-password"
    )
    with Session(demo_engine) as session:
        assert check_password(
            "a-brand-new-password", session.get(User, users["london.lead"].id).password_hash
        )


def test_areas_are_added_renamed_and_retired(demo_engine):
    london, users = ids(demo_engine)
    me = actor_of(users["admin"])
    area_id = admin.add_area(demo_engine, me, london, "Merged London ICB")
    with pytest.raises(WriteRefused, match="already has"):
        admin.add_area(demo_engine, me, london, "Merged London ICB")
    admin.update_area(
        demo_engine,
        me,
        area_id,
        name="Greater London ICB",
        kind="ICB",
        active=False,
        reason="Merged",
    )
    with Session(demo_engine) as session:
        area = session.get(Area, area_id)
        assert (area.name, area.active) == ("Greater London ICB", False)
        table = admin.areas_table(session)
        assert "Greater London ICB" in set(table["Area"])


def test_renaming_a_group_moves_its_figures(demo_engine):
    london, users = ids(demo_engine)
    me = actor_of(users["admin"])
    with Session(demo_engine) as session, session.begin():
        group = session.scalar(
            select(CharacteristicGroup)
            .join(Characteristic)
            .where(Characteristic.code == "ethnicity_broad", CharacteristicGroup.name == "White")
        )
        metric = session.scalar(select(Metric).limit(1))
        session.add(
            MetricValue(
                metric_id=metric.id,
                region_id=london,
                period_start=date(2020, 4, 1),
                value=1,
                characteristic="ethnicity_broad",
                group_name="White",
            )
        )
        group_id = group.id
    admin.rename_group(demo_engine, me, group_id, "White (all)", "Census wording")
    with Session(demo_engine) as session:
        names = set(
            session.scalars(
                select(MetricValue.group_name).where(
                    MetricValue.characteristic == "ethnicity_broad"
                )
            )
        )
        assert "White" not in names and "White (all)" in names
    new_id = admin.add_group(demo_engine, me, "ethnicity_broad", "Another group", is_missing=False)
    with pytest.raises(WriteRefused, match="already"):
        admin.add_group(demo_engine, me, "ethnicity_broad", "another group")
    assert new_id
