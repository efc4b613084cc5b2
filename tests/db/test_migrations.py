"""A database made at the first schema revision and filled with data upgrades to the
latest revision with nothing lost, on both engines."""

import pytest
from sqlalchemy import MetaData, inspect, select

from db.engine import current_revision, upgrade_schema
from db.models import Base
from seed.demo import seed_demo_if_empty


def every_table(engine, metadata: MetaData) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            name: sorted(tuple(str(v) for v in row) for row in connection.execute(select(table)))
            for name, table in metadata.tables.items()
        }


def fill_first_revision(engine, source) -> MetaData:
    """The demo data (made on the latest schema in ``source``) copied into a database at
    revision 0001, column by column, as far as that revision has the columns."""
    old = MetaData()
    old.reflect(engine)
    old.remove(old.tables["alembic_version"])
    with source.connect() as reading, engine.begin() as writing:
        for table in Base.metadata.sorted_tables:
            if table.name not in old.tables:
                continue
            target = old.tables[table.name]
            columns = [c for c in table.columns if c.name in target.columns]
            rows = [dict(r._mapping) for r in reading.execute(select(*columns))]
            if rows:
                writing.execute(target.insert(), rows)
    return old


def test_upgrade_from_the_first_revision_keeps_every_row(database_kind):
    if database_kind.unavailable:
        pytest.skip(database_kind.unavailable)
    _url, source = database_kind.new()
    upgrade_schema(source)
    seed_demo_if_empty(source)
    _url, engine = database_kind.new()
    upgrade_schema(engine, "0001")
    assert current_revision(engine) == "0001"
    old = fill_first_revision(engine, source)
    before = every_table(engine, old)
    assert sum(len(rows) for rows in before.values()) > 10_000
    upgrade_schema(engine)
    assert current_revision(engine) != "0001"
    assert every_table(engine, old) == before
    indexes = {i["name"] for i in inspect(engine).get_indexes("audit_event")}
    assert "ix_audit_event_type_region_id" in indexes


def test_metrics_count_people_unless_they_count_events_or_organisations(database_kind):
    """Migration 0006: every existing metric is taken to count people (the safe reading)
    except the national core metrics that count agreements, organisations, sessions and
    events."""
    if database_kind.unavailable:
        pytest.skip(database_kind.unavailable)
    _url, source = database_kind.new()
    upgrade_schema(source)
    seed_demo_if_empty(source)
    _url, engine = database_kind.new()
    upgrade_schema(engine, "0005")
    fill_first_revision(engine, source)
    upgrade_schema(engine)
    metric = Base.metadata.tables["metric"]
    with engine.connect() as connection:
        flags = {r.code: r.counts_people for r in connection.execute(select(metric))}
    assert {code for code, people in flags.items() if not people} == {
        "PW01",
        "PW02",
        "CP01",
        "CL01",
    }
