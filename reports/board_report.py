"""The board report (issue 14) for a governance body and a period, as one accessible HTML
file and as a PDF, both laid out from the same :class:`~services.board_report.BoardFigures`
so the two cannot disagree.

Sections, in order: the Making Data Count summary matrix of the national core metrics,
the exceptions with what the national lead says is being done, the region-by-theme
progress grid, where each region is in the quarterly cycle, overdue actions, the
feedback loop, community projects against the commitment, and an appendix with each
national core metric's SPC chart. Every status is in words with a symbol, never colour
alone; every piece of text is escaped (``html.escape``) in the HTML; the whole report is
under disclosure control (it is for circulation).

A report without :class:`Issued` is a draft: both files say "Draft – not issued" at the
top. An issued one says to whom, by whom and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape

import pandas as pd
from pandas.api.types import is_numeric_dtype

from core import board_report as rules
from core.disclosure import rule_text
from core.formatting import format_value
from core.meetings import slug
from core.projects import COMMITMENT_RULE
from core.spc import SpcView, spc_rows
from core.theme_words import METHOD_SENTENCES
from reports.html_parts import table_html
from reports.meeting_pack_html import STYLE
from reports.pdf import BODY_SIZE, BOTTOM, HEAD_FILL, Column, ReportPDF, cell_text
from reports.spc_section import SPC_KEY, SpcSection, spc_html, spc_pdf
from services.board_report import BoardFigures


@dataclass(frozen=True)
class Issued:
    """Who issued the report, and when."""

    by: str
    at: datetime


#: The report's sections: (id, heading), in order.
SECTIONS = (
    ("summary", "Summary of the national core metrics"),
    ("exceptions", "Exceptions"),
    ("themes", "Progress by region and theme"),
    ("cycle", "The quarterly cycle"),
    ("overdue", "Overdue actions"),
    ("feedback", "Feedback: you said, we did"),
    ("projects", "Community projects"),
    ("appendix", "Appendix: SPC charts of the national core metrics"),
)
DEMO_NOTICE = "Synthetic demo data: every figure in this report is made up."


def title(figures: BoardFigures) -> str:
    return f"{figures.body_name}: board report, {figures.period.short_label}"


def file_name(figures: BoardFigures, extension: str = "pdf") -> str:
    """'board-report-equity-and-inclusion-board-q2-2026-27.pdf'."""
    return f"board-report-{slug(figures.body_name)}-{slug(figures.period.short_label)}.{extension}"


def status_line(figures: BoardFigures, issued: Issued | None) -> str:
    """'Draft – not issued', or 'Issued to <body> by <name> on <date> at <time>'."""
    if issued is None:
        return rules.DRAFT
    return (
        f"Issued to {figures.body_name} by {issued.by} on {rules.long_date(issued.at.date())} "
        f"at {issued.at:%H:%M}"
    )


def _cover_lines(figures: BoardFigures) -> list[str]:
    return [
        f"Period: {figures.period.label}, figures as at {rules.long_date(figures.period.last_day)}",
        f"Prepared on {rules.long_date(figures.made_on)}",
    ]


def _disclosure(figures: BoardFigures) -> str:
    return (
        f"{rule_text(figures.threshold)} In this report that applies to the people reached "
        "by each region's community projects; national metric figures, actions and pieces "
        "of feedback are not counts of people in a region and are shown exactly."
    )


def _summary_intro(figures: BoardFigures) -> str:
    return (
        "One row per national core metric: its latest national figure in the period, its "
        "target, and the Making Data Count variation and assurance icons (in words and "
        "symbols) from its SPC chart of every quarter up to the end of the period. "
        "Variation: ● common cause, ▲ special cause of improvement, ■ special cause of "
        "concern, ◆ special cause where neither direction is better; H or L says whether "
        "the latest value is high or low. Assurance: P the target is consistently met, "
        "F consistently missed, ? met only some of the time. "
        f"{len(figures.exceptions)} of {len(figures.summary)} metrics are exceptions."
    )


def _exceptions_frame(figures: BoardFigures, actions: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Metric": item.metric,
                "Why it is an exception": item.reason,
                "What is being done": rules.action_text(actions, item.key),
            }
            for item in figures.exceptions
        ],
        columns=["Metric", "Why it is an exception", "What is being done"],
    )


NO_EXCEPTIONS = (
    "No national core metric shows special cause of concern or failing assurance at the "
    "end of the period."
)
EXCEPTIONS_INTRO = (
    "Each national core metric whose latest point is special cause of concern, or whose "
    "process limits show the target will not be met at this rate (failing assurance), "
    "with what the national lead says is being done about it."
)
THEMES_INTRO = " ".join(METHOD_SENTENCES)
CYCLE_INTRO = (
    "Where each region's figures for the period's quarters are in the quarterly cycle "
    "(submitted, signed off by the Regional Forum, and so on), as recorded on the day "
    "the report was prepared."
)
FEEDBACK_INTRO = (
    "Feedback received in the period from service users, carers, Experts by Experience, "
    "partners and the forums: how much had a response by the end of the period, how "
    "much was still waiting, and the median days taken to respond."
)


def _overdue_intro(figures: BoardFigures) -> str:
    return (
        f"Plan actions whose due date had passed by {rules.long_date(figures.period.last_day)} "
        "and which are not complete (statuses as they stand now), per region and for the "
        f"actions kept once for the whole organisation; the oldest {rules.OVERDUE_LISTED} "
        "of each are listed."
    )


def _projects_intro(figures: BoardFigures) -> str:
    return f"{figures.commitment.sentence}. {COMMITMENT_RULE}"


# --------------------------------------------------------------------- SPC appendix


def spc_for(row: rules.SummaryRow) -> SpcSection:
    """The metric's SPC section from the view the summary row was worked out from (so
    the chart and the icons agree). With recalculation points, the chart shows the
    quarters from the latest one, whose limits give the icons; the table shows them all."""
    view = row.view
    if view.result is None:
        return SpcSection(
            row.metric,
            row.unit,
            None,
            f"No SPC chart: {rules.not_enough_words(row.points)}.",
            "",
            pd.DataFrame(),
        )
    last = view.segments[-1] if view.segments else None
    start = last.start if last is not None else 0
    shown = SpcView(
        view.result,
        view.quarters[start:],
        "",
        view.sentence,
        view.variation_words,
        view.assurance_words,
    )
    table = pd.DataFrame(spc_rows(view, row.values))
    for column in ("Value", "Average", "Lower process limit", "Upper process limit"):
        table[column] = [format_value(v, row.unit) for v in table[column]]
    result = view.result
    afresh = f" Limits worked out afresh from {view.quarters[start]}." if start else ""
    description = (
        f"SPC chart of {row.metric}: {len(shown.quarters)} quarters from {shown.quarters[0]} "
        f"to {shown.quarters[-1]}.{afresh} Average {format_value(result.mean, row.unit)}; "
        f"process limits {format_value(result.lower, row.unit)} to "
        f"{format_value(result.upper, row.unit)}. {view.sentence} {view.assurance_words}."
    )
    return SpcSection(row.metric, row.unit, shown, "", description, table)


# ----------------------------------------------------------------------------- HTML


def _p(text: str, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f"<p{klass}>{escape(str(text))}</p>"


BOARD_STYLE = """
.status { border: 3px solid #0072B2; padding: 0.5rem 1rem; font-weight: bold; }
.draft { border-color: #D55E00; }
"""


def _html_sections(figures: BoardFigures, actions: Mapping[str, str]) -> dict[str, list[str]]:
    period = figures.period.short_label
    exceptions = (
        [
            _p(EXCEPTIONS_INTRO),
            table_html(_exceptions_frame(figures, actions), f"Exceptions in {period}"),
        ]
        if figures.exceptions
        else [_p(NO_EXCEPTIONS)]
    )
    appendix = [_p(SPC_KEY)]
    for row in figures.summary:
        appendix.append(spc_html(spc_for(row), f"spc-{row.metric_id}", level=3))
    return {
        "summary": [
            _p(_summary_intro(figures)),
            table_html(figures.summary_table, f"National core metrics at the end of {period}"),
        ],
        "exceptions": exceptions,
        "themes": [
            _p(THEMES_INTRO),
            table_html(figures.themes, f"Each region's theme statuses at the end of {period}"),
        ],
        "cycle": [_p(CYCLE_INTRO), table_html(figures.cycle, "Each region's quarters")],
        "overdue": [
            _p(_overdue_intro(figures)),
            table_html(figures.overdue_counts, "Overdue actions by region"),
            table_html(figures.overdue_list, "The oldest overdue actions of each region")
            if len(figures.overdue_list)
            else _p("No action was overdue."),
        ],
        "feedback": [
            _p(FEEDBACK_INTRO),
            table_html(figures.feedback, f"Feedback received in {period}, by region"),
        ],
        "projects": [
            _p(_projects_intro(figures)),
            table_html(figures.projects, "Community projects by region"),
        ],
        "appendix": appendix,
    }


def board_html(
    figures: BoardFigures, actions: Mapping[str, str], issued: Issued | None = None
) -> str:
    """The report as one self-contained, accessible HTML document (every text escaped)."""
    heading = title(figures)
    state = status_line(figures, issued)
    demo = [_p(DEMO_NOTICE, "demo")] if figures.demo else []
    sections = _html_sections(figures, actions)
    body = [
        "<header>",
        _p(state, "status" if issued else "status draft"),
        *demo,
        f"<h1>{escape(heading)}</h1>",
        *[_p(line) for line in _cover_lines(figures)],
        _p(_disclosure(figures), "note"),
        "</header>",
        '<nav aria-label="Contents"><h2>Contents</h2><ol>',
        *[f'<li><a href="#{key}">{escape(name)}</a></li>' for key, name in SECTIONS],
        "</ol></nav>",
        "<main>",
    ]
    for key, name in SECTIONS:
        body += [
            f'<section id="{key}" aria-labelledby="{key}-heading">',
            f'<h2 id="{key}-heading">{escape(name)}</h2>',
            *sections[key],
            "</section>",
        ]
    body += ["</main>", "<footer>", _p(state, "note"), *demo, "</footer>"]
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(heading)}</title>\n<style>{STYLE}{BOARD_STYLE}</style>\n</head>\n"
        "<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


# ------------------------------------------------------------------------------ PDF

SUMMARY_COLUMNS = {
    "Metric": Column(2.6),
    "Theme": Column(1.4),
    "Latest value": Column(0.9, "RIGHT"),
    "Latest period": Column(1.0),
    "Target": Column(0.8, "RIGHT"),
    "Variation": Column(1.9),
    "Assurance": Column(1.9),
}
EXCEPTION_COLUMNS = {
    "Metric": Column(1.4),
    "Why it is an exception": Column(1.6),
    "What is being done": Column(2.4),
}
OVERDUE_COLUMNS = {
    "Region": Column(1.2),
    "Action": Column(2.8),
    "Status": Column(0.9),
    "Due": Column(1.1),
    "Overdue by": Column(1.0),
}


PLAIN_ROW = 4.6


def _table(
    pdf: ReportPDF,
    frame: pd.DataFrame,
    columns: Mapping[str, Column] | None = None,
    *,
    size: float = 8,
    width: float | None = None,
) -> None:
    """``frame`` as plain one-line cells, each column as wide as its longest text (the
    spare width shared out), when they all fit: a tenth of the time of a wrapping table,
    which matters with 70 regions at scale 10. Otherwise ``ReportPDF.table_from_frame``'s
    wrapping table, with ``columns`` (width shares and alignments)."""
    layout = dict(columns or {})
    names = [str(c) for c in frame.columns]
    total = width or pdf.content_width
    rows = [[pdf.clean(str(n)) for n in names]] + [
        [pdf.clean(cell_text(v)) for v in record]
        for record in frame.itertuples(index=False, name=None)
    ]
    pdf.set_font(pdf.family_name, "B", size)
    widths = [pdf.get_string_width(t) + 2.5 for t in rows[0]]
    pdf.set_font(pdf.family_name, "", size)
    for row in rows[1:]:
        widths = [max(w, pdf.get_string_width(t) + 2.5) for w, t in zip(widths, row, strict=True)]
    if sum(widths) > total or frame.empty:
        pdf.table_from_frame(frame, columns=columns, font_size=size, width=width)
        return
    spare = (total - sum(widths)) / len(widths)
    widths = [w + spare for w in widths]
    aligns = [
        "R" if layout.get(n, Column()).align == "RIGHT" or is_numeric_dtype(frame[n]) else "L"
        for n in names
    ]
    pdf.set_draw_color(190, 190, 190)
    for number, row in enumerate(rows):
        if number == 0 or pdf.get_y() + PLAIN_ROW > pdf.h - BOTTOM:
            if number:
                pdf.add_page()
            pdf.set_font(pdf.family_name, "B", size)
            pdf.set_fill_color(*HEAD_FILL)
            for text, w, align in zip(rows[0], widths, aligns, strict=True):
                pdf.cell(w, PLAIN_ROW, text, border=1, align=align, fill=True)
            pdf.ln(PLAIN_ROW)
            pdf.set_font(pdf.family_name, "", size)
            if number == 0:
                continue
        for text, w, align in zip(row, widths, aligns, strict=True):
            pdf.cell(w, PLAIN_ROW, text, border=1, align=align)
        pdf.ln(PLAIN_ROW)
    pdf.set_font(pdf.family_name, "", BODY_SIZE)
    pdf.ln(3)


def board_pdf(
    figures: BoardFigures, actions: Mapping[str, str], issued: Issued | None = None
) -> bytes:
    """The report as PDF bytes (A4 portrait, bookmarked headings)."""
    period = figures.period.short_label
    # The footer prints the title (shortened if need be): the body and period fit there.
    pdf = ReportPDF(f"{figures.body_name}, {period}", demo=figures.demo)
    state = status_line(figures, issued)
    pdf.add_page()
    pdf.paragraph(state, size=12, style="B", colour=(213, 94, 0) if issued is None else (0, 0, 0))
    pdf.set_y(pdf.get_y() + 2)
    pdf.set_font(pdf.family_name, "B", 22)
    pdf.multi_cell(0, 10, pdf.clean(figures.body_name), new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(f"Board report: {figures.period.label}", size=15)
    for line in _cover_lines(figures):
        pdf.paragraph(line, size=11, after=1)
    if figures.demo:
        pdf.paragraph(DEMO_NOTICE, style="B")
    pdf.paragraph(_disclosure(figures), size=9, style="I")

    pdf.heading(SECTIONS[0][1])
    pdf.paragraph(_summary_intro(figures), size=9)
    pdf.table_from_frame(figures.summary_table, columns=SUMMARY_COLUMNS, font_size=7)

    pdf.heading(SECTIONS[1][1])
    if figures.exceptions:
        pdf.paragraph(EXCEPTIONS_INTRO, size=9)
        pdf.table_from_frame(_exceptions_frame(figures, actions), columns=EXCEPTION_COLUMNS)
    else:
        pdf.paragraph(NO_EXCEPTIONS)

    pdf.heading(SECTIONS[2][1], new_page=True)
    pdf.paragraph(THEMES_INTRO, size=9)
    _table(pdf, figures.themes, {"Region": Column(1.2)}, size=7)

    pdf.heading(SECTIONS[3][1])
    pdf.paragraph(CYCLE_INTRO, size=9)
    _table(pdf, figures.cycle, width=min(pdf.content_width, 45 * len(figures.cycle.columns)))

    pdf.heading(SECTIONS[4][1])
    pdf.paragraph(_overdue_intro(figures), size=9)
    _table(pdf, figures.overdue_counts, width=pdf.content_width * 0.7)
    if figures.overdue_list.empty:
        pdf.paragraph("No action was overdue.")
    else:
        _table(pdf, figures.overdue_list, OVERDUE_COLUMNS)

    pdf.heading(SECTIONS[5][1])
    pdf.paragraph(FEEDBACK_INTRO, size=9)
    _table(pdf, figures.feedback, {"Region": Column(1.6)})

    pdf.heading(SECTIONS[6][1])
    pdf.paragraph(_projects_intro(figures), size=9)
    _table(pdf, figures.projects, {"Region": Column(1.5), "Against its aim": Column(1.6)})
    pdf.paragraph(f"Figures as at the end of {period}.", size=8, style="I")

    pdf.heading(SECTIONS[7][1], new_page=True)
    pdf.paragraph(SPC_KEY, size=9)
    for row in figures.summary:
        spc_pdf(pdf, spc_for(row))
    return pdf.output_bytes()
