"""The quarterly cycle: where a region's quarters are, what a submission lists, what the
Regional Forum reviews at a meeting, the national grid, and the writes of each step.

Every surface that says whether a figure is final (the sign-off page, the forum meeting,
the metric tables, the annual report) reads it here or from ``db.metrics.metric_values``'
``signed_off`` column, which the same reviews decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from core import quarterly as rules
from core.disclosure import SUPPRESSED, disclose_metric_figure
from core.formatting import format_value
from core.periods import Period, format_period, quarter_start
from core.permissions import Action, Role, can
from db import quarterly as dbq
from db import queries
from services.context import RequestContext, reading


@dataclass(frozen=True)
class QuarterState:
    """One region's quarter in the cycle."""

    region_id: int
    period_start: date
    stage: rules.Stage
    due: date
    review: Mapping[str, Any] | None = None
    questions: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def label(self) -> str:
        return format_period(self.period_start)

    @property
    def version(self) -> int | None:
        return int(self.review["version"]) if self.review else None

    @property
    def open_questions(self) -> int:
        if self.questions.empty:
            return 0
        return int((self.questions["answer"].fillna("") == "").sum())

    def history(self) -> list[str]:
        """What happened to the quarter, in plain words, oldest first."""
        review = self.review
        if not review:
            return []
        lines = []
        review = {k: (None if _absent(v) else v) for k, v in review.items()}
        if review.get("submitted_at") is not None:
            lines.append(f"Last submitted on {rules.long_date(review['submitted_at'])}.")
        if review.get("signed_off_at") is not None and review.get("meeting_date") is not None:
            lines.append(
                f"Signed off by the Regional Forum at its meeting on "
                f"{rules.long_date(review['meeting_date'])} (chaired by "
                f"{review['signed_off_by']})."
            )
        if review.get("reopened_at") is not None:
            lines.append(
                f"Reopened on {rules.long_date(review['reopened_at'])}: {review['reopen_reason']}"
            )
        return lines


def _absent(value: Any) -> bool:
    """None, NaN or NaT (a frame's empty cell)."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _states(
    reviews: pd.DataFrame,
    questions: pd.DataFrame,
    region_ids: list[int],
    periods: list[date],
    today: date,
    weeks: int,
) -> dict[tuple[int, date], QuarterState]:
    by_key = {(int(r["region_id"]), r["period_start"]): r for r in reviews.to_dict("records")}
    out = {}
    for region_id in region_ids:
        for period in periods:
            review = by_key.get((region_id, period))
            if review is not None:
                review = {k: (None if _absent(v) else v) for k, v in review.items()}
            mine = (
                questions[questions["review_id"] == review["id"]]
                if review is not None and not questions.empty
                else pd.DataFrame(columns=questions.columns)
            )
            out[(region_id, period)] = QuarterState(
                region_id,
                period,
                rules.stage(period, today, review["status"] if review else None, weeks),
                rules.due_date(period, weeks),
                review,
                mine.reset_index(drop=True),
            )
    return out


def region_quarters(
    ctx: RequestContext, region_id: int, today: date | None = None, count: int = 6
) -> list[QuarterState]:
    """The region's current quarter and the ``count`` before it, newest first."""
    day = today or dbq.today()
    periods = rules.grid_quarters(day, count)
    with reading(ctx) as session:
        reviews = dbq.reviews(session, [region_id], periods)
        questions = dbq.questions(session, [int(i) for i in reviews["id"]])
    states = _states(reviews, questions, [region_id], periods, day, ctx.settings.figures_due_weeks)
    return sorted(states.values(), key=lambda s: s.period_start, reverse=True)


@dataclass(frozen=True)
class SubmissionRow:
    metric_id: int
    code: str
    name: str
    value: str
    has_value: bool
    reason: str = ""


def submission_rows(ctx: RequestContext, region_id: int, period_start: date) -> list[SubmissionRow]:
    """Every active metric of the region with its value for the quarter (as this
    person may see it) or nothing, for the submission form."""
    with reading(ctx) as session:
        metrics = dbq.active_metrics(session, region_id)
        values = dbq.overall_values(session, region_id, [period_start])
    shown = _shown_values(
        metrics, values, controlled=_controlled(ctx, region_id), threshold=ctx.threshold
    )
    return [
        SubmissionRow(
            int(m.metric_id),
            m.code,
            m.name,
            shown.get((int(m.metric_id), period_start), ""),
            (int(m.metric_id), period_start) in shown,
        )
        for m in metrics.itertuples()
    ]


