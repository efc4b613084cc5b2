"""The Regional Forum meeting pack: one PDF to circulate before a meeting.

It holds, for one region and one meeting: what changed since the last meeting, the
quarters to review, the six themes' statuses (in words), each metric's chart (the app's
chart, drawn as lines and shapes: ``reports.paper_chart``) with its data table, the
community projects, the open feedback and the meeting's decisions. :func:`pack_content`
works out what the pack says once; :func:`render_pdf` lays it out as a PDF and
``reports.meeting_pack_html`` as an accessible HTML file. The pack is for circulation,
so figures below national level follow NHS disclosure control (``core.disclosure``)
and the pack says which figures it suppressed.

Building it reads the database in a handful of queries; most of the time goes on laying
out the tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from core import meetings as words
from core import quarterly as quarter_words
from core.disclosure import DEFAULT_THRESHOLD
from core.metric_series import describe_chart
from core.projects import COMMITMENT_RULE
from core.statuses import FEEDBACK_STATUSES
from core.theme_words import METHOD_SENTENCES
from reports.paper_chart import PaperChart, paper_chart
from reports.pdf import Column, ReportPDF
from reports.spc_section import SPC_KEY, SpcSection, spc_pdf, spc_section
from services.meetings import MeetingFigures, pack_figures

#: The size of each metric's chart in the pack (mm): it sits beside its data table.
CHART_WIDTH = 98
CHART_HEIGHT = 62
TABLE_WIDTH = 78
VALUE_COLUMNS = {
    "Quarter": Column(1.15),
    "Value": Column(0.9, "RIGHT"),
    "Numerator": Column(1.2, "RIGHT"),
    "Denominator": Column(1.4, "RIGHT"),
    "Note": Column(1.5),
    "Figures": Column(1.2),
}


@dataclass(frozen=True)
class MetricPage:
    """One metric as the pack shows it."""

    theme_id: int
    title: str
    status: str
    explanation: str
    chart: PaperChart
    description: str
    table: pd.DataFrame
    #: The Variation (SPC) section, for a national core metric only.
    spc: SpcSection | None = None


#: Quarters in each metric's table (the chart shows them all; the dashboard has the rest).
TABLE_QUARTERS = 8
#: The key to every chart in the pack (printed once instead of a legend on each chart;
#: the series are core.metric_series's).
CHART_KEY = (
    "recorded values are the blue line with round points; the baseline is a black "
    "square; the target is a green diamond; the straight line from baseline to target "
    "is the orange dashed line."
)


def file_name(region_name: str, meeting_date: date) -> str:
    """'meeting-pack-london-2026-08-15.pdf'."""
    return f"meeting-pack-{words.slug(region_name)}-{meeting_date:%Y-%m-%d}.pdf"


def _blank(column: pd.Series) -> bool:
    """``not column.astype(str).str.strip().any()``: whether no cell has text; for a
    column of text (the tables' own), worked out in plain Python, without the copies
    pandas' string methods make (missing cells count as blank, as they do there)."""
    if isinstance(column.dtype, pd.StringDtype):
        return not any(isinstance(text, str) and text.strip() for text in column.tolist())
    return not column.astype(str).str.strip().any()


def metric_page(
    metric: Mapping[str, Any], values: pd.DataFrame, threshold: int
) -> tuple[MetricPage, words.DisclosedValues]:
    """One metric's page of the pack (always under disclosure control: the pack is for
    circulation) and the figures its table prints (the newest :data:`TABLE_QUARTERS`
    quarters). ``values``: the region's recorded values of the metric, in any order."""
    counts_people = bool(metric.get("counts_people", True))
    shown = words.disclose_metric_values(
        values, metric["unit"], threshold, counts_people=counts_people
    )
    printed = shown.newest(TABLE_QUARTERS)
    out = printed.table
    # Columns with nothing in them are left out, all in one go (each drop copies the table).
    empty = [
        column
        for column in ("Note", "Numerator", "Denominator")
        if (column == "Note" or column in out) and _blank(out[column])
    ]
    if empty:
        out = out.drop(columns=empty)
    page = MetricPage(
        theme_id=int(metric["theme_id"]),
        title=f"{metric['code']}: {metric['name']}",
        status=str(metric["status_label"]),
        explanation=words.disclose_explanation(
            str(metric["explanation"]),
            metric["unit"],
            threshold,
            suppressed=shown.starred > 0,
            counts_people=counts_people,
            shown=shown,
        ),
        chart=paper_chart(metric, shown.chart),
        description=describe_chart(metric, shown.chart),
        table=out,
        spc=spc_section(
            f"{metric['code']}: {metric['name']}",
            shown.points,
            direction=metric.get("direction"),
            target=metric.get("target_value"),
            unit=metric["unit"],
        )
        if metric.get("scope") == "national"
        else None,
    )
    return page, printed


def _metric_pages(
    metrics: pd.DataFrame, values: pd.DataFrame, threshold: int
) -> tuple[list[MetricPage], int, int]:
    """Every metric's page, and how many figures the pack prints as * and as rounded."""
    pages = []
    starred = rounded = 0
    by_metric = dict(tuple(values.groupby("metric_id", sort=False))) if len(values) else {}
    empty = values.iloc[0:0]
    for metric in metrics.to_dict("records"):
        page, printed = metric_page(metric, by_metric.get(metric["metric_id"], empty), threshold)
        starred += printed.starred
        rounded += printed.rounded
        pages.append(page)
    return pages, starred, rounded


def _theme_table(themes: pd.DataFrame) -> pd.DataFrame:
    def share(part: int, whole: int) -> str:
        return "No actions" if not whole else f"{part} of {whole} complete"

    return pd.DataFrame(
        {
            "Theme": themes["theme"],
            "Status": themes["status_label"],
            "Metrics counted": [
                f"{c} of {t}"
                for c, t in zip(themes["metrics_counted"], themes["metrics_total"], strict=True)
            ],
            "Actions": [
                share(int(c), int(t))
                for c, t in zip(themes["actions_complete"], themes["actions_total"], strict=True)
            ],
            "Why": themes["explanation"],
        }
    )


def _open_feedback_table(items: pd.DataFrame, today: date) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Received": items["received_on"],
            "From": items["source"],
            "Theme": items["theme_name"].fillna(""),
            "You said": items["summary"],
            "Status": [FEEDBACK_STATUSES[s].label for s in items["status"]],
            "Waiting (days)": [max((today - r).days, 0) for r in items["received_on"]],
        }
    )


