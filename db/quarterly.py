"""The quarterly cycle in the database: where each region's quarters are, the figures a
submission lists, and the registered writes that submit, review, sign off, question,
answer and reopen a quarter and record a meeting's attendance.

The rules and wording are in ``core.quarterly``; the value writes (``db.metrics``,
``db.metric_import``) call :func:`period_problems` so a signed-off quarter's figures
stay locked and a quarter that has not begun takes none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import quarterly as rules
from core.entities import Entity
from core.periods import format_period, quarter_start
from core.permissions import Action
from db.meeting_access import forum_region, meeting_permission
from db.models import ForumMeeting, Metric, MetricValue, QuarterQuestion, QuarterReview, utcnow
from db.writes import UnitOfWork, WriteRefused, registered_write, snapshot

REVIEW_FIELDS = (
    "status",
    "submitted_by",
    "missing_reasons",
    "signed_off_by",
    "meeting_id",
    "reopened_by",
    "reopen_reason",
    "sign_offs",
)
ATTENDANCE_FIELDS = ("service_users", "carers", "partners", "staff", "attendee_names", "chair")


def today() -> date:
    """Today's date (a function, so tests can move the clock)."""
    return date.today()


# --- reads ------------------------------------------------------------------------------

REVIEW_COLUMNS = [
    "id",
    "region_id",
    "period_start",
    "status",
    "submitted_at",
    "submitted_by",
    "missing_reasons",
    "signed_off_at",
    "signed_off_by",
    "meeting_id",
    "meeting_date",
    "reopened_at",
    "reopened_by",
    "reopen_reason",
    "sign_offs",
    "version",
]


def reviews(
    session: Session, region_ids: Iterable[int], periods: Iterable[date] | None = None
) -> pd.DataFrame:
    """The recorded reviews of some regions (and quarters), with the signing meeting's
    date; one row per region and quarter."""
    query = (
        select(
            QuarterReview.id,
            QuarterReview.region_id,
            QuarterReview.period_start,
            QuarterReview.status,
            QuarterReview.submitted_at,
            QuarterReview.submitted_by,
            QuarterReview.missing_reasons,
            QuarterReview.signed_off_at,
            QuarterReview.signed_off_by,
            QuarterReview.meeting_id,
            ForumMeeting.meeting_date,
            QuarterReview.reopened_at,
            QuarterReview.reopened_by,
            QuarterReview.reopen_reason,
            QuarterReview.sign_offs,
            QuarterReview.version,
        )
        .outerjoin(ForumMeeting, ForumMeeting.id == QuarterReview.meeting_id)
        .where(QuarterReview.region_id.in_(list(region_ids)))
    )
    if periods is not None:
        query = query.where(QuarterReview.period_start.in_(list(periods)))
    rows = session.execute(query.order_by(QuarterReview.region_id, QuarterReview.period_start))
    return pd.DataFrame(rows.all(), columns=REVIEW_COLUMNS)


def signed_off_quarters(session: Session, region_ids: Iterable[int]) -> dict[tuple[int, date], Any]:
    """``{(region id, quarter start): signed-off time}`` of the quarters that are
    signed off now (a reopened quarter is not, until it is signed off again)."""
    rows = session.execute(
        select(QuarterReview.region_id, QuarterReview.period_start, QuarterReview.signed_off_at)
        .where(QuarterReview.region_id.in_(list(region_ids)))
        .where(QuarterReview.status == rules.Stage.SIGNED_OFF)
    ).all()
    return {(int(r.region_id), r.period_start): r.signed_off_at for r in rows}


def questions(session: Session, review_ids: Iterable[int]) -> pd.DataFrame:
    """The forum's questions about some reviews, oldest first, with their answers."""
    rows = session.execute(
        select(
            QuarterQuestion.id,
            QuarterQuestion.review_id,
            QuarterQuestion.meeting_id,
            QuarterQuestion.question,
            QuarterQuestion.asked_by,
            QuarterQuestion.asked_at,
            QuarterQuestion.answer,
            QuarterQuestion.answered_by,
            QuarterQuestion.answered_at,
        )
        .where(QuarterQuestion.review_id.in_(list(review_ids)))
        .order_by(QuarterQuestion.asked_at, QuarterQuestion.id)
    ).all()
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "review_id",
            "meeting_id",
            "question",
            "asked_by",
            "asked_at",
            "answer",
            "answered_by",
            "answered_at",
        ],
    )


