"""A national core metric's Variation (SPC) section in the meeting pack and the annual
report: the XmR chart (``core.spc``), the variation and assurance in words, the
one-sentence summary and the chart's table; or, without a chart, why not.

The figures are the ones the report already shows (disclosed where the report is under
disclosure control): nothing is read or worked out again here. A series with a hidden
figure gets no chart, since the limits would rest on figures the reader cannot see.
:func:`spc_section` works out what to say once; :func:`spc_html` and :func:`spc_pdf`
lay it out, both drawing the same shapes (``reports.paper_chart.spc_shapes``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

import pandas as pd

from core.formatting import format_value
from core.periods import format_period
from core.spc import MIN_POINTS, POINT_STYLES, SpcView, spc_rows, spc_view
from reports.html_parts import shapes_svg, table_html
from reports.paper_chart import draw_spc_chart, spc_shapes
from reports.pdf import ReportPDF

#: The SPC chart's size (mm) on paper and in the SVG's view box.
SPC_WIDTH = 170
SPC_HEIGHT = 70

HIDDEN_REASON = (
    "No SPC chart: at least one quarter's figure is hidden under disclosure control "
    "(shown as *), and process limits worked out from figures you cannot see would "
    "mislead."
)
NO_VALUES = "No SPC chart: no values have been recorded yet."


def _shape_words() -> str:
    seen: dict[str, str] = {}
    for words, colour_hex, shape in POINT_STYLES.values():
        del colour_hex
        seen.setdefault(words, shape.replace("-up", "").replace("-", " "))
    colours = {"circle": "grey", "triangle": "blue", "square": "orange", "diamond": "purple"}
    return "; ".join(f"{words}: {colours.get(s, '')} {s}".strip() for words, s in seen.items())


#: How to read an SPC chart (printed once before the SPC sections).
SPC_KEY = (
    "How to read the SPC (Making Data Count) charts: the grey line joins the values; the "
    "solid black line is their average; the dashed lines are the process limits, within "
    "which values vary by chance; a green dotted line is the target. Points: "
    f"{_shape_words()}. A chart needs at least {MIN_POINTS} quarters."
)


@dataclass(frozen=True)
class SpcSection:
    """One metric's SPC section as a report shows it."""

    title: str
    unit: str | None
    view: SpcView | None
    #: Why there is no chart ("" when there is one).
    reason: str
    description: str
    table: pd.DataFrame

    @property
    def has_chart(self) -> bool:
        return self.view is not None and self.view.result is not None


def _fewer_reason(count: int) -> str:
    return (
        f"No SPC chart: it needs at least {MIN_POINTS} quarters of values to tell a real "
        f"change from everyday ups and downs, and this metric has {count}."
    )


def spc_section(
    title: str,
    points: Sequence[tuple[date, float | None]],
    *,
    direction: str | None,
    target: float | None,
    unit: str | None,
) -> SpcSection:
    """The SPC section of the metric ``title`` whose figures, as the report shows them,
    are ``points`` (quarter start, value or None when hidden; oldest first)."""
    empty = pd.DataFrame()
    if not points:
        return SpcSection(title, unit, None, NO_VALUES, "", empty)
    if any(v is None for _, v in points):
        return SpcSection(title, unit, None, HIDDEN_REASON, "", empty)
    quarters = [format_period(d) for d, _ in points]
    values = [float(v) for _, v in points if v is not None]
    aim = None if target is None or pd.isna(target) else float(target)
    view = spc_view(quarters, values, direction=direction, target=aim)
    result = view.result
    if result is None:
        return SpcSection(title, unit, view, _fewer_reason(len(values)), "", empty)
    rows = spc_rows(view, values)
    table = pd.DataFrame(rows)
    for column in ("Value", "Average", "Lower process limit", "Upper process limit"):
        table[column] = [format_value(v, unit) for v in table[column]]
    special = sum(kind != "common_cause" for kind in result.point_types)
    description = (
        f"SPC chart of {title}: {len(values)} quarters from {quarters[0]} to "
        f"{quarters[-1]}. Average {format_value(result.mean, unit)}; process limits "
        f"{format_value(result.lower, unit)} to {format_value(result.upper, unit)}. "
        f"{special} of {len(values)} points are special cause. {view.sentence} "
        f"{view.assurance_words}."
    )
    return SpcSection(title, unit, view, "", description, table)


def _chart_shapes(section: SpcSection, x: float, y: float, w: float, h: float) -> list:
    assert section.view is not None and section.view.result is not None
    return spc_shapes(
        section.view.quarters, section.view.result, x, y, w, h, section.unit, section.title
    )