def _changes_counts(changes: pd.DataFrame) -> pd.DataFrame:
    counts = words.change_counts(changes)
    return pd.DataFrame(
        {
            "What": counts["kind"],
            "How many": [
                words.count_words(k, int(c), int(i))
                for k, c, i in zip(counts["kind"], counts["changes"], counts["items"], strict=True)
            ],
        }
    )


@dataclass(frozen=True)
class QuarterSection:
    """A quarter waiting for the forum's review, as the pack shows it."""

    heading: str
    meaning: str
    history: tuple[str, ...]
    table: pd.DataFrame
    missing: tuple[str, ...]


@dataclass(frozen=True)
class ThemeSection:
    """A theme's heading, why it has its status, and its metrics' pages."""

    heading: str
    explanation: str
    metrics: tuple[MetricPage, ...]


@dataclass(frozen=True)
class PackContent:
    """Everything the meeting pack says, in the order it says it: the PDF
    (:func:`render_meeting_pack`) and the accessible HTML file
    (``reports.meeting_pack_html``) are both laid out from one of these, so the two
    cannot disagree. Every figure in it is already under disclosure control."""

    title: str
    region_name: str
    meeting_date: date
    cover_lines: tuple[str, ...]
    contents: str
    disclosure: str
    demo: bool
    window: str
    change_counts: pd.DataFrame
    changes: tuple[tuple[str, tuple[str, ...]], ...]
    quarters: tuple[QuarterSection, ...]
    provisional_note: str
    method: str
    themes: pd.DataFrame
    tags_note: str | None
    metrics_intro: str
    theme_sections: tuple[ThemeSection, ...]
    projects_intro: str
    projects: pd.DataFrame
    projects_note: str
    feedback_intro: str
    feedback: pd.DataFrame
    decisions_intro: str
    decisions: pd.DataFrame


CONTENTS = (
    "In this pack: what changed since the last meeting, the quarterly figures to review, "
    "the six themes' statuses, each metric's chart with its figures, the community "
    "projects, the feedback still waiting for a response and the meeting's decisions."
)
NO_DECISIONS = (
    "No decisions have been recorded for this meeting yet. Decisions recorded "
    "during the meeting appear here, with any new plan action they created."
)


def _projects_note(threshold: int) -> str:
    return (
        words.people_reached_rule(threshold) + " Counts that are not people (events held, "
        "partner organisations) are given as recorded."
    )


def _projects_intro(figures: MeetingFigures) -> str:
    total, counted, aim = len(figures.projects), figures.projects_counted, figures.project_aim
    if not total:
        return "No community projects are recorded for the region yet. " + COMMITMENT_RULE
    mine = f" The region's own aim is {aim}." if aim else ""
    return (
        f"{total} {'project' if total == 1 else 'projects'} in the region; {counted} "
        f"active or completed.{mine} {COMMITMENT_RULE}"
    )