def active_metrics(session: Session, region_id: int) -> pd.DataFrame:
    """Every active metric of a region (national ones and its own), in code order."""
    rows = session.execute(
        select(
            Metric.id,
            Metric.code,
            Metric.name,
            Metric.unit,
            Metric.counts_people,
            Metric.direction,
        )
        .where(Metric.active)
        .where((Metric.scope == "national") | (Metric.region_id == region_id))
        .order_by(Metric.code)
    ).all()
    return pd.DataFrame(
        rows, columns=["metric_id", "code", "name", "unit", "counts_people", "direction"]
    )


def overall_values(session: Session, region_id: int, periods: Iterable[date]) -> pd.DataFrame:
    """A region's overall values (no breakdown) for some quarters."""
    rows = session.execute(
        select(
            MetricValue.metric_id,
            MetricValue.period_start,
            MetricValue.value,
            MetricValue.numerator,
            MetricValue.denominator,
        )
        .where(MetricValue.region_id == region_id)
        .where(MetricValue.characteristic == "")
        .where(MetricValue.period_start.in_(list(periods)))
    ).all()
    return pd.DataFrame(
        rows, columns=["metric_id", "period_start", "value", "numerator", "denominator"]
    )


def meeting_attendance(session: Session, meeting_id: int) -> rules.Attendance:
    """Who was at a meeting, as recorded (nothing, for a meeting that does not exist)."""
    meeting = session.get(ForumMeeting, meeting_id)
    return attendance_of(meeting) if meeting else rules.Attendance()


def period_problems(
    session: Session, cells: Iterable[tuple[int, date]], on: date | None = None
) -> dict[tuple[int, date], str]:
    """Why figures may not be written for some (region id, period start) pairs: the
    quarter has not begun, or it is signed off (locked). Empty when all may be."""
    pairs = {(int(r), quarter_start(p)) for r, p in cells}
    if not pairs:
        return {}
    day = on or today()
    found: dict[tuple[int, date], str] = {
        pair: rules.future_message(pair[1]) for pair in pairs if not rules.has_begun(pair[1], day)
    }
    locked = signed_off_quarters(session, {r for r, _ in pairs})
    for pair in pairs:
        if pair in locked and pair not in found:
            signed = locked[pair]
            found[pair] = rules.locked_message(pair[1], signed.date() if signed else None)
    return found


# --- writes -----------------------------------------------------------------------------


def _review(session: Session, region_id: int, period_start: date) -> QuarterReview | None:
    return session.scalar(
        select(QuarterReview).where(
            QuarterReview.region_id == region_id, QuarterReview.period_start == period_start
        )
    )


def _meeting(uow: UnitOfWork, meeting_id: int) -> ForumMeeting:
    meeting = uow.session.get(ForumMeeting, meeting_id)
    if meeting is None:
        raise WriteRefused("That meeting no longer exists. Reload the page.")
    return meeting


def _expect(uow: UnitOfWork, review: QuarterReview | None, expected: int | None) -> None:
    if expected is not None and review is not None:
        uow.expect_version(
            review,
            expected,
            "Someone else moved this quarter on while you were looking at it. Nothing was "
            "saved: reload the page to see where it is now.",
        )


def _audit_review(
    uow: UnitOfWork,
    review: QuarterReview,
    action: str,
    before: dict[str, Any] | None,
    reason: str = "",
    **more: Any,
) -> None:
    """One step of a quarter's cycle in the audit log, naming the quarter."""
    uow.audit(
        Entity.QUARTER_REVIEW,
        review.id,
        action,
        before=before,
        after=snapshot(review, REVIEW_FIELDS)
        | {"period": format_period(review.period_start)}
        | more,
        reason=reason,
        region_id=review.region_id,
    )


@dataclass(frozen=True)
class Submission:
    """What a submission lists: each active metric with whether it has a value."""

    metrics: list[rules.MetricForSubmission]


def submission(session: Session, region_id: int, period_start: date) -> Submission:
    metrics = active_metrics(session, region_id)
    values = overall_values(session, region_id, [period_start])
    has = {
        int(v.metric_id)
        for v in values.itertuples()
        if any(pd.notna(x) for x in (v.value, v.numerator, v.denominator))
    }
    return Submission(
        [
            rules.MetricForSubmission(int(m.metric_id), m.code, m.name, int(m.metric_id) in has)
            for m in metrics.itertuples()
        ]
    )


