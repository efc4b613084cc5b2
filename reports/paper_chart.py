"""A metric's chart drawn straight onto a PDF page with fpdf2's lines and shapes, for the
meeting pack.

The points are the screen chart's (``core.metric_series.chart_frame``), drawn with
the same colours, point shapes and dashes (``SERIES``), so paper and screen show the same
thing. Drawing them as shapes takes about a millisecond a chart; rendering the Altair
chart to a picture took about a tenth of a second and a JavaScript engine's memory, which
made a pack for a region with sixty metrics take eight seconds.

:func:`paper_chart` works out what to draw and :func:`chart_shapes` where (both pure, so
tests check the geometry); :func:`draw_chart` puts the shapes on the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from fpdf import FPDF

from core.formatting import format_value
from core.metric_series import SERIES, TRAJECTORY, axis_title, chart_frame
from core.periods import format_period, quarters_between
from core.spc import COMMON_CAUSE, POINT_STYLES, XmrResult

#: Type sizes (points) of the axis labels and the axis titles.
LABEL_SIZE = 6.5
TITLE_SIZE = 7
#: Millimetres per point of type.
PT = 25.4 / 72
#: The least room between two labelled quarters on the x axis (mm): labels are slanted,
#: so they may sit closer than their length.
QUARTER_SPACING = 4.2
GRID = "#DDDDDD"
AXIS = "#555555"
TEXT = "#212121"
EMPTY_TEXT = "No values recorded yet."


@dataclass(frozen=True)
class PaperChart:
    """What a metric's chart shows: the quarters along the bottom (oldest first), the
    points of each series as (series, quarter index, value), the value axis's ticks and
    its title."""

    quarters: tuple[str, ...]
    points: tuple[tuple[str, int, float], ...]
    y_ticks: tuple[float, ...]
    y_title: str

    def series(self, name: str) -> list[tuple[int, float]]:
        """One series' points, oldest first."""
        return sorted((q, v) for s, q, v in self.points if s == name)


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float
    dash: tuple[float, float] | None = None


@dataclass(frozen=True)
class Marker:
    shape: str  # "circle", "square", "diamond" or "triangle-up"
    x: float
    y: float
    colour: str
    size: float = 1.9


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    size: float = LABEL_SIZE
    angle: float = 0  # degrees, anticlockwise about (x, y)
    align: str = "left"  # which end of the text sits at (x, y): "left", "right", "centre"


Shape = Line | Marker | Label


def nice_ticks(low: float, high: float, most: int = 6) -> tuple[float, ...]:
    """Evenly spaced round numbers (1, 2, 2.5 or 5 times a power of ten) covering
    ``low`` to ``high``, at most ``most`` of them. Charts start their value axis at zero,
    so ``low`` <= 0 <= ``high`` in use."""
    if not high - low > 1e-9:  # one value (or none): an axis from it to one more
        high = low + 1
    raw = (high - low) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    while True:
        first = math.floor(low / step) * step
        count = math.ceil(high / step) - round(first / step) + 1
        if count <= most:
            break
        step *= 2
    places = max(0, 2 - math.floor(math.log10(step)))  # enough to keep the step exact
    return tuple(round(first + i * step, places) for i in range(count))


def paper_chart(definition: Mapping[str, Any], values: pd.DataFrame) -> PaperChart:
    """The chart of one metric for paper: the same points as the screen chart
    (``components.metric_chart.build_metric_chart``) and, like it, a value axis from
    zero."""
    frame = chart_frame(definition, values)
    if frame.empty:
        return PaperChart((), (), (), axis_title(definition.get("unit"), definition.get("name")))
    starts = quarters_between(min(frame["period_start"]), max(frame["period_start"]))
    index = {start: i for i, start in enumerate(starts)}
    points = tuple(
        (str(s), index[p], float(v))
        for s, p, v in zip(frame["series"], frame["period_start"], frame["value"], strict=True)
    )
    values_drawn = [v for _, _, v in points]
    ticks = nice_ticks(min(0.0, *values_drawn), max(0.0, *values_drawn))
    return PaperChart(
        tuple(format_period(s) for s in starts),
        points,
        ticks,
        axis_title(definition.get("unit"), definition.get("name")),
    )


def labelled_quarters(count: int, room: float) -> list[int]:
    """Which of ``count`` quarters get a label when each has ``room`` mm: every one when
    they fit, else every second (or third...), always the newest."""
    if count == 0:
        return []
    every = max(1, math.ceil(QUARTER_SPACING / room)) if room > 0 else count
    chosen = list(range(count - 1, -1, -every))
    return sorted(chosen)


def text_width(text: str, size: float) -> float:
    """A string's width (mm) in a sans-serif face at ``size`` points: an estimate (about
    half an em a character) used only to leave room for labels."""
    return len(text) * size * PT * 0.55


