"""Forum meetings: "Since the last meeting" from a hand-written audit history, and the
meeting writes (start, correct, record a decision with or without a new plan action) as
each role, each in one transaction that a refusal leaves untouched."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import meetings as words
from core.permissions import Actor, PermissionDenied
from db import meetings, plan
from db.models import (
    ActionArea,
    AuditEvent,
    CommunityProject,
    FeedbackItem,
    ForumMeeting,
    MeetingDecision,
    Metric,
    MetricValue,
    PlanAction,
    Region,
    Theme,
    User,
)
from db.writes import WRITE_REGISTRY, StaleWrite, WriteRefused

USERNAMES = ["national.lead", "london.lead", "northwest.lead", "london.forum", "admin"]
#: Who may manage London's meetings.
ALLOWED = {"london.lead", "admin"}


# --- helpers ----------------------------------------------------------------------------------


def region_id(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == code))


def theme_id(engine, code: str = "cultural_awareness") -> int:
    with Session(engine) as session:
        return session.scalar(select(Theme.id).where(Theme.code == code))


def area_id(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(ActionArea.id).order_by(ActionArea.sort_order).limit(1))


def actor(engine, username: str) -> Actor:
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        return Actor(user.id, user.username, user.role, user.region_id)


def latest_meeting(engine, code: str = "london") -> int:
    with Session(engine) as session:
        return session.scalar(
            select(ForumMeeting.id)
            .where(ForumMeeting.region_id == region_id(engine, code))
            .order_by(ForumMeeting.meeting_date.desc())
            .limit(1)
        )


def state(engine) -> tuple:
    """Every row a meeting write may touch, and the audit event count."""
    with Session(engine) as session:
        meetings_ = session.execute(
            select(
                ForumMeeting.id,
                ForumMeeting.meeting_date,
                ForumMeeting.attendees_count,
                ForumMeeting.chair,
                ForumMeeting.notes,
            ).order_by(ForumMeeting.id)
        ).all()
        decisions = session.execute(select(MeetingDecision.id).order_by(MeetingDecision.id)).all()
        actions = session.scalar(select(func.count(PlanAction.id)))
        events = session.scalar(select(func.count(AuditEvent.id)))
    return tuple(map(tuple, meetings_)), tuple(map(tuple, decisions)), actions, events


# --- since the last meeting: a seeded history ----------------------------------------------------


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour)


@pytest.fixture
def history(engine, illustrative_metrics):
    """London: meetings on 15 Feb and 16 May 2026, and a known history around them."""
    london, north_west = region_id(engine, "london"), region_id(engine, "north_west")
    area = area_id(engine)
    with Session(engine) as session, session.begin():
        first = ForumMeeting(region_id=london, meeting_date=date(2026, 2, 15), chair="Sam")
        second = ForumMeeting(region_id=london, meeting_date=date(2026, 5, 16), chair="Sam")
        other = ForumMeeting(region_id=north_west, meeting_date=date(2026, 5, 16))
        session.add_all([first, second, other])
        sessions_action = PlanAction(
            region_id=london,
            action_area_id=area,
            title="Cultural awareness sessions",
            status="complete",
            due_date=date(2026, 3, 1),
        )
        champion = PlanAction(
            region_id=london,
            action_area_id=area,
            title="Board-level AMHE champion",
            status="at_risk",
        )
        late = PlanAction(
            region_id=london,
            action_area_id=area,
            title="Overdue one",
            status="on_track",
            due_date=date(2026, 4, 1),
        )
        project = CommunityProject(
            region_id=london, title="Barbershop conversations", status="completed"
        )
        item = FeedbackItem(
            region_id=london,
            source="Carer",
            received_on=date(2026, 3, 3),
            summary="Carers asked for evening sessions",
            status="responded",
            responded_on=date(2026, 4, 4),
        )
        session.add_all([sessions_action, champion, late, project, item])
        metric_ids = session.scalars(
            select(Metric.id).where(Metric.scope == "national").order_by(Metric.code).limit(4)
        ).all()
        entered = [
            MetricValue(metric_id=i, region_id=london, period_start=date(2025, 10, 1), value=5.0)
            for i in metric_ids[:3]
        ]
        corrected = MetricValue(
            metric_id=metric_ids[3], region_id=london, period_start=date(2025, 7, 1), value=1.0
        )
        outside = MetricValue(
            metric_id=metric_ids[3], region_id=london, period_start=date(2025, 10, 1), value=2.0
        )
        elsewhere = MetricValue(
            metric_id=metric_ids[0], region_id=north_west, period_start=date(2025, 10, 1), value=3
        )
        session.add_all([*entered, corrected, outside, elsewhere])
        session.flush()

        def audit(entity, entity_id, action, when, region=london, before=None, after=None):
            session.add(
                AuditEvent(
                    occurred_at=when,
                    username="someone",
                    entity_type=entity,
                    entity_id=entity_id,
                    region_id=region,
                    action=action,
                    before=before,
                    after=after,
                )
            )

        for value in entered:
            audit("metric_value", value.id, "create", at("2026-03-01"), after={"value": 5.0})
        audit("metric_value", corrected.id, "update", at("2026-04-10"), before={"value": 0.5})
        audit("metric_value", outside.id, "create", at("2026-02-01"))  # before the window
        audit("metric_value", outside.id, "update", at("2026-05-20"))  # after this meeting
        audit("metric_value", elsewhere.id, "create", at("2026-03-01"), region=north_west)
        audit(
            "plan_action",
            sessions_action.id,
            "progress_update",
            at("2026-03-05"),
            before={"status": "on_track"},
            after={"status": "at_risk", "note": "n"},
        )
        audit(
            "plan_action",
            sessions_action.id,
            "progress_update",
            at("2026-04-20"),
            before={"status": "at_risk"},
            after={"status": "complete", "note": "n"},
        )
        # The demo's style: only the new status, and its earlier status before the window.
        audit("plan_action", champion.id, "update", at("2026-01-10"), after={"status": "on_track"})
        audit("plan_action", champion.id, "update", at("2026-03-10"), after={"status": "at_risk"})
        audit("plan_action", late.id, "update", at("2026-03-11"), after={"owner": "Sam"})
        audit(
            "community_project",
            project.id,
            "update",
            at("2026-04-01"),
            before={"status": "Active"},
            after={"status": "Completed"},
        )
        audit("feedback_item", item.id, "create", at("2026-03-03"), after={"status": "received"})
        audit(
            "feedback_item",
            item.id,
            "respond",
            at("2026-04-04"),
            before={"status": "received"},
            after={"status": "responded"},
        )
        session.flush()
        return {"london": london, "first": first.id, "second": second.id}


def test_since_the_last_meeting_from_a_seeded_history(engine, history):
    with Session(engine) as session:
        changes = meetings.changes_since_last_meeting(
            session, history["london"], history["second"], on=date(2026, 11, 1)
        )
        window = meetings.meeting_window(session, history["second"])
    assert (window.start, window.end, window.previous) == (
        date(2026, 2, 15),
        date(2026, 5, 16),
        date(2026, 2, 15),
    )
    assert list(changes.columns) == ["kind", "when", "summary", "items"]
    assert list(zip(changes["kind"], changes["summary"], strict=True)) == [
        (words.VALUES, "Q2 2025/26 values changed for 1 metric"),
        (words.VALUES, "Q3 2025/26 values entered for 3 metrics"),
        (words.STATUSES, "‘Board-level AMHE champion’ moved from On track to At risk"),
        (words.COMPLETED, "‘Cultural awareness sessions’ moved from On track to Complete"),
        (words.OVERDUE, "‘Overdue one’ is overdue by 45 days (due 01 Apr 2026)"),
        (words.ACTIONS_UPDATED, "‘Cultural awareness sessions’: 2 progress updates added"),
        (words.ACTIONS_UPDATED, "‘Overdue one’: updated owner"),
        (words.PROJECTS, "Project ‘Barbershop conversations’ moved from Active to Completed"),
        (words.ANSWERED, "Feedback from a carer responded: ‘Carers asked for evening sessions’"),
        (words.NEW_FEEDBACK, "Feedback from a carer: ‘Carers asked for evening sessions’"),
    ]
    completed = changes[changes["kind"] == words.COMPLETED].iloc[0]
    assert completed["when"] == at("2026-04-20")
    with Session(engine) as session:
        counts = meetings.change_summary(
            session, history["london"], history["second"], on=date(2026, 11, 1)
        )
    assert dict(zip(counts["kind"], counts["items"], strict=True))[words.VALUES] == 4
    assert counts["changes"].sum() == len(changes)


def test_a_first_meeting_looks_back_three_months(engine, history):
    with Session(engine) as session:
        window = meetings.meeting_window(session, history["first"])
        changes = meetings.changes_since_last_meeting(
            session, history["london"], history["first"], on=date(2026, 2, 15)
        )
    assert (window.start, window.previous) == (date(2025, 11, 15), None)
    # The value entered on 1 February and the action's status of 10 January.
    assert changes["summary"].tolist() == [
        "Q3 2025/26 values entered for 1 metric",
        "‘Board-level AMHE champion’ moved from Not started to On track",
    ]


def test_overdue_is_as_of_the_meeting_or_today_whichever_is_earlier(engine, history):
    with Session(engine) as session:
        early = meetings.changes_since_last_meeting(
            session, history["london"], history["second"], on=date(2026, 4, 11)
        )
    overdue = early[early["kind"] == words.OVERDUE]["summary"].tolist()
    assert overdue == ["‘Overdue one’ is overdue by 10 days (due 01 Apr 2026)"]


def test_a_meeting_of_another_region_is_refused(engine, history):
    with Session(engine) as session, pytest.raises(LookupError):
        meetings.changes_since_last_meeting(
            session, region_id(engine, "north_west"), history["second"]
        )


def test_the_demo_history_lists_the_quarter_entered_before_londons_latest_meeting(demo_engine):
    meeting_id = latest_meeting(demo_engine)
    london = region_id(demo_engine, "london")
    with Session(demo_engine) as session:
        changes = meetings.changes_since_last_meeting(session, london, meeting_id)
        metric_count = session.scalar(
            select(func.count(Metric.id)).where(
                (Metric.scope == "national") | (Metric.region_id == london)
            )
        )
    values = changes[changes["kind"] == words.VALUES]["summary"].tolist()
    assert values == [f"Q1 2026/27 values entered for {metric_count} metrics"]


# --- writes: each role ----------------------------------------------------------------------------


def test_the_writes_are_registered():
    assert WRITE_REGISTRY["create_meeting"].entity == "forum_meeting"
    assert WRITE_REGISTRY["update_meeting"].entity == "forum_meeting"
    assert WRITE_REGISTRY["record_decision"].entity == "meeting_decision"


@pytest.mark.parametrize("username", USERNAMES)
def test_create_meeting_by_role(demo_engine, username):
    london = region_id(demo_engine, "london")
    before = state(demo_engine)
    day = date.today() + timedelta(days=7)
    if username in ALLOWED:
        new_id = meetings.create_meeting(
            demo_engine, actor(demo_engine, username), london, day, 12, "Sam Lee"
        )
        with Session(demo_engine) as session:
            meeting = session.get(ForumMeeting, new_id)
            assert (meeting.region_id, meeting.meeting_date, meeting.attendees_count) == (
                london,
                day,
                12,
            )
            event = session.scalar(
                select(AuditEvent).where(
                    AuditEvent.entity_type == "forum_meeting", AuditEvent.entity_id == new_id
                )
            )
            assert event.action == "create" and event.region_id == london
            assert event.after["chair"] == "Sam Lee"
    else:
        with pytest.raises(PermissionDenied):
            meetings.create_meeting(demo_engine, actor(demo_engine, username), london, day, 12)
        assert state(demo_engine) == before


@pytest.mark.parametrize("username", USERNAMES)
def test_update_meeting_by_role(demo_engine, username):
    meeting_id = latest_meeting(demo_engine)
    with Session(demo_engine) as session:
        record = meetings.meeting_record(session, meeting_id)
    before = state(demo_engine)
    args = (meeting_id, record["meeting_date"], 30, "New chair", "Notes")
    if username in ALLOWED:
        assert meetings.update_meeting(
            demo_engine, actor(demo_engine, username), *args, expected=record
        )
        with Session(demo_engine) as session:
            assert session.get(ForumMeeting, meeting_id).chair == "New chair"
            event = session.scalar(
                select(AuditEvent).where(
                    AuditEvent.entity_type == "forum_meeting", AuditEvent.entity_id == meeting_id
                )
            )
            assert event.before["chair"] == record["chair"] and event.after["chair"] == "New chair"
    else:
        with pytest.raises(PermissionDenied):
            meetings.update_meeting(demo_engine, actor(demo_engine, username), *args)
        assert state(demo_engine) == before


@pytest.mark.parametrize("username", USERNAMES)
def test_record_decision_with_a_new_action_by_role(demo_engine, username):
    meeting_id = latest_meeting(demo_engine)
    london = region_id(demo_engine, "london")
    before = state(demo_engine)
    with Session(demo_engine) as session:
        # Ids, not the count: the demo seed deletes some events, so ids have gaps.
        newest_event = session.scalar(select(func.max(AuditEvent.id)))
    call = (
        demo_engine,
        actor(demo_engine, username),
        meeting_id,
        theme_id(demo_engine),
        "Run a cultural awareness session with the mosque partnership",
    )
    if username in ALLOWED:
        result = meetings.record_decision(
            *call, create_action=True, action_area_id=area_id(demo_engine), owner="Sam"
        )
        assert result.action_id is not None
        with Session(demo_engine) as session:
            actions = plan.region_actions(session, london, action_ids=[result.action_id])
            decisions = meetings.meeting_decisions(session, meeting_id)
            kinds = session.execute(
                select(AuditEvent.entity_type, AuditEvent.region_id).where(
                    AuditEvent.id > newest_event
                )
            ).all()
        action = actions.iloc[0]
        assert action["title"] == "Run a cultural awareness session with the mosque partnership"
        assert action["themes"] == ["Cultural awareness"] and action["owner"] == "Sam"
        assert "Agreed at the Regional Forum meeting" in action["description"]
        assert decisions["action_id"].tolist() == [result.action_id]
        assert sorted(kinds) == [("meeting_decision", london), ("plan_action", london)]
    else:
        with pytest.raises(PermissionDenied):
            meetings.record_decision(*call, create_action=True, action_area_id=area_id(demo_engine))
        assert state(demo_engine) == before


@pytest.mark.parametrize("username", USERNAMES)
def test_record_decision_alone_by_role(demo_engine, username):
    meeting_id = latest_meeting(demo_engine)
    before = state(demo_engine)
    call = (demo_engine, actor(demo_engine, username), meeting_id, theme_id(demo_engine), "Agreed")
    if username in ALLOWED:
        result = meetings.record_decision(*call)
        assert result.action_id is None
        after = state(demo_engine)
        assert after[2] == before[2], "no plan action"
        assert len(after[1]) == len(before[1]) + 1 and after[3] == before[3] + 1
    else:
        with pytest.raises(PermissionDenied):
            meetings.record_decision(*call)
        assert state(demo_engine) == before


# --- one transaction, and refusals that change nothing -------------------------------------------


def test_a_refused_new_action_leaves_no_decision_either(demo_engine):
    lead = actor(demo_engine, "london.lead")
    meeting_id = latest_meeting(demo_engine)
    before = state(demo_engine)
    # The decision itself is fine; the plan's own write refuses the due date.
    with pytest.raises(WriteRefused, match="due date"):
        meetings.record_decision(
            demo_engine,
            lead,
            meeting_id,
            theme_id(demo_engine),
            "A good decision",
            create_action=True,
            action_area_id=area_id(demo_engine),
            due_date=date(1999, 1, 1),
        )
    with pytest.raises(WriteRefused, match="action area"):
        meetings.record_decision(
            demo_engine,
            lead,
            meeting_id,
            theme_id(demo_engine),
            "A good decision",
            create_action=True,
            action_area_id=None,
        )
    assert state(demo_engine) == before


def test_a_failure_after_the_action_rolls_both_back(demo_engine, monkeypatch):
    lead = actor(demo_engine, "london.lead")
    before = state(demo_engine)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    # The decision's audit event fails after the plan action was written and flushed.
    original = meetings.UnitOfWork.audit

    def audit(self, entity_type, *args, **kwargs):
        if entity_type == "meeting_decision":
            broken()
        return original(self, entity_type, *args, **kwargs)

    monkeypatch.setattr(meetings.UnitOfWork, "audit", audit)
    with pytest.raises(RuntimeError):
        meetings.record_decision(
            demo_engine,
            lead,
            latest_meeting(demo_engine),
            theme_id(demo_engine),
            "Decided",
            create_action=True,
            action_area_id=area_id(demo_engine),
        )
    assert state(demo_engine) == before


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "  "}, "Please enter the decision"),
        ({"text": "x" * 1001}, "1001 characters"),
        ({"theme_id": None}, "Choose the theme"),
    ],
)
def test_a_bad_decision_is_refused_plainly(demo_engine, kwargs, message):
    before = state(demo_engine)
    call = {"theme_id": theme_id(demo_engine), "text": "A decision", **kwargs}
    with pytest.raises(WriteRefused, match=message):
        meetings.record_decision(
            demo_engine, actor(demo_engine, "london.lead"), latest_meeting(demo_engine), **call
        )
    assert state(demo_engine) == before


def test_a_lead_cannot_record_decisions_for_another_regions_meeting(demo_engine):
    before = state(demo_engine)
    with pytest.raises(PermissionDenied):
        meetings.record_decision(
            demo_engine,
            actor(demo_engine, "northwest.lead"),
            latest_meeting(demo_engine, "london"),
            theme_id(demo_engine),
            "Not ours",
        )
    assert state(demo_engine) == before


@pytest.mark.parametrize(
    ("day", "attendees", "message"),
    [
        (date(2019, 12, 31), 5, "does not look right"),
        (date.today() + timedelta(days=800), 5, "does not look right"),
        (date.today(), -1, "0 or more"),
        (date.today(), 2.5, "0 or more"),
        (date.today(), 5000, "please check the number"),
    ],
)
def test_bad_meeting_details_are_refused(demo_engine, day, attendees, message):
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match=message):
        meetings.create_meeting(
            demo_engine,
            actor(demo_engine, "london.lead"),
            region_id(demo_engine, "london"),
            day,
            attendees,
        )
    assert state(demo_engine) == before


def test_two_meetings_on_one_day_are_refused(demo_engine):
    with Session(demo_engine) as session:
        existing = session.get(ForumMeeting, latest_meeting(demo_engine)).meeting_date
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match="already has a meeting"):
        meetings.create_meeting(
            demo_engine,
            actor(demo_engine, "london.lead"),
            region_id(demo_engine, "london"),
            existing,
        )
    assert state(demo_engine) == before


def test_a_stale_correction_is_refused(demo_engine):
    lead = actor(demo_engine, "london.lead")
    meeting_id = latest_meeting(demo_engine)
    with Session(demo_engine) as session:
        record = meetings.meeting_record(session, meeting_id)
    meetings.update_meeting(
        demo_engine, lead, meeting_id, record["meeting_date"], 10, "Someone else", ""
    )
    before = state(demo_engine)
    with pytest.raises(StaleWrite):
        meetings.update_meeting(
            demo_engine, lead, meeting_id, record["meeting_date"], 11, "Me", "", expected=record
        )
    assert state(demo_engine) == before


def test_meetings_newest_first_with_their_decision_counts(demo_engine):
    london = region_id(demo_engine, "london")
    # The demo has decisions of its own (the forum's agreed local metric, at the meeting
    # before the latest): the counts are checked against them.
    with Session(demo_engine) as session:
        before = meetings.region_meetings(session, london)["decisions"].tolist()
    meetings.record_decision(
        demo_engine,
        actor(demo_engine, "london.lead"),
        latest_meeting(demo_engine),
        theme_id(demo_engine),
        "Decided",
    )
    with Session(demo_engine) as session:
        frame = meetings.region_meetings(session, london)
        stored = session.scalar(
            select(func.count(MeetingDecision.id))
            .join(ForumMeeting, ForumMeeting.id == MeetingDecision.meeting_id)
            .where(ForumMeeting.region_id == london)
        )
    assert list(frame["meeting_date"]) == sorted(frame["meeting_date"], reverse=True)
    assert frame["decisions"].tolist() == [before[0] + 1, *before[1:]]
    assert frame["decisions"].sum() == sum(before) + 1 == stored