def pack_content(
    figures: MeetingFigures,
    *,
    disclosure_threshold: int = DEFAULT_THRESHOLD,
    demo: bool = False,
    today: date | None = None,
) -> PackContent:
    """What the pack for the meeting ``figures`` describe says (the same figures the
    Forum meeting page shows), always under disclosure control: the pack is for
    circulation, whoever makes it."""
    today = today or date.today()
    threshold = disclosure_threshold
    themes, changes = figures.themes, figures.changes
    pages, starred, rounded = _metric_pages(figures.metrics, figures.values, threshold)
    chair, attendees = figures.record["chair"], figures.record["attendees_count"]
    lines = [f"Meeting on {figures.meeting_date:%A %d %B %Y}"]
    if chair:
        lines.append(f"Chaired by {chair}")
    if attendees is not None and not pd.isna(attendees):
        lines.append(f"{attendees} attending")
    lines.append(f"Pack prepared on {today:%d %B %Y}")
    if demo:
        lines.append("Synthetic demo data: every figure in this pack is made up.")
    quarters = []
    for item in figures.quarters:
        state = item.state
        stage = quarter_words.STAGES[state.stage]
        quarters.append(
            QuarterSection(
                f"{state.label}: {stage.label}",
                stage.meaning,
                tuple(state.history()),
                item.changes(threshold, controlled=True),
                tuple(item.missing),
            )
        )
    sections = [
        ThemeSection(
            f"{theme['theme']}: {theme['status_label']}",
            str(theme["explanation"]),
            tuple(p for p in pages if p.theme_id == theme["theme_id"]),
        )
        for theme in themes.to_dict("records")
    ]
    waiting = figures.waiting
    shown = figures.feedback(today)
    if waiting.empty:
        feedback_intro = "No feedback is waiting for a response. Thank you."
        feedback = pd.DataFrame()
    else:
        feedback_intro = (
            f"{len(waiting)} of {shown.total} items of feedback are still waiting for a "
            "response (received or in progress), the oldest first. "
            f"Share answered so far: {shown.as_row()['Share answered']}; "
            f"median time to respond: {shown.as_row()['Median days to respond']}."
        )
        feedback = _open_feedback_table(waiting.sort_values("received_on"), today)
    return PackContent(
        title=f"{figures.region_name}: Regional Forum meeting pack",
        region_name=figures.region_name,
        meeting_date=figures.meeting_date,
        cover_lines=tuple(lines),
        contents=CONTENTS,
        disclosure=words.disclosure_statement(starred, rounded, threshold),
        demo=demo,
        window=figures.window.sentence,
        change_counts=_changes_counts(changes) if not changes.empty else pd.DataFrame(),
        changes=tuple(
            (kind, tuple(changes.loc[changes["kind"] == kind, "summary"]))
            for kind in words.KINDS
            if not changes.empty and (changes["kind"] == kind).any()
        ),
        quarters=tuple(quarters),
        provisional_note=quarter_words.PROVISIONAL_NOTE,
        method=" ".join(METHOD_SENTENCES),
        themes=_theme_table(themes),
        tags_note=figures.tags_note,
        metrics_intro=(
            "Each chart shows a metric's recorded values by quarter, its baseline, its "
            "target and the straight line from one to the other; the table beside it gives "
            f"the figures of the last {TABLE_QUARTERS} quarters. How to read the charts: "
            f"{CHART_KEY} Each national core metric also has its SPC chart. {SPC_KEY}"
        ),
        theme_sections=tuple(sections),
        projects_intro=_projects_intro(figures),
        projects=figures.project_rows(threshold, controlled=True),
        projects_note=_projects_note(threshold),
        feedback_intro=feedback_intro,
        feedback=feedback,
        decisions_intro="" if not figures.decisions.empty else NO_DECISIONS,
        decisions=words.decisions_table(figures.decisions)
        if not figures.decisions.empty
        else pd.DataFrame(),
    )


def build_meeting_pack(
    engine: Engine,
    region_id: int,
    meeting_id: int,
    *,
    disclosure_threshold: int = DEFAULT_THRESHOLD,
    demo: bool = False,
    today: date | None = None,
) -> bytes:
    """The meeting pack for one of a region's meetings, as PDF bytes, read through
    ``services.meetings`` (see :func:`render_meeting_pack`). Raises ``LookupError`` when
    the meeting is not one of the region's."""
    return render_meeting_pack(
        pack_figures(engine, region_id, meeting_id),
        disclosure_threshold=disclosure_threshold,
        demo=demo,
        today=today,
    )


PROJECT_COLUMNS = {
    "Project": Column(1.6),
    "Status": Column(0.8),
    "Place": Column(1.0),
    "Communities engaged": Column(1.4),
    "People reached": Column(0.9, "RIGHT"),
    "Partners": Column(1.6),
}


