"""Periods in imported files, on the app's clock: rows of a quarter that has not ended
are flagged "Early" in the dry run (and may be saved); rows of a quarter that has not
begun are refused, naming the row. Metric values and equity counts, on both engines."""

from __future__ import annotations

from datetime import date

import pytest

import db.quarterly
from db import equity as de
from db.metric_import import preview_metric_values
from tests.db.test_equity import HEADER, WHITE, actors, csv, ids  # noqa: F401 - fixture
from tests.db.test_metric_import import actor

TODAY = date(2026, 11, 20)  # in Q3 2026/27


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(db.quarterly, "today", lambda: TODAY)


def test_metric_values_early_are_flagged_and_not_begun_refused(demo_engine, clock):
    lead = actor(demo_engine, "london.lead")
    data = (
        b"region,metric_code,period,value\n"
        b"London,CA01,Q3 2026/27,40\n"
        b"London,PW01,2026-27 q3,3\n"
        b"London,CA01,2026/27 Q4,41\n"
    )
    preview = preview_metric_values(demo_engine, lead, data, "values.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(4, "period")]
    assert str(preview.problems[0]) == (
        "Row 4, period: Q4 2026/27 has not begun yet: figures can be entered once it starts."
    )
    clean = data.rsplit(b"London,CA01,2026/27 Q4", 1)[0]
    preview = preview_metric_values(demo_engine, lead, clean, "values.csv")
    assert preview.ok, preview.problems
    assert [(r["Period"], r["Early"]) for r in preview.display] == [
        ("Q3 2026/27", "Early: not ended"),
        ("Q3 2026/27", "Early: not ended"),
    ]
    assert preview.notices == [
        "Rows 2, 3: Q3 2026/27 has not ended yet, so its figures are early: they can be "
        "entered, but the quarter can be submitted and signed off only once it ends."
    ]


def test_a_quarter_that_has_ended_is_not_early(demo_engine, clock):
    lead = actor(demo_engine, "london.lead")
    data = b"region,metric_code,period,value\nLondon,CA01,Q2 2026/27,40\n"
    preview = preview_metric_values(demo_engine, lead, data, "values.csv")
    assert not preview.problems and not preview.notices
    assert preview.display[0]["Early"] == ""


def test_equity_counts_early_are_flagged_and_not_begun_refused(engine, ids, clock):  # noqa: F811
    lead = actors(ids)["london_lead"]
    data = csv(
        HEADER,
        f"London,Q2 2026/27,right_support,ethnicity_broad,{WHITE},90,100",
        f"London,2026-27 Q3,right_support,ethnicity_broad,{WHITE},91,100",
        f"London,2026/27,mha_detentions,ethnicity_broad,{WHITE},5,",
        f"London,Q1 2027/28,right_support,ethnicity_broad,{WHITE},92,100",
    )
    preview = de.preview_equity_counts(engine, lead, data, "figures.csv")
    assert [str(p) for p in preview.problems] == [
        "Row 5, period: Q1 2027/28 has not begun yet: figures can be entered once it starts."
    ]
    clean = data.rsplit(b"\nLondon,Q1 2027/28", 1)[0] + b"\n"
    preview = de.preview_equity_counts(engine, lead, clean, "figures.csv")
    assert preview.ok, preview.problems
    assert [(r["Period"], r["Early"]) for r in preview.display] == [
        ("Q2 2026/27", ""),
        ("Q3 2026/27", "Early: not ended"),
        ("2026/27", "Early: not ended"),
    ]
    assert [n.split(":")[0] for n in preview.notices] == ["Row 4", "Row 3"]