def _shown_values(
    metrics: pd.DataFrame, values: pd.DataFrame, *, controlled: bool, threshold: int
) -> dict[tuple[int, date], str]:
    """Each recorded value in words, under disclosure control when ``controlled``
    (``*`` when hidden)."""
    about = {int(m.metric_id): m for m in metrics.itertuples()}
    out = {}
    for v in values.itertuples():
        metric = about.get(int(v.metric_id))
        if metric is None or all(pd.isna(x) for x in (v.value, v.numerator, v.denominator)):
            continue
        figure = disclose_metric_figure(
            v.value,
            v.numerator,
            v.denominator,
            unit=metric.unit,
            counts_people=bool(metric.counts_people),
            controlled=controlled,
            threshold=threshold,
        )
        text = SUPPRESSED if figure.value is None else format_value(figure.value, metric.unit)
        out[(int(v.metric_id), v.period_start)] = text
    return out


def _controlled(ctx: RequestContext, region_id: int) -> bool:
    return not can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)


@dataclass(frozen=True)
class ReviewItem:
    """A quarter on a meeting's agenda (submitted, with questions, or reopened): the
    region's active metrics and their recorded values in it and the quarter before,
    the reasons for the metrics without a value, and the forum's questions so far.
    :meth:`changes` is the table every surface shows (the page, the pack)."""

    state: QuarterState
    metrics: pd.DataFrame
    values: pd.DataFrame

    @property
    def previous(self) -> date:
        return _previous(self.state.period_start)

    @property
    def names(self) -> dict[int, str]:
        return {int(m.metric_id): f"{m.code} {m.name}" for m in self.metrics.itertuples()}

    @property
    def missing(self) -> list[str]:
        reasons = (self.state.review or {}).get("missing_reasons") or {}
        names = self.names
        return [
            f"{names.get(int(k), k)}: {reason}" for k, reason in sorted(reasons.items()) if reason
        ]

    def changes(self, threshold: int, *, controlled: bool) -> pd.DataFrame:
        """Metric, the quarter before, this quarter, Change: each value as the viewer
        may see it."""
        shown = _shown_values(self.metrics, self.values, controlled=controlled, threshold=threshold)
        this, before = self.state.period_start, self.previous
        rows = []
        for metric_id, name in self.names.items():
            now, then = shown.get((metric_id, this)), shown.get((metric_id, before))
            rows.append(
                {
                    "Metric": name,
                    format_period(before): then or "",
                    self.state.label: now or "",
                    "Change": _change_words(then, now),
                }
            )
        return pd.DataFrame(
            rows, columns=["Metric", format_period(before), self.state.label, "Change"]
        )


WAITING_FOR_THE_FORUM = (rules.Stage.SUBMITTED, rules.Stage.QUESTIONS, rules.Stage.REOPENED)


def read_review_items(
    session: Session, region_id: int, today: date, weeks: int = rules.DEFAULT_DUE_WEEKS
) -> list[ReviewItem]:
    """The region's quarters waiting for the forum (submitted, with questions, or
    reopened), oldest first, read in ``session`` (for the meeting's figures)."""
    periods = rules.grid_quarters(today, 6)
    reviews = dbq.reviews(session, [region_id], periods)
    questions = dbq.questions(session, [int(i) for i in reviews["id"]])
    states = [
        s
        for s in _states(reviews, questions, [region_id], periods, today, weeks).values()
        if s.stage in WAITING_FOR_THE_FORUM
    ]
    if not states:
        return []
    wanted = sorted({s.period_start for s in states} | {_previous(s.period_start) for s in states})
    metrics = dbq.active_metrics(session, region_id)
    values = dbq.overall_values(session, region_id, wanted)
    return [
        ReviewItem(state, metrics, values) for state in sorted(states, key=lambda s: s.period_start)
    ]


def _previous(period_start: date) -> date:
    start = quarter_start(period_start)
    month = start.month - 3
    return date(start.year - (month < 1), (month - 1) % 12 + 1, 1)


def _change_words(then: str | None, now: str | None) -> str:
    if not now:
        return "No value this quarter"
    if not then:
        return "New this quarter"
    if SUPPRESSED in (then, now):
        return "Not shown (small numbers)"
    return "No change" if then == now else "Changed"


