"""A database made at the first schema revision and filled with data upgrades to the
latest revision with nothing lost, on both engines."""

import pytest
from sqlalchemy import inspect, select

from db.engine import current_revision, upgrade_schema
from db.models import Base
from seed.demo import seed_demo_if_empty


def every_table(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            name: sorted(tuple(str(v) for v in row) for row in connection.execute(select(table)))
            for name, table in Base.metadata.tables.items()
        }


def test_upgrade_from_the_first_revision_keeps_every_row(database_kind):
    if database_kind.unavailable:
        pytest.skip(database_kind.unavailable)
    _url, engine = database_kind.new()
    upgrade_schema(engine, "0001")
    assert current_revision(engine) == "0001"
    seed_demo_if_empty(engine)
    before = every_table(engine)
    assert sum(len(rows) for rows in before.values()) > 10_000
    upgrade_schema(engine)
    assert current_revision(engine) != "0001"
    assert every_table(engine) == before
    indexes = {i["name"] for i in inspect(engine).get_indexes("audit_event")}
    assert "ix_audit_event_type_region_id" in indexes
