"""The quarterly cycle's writes for the role-by-region matrix (test_write_matrix.py):
each case sets up a quarter in the step its write needs (as an administrator), on an
old quarter of London's of its own, so every allowed call changes something."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

import db.quarterly as dbq
from core.permissions import Action
from core.quarterly import Attendance
from db import models as m
from tests.db.test_write_matrix import Call, World, actor


def _old_quarter(w: World) -> date:
    """A quarter of its own for each call, long before the demo's figures."""
    n = w.n()
    return date(2000 + n // 4, (n % 4) * 3 + 1, 1)


def _reasons(w: World, period: date) -> dict[int, str]:
    with Session(w.engine) as session:
        listed = dbq.submission(session, w.london, period)
    return {metric.metric_id: "Not collected then" for metric in listed.metrics}


def _submitted(w: World) -> date:
    period = _old_quarter(w)
    dbq.submit_quarter(w.engine, actor(w, "admin"), w.london, period, _reasons(w, period))
    return period


def _august_meeting(w: World) -> int:
    return w.get(m.ForumMeeting, region_id=w.london, meeting_date=date(2026, 8, 15)).id


def _signed_off(w: World) -> date:
    period = _submitted(w)
    dbq.review_quarter(
        w.engine, actor(w, "admin"), _august_meeting(w), period, agreed=True, chair="Chair"
    )
    return period


def _question(w: World) -> int:
    period = _submitted(w)
    dbq.review_quarter(
        w.engine,
        actor(w, "admin"),
        _august_meeting(w),
        period,
        agreed=False,
        chair="Chair",
        questions="Why is this quarter empty?",
    )
    return w.get(m.QuarterQuestion, question="Why is this quarter empty?", answer="").id


CASES = {
    "submit_quarter": lambda w: (
        lambda period: Call(
            (w.london, period, _reasons(w, period)), {}, w.london, Action.SUBMIT_QUARTER
        )
    )(_old_quarter(w)),
    "record_attendance": lambda w: Call(
        (_august_meeting(w), Attendance(service_users=w.n() % 400, carers=1)),
        {},
        w.london,
        Action.RECORD_ATTENDANCE,
    ),
    "review_quarter": lambda w: Call(
        (_august_meeting(w), _submitted(w)),
        {"agreed": True, "chair": "Femi Adeyemi"},
        w.london,
        Action.SIGN_OFF_QUARTER,
    ),
    "answer_question": lambda w: Call(
        (_question(w), f"Answer {w.n()}"), {}, w.london, Action.ANSWER_FORUM
    ),
    "reopen_quarter": lambda w: Call(
        (w.london, _signed_off(w), "A figure was entered twice"),
        {},
        w.london,
        Action.REOPEN_QUARTER,
    ),
}
