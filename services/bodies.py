"""National governance bodies (LG1): the AMHE Practice Forum, the Equity and Inclusion
Board, the Board of Trustees and the Race Equality Programme Board. Their meetings,
attendance and decisions are kept the way a Regional Forum's are (the same records and
writes, ``db.meetings``), by national leads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core import meetings as words
from core import quarterly as rules
from core.permissions import Action, can
from db import meetings as db_meetings
from db import quarterly as db_quarterly
from db.models import ForumMeeting
from services.context import RequestContext, reading


@dataclass(frozen=True)
class Body:
    id: int
    code: str
    name: str
    description: str


@dataclass(frozen=True)
class BodyMeeting:
    """One meeting of a national body as its page shows it."""

    body: Body
    meeting_id: int
    record: dict[str, Any]
    attendance: rules.Attendance
    decisions: pd.DataFrame

    @property
    def label(self) -> str:
        return words.meeting_words(
            self.record["meeting_date"], self.record["attendees_count"], self.record["chair"]
        )


def may_manage(ctx: RequestContext) -> bool:
    """Whether this person keeps the national bodies (national leads, administrators)."""
    return can(ctx.actor, Action.MANAGE_BODIES)


def bodies(ctx: RequestContext) -> list[Body]:
    """The national bodies in use, in the plan's order."""
    with reading(ctx) as session:
        frame = db_meetings.governance_bodies(session)
    return [Body(int(r.id), r.code, r.name, r.description) for r in frame.itertuples()]


def meeting_labels(ctx: RequestContext, body_id: int) -> dict[int, str]:
    """The body's meetings, newest first, each named as the picker lists it."""
    with reading(ctx) as session:
        frame = db_meetings.body_meetings(session, body_id)
    return {
        int(row.id): words.meeting_words(row.meeting_date, row.attendees_count, row.chair)
        for row in frame.itertuples()
    }


def body_meeting(ctx: RequestContext, body: Body, meeting_id: int) -> BodyMeeting:
    """One of the body's meetings; ``LookupError`` when it is not one of the body's."""
    with reading(ctx) as session:
        meeting = session.get(ForumMeeting, meeting_id)
        if meeting is None or meeting.body_id != body.id:
            raise LookupError("That meeting is not one of this body's meetings.")
        return BodyMeeting(
            body=body,
            meeting_id=meeting_id,
            record=db_meetings.meeting_record(session, meeting_id) or {},
            attendance=db_quarterly.attendance_of(meeting),
            decisions=db_meetings.meeting_decisions(session, meeting_id),
        )


def start_meeting(ctx: RequestContext, body_id: int, values: Mapping[str, Any]) -> int:
    """Start a meeting of the body (``values``: the meeting form's); its id."""
    return db_meetings.create_meeting(ctx.engine, ctx.actor, None, **values, body_id=body_id)