def render_meeting_pack(
    figures: MeetingFigures,
    *,
    disclosure_threshold: int = DEFAULT_THRESHOLD,
    demo: bool = False,
    today: date | None = None,
) -> bytes:
    """The meeting pack for the meeting ``figures`` describe (the same figures the
    Forum meeting page shows), as PDF bytes.

    ``disclosure_threshold``: counts below it are suppressed (the app's setting);
    ``demo`` marks every page "Synthetic demo data". The pack is for circulation, so
    disclosure control applies whoever made it.
    """
    content = pack_content(
        figures, disclosure_threshold=disclosure_threshold, demo=demo, today=today
    )
    return render_pdf(content)


def render_pdf(content: PackContent) -> bytes:
    """The pack as PDF bytes (A4, bookmarked headings)."""
    pdf = ReportPDF(content.title, demo=content.demo)
    pdf.cover(content.region_name, "Regional Forum meeting pack", list(content.cover_lines))
    pdf.paragraph(content.contents)
    pdf.paragraph(content.disclosure, size=9, style="I")

    # Since the last meeting.
    pdf.heading("Since the last meeting")
    pdf.paragraph(content.window)
    if not content.changes:
        pdf.paragraph("Nothing was recorded in this period.", style="I")
    else:
        pdf.table_from_frame(
            content.change_counts,
            columns={"What": Column(1.2), "How many": Column(1.0)},
            width=pdf.content_width * 0.6,
        )
        for kind, summaries in content.changes:
            pdf.heading(kind, level=2)
            pdf.bullets(list(summaries))

    # The quarters waiting for the forum's review.
    pdf.heading("Quarterly figures to review")
    if not content.quarters:
        pdf.paragraph("No quarter is waiting for the Regional Forum's review.")
    for item in content.quarters:
        pdf.heading(item.heading, level=2)
        pdf.paragraph(item.meaning, size=9)
        for line in item.history:
            pdf.paragraph(line, size=9)
        quarters = {name: Column(1.2, "RIGHT") for name in item.table.columns[1:3]}
        pdf.table_from_frame(
            item.table, columns={"Metric": Column(3.0), **quarters, "Change": Column(1.4)}
        )
        if item.missing:
            pdf.paragraph("Metrics without a value, and why:", size=9)
            pdf.bullets(list(item.missing))
    pdf.paragraph(content.provisional_note, size=9, style="I")

    # Theme statuses.
    pdf.heading("Theme statuses", new_page=True)
    pdf.paragraph(content.method, size=9)
    pdf.table_from_frame(
        content.themes,
        columns={
            "Theme": Column(1.3),
            "Status": Column(1.2),
            "Metrics counted": Column(0.8),
            "Actions": Column(1.0),
            "Why": Column(3.2),
        },
    )
    if content.tags_note:
        pdf.paragraph(content.tags_note, size=9, style="I")

    # The metrics, theme by theme.
    pdf.heading("Metrics by theme")
    pdf.paragraph(content.metrics_intro)
    for theme in content.theme_sections:
        pdf.ensure_space(120)  # the theme's heading stays with its first chart
        pdf.heading(theme.heading, level=2)
        pdf.paragraph(theme.explanation, size=9)
        if not theme.metrics:
            pdf.paragraph("No metrics are set up for this theme yet.", style="I")
        for page in theme.metrics:
            pdf.chart(
                page.chart,
                title=page.title,
                description=page.description,
                width_mm=CHART_WIDTH,
                height_mm=CHART_HEIGHT,
                table=page.table,
                table_columns=VALUE_COLUMNS,
                table_width_mm=TABLE_WIDTH,
            )
            pdf.paragraph(f"Status: {page.status}. {page.explanation}", size=9, after=4)
            if page.spc is not None:
                spc_pdf(pdf, page.spc)

    # Community projects.
    pdf.heading("Community projects", new_page=True)
    pdf.paragraph(content.projects_intro)
    if not content.projects.empty:
        pdf.table_from_frame(content.projects, columns=PROJECT_COLUMNS)
        pdf.paragraph(content.projects_note, size=9, style="I")

    # Open feedback.
    pdf.heading("Open feedback", new_page=True)
    pdf.paragraph(content.feedback_intro)
    if not content.feedback.empty:
        pdf.table_from_frame(
            content.feedback,
            columns={
                "Received": Column(0.9),
                "From": Column(1.1),
                "Theme": Column(1.1),
                "You said": Column(3.0),
                "Status": Column(0.9),
                "Waiting (days)": Column(0.8, "RIGHT"),
            },
        )

    # Decisions.
    pdf.heading("Decisions")
    if content.decisions.empty:
        pdf.paragraph(content.decisions_intro)
    else:
        pdf.table_from_frame(
            content.decisions,
            columns={
                "Theme": Column(1.0),
                "Decision": Column(2.5),
                "New plan action": Column(1.8),
            },
        )
    return pdf.output_bytes()
