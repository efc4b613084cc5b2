"""The Regional Forum meeting pack: one PDF to circulate before a meeting.

It holds, for one region and one meeting: what changed since the last meeting, the six
themes' statuses (in words), each metric's chart (the app's chart, drawn as lines and
shapes: ``reports.paper_chart``) with its data table, the open feedback and the meeting's
decisions. The pack is for circulation, so figures below national level follow NHS
disclosure control (``core.disclosure``) and the pack says which figures it suppressed.

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
from core.statuses import FEEDBACK_STATUSES
from core.theme_words import METHOD_SENTENCES
from reports.paper_chart import PaperChart, paper_chart
from reports.pdf import Column, ReportPDF
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
    if not out["Note"].astype(str).str.strip().any():
        out = out.drop(columns=["Note"])
    for column in ("Numerator", "Denominator"):
        if column in out and not out[column].astype(str).str.strip().any():
            out = out.drop(columns=[column])
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
    today = today or date.today()
    region_name = figures.region_name
    meeting_date = figures.meeting_date
    attendees = figures.record["attendees_count"]
    chair = figures.record["chair"]
    window, changes, themes = figures.window, figures.changes, figures.themes
    tags_note, metrics, values = figures.tags_note, figures.metrics, figures.values
    waiting, decisions = figures.waiting, figures.decisions

    pages, starred, rounded = _metric_pages(metrics, values, disclosure_threshold)
    theme_ids = [int(t) for t in themes["theme_id"]]
    pages = [p for theme_id in theme_ids for p in pages if p.theme_id == theme_id]
    title = f"{region_name}: Regional Forum meeting pack"
    pdf = ReportPDF(title, demo=demo)
    lines = [f"Meeting on {meeting_date:%A %d %B %Y}"]
    if chair:
        lines.append(f"Chaired by {chair}")
    if attendees is not None:
        lines.append(f"{attendees} attending")
    lines.append(f"Pack prepared on {today:%d %B %Y}")
    if demo:
        lines.append("Synthetic demo data: every figure in this pack is made up.")
    pdf.cover(region_name, "Regional Forum meeting pack", lines)
    pdf.paragraph(
        "In this pack: what changed since the last meeting, the six themes' statuses, "
        "each metric's chart with its figures, the feedback still waiting for a response "
        "and the meeting's decisions."
    )
    pdf.paragraph(
        words.disclosure_statement(starred, rounded, disclosure_threshold),
        size=9,
        style="I",
    )

    # Since the last meeting.
    pdf.heading("Since the last meeting")
    pdf.paragraph(window.sentence)
    if changes.empty:
        pdf.paragraph("Nothing was recorded in this period.", style="I")
    else:
        counts = words.change_counts(changes)
        pdf.table_from_frame(
            pd.DataFrame(
                {
                    "What": counts["kind"],
                    "How many": [
                        words.count_words(k, int(c), int(i))
                        for k, c, i in zip(
                            counts["kind"], counts["changes"], counts["items"], strict=True
                        )
                    ],
                }
            ),
            columns={"What": Column(1.2), "How many": Column(1.0)},
            width=pdf.content_width * 0.6,
        )
        for kind in words.KINDS:
            mine = changes[changes["kind"] == kind]
            if mine.empty:
                continue
            pdf.heading(kind, level=2)
            pdf.bullets(mine["summary"].tolist())

    # The quarters waiting for the forum's review.
    pdf.heading("Quarterly figures to review")
    if not figures.quarters:
        pdf.paragraph("No quarter is waiting for the Regional Forum's review.")
    for item in figures.quarters:
        state = item.state
        pdf.heading(f"{state.label}: {quarter_words.STAGES[state.stage].label}", level=2)
        pdf.paragraph(quarter_words.STAGES[state.stage].meaning, size=9)
        for line in state.history():
            pdf.paragraph(line, size=9)
        table = item.changes(disclosure_threshold, controlled=True)
        quarters = {name: Column(1.2, "RIGHT") for name in table.columns[1:3]}
        pdf.table_from_frame(
            table, columns={"Metric": Column(3.0), **quarters, "Change": Column(1.4)}
        )
        if item.missing:
            pdf.paragraph("Metrics without a value, and why:", size=9)
            pdf.bullets(item.missing)
    pdf.paragraph(quarter_words.PROVISIONAL_NOTE, size=9, style="I")

    # Theme statuses.
    pdf.heading("Theme statuses", new_page=True)
    pdf.paragraph(" ".join(METHOD_SENTENCES), size=9)
    pdf.table_from_frame(
        _theme_table(themes),
        columns={
            "Theme": Column(1.3),
            "Status": Column(1.2),
            "Metrics counted": Column(0.8),
            "Actions": Column(1.0),
            "Why": Column(3.2),
        },
    )
    if tags_note:
        pdf.paragraph(tags_note, size=9, style="I")

    # The metrics, theme by theme.
    pdf.heading("Metrics by theme")
    pdf.paragraph(
        "Each chart shows a metric's recorded values by quarter, its baseline, its target "
        "and the straight line from one to the other; the table beside it gives the figures "
        f"of the last {TABLE_QUARTERS} quarters. How to read the charts: {CHART_KEY}"
    )
    for theme in themes.to_dict("records"):
        pdf.ensure_space(120)  # the theme's heading stays with its first chart
        pdf.heading(f"{theme['theme']}: {theme['status_label']}", level=2)
        pdf.paragraph(str(theme["explanation"]), size=9)
        mine = [page for page in pages if page.theme_id == theme["theme_id"]]
        if not mine:
            pdf.paragraph("No metrics are set up for this theme yet.", style="I")
        for page in mine:
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

    # Open feedback.
    pdf.heading("Open feedback", new_page=True)
    shown = figures.feedback(today)
    if waiting.empty:
        pdf.paragraph("No feedback is waiting for a response. Thank you.")
    else:
        pdf.paragraph(
            f"{len(waiting)} of {shown.total} items of feedback are still waiting for a "
            "response (received or in progress), the oldest first. "
            f"Share answered so far: {shown.as_row()['Share answered']}; "
            f"median time to respond: {shown.as_row()['Median days to respond']}."
        )
        table = _open_feedback_table(waiting.sort_values("received_on"), today)
        pdf.table_from_frame(
            table,
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
    if decisions.empty:
        pdf.paragraph(
            "No decisions have been recorded for this meeting yet. Decisions recorded "
            "during the meeting appear here, with any new plan action they created."
        )
    else:
        pdf.table_from_frame(
            words.decisions_table(decisions),
            columns={
                "Theme": Column(1.0),
                "Decision": Column(2.5),
                "New plan action": Column(1.8),
            },
        )
    return pdf.output_bytes()
