"""Regional Forum meetings: reads for the Forum meeting page and the meeting pack, and the
audited writes that start a meeting, correct its details and record its decisions.

"Since the last meeting" (:func:`changes_since_last_meeting`) is worked out from the
audit log: the region's audit events from the day after the previous meeting up to the
end of this meeting's day (for a region's first meeting, the three months before it),
plus the current state for overdue actions. ``core.meetings`` groups and words them.

Writes go through :func:`db.writes.registered_write`: permission checked with the
meeting's region (``Action.MANAGE_MEETINGS``: the region's lead, or an administrator),
one audit event per changed record, all in one transaction. A decision that creates a
plan action makes both in the same transaction (:func:`record_decision`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import meetings as words
from core.entities import Entity
from core.meetings import (
    ATTENDEES_MAX,
    CHAIR_MAX,
    DECISION_MAX,
    NOTES_MAX,
    MeetingWindow,
)
from core.periods import parse_period
from core.permissions import Action
from core.plan_words import TITLE_MAX
from core.plan_words import check_text as _text
from db import metrics as db_metrics
from db import plan, queries
from db.meeting_access import meeting_permission
from db.models import (
    AuditEvent,
    CommunityProject,
    FeedbackItem,
    ForumMeeting,
    GovernanceBody,
    MeetingDecision,
    Metric,
    MetricValue,
    PlanAction,
    Region,
    Theme,
)
from db.theme_progress import metric_statuses
from db.writes import StaleWrite, UnitOfWork, WriteRefused, registered_write, snapshot

ENTITY = Entity.FORUM_MEETING
DECISION_ENTITY = Entity.MEETING_DECISION
MEETING_FIELDS = ("region_id", "body_id", "meeting_date", "attendees_count", "chair", "notes")
#: Meeting dates before this are refused as mistakes (the plan began later).
EARLIEST_MEETING = date(2020, 1, 1)
#: How far ahead a meeting may be planned, in days.
LATEST_AHEAD_DAYS = 2 * 366

MEETING_COLUMNS = [
    "id",
    "region_id",
    "meeting_date",
    "attendees_count",
    "chair",
    "notes",
    "decisions",
]
DECISION_COLUMNS = [
    "id",
    "meeting_id",
    "theme_id",
    "theme",
    "text",
    "action_id",
    "action_code",
    "action_title",
    "action_status",
]
STALE_MESSAGE = (
    "Someone else changed this meeting's details since you opened it, so your changes were "
    "not saved. The page now shows their version: check it, then make your changes again."
)

#: The kinds of record whose audit events "Since the last meeting" reads.
_ENTITIES = (
    Entity.METRIC_VALUE,
    Entity.PLAN_ACTION,
    Entity.COMMUNITY_PROJECT,
    Entity.FEEDBACK_ITEM,
    Entity.METRIC,
    Entity.MEETING_DECISION,
    Entity.QUARTER_REVIEW,
    Entity.QUARTER_QUESTION,
)


def today() -> date:
    """Today's date (a function, so tests can move the clock)."""
    return date.today()


# --- reads --------------------------------------------------------------------------


def region_meetings(session: Session, region_id: int) -> pd.DataFrame:
    """A region's Forum meetings, newest first, with how many decisions each recorded."""
    return _meetings(session, ForumMeeting.region_id == region_id)


def body_meetings(session: Session, body_id: int) -> pd.DataFrame:
    """A national governance body's meetings, newest first, as :func:`region_meetings`."""
    return _meetings(session, ForumMeeting.body_id == body_id)


def governance_bodies(session: Session) -> pd.DataFrame:
    """The national governance bodies in use (id, code, name, description), in order."""
    rows = session.execute(
        select(
            GovernanceBody.id,
            GovernanceBody.code,
            GovernanceBody.name,
            GovernanceBody.description,
        )
        .where(GovernanceBody.active.is_(True))
        .order_by(GovernanceBody.sort_order, GovernanceBody.name)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["id", "code", "name", "description"])


