""" "Since the last meeting" lists every kind of change made in the region, each made
through the app's own registered writes on the day of the meeting (before it), on both
database engines: values entered, statuses changed, actions added and updated, local
metrics added and changed, projects added and updated, feedback received and answered,
and decisions recorded."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import meetings as words
from core.metric_draft import MetricDraft
from core.metric_grid import ValueChange
from core.periods import format_period
from core.permissions import Actor
from core.projects import ProjectInput
from db import feedback, meetings, metrics, plan, projects
from db.models import (
    ActionArea,
    AuditEvent,
    CommunityProject,
    FeedbackItem,
    ForumMeeting,
    PlanAction,
    Region,
    Theme,
    User,
)
from db.quarterly import signed_off_quarters

LONG_AGO = date(2020, 6, 1)


def actor(engine, username: str) -> Actor:
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        return Actor(user.id, user.username, user.role, user.region_id)


def one(engine, query):
    with Session(engine) as session:
        return session.execute(query).first()


def backdate(engine, entity: str, entity_id: int) -> None:
    """Move a record's audit events to long before the window (made "before")."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.entity_type == entity, AuditEvent.entity_id == entity_id)
            .values(occurred_at=LONG_AGO)
        )


def meeting_today(engine, lead: Actor, london: int) -> int:
    today = date.today()
    found = one(
        engine,
        select(ForumMeeting.id).where(
            ForumMeeting.region_id == london, ForumMeeting.meeting_date == today
        ),
    )
    if found:
        return found[0]
    return meetings.create_meeting(engine, lead, london, today, chair="Sam")


