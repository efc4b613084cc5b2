"""Several people saving at once: on SQLite nobody sees "database is locked", and on
both engines nobody overwrites a change they did not see (optimistic concurrency)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.errors import StaleWrite
from core.permissions import SYSTEM_ACTOR
from db.admin import add_area
from db.models import Area, AuditEvent, PlanAction, Region
from db.writes import STALE_MESSAGE, unit_of_work


def test_concurrent_writers_all_succeed(engine):
    with Session(engine) as session:
        region_ids = list(session.scalars(select(Region.id)))
        areas_before = session.scalar(select(func.count(Area.id)))

    def save(n: int) -> int:
        # Each write reads (checks the name is free) and then writes: the pattern that
        # fails with "database is locked" when transactions start deferred.
        return add_area(engine, SYSTEM_ACTOR, region_ids[n % len(region_ids)], f"Area {n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(save, range(80)))
    assert len(set(results)) == 80
    with Session(engine) as session:
        assert session.scalar(select(func.count(Area.id))) == areas_before + 80
        assert (
            session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.entity_type == "area")
            )
            == 80
        )


def _first_action(engine) -> tuple[int, int, str]:
    with Session(engine) as session:
        action = session.scalars(select(PlanAction).order_by(PlanAction.id)).first()
        assert action is not None
        return action.id, action.version, action.title


def _change_meanwhile(engine, uow, action_id: int, version: int) -> None:
    """Someone else saves the action after the write read it. On PostgreSQL they commit
    from their own connection; on SQLite the write holds the write lock (BEGIN
    IMMEDIATE), so the change is made behind the ORM's back in the same transaction."""
    change = (
        update(PlanAction.__table__)
        .where(PlanAction.__table__.c.id == action_id)
        .values(title="Their title", version=version + 1)
    )
    if engine.dialect.name == "postgresql":
        with engine.begin() as theirs:
            theirs.execute(change)
    else:
        uow.session.execute(change)


def test_a_change_saved_after_the_write_read_the_row_refuses_the_write(engine):
    """The version counter (db.models.versioned) makes the UPDATE match only the version
    the page showed: a change that lands between the write's read and its UPDATE (which
    comparing the versions as read cannot see) refuses it, with the write's message."""
    action_id, version, title = _first_action(engine)
    with (
        pytest.raises(StaleWrite, match=r"^Someone else changed this action\.$"),
        unit_of_work(engine, SYSTEM_ACTOR) as uow,
    ):
        action = uow.session.get(PlanAction, action_id)
        uow.expect_version(action, version, "Someone else changed this action.")
        _change_meanwhile(engine, uow, action_id, version)
        action.title = "My title"
        action.version += 1
    with Session(engine) as session:
        stored = session.get(PlanAction, action_id)
        assert stored.title != "My title"
        if engine.dialect.name == "postgresql":
            assert (stored.title, stored.version) == ("Their title", version + 1)
        else:
            assert (stored.title, stored.version) == (title, version)


def test_a_version_already_moved_on_is_refused_before_anything_else(engine):
    action_id, version, _title = _first_action(engine)
    with (
        pytest.raises(StaleWrite, match=r"^Changed\.$"),
        unit_of_work(engine, SYSTEM_ACTOR) as uow,
    ):
        action = uow.session.get(PlanAction, action_id)
        uow.expect_version(action, version - 1, "Changed.")
        pytest.fail("expect_version should have refused the write")


def test_a_row_changed_under_a_write_without_a_form_is_not_overwritten(engine):
    """Writes that were not given a version are guarded too (the version they read),
    and refused with the general message."""
    action_id, version, _title = _first_action(engine)
    with pytest.raises(StaleWrite) as refused, unit_of_work(engine, SYSTEM_ACTOR) as uow:
        action = uow.session.get(PlanAction, action_id)
        _change_meanwhile(engine, uow, action_id, version)
        action.owner = "Me"
    assert str(refused.value) == STALE_MESSAGE