def spc_html(section: SpcSection, key: str, level: int = 4) -> str:
    """The section as HTML: a heading (``h{level}``), then the chart (inline SVG with its
    description), the variation and assurance in words and the table; or the reason."""
    heading = f"<h{level}>{escape(f'Variation (SPC): {section.title}')}</h{level}>"
    if not section.has_chart:
        return f'{heading}\n<p class="note">{escape(section.reason)}</p>'
    view = section.view
    assert view is not None
    svg = shapes_svg(
        _chart_shapes(section, 0, 0, SPC_WIDTH, SPC_HEIGHT),
        SPC_WIDTH,
        SPC_HEIGHT,
        f"SPC chart of {section.title}",
        section.description,
        key,
    )
    return "\n".join(
        [
            heading,
            f"<figure>{svg}<figcaption>{escape(section.description)}</figcaption></figure>",
            f"<p><strong>{escape(view.sentence)}</strong></p>",
            f"<p>Variation: {escape(view.variation_words)}. "
            f"Assurance: {escape(view.assurance_words)}.</p>",
            table_html(section.table, f"SPC figures for {section.title}, oldest first"),
        ]
    )


#: The SPC table's columns on paper (mm; all short texts, so plain cells, no wrapping,
#: but for the headings, which wrap within their cells).
SPC_COLUMNS = {
    "Quarter": (24, "L"),
    "Value": (22, "R"),
    "Average": (22, "R"),
    "Lower process limit": (28, "R"),
    "Upper process limit": (28, "R"),
    "Point": (46, "L"),
}
ROW_HEIGHT = 4.2
#: The SPC table's headings: font size (pt) and line height (mm).
HEAD_SIZE = 7
HEAD_LINE = 3.2


def heading_lines(pdf: ReportPDF) -> list[list[str]]:
    """Each SPC table heading in lines that fit within its cell (inside the padding)."""
    return [
        pdf._wrapped(pdf.clean(name), width - 2 * pdf.c_margin, "B", HEAD_SIZE)
        for name, (width, _) in SPC_COLUMNS.items()
    ]


def _pdf_heading(pdf: ReportPDF, lines: list[list[str]]) -> None:
    """The table's heading row: each heading wrapped within its bordered cell."""
    height = max(len(cell) for cell in lines) * HEAD_LINE + 1
    pdf.set_font(pdf.family_name, "B", HEAD_SIZE)
    x, top = pdf.l_margin, pdf.get_y()
    lift = 0.5 * HEAD_LINE + 0.3 * pdf.font_size
    for cell, (width, _) in zip(lines, SPC_COLUMNS.values(), strict=True):
        pdf.rect(x, top, width, height)
        y = top + (height - len(cell) * HEAD_LINE) / 2
        for line in cell:
            pdf.quick_text(x + pdf.c_margin, y + lift, line)
            y += HEAD_LINE
        x += width
    pdf.set_xy(pdf.l_margin, top + height)


def _pdf_table(pdf: ReportPDF, table: pd.DataFrame) -> None:
    """The SPC table as plain cells: a tenth of the time of a wrapping table, which
    matters when a national report carries one per metric per region."""
    lines = heading_lines(pdf)
    head = max(len(cell) for cell in lines) * HEAD_LINE + 1
    pdf.ensure_space(head + ROW_HEIGHT * len(table) + 2)
    pdf.set_draw_color(190, 190, 190)
    _pdf_heading(pdf, lines)
    pdf.set_font(pdf.family_name, "", 7)
    for record in table[list(SPC_COLUMNS)].itertuples(index=False, name=None):
        for text, (width, align) in zip(record, SPC_COLUMNS.values(), strict=True):
            pdf.plain_cell(width, ROW_HEIGHT, pdf.clean(str(text)), align=align)
        pdf.ln(ROW_HEIGHT)
    pdf.ln(3)


def _in_words(section: SpcSection) -> str:
    view = section.view
    assert view is not None and view.result is not None
    result, unit = view.result, section.unit
    return (
        f"Variation: {view.variation_words}. Assurance: {view.assurance_words}. Average "
        f"{format_value(result.mean, unit)}; process limits {format_value(result.lower, unit)} "
        f"to {format_value(result.upper, unit)}."
    )


def spc_pdf(pdf: ReportPDF, section: SpcSection) -> None:
    """The section on the PDF: title, chart, words and table; or the reason."""
    pdf.ensure_space(20 if not section.has_chart else SPC_HEIGHT + 25)
    pdf.paragraph(f"Variation (SPC): {section.title}", style="B", after=1)
    if not section.has_chart:
        pdf.paragraph(section.reason, size=8, style="I")
        return
    view = section.view
    assert view is not None
    top = pdf.get_y()
    width = min(SPC_WIDTH, pdf.content_width)
    draw_spc_chart(
        pdf,
        view.quarters,
        view.result,
        pdf.l_margin,
        top,
        width,
        SPC_HEIGHT,
        section.unit,
        section.title,
    )
    pdf.set_y(top + SPC_HEIGHT + 1)
    # Two short paragraphs, not the HTML's full description (the PDF is not read aloud,
    # and each wrapped paragraph costs time a national report pays 100 times over).
    pdf.paragraph(view.sentence, size=9, style="B", after=1)
    pdf.paragraph(_in_words(section), size=8)
    _pdf_table(pdf, section.table)
