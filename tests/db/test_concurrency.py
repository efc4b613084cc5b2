"""Several people saving at once: on SQLite nobody sees "database is locked"."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.permissions import SYSTEM_ACTOR
from db.admin import add_area
from db.models import Area, AuditEvent, Region


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
