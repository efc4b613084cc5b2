"""The schema: migrations match the models, constraints hold on both engines."""

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.engine import current_revision, upgrade_schema
from db.models import Base, Metric, MetricValue, Region, Theme


def test_migrations_produce_exactly_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent_and_records_the_revision(engine):
    before = current_revision(engine)
    upgrade_schema(engine)
    assert current_revision(engine) == before is not None
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_foreign_keys_are_enforced(engine):
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(
            Metric(
                code="X1",
                name="x",
                theme_id=9999,
                unit="count",
                direction="increase",
                scope="national",
            )
        )


def test_one_value_per_metric_region_period_and_group(engine):
    with Session(engine) as session, session.begin():
        theme = session.scalar(select(Theme).limit(1))
        region = session.scalar(select(Region).limit(1))
        metric = Metric(
            code="X2",
            name="x",
            theme_id=theme.id,
            unit="count",
            direction="increase",
            scope="national",
        )
        session.add(metric)
        session.flush()
        session.add(
            MetricValue(
                metric_id=metric.id, region_id=region.id, period_start=date(2024, 4, 1), value=1
            )
        )
        ids = (metric.id, region.id)
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(
            MetricValue(metric_id=ids[0], region_id=ids[1], period_start=date(2024, 4, 1), value=2)
        )


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
