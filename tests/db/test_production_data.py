"""Production data is honest: outside demo mode only what the AMHE plan says is loaded
(no made-up metric), and a database that already holds the illustrative metrics keeps
them and whatever was entered against them."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import build_engine, upgrade_schema
from db.first_run import first_run_state
from db.manage import main as manage
from db.models import (
    ActionArea,
    Characteristic,
    Metric,
    MetricValue,
    PlanAction,
    Region,
    Theme,
    User,
)
from seed import reference as ref
from seed.demo import add_illustrative_national_metrics, seed_demo_if_empty
from seed.load import ensure_reference_data
from tests.conftest import skip_or_fail


def count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count(model.id)).where(*where))


def test_reference_data_is_the_plan_and_its_lists_and_no_metric(engine):
    assert count(engine, Theme) == len(ref.ALL_THEMES)
    assert count(engine, Theme, Theme.monitoring.is_(True)) == 6
    with Session(engine) as session:
        definitions = dict(session.execute(select(Theme.code, Theme.definition)).all())
    assert definitions == {t.code: t.definition for t in ref.ALL_THEMES}
    assert count(engine, ActionArea) == len(ref.ACTION_AREAS)
    assert count(engine, PlanAction, PlanAction.region_id.is_(None)) == len(ref.PLAN_ACTIONS)
    assert count(engine, Region) == len(ref.REGIONS)
    assert count(engine, Characteristic) == len(ref.CHARACTERISTICS)
    assert count(engine, Metric) == 0
    assert count(engine, User) == 0
    with Session(engine) as session:
        state = first_run_state(session)
    assert not state.defined and not state.coproduced and not state.target_set
    assert not state.complete


def test_the_command_line_loads_no_metric(database_kind, capsys):
    if database_kind.unavailable:
        skip_or_fail(database_kind.unavailable)
    url, engine = database_kind.new()
    assert manage(["--database-url", url, "upgrade"]) == 0
    assert count(engine, PlanAction) == len(ref.PLAN_ACTIONS)
    assert count(engine, Metric) == 0


def test_a_database_that_has_the_illustrative_metrics_keeps_them(engine, illustrative_metrics):
    """Databases set up before the metrics became demo-only have them, and people may
    have entered values against them: a start never deletes them."""
    with Session(engine) as session, session.begin():
        metric = session.scalar(select(Metric).where(Metric.code == "CA01"))
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        session.add(
            MetricValue(
                metric_id=metric.id,
                region_id=london,
                period_start=date(2026, 4, 1),
                value=61.5,
                entered_at=datetime(2026, 7, 20, 10, 0),
            )
        )
    assert ensure_reference_data(engine) is False
    assert count(engine, Metric) == len(ref.NATIONAL_METRICS) == len(illustrative_metrics)
    assert count(engine, MetricValue) == 1


def test_demo_mode_on_a_database_that_has_them_makes_no_second_copy(tmp_path):
    """Such a database with no account yet: the demo seed uses the metrics it finds.
    (SQLite only: the seed is the same code on both engines, and slow on PostgreSQL.)"""
    engine = build_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade_schema(engine)
    ensure_reference_data(engine)
    with Session(engine) as session, session.begin():
        add_illustrative_national_metrics(session)
    assert seed_demo_if_empty(engine) is True
    with Session(engine) as session:
        codes = Counter(session.scalars(select(Metric.code).where(Metric.scope == "national")))
        assert codes == Counter(m.code for m in ref.NATIONAL_METRICS)
        first_run = first_run_state(session)
    assert first_run.complete
    engine.dispose()


def test_first_run_state_names_the_metrics_still_to_set_up(engine, illustrative_metrics):
    """The illustrative metrics as production databases hold them: an invented
    coproduction record with no date, and no target."""
    with Session(engine) as session, session.begin():
        for metric in session.scalars(select(Metric)):
            metric.coproduced_on = None  # the old loader gave no date
    with Session(engine) as session:
        state = first_run_state(session)
        first = session.scalar(select(func.min(Metric.id)))
    assert state.national_metrics == len(ref.NATIONAL_METRICS)
    assert state.defined and not state.coproduced and not state.target_set
    assert state.to_coproduce == state.to_target == first
    with Session(engine) as session, session.begin():
        for metric in session.scalars(select(Metric).order_by(Metric.id).limit(2)):
            metric.coproduced_on = date(2026, 1, 9)
            metric.target_value, metric.target_date = 80.0, date(2028, 4, 1)
        session.get(Metric, first + 2).active = False  # retired: no longer counted
    with Session(engine) as session:
        state = first_run_state(session)
    assert state.national_metrics == len(ref.NATIONAL_METRICS) - 1
    assert state.coproduced and state.target_set and state.complete
    assert state.to_coproduce == state.to_target == first + 3


def test_the_demo_sets_up_its_national_metrics_completely(demo_engine):
    with Session(demo_engine) as session:
        assert first_run_state(session).complete


def test_processes_starting_at_once_load_the_reference_data_once(database_kind):
    """Several app processes starting together on one new database: one loads the
    reference data, the others find it (no duplicate themes, no error)."""
    from concurrent.futures import ThreadPoolExecutor

    if database_kind.unavailable:
        skip_or_fail(database_kind.unavailable)
    url, engine = database_kind.new()
    upgrade_schema(engine)
    engines = [build_engine(url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            loaded = list(pool.map(ensure_reference_data, engines))
        assert loaded.count(True) == 1, loaded
        assert count(engine, Theme) == len(ref.ALL_THEMES)
    finally:
        for each in engines:
            each.dispose()