def _meetings(session: Session, owner: Any) -> pd.DataFrame:
    decisions = (
        select(MeetingDecision.meeting_id, func.count(MeetingDecision.id).label("n"))
        .group_by(MeetingDecision.meeting_id)
        .subquery()
    )
    rows = session.execute(
        select(
            ForumMeeting.id,
            ForumMeeting.region_id,
            ForumMeeting.meeting_date,
            ForumMeeting.attendees_count,
            ForumMeeting.chair,
            ForumMeeting.notes,
            func.coalesce(decisions.c.n, 0),
        )
        .outerjoin(decisions, decisions.c.meeting_id == ForumMeeting.id)
        .where(owner)
        .order_by(ForumMeeting.meeting_date.desc(), ForumMeeting.id.desc())
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=MEETING_COLUMNS)
    frame["attendees_count"] = frame["attendees_count"].astype("Int64")
    return frame


def meeting_record(session: Session, meeting_id: int) -> dict[str, Any] | None:
    """A meeting's details (id and :data:`MEETING_FIELDS`) as a plain dict, or None.
    Pass it back to :func:`update_meeting` as ``expected`` to refuse a stale change."""
    meeting = session.get(ForumMeeting, meeting_id)
    if meeting is None:
        return None
    return {"id": meeting.id, **{f: getattr(meeting, f) for f in MEETING_FIELDS}}


def meeting_window(session: Session, meeting_id: int) -> MeetingWindow:
    """The window of "Since the last meeting" for this meeting."""
    meeting = session.get(ForumMeeting, meeting_id)
    if meeting is None:
        raise LookupError(f"There is no meeting {meeting_id}.")
    previous = session.scalar(
        select(func.max(ForumMeeting.meeting_date)).where(
            _same_owner(meeting.region_id, meeting.body_id),
            ForumMeeting.meeting_date < meeting.meeting_date,
        )
    )
    return MeetingWindow(
        words.window_start(meeting.meeting_date, previous), meeting.meeting_date, previous
    )


def _events(session: Session, region_id: int, window: MeetingWindow) -> list[AuditEvent]:
    """The region's audit events in the window, and the national core metrics' (they
    are the region's metrics too), oldest first."""
    # Two queries, each one walk of the (region, time) index, rather than an OR the
    # planner may answer by reading the whole window of the log.
    found: list[AuditEvent] = []
    for region, kinds in ((region_id, _ENTITIES), (None, (Entity.METRIC,))):
        found += session.scalars(
            select(AuditEvent).where(
                AuditEvent.region_id.is_(None)
                if region is None
                else AuditEvent.region_id == region,
                AuditEvent.entity_type.in_(kinds),
                AuditEvent.occurred_at >= window.since,
                AuditEvent.occurred_at < window.until,
            )
        )
    return sorted(found, key=lambda e: (e.occurred_at, e.id))


def _value_entries(session: Session, events: list[AuditEvent]) -> list[words.ValueEntry]:
    """Metric values entered or changed: the quarter and metric from the value's row, or
    (when the row is gone) from what the audit event kept."""
    ids = [e.entity_id for e in events if e.entity_id is not None]
    rows = {}
    for chunk in _chunks(ids):
        rows.update(
            {
                r.id: (r.metric_id, r.period_start)
                for r in session.execute(
                    select(MetricValue.id, MetricValue.metric_id, MetricValue.period_start).where(
                        MetricValue.id.in_(chunk)
                    )
                )
            }
        )
    entries = []
    for event in events:
        found = rows.get(event.entity_id)
        if found is not None:
            metric, quarter = found
        else:
            kept = event.after or event.before or {}
            try:
                quarter = parse_period(kept.get("quarter")).start
            except (ValueError, TypeError):
                continue
            metric = kept.get("metric") or f"value {event.entity_id}"
        entries.append(
            words.ValueEntry(
                quarter,
                metric,
                event.action not in ("update", "withdraw"),
                event.occurred_at,
                withdrawn=event.action == "withdraw",
            )
        )
    return entries


def _chunks(ids: list[Any], size: int = 500) -> Iterable[list[Any]]:
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def _titles(session: Session, model: Any, column: Any, ids: Iterable[int]) -> dict[int, str]:
    wanted = list(dict.fromkeys(i for i in ids if i is not None))
    if not wanted:
        return {}
    return dict(session.execute(select(model.id, column).where(model.id.in_(wanted))).all())


