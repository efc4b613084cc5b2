"""Theme progress: each region's themes from its metrics (Open SDG measure, combined) and
its actions; the trend figure; and that it is read in a fixed handful of queries."""

from __future__ import annotations

import math
from datetime import date

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.metric_progress import MetricSpec, metric_progress
from core.statuses import PROGRESS_STATUSES
from db import cache, queries
from db.models import ActionArea, Metric, MetricValue, PlanAction, Region, Theme
from db.theme_progress import (
    THEME_STATUS_COLUMNS,
    metric_statuses,
    theme_statuses,
    theme_trend,
)

TARGET_DATE = date(2027, 4, 1)  # 2027.25
BASELINE = date(2023, 4, 1)  # 2023.25


def _ids(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    regions = dict(session.execute(select(Region.code, Region.id)).all())
    themes = dict(session.execute(select(Theme.code, Theme.id)).all())
    return regions, themes


def _metric(session: Session, code: str, theme_id: int, region_id: int, **fields) -> Metric:
    values = {
        "name": f"Metric {code}",
        "unit": "count",
        "direction": "increase",
        "scope": "local",
        "baseline_period": BASELINE,
        "target_date": TARGET_DATE,
        **fields,
    }
    metric = Metric(code=code, theme_id=theme_id, region_id=region_id, **values)
    session.add(metric)
    session.flush()
    return metric


def _values(session: Session, metric_id: int, region_id: int, points: dict[date, float]) -> None:
    for period, value in points.items():
        session.add(
            MetricValue(metric_id=metric_id, region_id=region_id, period_start=period, value=value)
        )


def _action(session: Session, region_id: int, theme_ids: list[int], status: str) -> None:
    area_id = session.scalars(select(ActionArea.id)).first()
    themes = list(session.scalars(select(Theme).where(Theme.id.in_(theme_ids))))
    session.add(
        PlanAction(
            region_id=region_id, action_area_id=area_id, title="A", status=status, themes=themes
        )
    )


@pytest.fixture
def made(engine, illustrative_metrics):
    """London with hand-made metrics and actions (worked examples below)."""
    with Session(engine) as session, session.begin():
        regions, themes = _ids(session)
        london, north_west = regions["london"], regions["north_west"]
        culture, staff = themes["cultural_awareness"], themes["staff_knowledge_awareness"]
        workforce = themes["workforce"]
        # Cultural awareness: one metric well ahead, one slow (worked out below).
        up = _metric(session, "T-UP", culture, london, target_value=40)
        _values(
            session,
            up.id,
            london,
            {date(2023, 4, 1): 20, date(2024, 4, 1): 26, date(2025, 4, 1): 30},
        )
        down = _metric(session, "T-DOWN", culture, london, direction="decrease", target_value=10)
        _values(
            session,
            down.id,
            london,
            {date(2023, 4, 1): 20, date(2024, 4, 1): 17, date(2025, 4, 1): 19},
        )
        # Staff knowledge: both local metrics reached their targets.
        reached_up = _metric(session, "T-R1", staff, london, target_value=50)
        _values(session, reached_up.id, london, {date(2023, 4, 1): 30, date(2025, 4, 1): 55})
        reached_down = _metric(
            session, "T-R2", staff, london, direction="decrease", target_value=10
        )
        _values(session, reached_down.id, london, {date(2023, 4, 1): 20, date(2025, 4, 1): 8})
        # Partnership working: the national count metric PW01 (no target) grows 1% a year.
        pw01 = session.scalars(select(Metric).where(Metric.code == "PW01")).one()
        _values(session, pw01.id, london, {date(2023, 4, 1): 100, date(2025, 4, 1): 102.01})
        # Workforce: a local metric with only half a year of values.
        short = _metric(session, "T-SHORT", workforce, london, target_value=40)
        _values(session, short.id, london, {date(2023, 4, 1): 20, date(2023, 10, 1): 25})
        # North West has a metric of the same theme; it must not leak into London.
        other = _metric(session, "T-NW", culture, north_west, target_value=40)
        _values(session, other.id, north_west, {date(2023, 4, 1): 40, date(2025, 4, 1): 1})
        for status in ("complete", "on_track", "on_track", "at_risk"):
            _action(session, london, [culture], status)
        _action(session, london, [culture, staff], "off_track")  # counts in both themes
        _action(session, north_west, [culture], "complete")
    return engine


def _row(frame, region_id: int, theme_id: int):
    rows = frame[(frame["region_id"] == region_id) & (frame["theme_id"] == theme_id)]
    assert len(rows) == 1
    return rows.iloc[0]


def _target_score(p: float) -> float:
    return min(7.1429 * p - 4.2857, 5) if p >= 0.6 else max(4.1667 * p - 2.5, -5)


def test_theme_status_is_the_mean_score_of_its_metrics(made):
    with Session(made) as session:
        regions, themes = _ids(session)
        frame = theme_statuses(session, [regions["london"]])
    row = _row(frame, regions["london"], themes["cultural_awareness"])
    # T-UP: 20 -> 30 in 2 years, needs 20 -> 40 in 4 years.
    p_up = ((30 / 20) ** (1 / 2) - 1) / abs((40 / 20) ** (1 / 4) - 1)
    # T-DOWN (decrease is better): 20 -> 19 in 2 years, needs 20 -> 10 in 4 years.
    p_down = -1 * ((19 / 20) ** (1 / 2) - 1) / abs((10 / 20) ** (1 / 4) - 1)
    assert p_up == pytest.approx(1.18783, abs=1e-5)
    assert p_down == pytest.approx(0.15914, abs=1e-5)
    expected = (_target_score(p_up) + _target_score(p_down)) / 2
    assert expected == pytest.approx(1.18095, abs=1e-4)
    assert row["score"] == pytest.approx(expected)
    assert row["status"] == "moderate_progress"  # 0 <= mean < 2.5
    assert row["status_label"] == "Moderate progress"
    assert row["metrics_counted"] == 2
    assert row["metrics_total"] == 4  # two local and the national CA01, CA02 (no values)
    assert "Based on 2 measures" in row["explanation"]
    assert "1 substantial progress" in row["explanation"]
    assert "1 limited progress" in row["explanation"]


def test_target_achieved_only_when_every_metric_achieved_it(made):
    with Session(made) as session:
        regions, themes = _ids(session)
        frame = theme_statuses(session, [regions["london"]])
    staff = _row(frame, regions["london"], themes["staff_knowledge_awareness"])
    assert staff["status"] == "target_achieved"
    assert staff["score"] == pytest.approx(5.0)
    culture = _row(frame, regions["london"], themes["cultural_awareness"])
    assert culture["status"] != "target_achieved"


def test_national_metric_without_target_uses_fixed_growth_rates(made):
    with Session(made) as session:
        regions, themes = _ids(session)
        frame = theme_statuses(session, [regions["london"]])
    row = _row(frame, regions["london"], themes["partnership_working"])
    # 1% a year: between 0.5% and 1.5% is moderate; score 250 * 0.01 - 1.25 = 1.25.
    assert row["score"] == pytest.approx(1.25, abs=1e-6)
    assert row["status"] == "moderate_progress"
    assert (row["metrics_counted"], row["metrics_total"]) == (1, 2)


def test_themes_without_enough_data_are_not_available(made):
    with Session(made) as session:
        regions, themes = _ids(session)
        frame = theme_statuses(session, [regions["london"]])
    workforce = _row(frame, regions["london"], themes["workforce"])
    assert workforce["status"] == "not_available"
    assert workforce["status_label"] == "Not enough data yet"
    assert math.isnan(workforce["score"]) or workforce["score"] is None
    assert workforce["explanation"].startswith("Not enough data yet")
    assert workforce["metrics_counted"] == 0
    coproduction = _row(frame, regions["london"], themes["coproduction"])
    assert coproduction["status"] == "not_available"
    assert coproduction["metrics_total"] == 2  # CP01 and CP02, with no values at all


def test_action_shares_count_the_regions_tagged_actions(made):
    with Session(made) as session:
        regions, themes = _ids(session)
        frame = theme_statuses(session, [regions["london"], regions["north_west"]])
    culture = _row(frame, regions["london"], themes["cultural_awareness"])
    assert culture["actions_total"] == 5
    assert culture["actions_complete"] == 1
    assert culture["actions_on_track"] == 2
    assert culture["share_complete"] == pytest.approx(0.2)
    assert culture["share_on_track"] == pytest.approx(0.4)
    staff = _row(frame, regions["london"], themes["staff_knowledge_awareness"])
    assert (staff["actions_total"], staff["share_complete"]) == (1, 0)
    workforce = _row(frame, regions["london"], themes["workforce"])
    assert workforce["actions_total"] == 0
    assert workforce["share_complete"] is None or math.isnan(workforce["share_complete"])
    nw = _row(frame, regions["north_west"], themes["cultural_awareness"])
    assert (nw["actions_total"], nw["share_complete"]) == (1, 1.0)
    # North West's own metric went the wrong way; London's did not count there.
    assert nw["status"] == "deterioration"
    assert (nw["metrics_counted"], nw["metrics_total"]) == (1, 3)


def test_a_metric_without_a_direction_is_not_guessed(made):
    with Session(made) as session, session.begin():
        regions, themes = _ids(session)
        bad = _metric(session, "T-BAD", themes["co_learning"], regions["london"], direction="")
        _values(session, bad.id, regions["london"], {date(2023, 4, 1): 1, date(2025, 4, 1): 5})
    with Session(made) as session:
        metrics = metric_statuses(session, [regions["london"]])
        frame = theme_statuses(session, [regions["london"]])
    row = metrics[metrics["code"] == "T-BAD"].iloc[0]
    assert row["status"] == "not_available"
    assert "needs a direction" in row["explanation"]
    assert _row(frame, regions["london"], themes["co_learning"])["status"] == "not_available"


def test_a_manual_status_is_shown_but_not_scored(made):
    with Session(made) as session, session.begin():
        regions, themes = _ids(session)
        metric = session.scalars(select(Metric).where(Metric.code == "T-SHORT")).one()
        metric.manual_status = "substantial_progress"
        metric.manual_status_reason = "Agreed by the Regional Forum"
    with Session(made) as session:
        metrics = metric_statuses(session, [regions["london"]])
        frame = theme_statuses(session, [regions["london"]])
    row = metrics[metrics["code"] == "T-SHORT"].iloc[0]
    assert row["status"] == "substantial_progress"
    assert row["explanation"] == "Agreed by the Regional Forum."
    workforce = _row(frame, regions["london"], themes["workforce"])
    assert workforce["status"] == "not_available"
    assert workforce["explanation"] == (
        "Not enough data yet: none of its 3 metrics has a score, which needs values at least "
        "a year apart (1 has a status set by hand, which has no score)."
    )


def test_metric_statuses_list_national_then_local_with_latest_value(made):
    with Session(made) as session:
        regions, _ = _ids(session)
        metrics = metric_statuses(session, [regions["london"]])
    codes = metrics["code"].tolist()
    assert codes[:12] == sorted(codes[:12]) and codes[0] == "CA01"
    assert set(codes[12:]) == {"T-UP", "T-DOWN", "T-R1", "T-R2", "T-SHORT"}
    up = metrics[metrics["code"] == "T-UP"].iloc[0]
    assert (up["latest_period"], up["latest_value"]) == (date(2025, 4, 1), 30)
    assert up["status"] == "substantial_progress"
    ca01 = metrics[metrics["code"] == "CA01"].iloc[0]
    assert ca01["latest_value"] is None or math.isnan(ca01["latest_value"])


def test_trend_is_the_theme_score_as_it_stood_each_quarter(made):
    with Session(made) as session:
        regions, themes = _ids(session)
        trend = theme_trend(session, regions["london"])
        today = theme_statuses(session, [regions["london"]])
    culture = trend[trend["theme_id"] == themes["cultural_awareness"]]
    # Q1 2023/24 holds only the baselines (no score before a year of values), so the trend
    # starts a year later. By Q1 2024/25: T-UP went 20 -> 26 in a year, needing
    # 20 -> 40 in four; T-DOWN (decrease) 20 -> 17 in a year, needing 20 -> 10.
    p_up = (26 / 20 - 1) / abs((40 / 20) ** (1 / 4) - 1)
    p_down = -1 * (17 / 20 - 1) / abs((10 / 20) ** (1 / 4) - 1)
    assert p_up == pytest.approx(1.58556, abs=1e-5)  # score capped at 5
    assert p_down == pytest.approx(0.94278, abs=1e-5)  # just short of substantial
    first = (_target_score(p_up) + _target_score(p_down)) / 2
    assert first == pytest.approx(3.72427, abs=1e-4)
    assert culture["period_start"].tolist() == [date(2024, 4, 1), date(2025, 4, 1)]
    assert culture["period"].tolist() == ["Q1 2024/25", "Q1 2025/26"]
    assert culture["score"].tolist() == pytest.approx([first, 1.18095], abs=1e-4)
    assert culture["status_label"].tolist() == ["Substantial progress", "Moderate progress"]
    assert culture["metrics_counted"].tolist() == [2, 2]
    # The latest point is the theme's score today.
    now = _row(today, regions["london"], themes["cultural_awareness"])
    assert culture["score"].iloc[-1] == pytest.approx(now["score"])
    # Workforce's only metric has half a year of values: no score, so no trend.
    assert themes["workforce"] not in set(trend["theme_id"])
    staff = trend[trend["theme_id"] == themes["staff_knowledge_awareness"]]
    assert staff["status"].tolist() == ["target_achieved"]


def test_trend_ignores_a_status_set_by_hand(made):
    with Session(made) as session, session.begin():
        regions, themes = _ids(session)
        for metric in session.scalars(select(Metric).where(Metric.code.in_(["T-UP", "T-DOWN"]))):
            metric.manual_status = "deterioration"
            metric.manual_status_reason = "Data quality concerns"
    with Session(made) as session:
        trend = theme_trend(session, regions["london"])
        today = theme_statuses(session, [regions["london"]])
    culture = trend[trend["theme_id"] == themes["cultural_awareness"]]
    assert culture["score"].tolist() == pytest.approx([3.72427, 1.18095], abs=1e-4)
    assert _row(today, regions["london"], themes["cultural_awareness"])["status"] == (
        "not_available"
    )


def test_regions_without_data_get_a_row_per_theme_not_available(engine):
    with Session(engine) as session:
        ids = queries.regions(session)["id"].tolist()
        frame = theme_statuses(session, ids)
        trend = theme_trend(session, ids[0])
    assert list(frame.columns) == THEME_STATUS_COLUMNS
    assert len(frame) == len(ids) * 6
    assert set(frame["status"]) == {"not_available"}
    assert set(frame["status_label"]) == {"Not enough data yet"}
    assert trend.empty


def test_demo_database_every_region_and_theme_has_a_row(demo_engine):
    with Session(demo_engine) as session:
        regions = queries.regions(session)
        themes = queries.monitoring_themes(session)
        frame = theme_statuses(session, regions["id"].tolist())
        metrics = metric_statuses(session, regions["id"].tolist())
    assert len(regions) == 7 and len(themes) == 6
    pairs = set(zip(frame["region_id"], frame["theme_id"], strict=True))
    assert pairs == {(r, t) for r in regions["id"] for t in themes["id"]}
    assert set(frame["status"]) <= set(PROGRESS_STATUSES)
    assert (frame["actions_total"] > 0).all()
    assert (frame["metrics_counted"] > 0).all()
    assert frame["explanation"].str.len().gt(10).all()
    # Each theme's score is the mean of its metrics' scores in that region.
    for row in frame.itertuples():
        mine = metrics[
            (metrics["region_id"] == row.region_id) & (metrics["theme_id"] == row.theme_id)
        ]
        assert row.score == pytest.approx(mine["score"].dropna().mean())


def test_batch_statuses_match_the_metric_by_metric_calculation(demo_engine):
    with Session(demo_engine) as session:
        region_id = session.scalar(select(Region.id).where(Region.code == "north_west"))
        batch = metric_statuses(session, [region_id]).set_index("metric_id")
        definitions = queries.metric_definitions(session, region_id)
        for _, definition in definitions.iterrows():
            series = queries.metric_series(session, [region_id], [definition["id"]])
            result = metric_progress(
                MetricSpec.from_mapping(definition),
                zip(series["period_start"], series["value"], strict=True),
            )
            row = batch.loc[definition["id"]]
            assert row["status"] == result.status, definition["code"]
            assert row["explanation"] == result.explanation
    assert len(batch) == len(definitions)


def test_reads_take_a_fixed_number_of_queries(demo_engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with Session(demo_engine) as session:
        ids = queries.regions(session)["id"].tolist()
        event.listen(demo_engine, "before_cursor_execute", count)
        try:
            theme_statuses(session, ids)
            all_regions = len(statements)
            statements.clear()
            theme_statuses(session, ids[:1])
            kept = len(statements)  # that region's rows were kept from the read before
            statements.clear()
            cache.clear()
            theme_statuses(session, ids[:1])
            one_region = len(statements)
            statements.clear()
            theme_trend(session, ids[0])
            trend = len(statements)
        finally:
            event.remove(demo_engine, "before_cursor_execute", count)
    # Four reads, plus the cache's freshness checks (db.cache): one for the statuses and
    # one for the values they start from, which metric statuses share.
    assert all_regions == one_region <= 6
    assert kept == 1, "one freshness check"
    assert trend <= 5


def test_a_repeat_read_is_one_freshness_check(demo_engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with Session(demo_engine) as session:
        ids = queries.regions(session)["id"].tolist()
        first = theme_statuses(session, ids)
        event.listen(demo_engine, "before_cursor_execute", count)
        try:
            again = theme_statuses(session, ids)
        finally:
            event.remove(demo_engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert again.equals(first)
