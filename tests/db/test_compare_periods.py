"""Compare regions by period: each region's value and the national figure in a chosen
quarter or financial year (read in SQL on SQLite and PostgreSQL), the ranking's 95%
intervals under the disclosure rule, the change between two periods for one region, and
the funnel plot allowing for extra variation between regions."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from core.config import load_settings
from core.periods import Period
from core.permissions import Actor, Role
from db import compare
from services import compare as sc
from services.context import RequestContext
from tests.db.test_compare import Q1, Q2, filled  # noqa: F401  (the fixture)

YEAR = Period(date(2026, 4, 1), "year")


def _ctx(engine, role: str = Role.NATIONAL_LEAD, region_id: int | None = None):
    actor = Actor(user_id=None, username="someone", role=role, region_id=region_id)
    return RequestContext(load_settings(require_cookie_key=False), engine, actor)


def test_a_quarter_and_a_year_of_a_percentage(filled) -> None:  # noqa: F811
    engine, regions, metrics = filled
    ids = [regions["london"], regions["north_west"], regions["midlands"]]
    with Session(engine) as session:
        quarter, figure = compare.period_values(
            session, ids, metrics["CA01"], "percentage", Q2, Period(Q2).end
        )
        year, year_figure = compare.period_values(
            session, ids, metrics["CA01"], "percentage", YEAR.start, YEAR.end
        )
    by_region = quarter.set_index("region_id")
    assert by_region.loc[regions["london"], ["value", "numerator", "denominator"]].tolist() == [
        10.0,
        10.0,
        100.0,
    ]
    assert set(quarter["period_start"]) == {Q2}
    # Q2: 10/100, 40/100, 80/200 pooled: 130/400 = 32.5%.
    assert figure["method"] == "pooled"
    assert figure["value"] == pytest.approx(32.5)
    # The year: London (50 + 10)/200 = 30%, North West (20 + 40)/200 = 30%, Midlands
    # 80/200 = 40% (its blank Q3 does not count); national 200/600 = 33.3%.
    values = dict(zip(year["region_id"], year["value"], strict=True))
    assert values == pytest.approx(
        {regions["london"]: 30.0, regions["north_west"]: 30.0, regions["midlands"]: 40.0}
    )
    assert year_figure["value"] == pytest.approx(100 * 200 / 600)
    assert year_figure["numerator"] == 200 and year_figure["denominator"] == 600


def test_a_year_of_a_count_is_its_total(filled) -> None:  # noqa: F811
    engine, regions, metrics = filled
    ids = [regions["london"], regions["north_west"], regions["midlands"]]
    with Session(engine) as session:
        year, figure = compare.period_values(
            session, ids, metrics["PW01"], "count", YEAR.start, YEAR.end
        )
    values = dict(zip(year["region_id"], year["value"], strict=True))
    assert values == {regions["london"]: 11.0, regions["north_west"]: 6.0, regions["midlands"]: 5.0}
    assert figure["method"] == "sum" and figure["value"] == 22.0


def _latest(rows: list[tuple[int, float, float | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "region_id": r,
                "metric_id": 1,
                "period_start": Q2,
                "value": v,
                "numerator": n,
                "denominator": d,
            }
            for r, v, n, d in rows
        ],
        columns=compare.LATEST_COLUMNS,
    )


METRIC = pd.Series(
    {"id": 1, "code": "T1", "name": "Test", "unit": "percentage", "direction": "increase"}
)


def test_ranking_carries_intervals_and_follows_disclosure(engine) -> None:
    names = {1: "One", 2: "Two"}
    latest = _latest([(1, 30.0, 30, 100), (2, 75.0, 3, 4)])
    exact = sc.ranking_table(latest, METRIC, names, ctx=_ctx(engine))
    row = exact.set_index("Region").loc["One"]
    assert (row["Lower 95%"], row["Upper 95%"]) == pytest.approx((21.89, 39.58), abs=0.01)
    assert row["Value (95% interval)"] == "30% (21.9% to 39.6%)"
    assert not pd.isna(exact.set_index("Region").loc["Two", "Lower 95%"])
    # A forum member of another region sees region 2's small counts hidden: no interval.
    controlled = sc.ranking_table(
        latest, METRIC, names, ctx=_ctx(engine, Role.FORUM_MEMBER, region_id=99)
    )
    two = controlled.set_index("Region").loc["Two"]
    assert pd.isna(two["Lower 95%"]) and pd.isna(two["Value"])
    assert controlled.set_index("Region").loc["One", "Value (95% interval)"].startswith("30% (")


def test_a_count_has_no_interval_columns(engine) -> None:
    count = METRIC.copy()
    count["unit"] = "count"
    table = sc.ranking_table(_latest([(1, 4.0, None, None)]), count, {1: "One"}, ctx=_ctx(engine))
    assert "Lower 95%" not in table.columns and "Value (95% interval)" not in table.columns


def test_the_change_between_two_periods_for_a_region(filled) -> None:  # noqa: F811
    engine, regions, metrics = filled
    ca01 = pd.Series({"id": metrics["CA01"], "unit": "percentage", "code": "CA01"})
    found = sc.period_change(_ctx(engine), regions["london"], ca01, Period(Q1), Period(Q2))
    # 50/100 then 10/100: down 40 points, an interval far from 0.
    assert found.change is not None and found.change.difference == pytest.approx(-40.0)
    assert found.change.beyond_chance is True
    assert "went down by 40 percentage points" in found.sentence
    assert found.table["Period"].tolist() == ["Q1 2026/27", "Q2 2026/27"]
    assert found.table["Value (95% interval)"].iloc[0].startswith("50% (")


def test_the_funnel_allows_for_extra_variation_when_asked(engine) -> None:
    names = {1: "One", 2: "Two", 3: "Three", 4: "Four"}
    latest = _latest(
        [(1, 40.0, 400, 1000), (2, 0.5, 5, 1000), (3, 40.0, 400, 1000), (4, 0.5, 5, 1000)]
    )
    figure = pd.Series(
        {"method": "pooled", "period_start": Q2, "scale": 100.0, "value": 20.25,
         "proportion": 810 / 4000}
    )  # fmt: skip
    comparison = sc.MetricComparison(latest, figure, pd.DataFrame(), pd.DataFrame())
    plain = sc.funnel(comparison, METRIC, names)
    assert all(p.outside for p in plain.placed)
    assert not plain.adjusted and plain.notes[0].startswith("Every region (4 of 4)")
    assert plain.dispersion is not None and plain.dispersion.phi > 1
    wide = sc.funnel(comparison, METRIC, names, adjust=True)
    assert wide.adjusted and "widened" in wide.notes[0]
    assert not any(p.outside for p in wide.placed)
    assert wide.curve["upper_95"].max() > plain.curve["upper_95"].max()