def _status_before(session: Session, ids: list[int], since: datetime) -> dict[int, str]:
    """Each action's status as the audit log last recorded it before ``since``."""
    if not ids:
        return {}
    events = session.execute(
        select(AuditEvent.entity_id, AuditEvent.after)
        .where(
            AuditEvent.entity_type == Entity.PLAN_ACTION,
            AuditEvent.entity_id.in_(ids),
            AuditEvent.occurred_at < since,
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    found: dict[int, str] = {}
    for entity_id, after in events:
        if isinstance(after, Mapping) and after.get("status"):
            found[entity_id] = after["status"]
    return found


def _action_steps(session: Session, events: list[AuditEvent]) -> list[words.StatusStep]:
    titles = _titles(session, PlanAction, PlanAction.title, (e.entity_id for e in events))
    steps = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        created = event.action in ("create", "adopt")
        if not created and "status" not in after:
            continue
        steps.append(
            words.StatusStep(
                event.entity_id,
                titles.get(event.entity_id) or after.get("title") or f"Action {event.entity_id}",
                before.get("status"),
                after.get("status"),
                event.occurred_at,
                created,
            )
        )
    return steps


def _record_events(
    session: Session,
    events: list[AuditEvent],
    model: Any,
    column: Any,
    noun: str,
    titles: Mapping[int, str] | None = None,
) -> list[words.RecordEvent]:
    if titles is None:
        titles = _titles(session, model, column, (e.entity_id for e in events))
    return [
        words.RecordEvent(
            e.entity_id,
            titles.get(e.entity_id) or (e.after or {}).get(column.key) or f"{noun} {e.entity_id}",
            e.action,
            e.before,
            e.after,
            e.occurred_at,
        )
        for e in events
    ]


def _feedback_events(session: Session, events: list[AuditEvent]) -> list[words.FeedbackEvent]:
    ids = list(dict.fromkeys(e.entity_id for e in events if e.entity_id is not None))
    items = {}
    if ids:
        items = {
            r.id: (r.source, r.summary)
            for r in session.execute(
                select(FeedbackItem.id, FeedbackItem.source, FeedbackItem.summary).where(
                    FeedbackItem.id.in_(ids)
                )
            )
        }
    out = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        source, summary = items.get(
            event.entity_id, (after.get("source", ""), after.get("summary", ""))
        )
        out.append(
            words.FeedbackEvent(
                event.entity_id,
                source,
                summary,
                event.action == "create",
                before.get("status"),
                after.get("status"),
                event.occurred_at,
                event.action,
            )
        )
    return out


def _metric_titles(session: Session, events: list[AuditEvent]) -> dict[int, str]:
    """Each metric named by its code and name ("CA1: Staff trained")."""
    ids = list(dict.fromkeys(e.entity_id for e in events if e.entity_id is not None))
    if not ids:
        return {}
    rows = session.execute(select(Metric.id, Metric.code, Metric.name).where(Metric.id.in_(ids)))
    return {r.id: f"{r.code}: {r.name}" for r in rows}


def _quarter_events(session: Session, events: list[AuditEvent]) -> list[words.RecordEvent]:
    """The quarterly cycle's steps, each named by its quarter ("Q1 2026/27")."""
    out = []
    for event in events:
        kept = event.after or event.before or {}
        out.append(
            words.RecordEvent(
                event.entity_id,
                str(kept.get("period") or "a quarter's"),
                event.action,
                event.before,
                event.after,
                event.occurred_at,
            )
        )
    return out


def changes_since_last_meeting(
    session: Session, region_id: int, meeting_id: int, *, on: date | None = None
) -> pd.DataFrame:
    """What changed in the region between the previous meeting and this one, one line
    per change: columns ``kind`` (one of ``core.meetings.KINDS``), ``when``, ``summary``
    (plain English) and ``items`` (how many things the line counts).

    From the audit log (every registered write in the region, up to the end of the
    meeting's day: ``core.meetings.MeetingWindow``): values entered, changed and
    withdrawn (one line per quarter), action statuses changed and actions completed
    (each action once, from its first to its last status), new actions, progress updates
    and changed details, metrics added, changed or retired (the region's local metrics
    and the national core metrics), projects added, updated or deleted, feedback
    received, answered, moved or deleted, decisions recorded and the quarterly cycle's
    steps. From the current state: actions overdue at the meeting's date (or today, if
    that is earlier: ``on``).
    """
    meeting = session.get(ForumMeeting, meeting_id)
    if meeting is None or meeting.region_id != region_id:
        raise LookupError("That meeting is not one of this region's meetings.")
    window = meeting_window(session, meeting_id)
    events = _events(session, region_id, window)
    by_kind: dict[str, list[AuditEvent]] = {kind: [] for kind in _ENTITIES}
    for event in events:
        by_kind[event.entity_type].append(event)

    changes: list[words.Change] = []
    changes += words.value_changes(_value_entries(session, by_kind[Entity.METRIC_VALUE]))
    actions = by_kind[Entity.PLAN_ACTION]
    steps = _action_steps(session, actions)
    earlier = _status_before(
        session, sorted({s.entity_id for s in steps if s.before is None}), window.since
    )
    changes += words.action_changes(steps, earlier)
    changes += words.action_updates(
        _record_events(session, actions, PlanAction, PlanAction.title, "Action")
    )
    metrics = by_kind[Entity.METRIC]
    named = _record_events(
        session, metrics, Metric, Metric.name, "Metric", _metric_titles(session, metrics)
    )
    changes += words.metric_status_changes(named)
    changes += words.metric_changes(named)
    changes += words.project_changes(
        _record_events(
            session,
            by_kind[Entity.COMMUNITY_PROJECT],
            CommunityProject,
            CommunityProject.title,
            "Project",
        )
    )
    changes += words.feedback_changes(_feedback_events(session, by_kind[Entity.FEEDBACK_ITEM]))
    changes += words.decision_changes(
        _record_events(
            session,
            by_kind[Entity.MEETING_DECISION],
            MeetingDecision,
            MeetingDecision.text,
            "Decision",
        )
    )
    changes += words.quarter_changes(
        _quarter_events(
            session,
            sorted(
                by_kind[Entity.QUARTER_REVIEW] + by_kind[Entity.QUARTER_QUESTION],
                key=lambda e: (e.occurred_at, e.id),
            ),
        )
    )
    as_of = min(meeting.meeting_date, on or today())
    overdue = plan.region_actions(session, region_id, overdue_only=True, on=as_of)
    changes += words.overdue_changes(
        zip(overdue["title"], overdue["due_date"], overdue["days_overdue"], strict=True), as_of
    )
    return words.changes_frame(changes)


def change_summary(
    session: Session, region_id: int, meeting_id: int, *, on: date | None = None
) -> pd.DataFrame:
    """How many changes of each kind since the last meeting (kind, changes, items)."""
    return words.change_counts(changes_since_last_meeting(session, region_id, meeting_id, on=on))


def meeting_decisions(session: Session, meeting_id: int) -> pd.DataFrame:
    """A meeting's decisions in the order recorded, with their theme and the plan
    action each created (if any) and that action's status now."""
    rows = session.execute(
        select(
            MeetingDecision.id,
            MeetingDecision.meeting_id,
            MeetingDecision.theme_id,
            Theme.name,
            MeetingDecision.text,
            MeetingDecision.action_id,
            PlanAction.code,
            PlanAction.title,
            PlanAction.status,
        )
        .outerjoin(Theme, Theme.id == MeetingDecision.theme_id)
        .outerjoin(PlanAction, PlanAction.id == MeetingDecision.action_id)
        .where(MeetingDecision.meeting_id == meeting_id)
        .order_by(MeetingDecision.id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=DECISION_COLUMNS)
    frame["action_id"] = frame["action_id"].astype("Int64")
    return frame


# --- validation ------------------------------------------------------------------------


def _meeting_date(value: date | None) -> date:
    if value is None:
        raise WriteRefused("Please enter the date of the meeting.")
    if isinstance(value, datetime):
        value = value.date()
    latest = today() + timedelta(days=LATEST_AHEAD_DAYS)
    if not EARLIEST_MEETING <= value <= latest:
        raise WriteRefused(
            f"The meeting date {value:%d %B %Y} does not look right: choose a date between "
            f"{EARLIEST_MEETING:%d %B %Y} and {latest:%d %B %Y}."
        )
    return value


def _attendees(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        raise WriteRefused("The number attending must be a whole number, such as 12.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise WriteRefused("The number attending must be a whole number, such as 12.") from None
    if not number.is_integer() or number < 0:
        raise WriteRefused("The number attending must be a whole number of 0 or more.")
    if number > ATTENDEES_MAX:
        raise WriteRefused(
            f"{int(number):,} people attending does not look right: please check the number "
            f"(at most {ATTENDEES_MAX:,})."
        )
    return int(number)


def _same_owner(region_id: int | None, body_id: int | None) -> Any:
    """Meetings of the same Regional Forum (a region) or national body."""
    if body_id is not None:
        return ForumMeeting.body_id == body_id
    return ForumMeeting.region_id == region_id


def _no_other_meeting_on(
    uow: UnitOfWork, meeting: ForumMeeting, day: date, except_id: int | None = None
) -> None:
    query = select(ForumMeeting.id).where(
        _same_owner(meeting.region_id, meeting.body_id), ForumMeeting.meeting_date == day
    )
    if except_id is not None:
        query = query.where(ForumMeeting.id != except_id)
    if uow.session.scalar(query.limit(1)) is not None:
        who = "This body" if meeting.body_id is not None else "This region"
        raise WriteRefused(
            f"{who} already has a meeting on {day:%d %B %Y}. Choose it from the list "
            "of meetings instead of starting another."
        )


def _load(uow: UnitOfWork, meeting_id: int) -> ForumMeeting:
    meeting = uow.session.get(ForumMeeting, meeting_id)
    if meeting is None:
        raise WriteRefused("That meeting no longer exists. Please reload the page.")
    return meeting


# --- writes ---------------------------------------------------------------------------


@registered_write(Action.MANAGE_MEETINGS, Action.MANAGE_BODIES, entity=ENTITY)
def create_meeting(
    uow: UnitOfWork,
    region_id: int | None,
    meeting_date: date,
    attendees_count: Any = None,
    chair: str = "",
    notes: str = "",
    *,
    body_id: int | None = None,
) -> int:
    """Start a meeting (its date, how many attended and who chaired) of a region's
    Regional Forum or, with ``body_id`` and no region, of a national governance body;
    returns its id."""
    if body_id is not None:
        uow.require(Action.MANAGE_BODIES)
        body = uow.session.get(GovernanceBody, body_id)
        if region_id is not None or body is None or not body.active:
            raise WriteRefused("Choose the national body that is meeting.")
    else:
        uow.require(Action.MANAGE_MEETINGS, region_id)
        if region_id is None or uow.session.get(Region, region_id) is None:
            raise WriteRefused("Choose the region whose Forum is meeting.")
    day = _meeting_date(meeting_date)
    meeting = ForumMeeting(
        region_id=region_id,
        body_id=body_id,
        meeting_date=day,
        attendees_count=_attendees(attendees_count),
        chair=_text(chair, "who chaired the meeting", CHAIR_MAX),
        notes=_text(notes, "the notes", NOTES_MAX),
        created_by_id=uow.actor.user_id,
    )
    _no_other_meeting_on(uow, meeting, day)
    uow.session.add(meeting)
    uow.session.flush()
    uow.audit(
        ENTITY, meeting.id, "create", after=snapshot(meeting, MEETING_FIELDS), region_id=region_id
    )
    return meeting.id


@registered_write(Action.MANAGE_MEETINGS, Action.MANAGE_BODIES, entity=ENTITY)
def update_meeting(
    uow: UnitOfWork,
    meeting_id: int,
    meeting_date: date,
    attendees_count: Any = None,
    chair: str = "",
    notes: str = "",
    *,
    expected: Mapping[str, Any] | None = None,
    reason: str = "",
) -> bool:
    """Correct a meeting's details. ``expected`` is :func:`meeting_record` as the page
    read it: the change is refused (:class:`StaleWrite`) when the meeting changed since.
    (Meetings have no version column, so the details themselves are compared.) Returns
    True when anything changed."""
    meeting = _load(uow, meeting_id)
    uow.require(*meeting_permission(meeting, Action.MANAGE_MEETINGS))
    if expected is not None:
        now = {f: getattr(meeting, f) for f in MEETING_FIELDS}
        if any(expected.get(f) != now[f] for f in MEETING_FIELDS if f in expected):
            raise StaleWrite(STALE_MESSAGE)
    before = snapshot(meeting, MEETING_FIELDS)
    day = _meeting_date(meeting_date)
    _no_other_meeting_on(uow, meeting, day, except_id=meeting.id)
    meeting.meeting_date = day
    meeting.attendees_count = _attendees(attendees_count)
    meeting.chair = _text(chair, "who chaired the meeting", CHAIR_MAX)
    meeting.notes = _text(notes, "the notes", NOTES_MAX)
    after = snapshot(meeting, MEETING_FIELDS)
    if after == before:
        return False
    uow.session.flush()
    changed = [k for k in after if after[k] != before[k]]
    uow.audit(
        ENTITY,
        meeting.id,
        "update",
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
        reason=reason.strip(),
        region_id=meeting.region_id,
    )
    return True


@dataclass(frozen=True)
class DecisionResult:
    decision_id: int
    action_id: int | None


@registered_write(
    Action.MANAGE_MEETINGS, Action.MANAGE_BODIES, Action.EDIT_PLAN, entity=DECISION_ENTITY
)
def record_decision(
    uow: UnitOfWork,
    meeting_id: int,
    theme_id: int | None,
    text: str,
    create_action: bool = False,
    action_area_id: int | None = None,
    owner: str = "",
    due_date: date | None = None,
    action_title: str | None = None,
) -> DecisionResult:
    """Record a decision of the meeting, linked to a theme, and (``create_action``) a new
    action in the region's local plan serving that theme, both in this one transaction:
    if either is refused, neither is saved. The action's title is ``action_title`` (or
    the decision's first 200 characters); its description says which meeting agreed it.
    """
    meeting = _load(uow, meeting_id)
    uow.require(*meeting_permission(meeting, Action.MANAGE_MEETINGS))
    body = _text(text, "the decision", DECISION_MAX, required=True)
    theme = uow.session.get(Theme, theme_id) if theme_id is not None else None
    national = meeting.body_id is not None
    if theme is None and not national:
        raise WriteRefused("Choose the theme this decision is about.")
    if national and create_action:
        raise WriteRefused(
            "A national body's decision cannot add an action to a region's plan: record "
            "the decision, and the region's lead adds the action at their Regional Forum."
        )
    action_id = None
    if create_action:
        assert theme is not None
        if action_area_id is None:
            raise WriteRefused("Choose the action area for the new plan action.")
        title = (action_title or "").strip() or body[:TITLE_MAX].rstrip()
        agreed = f"Agreed at the Regional Forum meeting on {meeting.meeting_date:%d %B %Y}"
        # The plan's own write, inside this transaction (its permission check and audit
        # event included), so the decision and its action are saved together or not at all.
        action_id = plan.add_action.__wrapped__(
            uow,
            meeting.region_id,
            title,
            action_area_id,
            [theme.id],
            description=f"{agreed}: {body}",
            owner=owner,
            due_date=due_date,
            reason=agreed,
        )
    decision = MeetingDecision(
        meeting_id=meeting.id,
        theme_id=theme.id if theme is not None else None,
        text=body,
        action_id=action_id,
    )
    uow.session.add(decision)
    uow.session.flush()
    uow.audit(
        DECISION_ENTITY,
        decision.id,
        "create",
        after={
            "meeting_date": meeting.meeting_date,
            "theme": theme.name if theme is not None else "",
            "text": body,
            "action_id": action_id,
        },
        region_id=meeting.region_id,
    )
    return DecisionResult(decision.id, action_id)


# --- the region's metrics, for the presentation and the pack ----------------------------

METRIC_COLUMNS = [
    "metric_id",
    "code",
    "name",
    "theme_id",
    "scope",
    "unit",
    "status",
    "status_label",
    "explanation",
    "baseline_period",
    "baseline_value",
    "target_value",
    "target_date",
    "counts_people",
    "direction",
]


def theme_metrics(session: Session, region_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The region's metrics under the monitoring themes (national core metrics and its
    local ones) with their status, and their overall values: (metrics, values).

    ``metrics`` has :data:`METRIC_COLUMNS` (enough for ``components.metric_chart``, and
    ``counts_people`` for disclosure control: True unless the metric counts things);
    ``values`` is ``db.metrics.metric_values`` (overall values only), oldest first.
    """
    statuses = metric_statuses(session, [region_id])
    definitions = queries.metric_definitions(session, region_id)
    chart_fields = [
        "baseline_period",
        "baseline_value",
        "target_value",
        "target_date",
        "counts_people",
        "direction",
    ]
    merged = statuses.merge(
        definitions[["id", *chart_fields]].rename(columns={"id": "metric_id"}),
        on="metric_id",
        how="left",
    )
    metrics = merged[METRIC_COLUMNS].reset_index(drop=True)
    # A metric is taken to count people unless it says otherwise (the safe side).
    metrics["counts_people"] = [
        True if pd.isna(flag) else bool(flag) for flag in metrics["counts_people"]
    ]
    ids = [int(i) for i in metrics["metric_id"]]
    values = db_metrics.metric_values(session, region_id, ids, overall_only=True)
    return metrics, values