@dataclass(frozen=True)
class _Frame:
    """The plotting area of a chart in its box (mm) and how values map into it."""

    left: float
    right: float
    top: float
    bottom: float
    low: float
    high: float
    count: int

    def to_y(self, value: float) -> float:
        return self.bottom - (value - self.low) / (self.high - self.low) * (self.bottom - self.top)

    def to_x(self, quarter: int) -> float:
        return self.left + (quarter + 0.5) * (self.right - self.left) / max(self.count, 1)


def _frame(chart: PaperChart, x: float, y: float, w: float, h: float) -> _Frame:
    tick_texts = [format_value(t) for t in chart.y_ticks]
    widest_tick = max((text_width(t, LABEL_SIZE) for t in tick_texts), default=0)
    longest_quarter = max((text_width(q, LABEL_SIZE) for q in chart.quarters), default=0)
    bottom = y + h - (longest_quarter * math.sin(math.radians(45)) + 3 + TITLE_SIZE * PT + 1)
    low, high = (chart.y_ticks[0], chart.y_ticks[-1]) if chart.y_ticks else (0.0, 1.0)
    return _Frame(
        left=x + TITLE_SIZE * PT + 2 + widest_tick + 1.5,
        right=x + w - 2,
        top=y + 2,
        bottom=bottom,
        low=low,
        high=high,
        count=len(chart.quarters),
    )


def chart_shapes(
    chart: PaperChart, x: float, y: float, w: float, h: float, *, series: bool = True
) -> list[Shape]:
    """Where everything goes when ``chart`` fills the box at (``x``, ``y``), ``w`` by
    ``h`` mm (y grows down the page, as in fpdf2). ``series=False``: the axes only."""
    shapes: list[Shape] = []
    frame = _frame(chart, x, y, w, h)
    left, right, top, bottom = frame.left, frame.right, frame.top, frame.bottom
    centre_y = (top + bottom) / 2
    shapes.append(Label(x + TITLE_SIZE * PT, centre_y, chart.y_title, TITLE_SIZE, 90, "centre"))
    shapes.append(
        Label((left + right) / 2, y + h - 0.5, "Quarter (financial year)", TITLE_SIZE, 0, "centre")
    )
    if not chart.quarters:
        shapes.append(Line(((left, bottom), (right, bottom)), AXIS, 0.2))
        shapes.append(Label((left + right) / 2, centre_y, EMPTY_TEXT, LABEL_SIZE + 1, 0, "centre"))
        return shapes

    to_x, to_y = frame.to_x, frame.to_y
    step = (right - left) / len(chart.quarters)
    for tick in chart.y_ticks:
        at = to_y(tick)
        shapes.append(Line(((left, at), (right, at)), GRID, 0.15))
        shapes.append(
            Label(left - 1.2, at + LABEL_SIZE * PT * 0.35, format_value(tick), align="right")
        )
    shapes.append(Line(((left, top), (left, bottom)), AXIS, 0.2))
    shapes.append(Line(((left, bottom), (right, bottom)), AXIS, 0.2))
    for i in labelled_quarters(len(chart.quarters), step):
        shapes.append(Line(((to_x(i), bottom), (to_x(i), bottom + 1)), AXIS, 0.2))
        shapes.append(
            Label(to_x(i) + 0.8, bottom + 2.2, chart.quarters[i], angle=45, align="right")
        )
    if not series:
        return shapes

    # Lines first, the straight line from baseline to target under the recorded values;
    # then the points on top.
    for name, colour, _, dash in sorted(SERIES, key=lambda s: s[0] != TRAJECTORY):
        points = [(to_x(q), to_y(v)) for q, v in chart.series(name)]
        if len(points) > 1:
            pattern = (dash[0] / 2.5, dash[1] / 2.5) if dash[1] else None
            shapes.append(Line(tuple(points), colour, 0.5, pattern))
    for name, colour, shape, _ in SERIES:
        if name != TRAJECTORY:
            shapes += [Marker(shape, to_x(q), to_y(v), colour) for q, v in chart.series(name)]
    return shapes


def marker_corners(marker: Marker) -> list[tuple[float, float]]:
    """The corners of a diamond or an upward triangle marker (for PDF and SVG alike)."""
    cx, cy, half = marker.x, marker.y, marker.size / 2
    if marker.shape == "triangle-up":
        r = half * 1.3
        return [(cx, cy - r), (cx + r, cy + r * 0.75), (cx - r, cy + r * 0.75)]
    r = half * 1.15
    return [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]


# ------------------------------------------------------------------ the SPC (XmR) chart

#: How the SPC chart's lines are drawn: the values, the average and the process limits.
SPC_VALUES = "#7B7D7D"
SPC_MEAN = "#212121"
SPC_LIMIT = "#555555"
SPC_TARGET = "#009E73"