def national_grid(ctx: RequestContext, today: date | None = None, count: int = 4) -> pd.DataFrame:
    """Region by quarter: where each region is in the cycle (symbol and words), for
    national leads; the quarters oldest first."""
    day = today or dbq.today()
    periods = rules.grid_quarters(day, count)
    with reading(ctx) as session:
        regions = queries.regions(session)
        ids = [int(i) for i in regions["id"]]
        reviews = dbq.reviews(session, ids, periods)
    states = _states(
        reviews,
        pd.DataFrame(columns=["review_id"]),
        ids,
        periods,
        day,
        ctx.settings.figures_due_weeks,
    )
    rows = []
    for region_id, name in zip(regions["id"], regions["name"], strict=True):
        row = {"Region": name}
        for period in periods:
            row[format_period(period)] = rules.stage_text(states[(int(region_id), period)].stage)
        rows.append(row)
    return pd.DataFrame(rows)


def meeting_attendance(ctx: RequestContext, meeting_id: int) -> rules.Attendance:
    """Who was at a meeting, as recorded."""
    with reading(ctx) as session:
        return dbq.meeting_attendance(session, meeting_id)


def sign_off_summary(ctx: RequestContext, region_ids: list[int], year: int) -> pd.DataFrame:
    """Which quarters of financial year ``year`` each region has signed off, and when
    (for the annual report): Region, Quarter, Signed off."""
    periods = [Period(date(year, 4, 1)).start]
    for _ in range(3):
        periods.append(Period(periods[-1]).end)
    with reading(ctx) as session:
        regions = queries.regions(session)
        reviews = dbq.reviews(session, region_ids, periods)
    return sign_off_frame(regions, reviews, region_ids, periods)


def sign_off_frame(
    regions: pd.DataFrame, reviews: pd.DataFrame, region_ids: list[int], periods: list[date]
) -> pd.DataFrame:
    names = dict(zip(regions["id"].astype(int), regions["name"], strict=True))
    by_key = {(int(r["region_id"]), r["period_start"]): r for r in reviews.to_dict("records")}
    rows = []
    for region_id in region_ids:
        for period in periods:
            review = by_key.get((region_id, period))
            if review and review["status"] == rules.Stage.SIGNED_OFF and review["meeting_date"]:
                words = f"Yes, at the meeting on {rules.long_date(review['meeting_date'])}"
            elif review and review["status"] == rules.Stage.REOPENED:
                words = "No: reopened, figures provisional"
            else:
                words = "No: figures provisional"
            rows.append(
                {
                    "Region": names.get(region_id, ""),
                    "Quarter": format_period(period),
                    "Signed off": words,
                }
            )
    return pd.DataFrame(rows, columns=["Region", "Quarter", "Signed off"])


def today() -> date:
    """Today, by the cycle's clock."""
    return dbq.today()


def may(ctx: RequestContext, action: Action, region_id: int) -> bool:
    return can(ctx.actor, action, region_id)


def is_forum_member(ctx: RequestContext) -> bool:
    return ctx.actor.role == Role.FORUM_MEMBER


# --- writes ---------------------------------------------------------------------------


def submit(
    ctx: RequestContext,
    region_id: int,
    period_start: date,
    reasons: Mapping[int, str],
    expected_version: int | None,
) -> int:
    return dbq.submit_quarter(
        ctx.engine, ctx.actor, region_id, period_start, reasons, expected_version=expected_version
    )


def record_attendance(
    ctx: RequestContext, meeting_id: int, attendance: rules.Attendance, chair: str = ""
) -> bool:
    return dbq.record_attendance(ctx.engine, ctx.actor, meeting_id, attendance, chair)


def review(ctx: RequestContext, meeting_id: int, period_start: date, **outcome: Any) -> str:
    """The forum's outcome on a quarter (``outcome``: agreed, chair, questions and the
    expected version, as ``db.quarterly.review_quarter`` takes them); the new stage."""
    return dbq.review_quarter(ctx.engine, ctx.actor, meeting_id, period_start, **outcome)


def answer(ctx: RequestContext, question_id: int, text: str) -> None:
    dbq.answer_question(ctx.engine, ctx.actor, question_id, text)


def reopen(
    ctx: RequestContext,
    region_id: int,
    period_start: date,
    reason: str,
    expected_version: int | None,
) -> None:
    dbq.reopen_quarter(
        ctx.engine, ctx.actor, region_id, period_start, reason, expected_version=expected_version
    )
