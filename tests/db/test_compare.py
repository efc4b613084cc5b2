"""Reads for comparing regions: each region's latest value, the national figure (pooled
proportion, total or mean) and its series, aggregated in SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db import compare, queries
from db.models import Metric, MetricValue, Region

Q1 = date(2026, 4, 1)
Q2 = date(2026, 7, 1)
Q3 = date(2026, 10, 1)


def _ids(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    regions = dict(session.execute(select(Region.code, Region.id)).all())
    metrics = dict(session.execute(select(Metric.code, Metric.id)).all())
    return regions, metrics


def _value(session, metric_id, region_id, period, value, numerator=None, denominator=None, **kw):
    session.add(
        MetricValue(
            metric_id=metric_id,
            region_id=region_id,
            period_start=period,
            value=value,
            numerator=numerator,
            denominator=denominator,
            **kw,
        )
    )


@pytest.fixture
def filled(engine, illustrative_metrics):
    """CA01 (percentage), PW01 (count) and CP02 (score) for three regions."""
    with Session(engine) as session:
        regions, metrics = _ids(session)
        london, north_west, midlands = (
            regions["london"],
            regions["north_west"],
            regions["midlands"],
        )
        ca01, pw01, cp02 = metrics["CA01"], metrics["PW01"], metrics["CP02"]
        # CA01: 10/100 and 40/100 and 80/200 in Q2: mean 30%, pooled 130/400 = 32.5%.
        _value(session, ca01, london, Q1, 50.0, 50, 100)
        _value(session, ca01, london, Q2, 10.0, 10, 100)
        _value(session, ca01, north_west, Q1, 20.0, 20, 100)
        _value(session, ca01, north_west, Q2, 40.0, 40, 100)
        _value(session, ca01, midlands, Q2, 40.0, 80, 200)
        # Rows that must not count: a group's value, a blank value.
        _value(session, ca01, london, Q2, 99.0, 99, 100, characteristic="ethnicity", group_name="X")
        _value(session, ca01, midlands, Q3, None)
        # PW01: counts; only London has entered Q3 so far.
        _value(session, pw01, london, Q2, 4.0)
        _value(session, pw01, north_west, Q2, 6.0)
        _value(session, pw01, midlands, Q2, 5.0)
        _value(session, pw01, london, Q3, 7.0)
        # CP02: a score; the mean.
        _value(session, cp02, london, Q2, 10.0)
        _value(session, cp02, north_west, Q2, 20.0)
        session.commit()
    return engine, regions, metrics


def test_national_metrics_are_the_active_national_ones_in_theme_order(
    engine, illustrative_metrics
) -> None:
    with Session(engine) as session:
        frame = compare.national_metrics(session)
    assert len(frame) == 12
    assert frame["code"].tolist()[:4] == ["CA01", "CA02", "SK01", "SK02"]
    assert set(frame["unit"]) <= {"percentage", "count", "score", "rate"}
    assert frame["theme"].iloc[0] == "Cultural awareness"


def test_latest_value_per_region_with_numerator_and_denominator(filled) -> None:
    engine, regions, metrics = filled
    with Session(engine) as session:
        ids = list(regions.values())
        frame = compare.latest_values(session, ids, [metrics["CA01"]])
    by_region = {int(r.region_id): r for r in frame.itertuples(index=False)}
    assert set(by_region) == {regions["london"], regions["north_west"], regions["midlands"]}
    london = by_region[regions["london"]]
    assert (london.period_start, london.value, london.numerator, london.denominator) == (
        Q2,
        10.0,
        10,
        100,
    )
    midlands = by_region[regions["midlands"]]  # its blank Q3 value is skipped
    assert (midlands.period_start, midlands.value) == (Q2, 40.0)


def test_latest_values_only_for_the_regions_asked(filled) -> None:
    engine, regions, metrics = filled
    with Session(engine) as session:
        frame = compare.latest_values(session, [regions["london"]])
        local = Metric(
            code="LON-X", name="Local", theme_id=1, unit="count", direction="increase",
            scope="local", region_id=regions["london"],
        )  # fmt: skip
        session.add(local)
        session.flush()
        _value(session, local.id, regions["london"], Q2, 3.0)
        session.flush()
        assert local.id not in set(compare.latest_values(session, [regions["london"]])["metric_id"])
        assert local.id in set(
            compare.latest_values(session, [regions["london"]], [local.id])["metric_id"]
        )
        assert compare.latest_values(session, []).empty
    assert set(frame["region_id"]) == {regions["london"]}
    pw01 = frame[frame["metric_id"] == metrics["PW01"]].iloc[0]
    assert (pw01.period_start, pw01.value) == (Q3, 7.0)


def test_percentage_national_figure_is_pooled(filled) -> None:
    engine, regions, metrics = filled
    with Session(engine) as session:
        figures = compare.national_figures(session, list(regions.values()))
    ca01 = figures[figures["metric_id"] == metrics["CA01"]].iloc[0]
    assert ca01["method"] == "pooled"
    assert ca01["period_start"] == Q2
    assert ca01["numerator"] == 130 and ca01["denominator"] == 400
    assert ca01["proportion"] == pytest.approx(0.325)
    assert ca01["value"] == pytest.approx(32.5)  # not the mean of 10, 40, 40 (30)
    assert ca01["scale"] == 100
    assert ca01["regions_counted"] == 3 and ca01["regions_total"] == len(regions)
    assert ca01["sentence"].startswith("The national figure is pooled")


def test_count_national_figure_is_the_total_of_the_quarter_most_regions_reported(
    filled,
) -> None:
    engine, regions, metrics = filled
    with Session(engine) as session:
        figures = compare.national_figures(session, list(regions.values()), [metrics["PW01"]])
    pw01 = figures.iloc[0]
    # London's early Q3 value alone does not make the national figure.
    assert (pw01["method"], pw01["period_start"], pw01["value"]) == ("sum", Q2, 15.0)


def test_score_national_figure_is_the_mean_and_missing_metric_has_none(filled) -> None:
    engine, regions, metrics = filled
    with Session(engine) as session:
        figures = compare.national_figures(session, list(regions.values()))
    by_code = {
        code: figures[figures["metric_id"] == metric_id].iloc[0]
        for code, metric_id in metrics.items()
        if metric_id in set(figures["metric_id"])
    }
    assert len(figures) == 12
    assert (by_code["CP02"]["method"], by_code["CP02"]["value"]) == ("mean", 15.0)
    assert by_code["CL01"]["method"] == "none" and pd.isna(by_code["CL01"]["value"])


def test_national_figure_only_from_the_regions_given(filled) -> None:
    engine, regions, metrics = filled
    with Session(engine) as session:
        figures = compare.national_figures(
            session, [regions["london"], regions["north_west"]], [metrics["CA01"]]
        )
    assert figures.iloc[0]["value"] == pytest.approx(25.0)  # 50 / 200
    assert figures.iloc[0]["regions_total"] == 2


def test_national_series_by_quarter(filled) -> None:
    engine, regions, metrics = filled
    with Session(engine) as session:
        series = compare.national_series(
            session, list(regions.values()), metrics["CA01"], "percentage"
        )
    assert series["period_start"].tolist() == [Q1, Q2]
    assert series["value"].tolist() == pytest.approx([35.0, 32.5])  # 70/200, 130/400
    assert series["method"].tolist() == ["pooled", "pooled"]


def test_period_totals_aggregate_in_sql(filled) -> None:
    engine, regions, metrics = filled
    with Session(engine) as session:
        totals = compare.period_totals(session, list(regions.values()), [metrics["CA01"]])
    q2 = totals[totals["period_start"] == Q2].iloc[0]
    assert (q2["regions"], q2["paired"]) == (3, 3)
    assert (float(q2["numerator_sum"]), float(q2["denominator_sum"])) == (130.0, 400.0)
    assert float(q2["value_sum"]) == 90.0 and float(q2["value_mean"]) == 30.0
    assert float(q2["ratio_mean"]) == pytest.approx(100.0)


def test_reads_are_a_fixed_number_of_queries(demo_engine) -> None:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with Session(demo_engine) as session:
        ids = queries.regions(session)["id"].tolist()
        metric_id = int(compare.national_metrics(session)["id"].iloc[0])
        counts = []
        event.listen(demo_engine, "before_cursor_execute", count)
        try:
            for region_ids in (ids, ids[:1]):
                statements.clear()
                compare.latest_values(session, region_ids)
                compare.national_figures(session, region_ids)
                compare.national_series(session, region_ids, metric_id, "percentage")
                counts.append(len(statements))
        finally:
            event.remove(demo_engine, "before_cursor_execute", count)
    assert counts[0] == counts[1] <= 4


def test_demo_data_every_region_has_a_pooled_figure(demo_engine) -> None:
    with Session(demo_engine) as session:
        ids = queries.regions(session)["id"].tolist()
        metrics = compare.national_metrics(session)
        figures = compare.national_figures(session, ids)
        latest = compare.latest_values(session, ids)
    percentages = set(metrics.loc[metrics["unit"] == "percentage", "id"])
    pooled = figures[figures["metric_id"].isin(percentages)]
    assert (pooled["method"] == "pooled").all()
    assert (pooled["regions_counted"] == len(ids)).all()
    assert len(latest) == len(ids) * len(metrics)


def test_metrics_with_values_are_the_national_ones_with_an_overall_value(filled) -> None:
    engine, regions, metrics = filled
    with Session(engine) as session:
        found = compare.metrics_with_values(session, list(regions.values()))
        only_midlands = compare.metrics_with_values(session, [regions["midlands"]])
        assert compare.metrics_with_values(session, []) == set()
    assert found == {metrics["CA01"], metrics["PW01"], metrics["CP02"]}
    assert only_midlands == {metrics["CA01"], metrics["PW01"]}


def test_a_rate_is_pooled_at_its_own_scale(engine, illustrative_metrics) -> None:
    with Session(engine) as session:
        regions, metrics = _ids(session)
        theme_id = session.get(Metric, metrics["CA01"]).theme_id
        rate = Metric(
            code="RT01", name="Detentions per 100,000", theme_id=theme_id, unit="rate",
            direction="decrease", scope="national",
        )  # fmt: skip
        session.add(rate)
        session.flush()
        # 12 in 10,000 (120 per 100,000) and 3 in 50,000 (6 per 100,000): pooled 15/60,000.
        _value(session, rate.id, regions["london"], Q2, 120.0, 12, 10_000)
        _value(session, rate.id, regions["midlands"], Q2, 6.0, 3, 50_000)
        session.commit()
        figure = compare.national_figures(session, list(regions.values()), [rate.id]).iloc[0]
    assert figure["method"] == "pooled" and figure["scale"] == 100_000
    assert figure["value"] == pytest.approx(25.0)  # not the mean, 63
    assert figure["proportion"] == pytest.approx(15 / 60_000)
    assert "shown per 100,000" in figure["sentence"]