def spc_shapes(
    quarters: Sequence[str],
    result: XmrResult,
    x: float,
    y: float,
    w: float,
    h: float,
    unit: str | None = None,
    name: str | None = None,
) -> list[Shape]:
    """Where everything goes when the XmR chart of ``result`` (one value per quarter in
    ``quarters``, oldest first) fills the box at (``x``, ``y``), ``w`` by ``h`` mm: the
    values joined by a line, the average (solid), the process limits (dashed), the target
    (green, dotted) when there is one, and each point by its type's colour AND shape
    (``core.spc.POINT_STYLES``). One layout for the PDF and the HTML's SVG."""
    drawn = [*result.values, result.lower, result.upper]
    if result.target is not None:
        drawn.append(result.target)
    chart = PaperChart(
        tuple(quarters),
        tuple(("Value", i, v) for i, v in enumerate(result.values)),
        nice_ticks(min(drawn), max(drawn)),
        axis_title(unit, name),
    )
    shapes = chart_shapes(chart, x, y, w, h, series=False)
    frame = _frame(chart, x, y, w, h)
    lines = [
        (result.upper, SPC_LIMIT, (1.2, 0.8)),
        (result.lower, SPC_LIMIT, (1.2, 0.8)),
        (result.mean, SPC_MEAN, None),
    ]
    if result.target is not None:
        lines.append((result.target, SPC_TARGET, (0.4, 0.6)))
    for value, colour, dash in lines:
        at = frame.to_y(value)
        shapes.append(Line(((frame.left, at), (frame.right, at)), colour, 0.35, dash))
    points = tuple((frame.to_x(i), frame.to_y(v)) for i, v in enumerate(result.values))
    if len(points) > 1:
        shapes.append(Line(points, SPC_VALUES, 0.4))
    for (px, py), kind in zip(points, result.point_types, strict=True):
        _, colour, shape = POINT_STYLES[kind]
        shapes.append(Marker(shape, px, py, colour, 2.2 if kind != COMMON_CAUSE else 1.7))
    return shapes


def draw_spc_chart(
    pdf: FPDF,
    quarters: Sequence[str],
    result: XmrResult,
    x: float,
    y: float,
    w: float,
    h: float,
    unit: str | None = None,
    name: str | None = None,
) -> None:
    """Draw the XmR chart (:func:`spc_shapes`) in the box at (``x``, ``y``) on ``pdf``;
    ``name``: the metric's name (or a title holding it), for the value axis's unit."""
    draw_shapes(pdf, spc_shapes(quarters, result, x, y, w, h, unit, name))


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _draw_marker(pdf: FPDF, marker: Marker) -> None:
    pdf.set_fill_color(*_rgb(marker.colour))
    half = marker.size / 2
    if marker.shape == "square":
        pdf.rect(marker.x - half * 0.85, marker.y - half * 0.85, half * 1.7, half * 1.7, style="F")
    elif marker.shape in ("diamond", "triangle-up"):
        pdf.polygon(marker_corners(marker), style="F")
    else:
        pdf.circle(marker.x, marker.y, half, style="F")  # (x, y) is the centre


def _draw_label(pdf: FPDF, label: Label, family: str, clean: Any) -> None:
    text = clean(label.text)
    pdf.set_font(family, "", label.size)
    # A ReportPDF remembers widths and writes plain text quicker (a pack has some
    # 1,500 labels); any other FPDF measures and writes as usual.
    measure = getattr(pdf, "text_width", None)
    width = measure(text, "", label.size) if measure else pdf.get_string_width(text)
    shift = {"left": 0.0, "right": width, "centre": width / 2}[label.align]
    write = getattr(pdf, "quick_text", pdf.text)
    if label.angle:
        with pdf.rotation(label.angle, label.x, label.y):
            write(label.x - shift, label.y, text)
    else:  # level text: no rotation to save and restore around it
        write(label.x - shift, label.y, text)


def draw_chart(pdf: FPDF, chart: PaperChart, x: float, y: float, w: float, h: float) -> None:
    """Draw ``chart`` in the box at (``x``, ``y``), ``w`` by ``h`` mm, on ``pdf``'s
    current page (a ``reports.pdf.ReportPDF``, whose font and text cleaning it uses)."""
    draw_shapes(pdf, chart_shapes(chart, x, y, w, h))


def draw_shapes(pdf: FPDF, shapes: Sequence[Shape]) -> None:
    """Put laid-out ``shapes`` on ``pdf``'s current page."""
    family = getattr(pdf, "family_name", "Helvetica")
    clean = getattr(pdf, "clean", str)
    with pdf.local_context():
        pdf.set_text_color(*_rgb(TEXT))
        for shape in shapes:
            if isinstance(shape, Line):
                pdf.set_draw_color(*_rgb(shape.colour))
                pdf.set_line_width(shape.width)
                pdf.set_dash_pattern(*(shape.dash or (0, 0)))
                pdf.polyline(list(shape.points))
                pdf.set_dash_pattern()
            elif isinstance(shape, Marker):
                _draw_marker(pdf, shape)
            else:
                _draw_label(pdf, shape, family, clean)
