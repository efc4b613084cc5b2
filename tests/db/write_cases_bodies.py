"""National governance bodies' writes for the role-by-region test (test_write_matrix.py):
the board report's issue, and the meeting writes (kept with a Regional Forum's cases)
made for a national body's meeting, which only whoever keeps the bodies may make."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.permissions import Action
from core.quarterly import Attendance
from db import board_reports  # noqa: F401 - registers the writes these cases run
from db import models as m
from tests.db.test_write_matrix import MORE_CASES, Call, World


def body_id(w: World, code: str = "equity_inclusion_board") -> int:
    with Session(w.engine) as session:
        return session.scalar(select(m.GovernanceBody.id).where(m.GovernanceBody.code == code))


def a_day(w: World) -> date:
    """A meeting day no other case has used."""
    return date(2024, 1, 1) + timedelta(days=w.n())


def body_meeting(w: World) -> int:
    """A meeting of the Equity and Inclusion Board (test set-up, not a write)."""
    with Session(w.engine) as session, session.begin():
        meeting = m.ForumMeeting(region_id=None, body_id=body_id(w), meeting_date=a_day(w))
        session.add(meeting)
        session.flush()
        return meeting.id


def body_decision(w: World) -> int:
    meeting = body_meeting(w)
    with Session(w.engine) as session, session.begin():
        decision = m.MeetingDecision(meeting_id=meeting, theme_id=None, text="Noted the report")
        session.add(decision)
        session.flush()
        return decision.id


def issue_call(w: World) -> Call:
    return Call(
        (body_id(w), date(2025, 10, 1), "quarter"),
        {
            "html": "<html><body>Board report</body></html>",
            "pdf": b"%PDF-1.4 board report",
            "exceptions": [{"key": "metric-1", "metric": "A metric", "reason": "r", "action": ""}],
            "issued_by": "National Lead",
            "issued_at": datetime.now(UTC).replace(tzinfo=None),
        },
        None,
        Action.ISSUE_BOARD_REPORT,
    )


CASES: dict[str, Callable[[World], Call]] = {"issue_board_report": issue_call}

for _write, _case in {
    "create_meeting": lambda w: Call(
        (None, a_day(w)), {"body_id": body_id(w)}, None, Action.MANAGE_BODIES
    ),
    "update_meeting": lambda w: Call(
        (body_meeting(w), a_day(w)), {"chair": "Chair"}, None, Action.MANAGE_BODIES
    ),
    "record_decision": lambda w: Call(
        (body_meeting(w), None, "The board agreed the report"), {}, None, Action.MANAGE_BODIES
    ),
    "record_attendance": lambda w: Call(
        (body_meeting(w), Attendance(staff=5)), {}, None, Action.MANAGE_BODIES
    ),
    "delete_decision": lambda w: Call(
        (body_decision(w), "Recorded at the wrong meeting"), {}, None, Action.MANAGE_BODIES
    ),
}.items():
    MORE_CASES.setdefault(_write, []).append(_case)