@registered_write(Action.SUBMIT_QUARTER, entity=Entity.QUARTER_REVIEW)
def submit_quarter(
    uow: UnitOfWork,
    region_id: int,
    period_start: date,
    reasons: Mapping[int, str] | None = None,
    *,
    expected_version: int | None = None,
    on: date | None = None,
) -> int:
    """The regional lead submits a quarter's figures for the forum to review: every
    active metric has a value or a short reason. Its review's id."""
    uow.require(Action.SUBMIT_QUARTER, region_id)
    period_start = quarter_start(period_start)
    day = on or today()
    label = format_period(period_start)
    if not rules.has_ended(period_start, day):
        raise WriteRefused(f"{label} has not ended yet, so it cannot be submitted.")
    session = uow.session
    review = _review(session, region_id, period_start)
    _expect(uow, review, expected_version)
    current = rules.stage(period_start, day, review.status if review else None)
    if current not in rules.SUBMITTABLE:
        raise WriteRefused(
            f"{label} is {rules.STAGES[current].label.lower()}: it cannot be submitted now."
        )
    listed = submission(session, region_id, period_start)
    given = {int(k): str(v) for k, v in (reasons or {}).items()}
    problems = rules.submission_problems(listed.metrics, given)
    if problems:
        raise WriteRefused("Nothing was submitted. " + " ".join(problems))
    kept = {str(m.metric_id): given[m.metric_id].strip() for m in listed.metrics if not m.has_value}
    before = snapshot(review, REVIEW_FIELDS) if review else None
    if review is None:
        review = QuarterReview(region_id=region_id, period_start=period_start, sign_offs=0)
        session.add(review)
    else:
        review.version += 1
    review.status = rules.Stage.SUBMITTED
    review.submitted_at = utcnow()
    review.submitted_by = uow.actor.username
    review.missing_reasons = kept
    session.flush()
    _audit_review(uow, review, "submit", before)
    return review.id


@registered_write(Action.RECORD_ATTENDANCE, Action.MANAGE_BODIES, entity=Entity.FORUM_MEETING)
def record_attendance(
    uow: UnitOfWork, meeting_id: int, attendance: rules.Attendance, chair: str = ""
) -> bool:
    """Record who was at a meeting (and who chaired it); True when anything changed."""
    meeting = _meeting(uow, meeting_id)
    uow.require(*meeting_permission(meeting, Action.RECORD_ATTENDANCE))
    problems = attendance.problems()
    if problems:
        raise WriteRefused(" ".join(problems))
    before = snapshot(meeting, ATTENDANCE_FIELDS)
    meeting.service_users = attendance.service_users
    meeting.carers = attendance.carers
    meeting.partners = attendance.partners
    meeting.staff = attendance.staff
    meeting.attendee_names = attendance.names.strip()
    if attendance.total is not None:
        meeting.attendees_count = attendance.total
    if chair.strip():
        meeting.chair = chair.strip()[:120]
    after = snapshot(meeting, ATTENDANCE_FIELDS)
    if after == before:
        return False
    uow.audit(
        Entity.FORUM_MEETING,
        meeting.id,
        "attendance",
        before=before,
        after=after,
        region_id=meeting.region_id,
    )
    return True


def attendance_of(meeting: ForumMeeting) -> rules.Attendance:
    return rules.Attendance(
        meeting.service_users,
        meeting.carers,
        meeting.partners,
        meeting.staff,
        meeting.attendee_names or "",
    )