def open_quarter(engine, london: int) -> date:
    """The newest quarter that has ended and is not signed off (so its values can change)."""
    with Session(engine) as session:
        locked = signed_off_quarters(session, [london])
    today = date.today()
    quarter = date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
    for _ in range(12):
        quarter = (quarter - timedelta(days=1)).replace(day=1)
        quarter = date(quarter.year, ((quarter.month - 1) // 3) * 3 + 1, 1)
        if (london, quarter) not in locked:
            return quarter
    raise AssertionError("every recent quarter is signed off")


@dataclass(frozen=True)
class Made:
    """What :func:`make_every_kind_of_change` did, for the checks."""

    london: int
    meeting: int
    quarter: date
    completed: str
    completed_from: str
    updated: str
    project: str


def make_every_kind_of_change(engine) -> Made:
    """A meeting of London's forum today and, before it, one change of every kind,
    each through the app's registered writes (also used by the browser test)."""
    lead, member = actor(engine, "london.lead"), actor(engine, "london.forum")
    london = one(engine, select(Region.id).where(Region.code == "london"))[0]
    theme = one(engine, select(Theme.id).where(Theme.code == "coproduction"))[0]
    area = one(engine, select(ActionArea.id).order_by(ActionArea.sort_order))[0]
    meeting = meeting_today(engine, lead, london)

    # A local metric defined long ago (its creation before the window), changed today.
    draft = MetricDraft(
        code="LONDON-T1",
        name="Drop-in sessions held",
        theme_id=theme,
        unit="count",
        direction="increase",
        definition="Drop-in sessions held with community partners.",
        target_value=12.0,
        target_date=date(2028, 4, 1),
        counts_people=False,
    )
    older = metrics.create_metric(engine, lead, draft, region_id=london)
    backdate(engine, "metric", older)
    metrics.update_metric(engine, lead, older, 1, replace(draft, target_value=20.0), "Agreed")

    # A new local metric today, and values entered for it.
    new_metric = metrics.create_metric(
        engine,
        lead,
        replace(draft, code="LONDON-T2", name="Partner organisations met"),
        region_id=london,
    )
    quarter = open_quarter(engine, london)
    metrics.save_values(engine, lead, london, [ValueChange(new_metric, quarter, value=4.0)])

    # Plan actions: a status change, a new action, changed details.
    mine = (
        select(PlanAction)
        .where(PlanAction.region_id == london, PlanAction.status != "complete")
        .order_by(PlanAction.id)
    )
    with Session(engine) as session:
        first, second = session.scalars(mine.limit(2)).all()
        first_id, first_title, first_status = first.id, first.title, first.status
        second_id, second_title, second_version = second.id, second.title, second.version
    plan.post_action_update(engine, lead, first_id, date.today(), "Finished.", "complete")
    plan.add_action(engine, lead, london, "Evening drop-in for carers", area, [theme])
    plan.update_action(engine, lead, second_id, second_version, owner="Ama Boateng")

    # Projects: a new one, and an existing one's status.
    projects.create_project(engine, lead, london, ProjectInput(title="Barbershop talks"))
    with Session(engine) as session:
        project = session.scalar(
            select(CommunityProject)
            .where(CommunityProject.region_id == london, CommunityProject.status != "completed")
            .order_by(CommunityProject.id)
        )
        record = projects.project_record(session, project.id)
    assert record is not None
    projects.update_project(
        engine, lead, project.id, project.version, replace(record.data, status="completed")
    )

    # Feedback: a new item from a forum member, and an answer to a waiting one.
    feedback.add_feedback(engine, member, london, "Carer", date.today(), "Evening sessions, please")
    with Session(engine) as session:
        waiting = session.scalar(
            select(FeedbackItem)
            .where(FeedbackItem.region_id == london, FeedbackItem.status == "received")
            .order_by(FeedbackItem.id)
        )
        waiting_id, waiting_version = waiting.id, waiting.version
    feedback.respond_to_feedback(engine, lead, waiting_id, waiting_version, "We did it.")

    # A decision recorded at the meeting.
    meetings.record_decision(engine, lead, meeting, theme, "Hold the next meeting in Brixton")
    return Made(london, meeting, quarter, first_title, first_status, second_title, project.title)


def test_every_kind_of_change_made_on_the_meeting_day_is_listed(demo_engine):
    engine = demo_engine
    made = make_every_kind_of_change(engine)
    london, meeting, quarter = made.london, made.meeting, made.quarter
    first_title, first_status, second_title = made.completed, made.completed_from, made.updated
    with Session(engine) as session:
        changes = meetings.changes_since_last_meeting(session, london, meeting)
    listed = set(zip(changes["kind"], changes["summary"], strict=True))
    kinds = set(changes["kind"])
    first_line = (
        words.COMPLETED,
        f"‘{first_title}’ moved from {words._status_words(first_status, words.ACTION_STATUSES)}"
        " to Complete",
    )
    expected = {
        (words.METRICS, "Local metric ‘LONDON-T2: Partner organisations met’ added"),
        (words.METRICS, "Metric ‘LONDON-T1: Drop-in sessions held’ changed: target value"),
        first_line,
        (words.NEW_ACTIONS, "‘Evening drop-in for carers’ added to the plan (Not started)"),
        (words.ACTIONS_UPDATED, f"‘{second_title}’: updated owner"),
        (words.PROJECTS, "Project ‘Barbershop talks’ added (Planned)"),
        (words.NEW_FEEDBACK, "Feedback from a carer: ‘Evening sessions, please’"),
        (
            words.DECISIONS,
            f"Decision recorded at the meeting on {date.today():%d %B %Y}: "
            "‘Hold the next meeting in Brixton’",
        ),
    }
    assert expected <= listed, expected - listed
    assert any(
        kind == words.PROJECTS and "to Completed" in text and made.project[:20] in text
        for kind, text in listed
    )
    # (The demo's own values for the quarter may have been entered today too.)
    assert any(
        kind == words.VALUES and text.startswith(f"{format_period(quarter)} values entered for")
        for kind, text in listed
    )
    assert any(kind == words.ANSWERED and "responded" in text for kind, text in listed)
    assert {words.ACTIONS_UPDATED, words.METRICS, words.DECISIONS} <= kinds


def test_changes_after_the_meeting_day_wait_for_the_next_meeting(demo_engine):
    engine = demo_engine
    lead = actor(engine, "london.lead")
    london = one(engine, select(Region.id).where(Region.code == "london"))[0]
    area = one(engine, select(ActionArea.id).order_by(ActionArea.sort_order))[0]
    theme = one(engine, select(Theme.id).where(Theme.code == "coproduction"))[0]
    meeting = meeting_today(engine, lead, london)
    before = plan.add_action(engine, lead, london, "Made at 10:00", area, [theme])
    after = plan.add_action(engine, lead, london, "Made the day after", area, [theme])
    today, tomorrow = date.today(), date.today() + timedelta(days=1)
    for action_id, moment in [
        (before, datetime.combine(today, time(10, 0))),
        (after, datetime.combine(tomorrow, time(0, 5))),
    ]:
        with Session(engine) as session, session.begin():
            session.execute(
                update(AuditEvent)
                .where(AuditEvent.entity_type == "plan_action", AuditEvent.entity_id == action_id)
                .values(occurred_at=moment)
            )
    with Session(engine) as session:
        summaries = list(meetings.changes_since_last_meeting(session, london, meeting)["summary"])
        window = meetings.meeting_window(session, meeting)
    assert any("Made at 10:00" in s for s in summaries)
    assert not any("Made the day after" in s for s in summaries)
    assert window.until == datetime.combine(tomorrow, time.min)


def test_a_national_core_metric_added_today_is_listed_in_each_region(demo_engine):
    engine = demo_engine
    national, lead = actor(engine, "national.lead"), actor(engine, "london.lead")
    london = one(engine, select(Region.id).where(Region.code == "london"))[0]
    theme = one(engine, select(Theme.id).where(Theme.code == "workforce"))[0]
    meeting = meeting_today(engine, lead, london)
    draft = MetricDraft(
        code="NAT-T9",
        name="Staff networks meeting each quarter",
        theme_id=theme,
        unit="count",
        direction="increase",
        definition="Staff networks that met in the quarter.",
        counts_people=False,
    )
    metrics.create_metric(engine, national, draft)
    with Session(engine) as session:
        changes = meetings.changes_since_last_meeting(session, london, meeting)
    assert (
        words.METRICS,
        "National core metric ‘NAT-T9: Staff networks meeting each quarter’ added",
    ) in set(zip(changes["kind"], changes["summary"], strict=True))
