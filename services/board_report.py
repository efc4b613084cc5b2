"""The board report's figures (issue 14): everything a report for a governance body and a
period shows, read in one session and in bulk (a query or two per kind of record, none
per region or per metric), as at the end of the period.

The report is for circulation, so it is always under disclosure control, whoever makes
it: national figures are exact, and people reached by each region's projects follow
``core.disclosure``. Counts of things (metrics, actions, pieces of feedback) are exact.
``reports.board_report`` lays the figures out as HTML and PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core import board_report as rules
from core.board_report import ExceptionItem, ReportPeriod, SummaryRow
from core.config import Settings
from core.disclosure import DEFAULT_THRESHOLD
from core.projects import Commitment
from db import board_report_reads as reads
from db import compare as db_compare
from db import feedback as db_feedback
from db import projects as db_projects
from db import quarterly as db_quarterly
from db import queries
from db import spc as db_spc
from db.theme_progress import theme_statuses
from services.context import RequestContext, reading

#: Weeks after a quarter ends its figures are due (the setting's default).
DEFAULT_DUE_WEEKS = Settings.__dataclass_fields__["figures_due_weeks"].default


@dataclass(frozen=True)
class BoardFigures:
    """What a board report says, every figure already in words and under disclosure
    control."""

    body_name: str
    period: ReportPeriod
    made_on: date
    threshold: int
    demo: bool
    #: The Making Data Count summary matrix: one row per national core metric.
    summary: tuple[SummaryRow, ...]
    exceptions: tuple[ExceptionItem, ...]
    #: Region by theme: each status in symbol and words, at the end of the period.
    themes: pd.DataFrame
    #: Region by quarter of the period: where each is in the quarterly cycle.
    cycle: pd.DataFrame
    #: Overdue actions at the end of the period: how many per region, and the oldest.
    overdue_counts: pd.DataFrame
    overdue_list: pd.DataFrame
    #: "You said, we did": feedback received in the period, per region and in all.
    feedback: pd.DataFrame
    #: Community projects running in the period against each region's aim and the plan's.
    projects: pd.DataFrame
    commitment: Commitment

    @property
    def summary_table(self) -> pd.DataFrame:
        return pd.DataFrame([row.as_row() for row in self.summary], columns=rules.SUMMARY_HEADERS)


def _summary(
    session: Session, region_ids: list[int], period: ReportPeriod
) -> tuple[SummaryRow, ...]:
    metrics = db_compare.national_metrics(session)
    units = {int(i): str(u) for i, u in zip(metrics["id"], metrics["unit"], strict=True)}
    every = db_compare.national_series_by_metric(session, region_ids, units) if units else {}
    points = db_spc.recalculations(session, list(units))
    starts: dict[int, list[date]] = {}
    for metric_id, start in zip(points["metric_id"], points["period_start"], strict=True):
        starts.setdefault(int(metric_id), []).append(start)
    rows = []
    for metric in metrics.to_dict("records"):
        metric_id = int(metric["id"])
        series = every.get(metric_id)
        pairs = (
            []
            if series is None
            else [
                (rules.as_date(d), None if pd.isna(v) else float(v))
                for d, v in zip(series["period_start"], series["value"], strict=True)
            ]
        )
        rows.append(
            rules.summary_row(
                metric_id,
                str(metric["name"]),
                str(metric["theme"]),
                unit=str(metric["unit"]),
                direction=metric["direction"],
                target=metric["target_value"],
                points=pairs,
                period=period,
                recalculations=starts.get(metric_id, ()),
                yearly=metric["frequency"] in ("annual", "year", "yearly"),
            )
        )
    return tuple(rows)


def read_figures(
    session: Session,
    body_id: int,
    period: ReportPeriod,
    today: date,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    weeks: int = DEFAULT_DUE_WEEKS,
    demo: bool = False,
) -> BoardFigures:
    """The report's figures read in ``session`` (see :class:`BoardFigures`)."""
    body = reads.body_name(session, body_id)
    regions = queries.regions(session)
    names = {int(i): str(n) for i, n in zip(regions["id"], regions["name"], strict=True)}
    ids = list(names)
    summary = _summary(session, ids, period)
    statuses = theme_statuses(session, ids, until=period.end)
    reviews = db_quarterly.reviews(session, ids, period.quarters)
    recorded = {
        (int(r), rules.as_date(p)): s
        for r, p, s in zip(
            reviews["region_id"], reviews["period_start"], reviews["status"], strict=True
        )
    }
    actions = reads.overdue_actions(session, ids, period.last_day)
    feedback = db_feedback.feedback_timings(
        session, ids, received_from=period.start, received_before=period.end
    )
    projects = db_projects.projects(session, ids)
    aims = db_projects.project_aims(session, ids)
    overdue_counts, overdue_list = rules.overdue_tables(actions, names)
    project_rows, commitment = rules.projects_table(projects, names, aims, period, threshold)
    return BoardFigures(
        body_name=body,
        period=period,
        made_on=today,
        threshold=threshold,
        demo=demo,
        summary=summary,
        exceptions=rules.pick_exceptions(summary),
        themes=rules.theme_grid(statuses, names),
        cycle=rules.cycle_table(names, period.quarters, recorded, today, weeks),
        overdue_counts=overdue_counts,
        overdue_list=overdue_list,
        feedback=rules.feedback_table(feedback, names, period),
        projects=project_rows,
        commitment=commitment,
    )


def board_figures(ctx: RequestContext, body_id: int, period: ReportPeriod) -> BoardFigures:
    """The board report's figures for ``body_id`` and ``period``, made today, under
    disclosure control with the app's threshold. ``LookupError``: no such body."""
    with reading(ctx) as session:
        return read_figures(
            session,
            body_id,
            period,
            db_quarterly.today(),
            threshold=ctx.threshold,
            weeks=ctx.settings.figures_due_weeks,
            demo=ctx.settings.demo_mode,
        )


def board_figures_for(
    engine: Engine,
    body_id: int,
    period: ReportPeriod,
    today: date,
    threshold: int,
    *,
    demo: bool = False,
) -> BoardFigures:
    """:func:`board_figures` without a signed-in person (the benchmark, tests): always
    under disclosure control."""
    with Session(engine) as session:
        return read_figures(session, body_id, period, today, threshold=threshold, demo=demo)