@registered_write(Action.SIGN_OFF_QUARTER, entity=Entity.QUARTER_REVIEW)
def review_quarter(
    uow: UnitOfWork,
    meeting_id: int,
    period_start: date,
    *,
    agreed: bool,
    chair: str,
    questions: str = "",
    expected_version: int | None = None,
    on: date | None = None,
) -> str:
    """The Regional Forum's outcome on a submitted quarter, recorded at one of its
    meetings by the person chairing it: agreed (the quarter is signed off and its
    figures locked) or questions for the region. The new stage."""
    meeting = _meeting(uow, meeting_id)
    region_id = forum_region(meeting)
    uow.require(Action.SIGN_OFF_QUARTER, region_id)
    period_start = quarter_start(period_start)
    label = format_period(period_start)
    day = on or today()
    if not rules.has_ended(period_start, day):
        raise WriteRefused(f"{label} has not ended yet, so it cannot be signed off.")
    if not rules.has_ended(period_start, meeting.meeting_date):
        raise WriteRefused(
            f"The meeting of {rules.long_date(meeting.meeting_date)} was before {label} ended; "
            "record the outcome at a later meeting."
        )
    if meeting.meeting_date > day:
        raise WriteRefused("This meeting has not taken place yet.")
    chair_name = chair.strip()
    if len(chair_name) < 2:
        raise WriteRefused("Give the name of the person chairing the meeting.")
    if not attendance_of(meeting).recorded:
        raise WriteRefused(
            "Record the meeting's attendance first: a sign-off names the meeting and who was there."
        )
    session = uow.session
    review = _review(session, region_id, period_start)
    _expect(uow, review, expected_version)
    if review is None or review.status != rules.Stage.SUBMITTED:
        current = rules.stage(period_start, day, review.status if review else None)
        raise WriteRefused(
            f"{label} is {rules.STAGES[current].label.lower()}: the forum reviews a quarter "
            "once the regional lead has submitted it."
        )
    before = snapshot(review, REVIEW_FIELDS)
    review.version += 1
    if agreed:
        review.status = rules.Stage.SIGNED_OFF
        review.signed_off_at = utcnow()
        review.signed_off_by = chair_name[:120]
        review.meeting_id = meeting.id
        review.sign_offs = (review.sign_offs or 0) + 1
        if not meeting.chair:
            meeting.chair = chair_name[:120]
        action = "sign off"
    else:
        text = questions.strip()
        if len(text) < rules.MIN_REASON_LENGTH:
            raise WriteRefused("Write the forum's questions for the region.")
        review.status = rules.Stage.QUESTIONS
        session.add(
            QuarterQuestion(
                review_id=review.id,
                meeting_id=meeting.id,
                question=text,
                asked_by=chair_name[:120],
            )
        )
        action = "questions"
    _audit_review(
        uow,
        review,
        action,
        before,
        reason=f"Regional Forum meeting of {rules.long_date(meeting.meeting_date)}",
        meeting_date=meeting.meeting_date,
        questions=questions.strip(),
    )
    return review.status


@registered_write(Action.ANSWER_FORUM, entity=Entity.QUARTER_QUESTION)
def answer_question(uow: UnitOfWork, question_id: int, answer: str) -> None:
    """The region answers one of the forum's questions about a quarter."""
    question = uow.session.get(QuarterQuestion, question_id)
    if question is None:
        raise WriteRefused("That question no longer exists. Reload the page.")
    review = uow.session.get(QuarterReview, question.review_id)
    assert review is not None
    uow.require(Action.ANSWER_FORUM, review.region_id)
    text = answer.strip()
    if len(text) < 2:
        raise WriteRefused("Write the answer.")
    before = {"answer": question.answer}
    question.answer = text
    question.answered_by = uow.actor.username
    question.answered_at = utcnow()
    uow.audit(
        Entity.QUARTER_QUESTION,
        question.id,
        "answer",
        before=before,
        after={"answer": text, "period": format_period(review.period_start)},
        region_id=review.region_id,
    )


@registered_write(Action.REOPEN_QUARTER, entity=Entity.QUARTER_REVIEW)
def reopen_quarter(
    uow: UnitOfWork,
    region_id: int,
    period_start: date,
    reason: str,
    *,
    expected_version: int | None = None,
) -> None:
    """The regional lead reopens a signed-off quarter, with a reason, to change a figure;
    the forum sees it at its next meeting, and signs the quarter off again."""
    uow.require(Action.REOPEN_QUARTER, region_id)
    period_start = quarter_start(period_start)
    label = format_period(period_start)
    try:
        why = rules.check_reason(reason, f"reopening {label}")
    except rules.CycleRefused as exc:
        raise WriteRefused(str(exc)) from exc
    review = _review(uow.session, region_id, period_start)
    _expect(uow, review, expected_version)
    if review is None or review.status != rules.Stage.SIGNED_OFF:
        raise WriteRefused(f"{label} is not signed off, so there is nothing to reopen.")
    before = snapshot(review, REVIEW_FIELDS)
    review.version += 1
    review.status = rules.Stage.REOPENED
    review.reopened_at = utcnow()
    review.reopened_by = uow.actor.username
    review.reopen_reason = why
    _audit_review(uow, review, "reopen", before, reason=why)
