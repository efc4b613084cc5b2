"""The synthetic scale data: the right shape, and the same every time for a seed."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Area, EquityCount, Metric, MetricValue, Region
from seed import synthetic


@pytest.fixture
def small(monkeypatch):
    """A tenth of the time dimension and fewer metrics keep the test quick; the
    structure (regions, areas, breakdowns) is the real one."""
    monkeypatch.setattr(synthetic, "QUARTERS", synthetic.QUARTERS[:2])
    monkeypatch.setattr(synthetic, "NATIONAL_METRICS", 2)
    monkeypatch.setattr(synthetic, "LOCAL_METRICS_PER_REGION", 2)


def fingerprint(engine) -> tuple:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count(MetricValue.id))),
            round(session.scalar(select(func.sum(MetricValue.value))), 6),
            session.scalar(select(func.sum(EquityCount.numerator))),
        )


def test_shape_at_scale_one(engine, small):
    counts = synthetic.build_synthetic(engine, scale=1, seed=3)
    with Session(engine) as session:
        assert session.scalar(select(func.count(Region.id))) == 7
        assert session.scalar(select(func.count(Area.id))) == 42
        metrics = session.scalar(select(func.count(Metric.id)).where(Metric.code.like("SYN-%")))
        assert metrics == 2 + 2 * 7
        # Its own synthetic metrics only: the demo's illustrative ones are not loaded.
        assert session.scalar(select(func.count(Metric.id))) == metrics
    # per series and quarter: 1 overall + the 19 census ethnic groups
    series = 2 * 7 + 2 * 7
    assert counts["metric_value"] == series * 2 * (1 + 19)
    assert counts["audit_event"] == counts["metric_value"]


def test_values_obey_the_rules_the_app_enforces(engine, small):
    """Every value could have been typed into the app: broken down only by its metric's
    characteristic, counts whole, percentages within 0 to 100."""
    synthetic.build_synthetic(engine, scale=1, seed=3)
    with Session(engine) as session:
        rows = session.execute(
            select(
                MetricValue.value, MetricValue.characteristic, Metric.unit, Metric.disaggregated_by
            ).join(Metric, Metric.id == MetricValue.metric_id)
        ).all()
    assert rows
    for value, characteristic, unit, breakdown in rows:
        assert characteristic in ("", breakdown)
        if unit == "count":
            assert value == int(value) and value >= 0
        if unit == "percentage":
            assert 0 <= value <= 100


def test_scale_multiplies_regions_and_the_same_seed_gives_the_same_data(database_kind, small):
    from db.engine import upgrade_schema

    if database_kind.unavailable:
        pytest.skip(database_kind.unavailable)
    prints = []
    for seed in (5, 5):
        _url, engine = database_kind.new()
        upgrade_schema(engine)
        counts = synthetic.build_synthetic(engine, scale=2, seed=seed)
        with Session(engine) as session:
            assert session.scalar(select(func.count(Region.id))) == 14
        prints.append(fingerprint(engine))
        assert counts["plan_action"] == 14 * synthetic.ACTIONS_PER_REGION
    assert prints[0] == prints[1]


def test_refuses_a_database_with_data(demo_engine, small):
    with pytest.raises(SystemExit, match="already has data"):
        synthetic.build_synthetic(demo_engine, scale=1)


def test_audit_events_name_their_values_and_new_values_can_still_be_added(engine, small):
    from db.models import AuditEvent

    synthetic.build_synthetic(engine, scale=1, seed=3)
    with Session(engine) as session:
        value_ids = set(session.scalars(select(MetricValue.id)))
        named = set(
            session.scalars(
                select(AuditEvent.entity_id).where(AuditEvent.entity_type == "metric_value")
            )
        )
        assert named == value_ids
        # On PostgreSQL the ids were given, so the id sequence must have moved past them.
        first = session.scalars(select(MetricValue)).first()
        session.add(
            MetricValue(
                metric_id=first.metric_id,
                region_id=first.region_id,
                period_start=first.period_start,
                characteristic="",
                group_name="a new group",
                value=1.0,
                note="",
                version=1,
                entered_at=first.entered_at,
            )
        )
        session.flush()
