"""Regional Forum meetings: everything the Forum meeting page, its presentation mode and
the meeting pack show about one meeting, read once (:func:`meeting_figures`), and the
writes that start a meeting, correct its details and record its decisions.

The pack (``reports.meeting_pack``) is drawn from the same :class:`MeetingFigures` as
the page, so the room and the paper cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core import meetings as words
from core.feedback_rules import WAITING_STATUSES, FeedbackFigures, feedback_figures
from core.meetings import MeetingWindow
from core.permissions import Role
from core.projects import COUNTS_TOWARD
from db import feedback as db_feedback
from db import meetings as db_meetings
from db import plan
from db import projects as db_projects
from db.models import Region
from db.theme_progress import theme_statuses
from services.context import RequestContext, reading
from services.quarterly import ReviewItem, read_review_items
from services.quarterly import today as quarterly_today

DecisionResult = db_meetings.DecisionResult


@dataclass(frozen=True)
class MeetingFigures:
    """One meeting of a region's Forum and every figure shown about it.

    ``record`` is the meeting's details as read (pass it back when correcting them);
    ``controlled`` says whether whoever asked sees figures below national level under
    disclosure control (Regional Forum members; the pack always applies it).
    """

    region_id: int
    region_name: str
    meeting_id: int
    record: dict[str, Any]
    window: MeetingWindow
    changes: pd.DataFrame
    themes: pd.DataFrame
    tags_note: str | None
    metrics: pd.DataFrame
    values: pd.DataFrame
    waiting: pd.DataFrame
    answered: pd.DataFrame
    timings: pd.DataFrame
    decisions: pd.DataFrame
    projects: pd.DataFrame
    project_aim: int | None
    controlled: bool = True
    #: The region's quarters waiting for the forum: the meeting's sign-off agenda item.
    quarters: tuple[ReviewItem, ...] = ()

    @property
    def meeting_date(self) -> date:
        return self.record["meeting_date"]

    @property
    def projects_counted(self) -> int:
        """Projects that count toward the commitment (active or completed)."""
        return int(self.projects["status"].isin(COUNTS_TOWARD).sum())

    @property
    def sections(self) -> list[words.Section]:
        """The presentation's agenda: the themes, the projects, the feedback."""
        return words.agenda(list(zip(self.themes["theme_id"], self.themes["theme"], strict=True)))

    def project_rows(self, threshold: int, *, controlled: bool | None = None) -> pd.DataFrame:
        """The region's community projects in words (``core.meetings.projects_table``),
        as the viewer sees them (``controlled``: this figures' viewer unless given):
        people reached under disclosure control when controlled. The page and the pack
        both show these rows."""
        return words.projects_table(
            self.projects,
            threshold,
            controlled=self.controlled if controlled is None else controlled,
        )

    def feedback(self, today: date) -> FeedbackFigures:
        """The region's feedback figures on ``today``."""
        return feedback_figures(self.timings.to_dict("records"), today)

    def metric_values(
        self, metric: Mapping[str, Any], threshold: int, *, controlled: bool | None = None
    ) -> words.DisclosedValues:
        """One metric's values as the viewer sees them (``controlled``: this figures'
        viewer unless given): the chart's points, the table and the figures hidden all
        come from the same rows, oldest first."""
        mine = self.values[self.values["metric_id"] == metric["metric_id"]]
        return words.disclose_metric_values(
            mine,
            metric["unit"],
            threshold,
            counts_people=bool(metric["counts_people"]),
            controlled=self.controlled if controlled is None else controlled,
        )


def _read(session: Session, region_id: int, meeting_id: int, controlled: bool) -> MeetingFigures:
    region = session.get(Region, region_id)
    record = db_meetings.meeting_record(session, meeting_id)
    if region is None or record is None or record["region_id"] != region_id:
        raise LookupError("That meeting is not one of this region's meetings.")
    themes = theme_statuses(session, [region_id])
    tags_note = plan.theme_tags_note(session)
    project_aim = db_projects.project_aims(session, [region_id]).get(region_id)
    metrics, values = db_meetings.theme_metrics(session, region_id)
    changes = db_meetings.changes_since_last_meeting(session, region_id, meeting_id)
    return MeetingFigures(
        region_id=region_id,
        region_name=region.name,
        meeting_id=meeting_id,
        record=record,
        window=db_meetings.meeting_window(session, meeting_id),
        changes=changes,
        themes=themes,
        tags_note=tags_note,
        metrics=metrics,
        values=values,
        waiting=db_feedback.feedback_items(session, region_id, statuses=sorted(WAITING_STATUSES)),
        answered=db_feedback.feedback_items(session, region_id, statuses=["responded", "closed"]),
        timings=db_feedback.feedback_timings(session, [region_id]),
        decisions=db_meetings.meeting_decisions(session, meeting_id),
        projects=db_projects.projects(session, [region_id]),
        project_aim=project_aim,
        controlled=controlled,
        quarters=tuple(read_review_items(session, region_id, quarterly_today())),
    )


def meeting_figures(ctx: RequestContext, region_id: int, meeting_id: int) -> MeetingFigures:
    """Everything the page and the pack show about one of a region's meetings, read in
    one session. Raises ``LookupError`` when the meeting is not one of the region's."""
    with reading(ctx) as session:
        return _read(session, region_id, meeting_id, ctx.actor.role == Role.FORUM_MEMBER)


def pack_figures(engine: Engine, region_id: int, meeting_id: int) -> MeetingFigures:
    """The same figures for a pack made without a signed-in person (tests, the command
    line): the pack is for circulation, so they are always under disclosure control."""
    with Session(engine) as session:
        return _read(session, region_id, meeting_id, True)


def meeting_labels(ctx: RequestContext, region_id: int) -> dict[int, str]:
    """The region's meetings, newest first, each named as the picker lists it."""
    with reading(ctx) as session:
        meetings = db_meetings.region_meetings(session, region_id)
    return {
        int(row.id): words.meeting_words(row.meeting_date, row.attendees_count, row.chair)
        for row in meetings.itertuples()
    }


def action_areas(ctx: RequestContext) -> dict[int, str]:
    """The plan's action areas (id: name), in the plan's order."""
    with reading(ctx) as session:
        areas = plan.action_areas(session)
    return dict(zip(areas["id"], areas["name"], strict=True))


# --- writes ---------------------------------------------------------------------------


def start_meeting(ctx: RequestContext, region_id: int, values: Mapping[str, Any]) -> int:
    """Start a meeting of the region's Forum (``values``: the meeting form's); its id."""
    return db_meetings.create_meeting(ctx.engine, ctx.actor, region_id, **values)


def correct_meeting(
    ctx: RequestContext,
    meeting_id: int,
    values: Mapping[str, Any],
    expected: Mapping[str, Any] | None,
) -> bool:
    """Correct a meeting's details, refused when they changed since ``expected`` was
    read; True when anything changed."""
    return db_meetings.update_meeting(
        ctx.engine, ctx.actor, meeting_id, **values, expected=expected
    )


def record_decision(
    ctx: RequestContext, meeting_id: int, theme_id: int, text: str, **action: Any
) -> DecisionResult:
    """Record a decision of the meeting and (``create_action``) its new plan action."""
    return db_meetings.record_decision(ctx.engine, ctx.actor, meeting_id, theme_id, text, **action)
