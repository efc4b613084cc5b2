"""The meeting pack's charts, drawn as lines and shapes: the same points as the screen
chart, axes that cover them, every point inside the plot and where its value says, and
labels that fit."""

from __future__ import annotations

import io
import itertools
from datetime import date

import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pypdf import PdfReader

from core.metric_series import BASELINE, RECORDED, TARGET, TRAJECTORY, chart_frame
from reports.paper_chart import (
    EMPTY_TEXT,
    QUARTER_SPACING,
    Label,
    Line,
    Marker,
    PaperChart,
    chart_shapes,
    labelled_quarters,
    nice_ticks,
    paper_chart,
)
from reports.pdf import ReportPDF

DEFINITION = {
    "code": "CA01",
    "name": "Staff trained in cultural awareness",
    "unit": "percentage",
    "baseline_period": date(2023, 4, 1),
    "baseline_value": 40.0,
    "target_date": date(2027, 3, 31),
    "target_value": 90.0,
}
QUARTERS = [date(2023, 4, 1), date(2023, 7, 1), date(2023, 10, 1), date(2024, 1, 1)]
VALUES = pd.DataFrame({"period_start": QUARTERS, "value": [42.0, 47.5, 55.0, 61.0]})
BOX = (10.0, 20.0, 100.0, 60.0)


def shapes(chart: PaperChart) -> list:
    return chart_shapes(chart, *BOX)


def test_the_paper_chart_has_the_screen_charts_points():
    chart = paper_chart(DEFINITION, VALUES)
    frame = chart_frame(DEFINITION, VALUES)
    assert len(chart.points) == len(frame)
    assert chart.series(RECORDED) == [(0, 42.0), (1, 47.5), (2, 55.0), (3, 61.0)]
    assert chart.series(BASELINE) == [(0, 40.0)]
    # The target's quarter (Q4 2026/27) is the last on the axis, however far ahead.
    assert chart.quarters[0] == "Q1 2023/24" and chart.quarters[-1] == "Q4 2026/27"
    assert chart.series(TARGET) == [(len(chart.quarters) - 1, 90.0)]
    assert chart.series(TRAJECTORY) == [(0, 40.0), (len(chart.quarters) - 1, 90.0)]
    assert chart.y_title == "Percentage (%)"
    # From zero, like the screen chart, and high enough for the target.
    assert chart.y_ticks[0] == 0 and chart.y_ticks[-1] >= 90


def test_points_sit_inside_the_plot_in_order_and_at_their_values():
    chart = paper_chart(DEFINITION, VALUES)
    drawn = shapes(chart)
    x, y, w, h = BOX
    markers = [s for s in drawn if isinstance(s, Marker)]
    # One marker per recorded value, the baseline and the target; none for the straight line.
    assert [m.shape for m in markers].count("circle") == 4
    assert [m.shape for m in markers].count("square") == 1
    assert [m.shape for m in markers].count("diamond") == 1
    for marker in markers:
        assert x < marker.x < x + w and y < marker.y < y + h
    recorded = [m for m in markers if m.shape == "circle"]
    assert [m.x for m in recorded] == sorted(m.x for m in recorded), "oldest on the left"
    # Rising values are drawn higher up the page (smaller y).
    assert [m.y for m in recorded] == sorted((m.y for m in recorded), reverse=True)
    # Heights are proportional to the values above zero.
    zero = next(s for s in drawn if isinstance(s, Label) and s.text == "0")
    top = next(s for s in drawn if isinstance(s, Label) and s.text == "100")
    per_unit = (zero.y - top.y) / 100
    assert recorded[2].y - recorded[3].y == pytest.approx(6 * per_unit)


def test_the_straight_line_is_dashed_and_drawn_under_the_values():
    lines = [s for s in shapes(paper_chart(DEFINITION, VALUES)) if isinstance(s, Line)]
    coloured = [line for line in lines if line.width == 0.5]
    assert len(coloured) == 2
    trajectory, recorded = coloured
    assert trajectory.dash is not None and recorded.dash is None
    assert len(trajectory.points) == 2 and len(recorded.points) == 4


def test_every_quarter_is_labelled_when_there_is_room_and_the_newest_always():
    assert labelled_quarters(0, 5) == []
    assert labelled_quarters(4, 10) == [0, 1, 2, 3]
    assert labelled_quarters(40, 2) == list(range(0, 40, 3))  # every third: 6 mm apart
    assert labelled_quarters(41, 2) == list(range(1, 41, 3))  # from the newest back
    many = pd.DataFrame(
        {"period_start": pd.date_range("2015-04-01", periods=48, freq="QS-APR").date, "value": 1.0}
    )
    chart = paper_chart({"unit": "count"}, many)
    labels = [s for s in shapes(chart) if isinstance(s, Label) and s.angle == 45]
    assert labels[-1].text == chart.quarters[-1]
    gaps = [b.x - a.x for a, b in itertools.pairwise(labels)]
    assert min(gaps) >= QUARTER_SPACING - 1e-9


def test_a_metric_without_values_says_so():
    chart = paper_chart({"unit": "count"}, pd.DataFrame(columns=["period_start", "value"]))
    drawn = shapes(chart)
    assert not [s for s in drawn if isinstance(s, Marker)]
    assert EMPTY_TEXT in [s.text for s in drawn if isinstance(s, Label)]


@given(st.floats(-1e6, 0, allow_nan=False), st.floats(0, 1e6, allow_nan=False))
@example(0.0, 5e-324)  # a span too small for a logarithm: an axis from 0 to 1
def test_ticks_are_few_evenly_spaced_and_cover_the_values(low, high):
    ticks = nice_ticks(low, high)
    assert 2 <= len(ticks) <= 6
    step = ticks[1] - ticks[0]
    # Covered to within a millionth of a step (far less than a printed dot).
    assert ticks[0] <= low + step * 1e-6 and ticks[-1] >= high - step * 1e-6
    for a, b in itertools.pairwise(ticks):
        assert b - a == pytest.approx(step, rel=1e-6), ticks
    assert 0 in ticks, "zero is always on the axis"


def test_the_chart_is_drawn_on_the_page_with_readable_labels():
    pdf = ReportPDF("Test")
    pdf.add_page()
    pdf.chart(
        paper_chart(DEFINITION, VALUES),
        title="CA01: Staff trained",
        description="In words",
        width_mm=100,
        height_mm=60,
    )
    reader = PdfReader(io.BytesIO(pdf.output_bytes()))
    text = reader.pages[0].extract_text()
    for expected in ("Q1 2023/24", "Quarter (financial year)", "Percentage (%)", "100"):
        assert expected in text, expected
    assert len(reader.pages[0].images) == 0, "drawn as shapes, not a picture"
