"""The forum's voice in the data layer: comments, hiding with a reason, answers, agenda
items and the coproduction record (a local metric linked to a forum decision), as each
role, with the refusals leaving the database untouched."""

from __future__ import annotations

import inspect
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.entities import Entity
from core.permissions import Actor, PermissionDenied
from db import forum
from db.meetings import create_meeting, record_decision
from db.metrics import MetricDraft, create_metric, update_metric
from db.models import (
    AgendaItem,
    AuditEvent,
    Comment,
    CommunityProject,
    ForumMeeting,
    Metric,
    PlanAction,
    Region,
    Theme,
)
from db.users import actor_for
from db.writes import WRITE_REGISTRY, WriteRefused

SECRET = "This comment names a person it should not"


# --- helpers ----------------------------------------------------------------------------


def actor(engine, username: str) -> Actor:
    with Session(engine) as session:
        found = actor_for(session, username)
    assert found is not None
    return found


def region(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == code))


def first(engine, model, **where):
    with Session(engine) as session:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.scalars(query.order_by(model.id)).first()


def state(engine) -> tuple:
    """Every row the forum's writes touch, and the audit log's size."""
    with Session(engine) as session:
        return (
            tuple(session.execute(select(Comment.__table__).order_by(Comment.id)).all()),
            tuple(session.execute(select(AgendaItem.__table__).order_by(AgendaItem.id)).all()),
            tuple(session.execute(select(Metric.id, Metric.agreed_decision_id, Metric.version))),
            session.scalar(select(func.count(AuditEvent.id))),
        )


def refused(engine, error, write, *args, **kwargs) -> str:
    before = state(engine)
    with pytest.raises(error) as caught:
        write(engine, *args, **kwargs)
    assert state(engine) == before
    return str(caught.value)


def london_action(engine) -> PlanAction:
    """London's last action: the demo's forum data comments on its first, so the tests'
    comments are the only ones on this one."""
    with Session(engine) as session:
        return session.scalars(
            select(PlanAction)
            .where(PlanAction.region_id == region(engine, "london"))
            .order_by(PlanAction.id.desc())
        ).first()


def uncommented(engine, model, entity: Entity, region_id: int):
    """The region's first item of a kind with no comments (yet)."""
    with Session(engine) as session:
        commented = select(Comment.entity_id).where(
            Comment.region_id == region_id, Comment.entity_type == entity
        )
        found = session.scalars(
            select(model)
            .where(model.region_id == region_id, model.id.not_in(commented))
            .order_by(model.id)
        ).first()
    assert found is not None, f"the demo has a {entity} without comments"
    return found


def comment_as_forum(engine, text: str = "Could we see this at the next meeting?") -> int:
    london = region(engine, "london")
    return forum.add_comment(
        engine,
        actor(engine, "london.forum"),
        london,
        Entity.PLAN_ACTION,
        london_action(engine).id,
        text,
    )


def every_read(engine, region_id: int) -> str:
    """Everything the comment reads return for a region, as text."""
    with Session(engine) as session:
        parts = [
            repr(forum.comments(session, region_id, kind))
            for kind in (Entity.PLAN_ACTION, Entity.METRIC, Entity.COMMUNITY_PROJECT)
        ]
        action = london_action(engine)
        parts.append(repr(forum.item_comments(session, region_id, Entity.PLAN_ACTION, action.id)))
    return "\n".join(parts)


# --- comments ---------------------------------------------------------------------------


def test_the_writes_are_registered_and_none_edits_words():
    ours = {name for name, spec in WRITE_REGISTRY.items() if spec.function.__module__ == "db.forum"}
    assert ours == {
        "add_comment",
        "hide_comment",
        "answer_comment",
        "propose_agenda_item",
        "answer_agenda_item",
    }
    assert WRITE_REGISTRY["add_comment"].entity == Entity.COMMENT
    assert WRITE_REGISTRY["propose_agenda_item"].entity == Entity.AGENDA_ITEM
    # Nobody edits another person's words: no write takes a comment's or an item's id
    # together with new text for it.
    for name in ("hide_comment", "answer_comment", "answer_agenda_item"):
        params = set(inspect.signature(getattr(forum, name).__wrapped__).parameters)
        assert not params & {"text", "title", "detail"}, name


def test_a_forum_member_comments_and_everyone_in_the_region_reads_it(demo_engine):
    london, north_west = region(demo_engine, "london"), region(demo_engine, "north_west")
    action = london_action(demo_engine)
    comment_id = comment_as_forum(demo_engine, "  Could we see a draft first?  ")
    with Session(demo_engine) as session:
        found = forum.comments(session, london, Entity.PLAN_ACTION)
        stored = session.get(Comment, comment_id)
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity_type == Entity.COMMENT, AuditEvent.entity_id == comment_id
            )
        )
        assert forum.comments(session, north_west, Entity.PLAN_ACTION) == {}
    (view,) = found[action.id]
    assert view.text == "Could we see a draft first?"
    assert view.author == "Femi Adeyemi (demo)"
    assert stored.author_name == "Femi Adeyemi (demo)" and stored.region_id == london
    assert event.action == "create" and event.region_id == london
    assert event.after["text"] == "Could we see a draft first?"
    assert event.username == "london.forum"


def test_comments_come_oldest_first_in_one_read_by_item(demo_engine):
    london = region(demo_engine, "london")
    first_id = comment_as_forum(demo_engine, "First")
    second_id = comment_as_forum(demo_engine, "Second")
    # Not the project the demo's forum data comments on.
    project = uncommented(demo_engine, CommunityProject, Entity.COMMUNITY_PROJECT, london)
    forum.add_comment(
        demo_engine,
        actor(demo_engine, "london.lead"),
        london,
        Entity.COMMUNITY_PROJECT,
        project.id,
        "On the project",
    )
    with Session(demo_engine) as session:
        by_item = forum.comments(session, london, Entity.PLAN_ACTION)
        projects = forum.comments(session, london, Entity.COMMUNITY_PROJECT, [project.id])
        assert forum.comments(session, london, Entity.METRIC, []) == {}
    assert [c.id for c in by_item[london_action(demo_engine).id]] == [first_id, second_id]
    assert [c.text for c in projects[project.id]] == ["On the project"]


def test_national_items_shown_in_a_region_take_that_regions_comments(demo_engine):
    london, north_west = region(demo_engine, "london"), region(demo_engine, "north_west")
    national_metric = first(demo_engine, Metric, scope="national")
    forum.add_comment(
        demo_engine,
        actor(demo_engine, "london.forum"),
        london,
        Entity.METRIC,
        national_metric.id,
        "How is this counted in London?",
    )
    with Session(demo_engine) as session:
        assert forum.item_comments(session, london, Entity.METRIC, national_metric.id)
        assert forum.item_comments(session, north_west, Entity.METRIC, national_metric.id) == []
        wide = session.scalars(
            select(PlanAction).where(
                PlanAction.region_id.is_(None), PlanAction.organisation_wide.is_(True)
            )
        ).first()
        template = session.scalars(
            select(PlanAction).where(
                PlanAction.region_id.is_(None), PlanAction.organisation_wide.is_(False)
            )
        ).first()
    lead = actor(demo_engine, "london.lead")
    if wide is not None:
        forum.add_comment(demo_engine, lead, london, Entity.PLAN_ACTION, wide.id, "Thanks")
    message = refused(
        demo_engine, WriteRefused, forum.add_comment, lead, london, Entity.PLAN_ACTION,
        template.id, "Not shown here",
    )  # fmt: skip
    assert "not part of this region" in message


@pytest.mark.parametrize("username", ["national.lead", "northwest.lead"])
def test_only_the_region_may_comment(demo_engine, username):
    london = region(demo_engine, "london")
    action = london_action(demo_engine)
    refused(
        demo_engine,
        PermissionDenied,
        forum.add_comment,
        actor(demo_engine, username),
        london,
        Entity.PLAN_ACTION,
        action.id,
        "Hello there",
    )
    north_west_forum = Actor(
        None, "northwest.forum", "forum_member", region(demo_engine, "north_west")
    )
    refused(
        demo_engine, PermissionDenied, forum.add_comment, north_west_forum, london,
        Entity.PLAN_ACTION, action.id, "Hello there",
    )  # fmt: skip


def test_comments_on_other_regions_items_or_other_kinds_are_refused(demo_engine):
    london, north_west = region(demo_engine, "london"), region(demo_engine, "north_west")
    member = actor(demo_engine, "london.forum")
    theirs = first(demo_engine, PlanAction, region_id=north_west)
    their_project = first(demo_engine, CommunityProject, region_id=north_west)
    their_metric = first(demo_engine, Metric, region_id=north_west)
    for kind, item in (
        (Entity.PLAN_ACTION, theirs.id),
        (Entity.COMMUNITY_PROJECT, their_project.id),
        (Entity.METRIC, their_metric.id),
        (Entity.PLAN_ACTION, 999_999),
    ):
        message = refused(
            demo_engine, WriteRefused, forum.add_comment, member, london, kind, item, "Hi there"
        )
        assert "not part of this region" in message
    message = refused(
        demo_engine, WriteRefused, forum.add_comment, member, london, Entity.FEEDBACK_ITEM, 1, "Hi"
    )
    assert "only on an action" in message
    action = london_action(demo_engine)
    for text in ("", "a", "x" * 2001):
        refused(
            demo_engine,
            WriteRefused,
            forum.add_comment,
            member,
            london,
            Entity.PLAN_ACTION,
            action.id,
            text,
        )


# --- hiding and answering -----------------------------------------------------------------


def test_the_lead_hides_a_comment_and_its_words_are_never_read_again(demo_engine):
    london = region(demo_engine, "london")
    comment_id = comment_as_forum(demo_engine, SECRET)
    lead = actor(demo_engine, "london.lead")
    assert SECRET in every_read(demo_engine, london)
    # A reason is required, of at least five characters.
    refused(demo_engine, WriteRefused, forum.hide_comment, lead, comment_id, "rude")
    # Only the regional lead (or an administrator) may hide.
    for username in ("london.forum", "northwest.lead", "national.lead"):
        refused(
            demo_engine,
            PermissionDenied,
            forum.hide_comment,
            actor(demo_engine, username),
            comment_id,
            "Named a person",
        )
    forum.hide_comment(demo_engine, lead, comment_id, "  It named a member of staff  ")
    reads = every_read(demo_engine, london)
    assert SECRET not in reads
    assert "A comment was hidden by the regional lead: It named a member of staff" in reads
    with Session(demo_engine) as session:
        stored = session.get(Comment, comment_id)
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity_type == Entity.COMMENT,
                AuditEvent.entity_id == comment_id,
                AuditEvent.action == "hide",
            )
        )
    # Kept as written (nobody changes it), with who hid it, when and why.
    assert stored.text == SECRET and stored.hidden_at is not None and stored.version == 2
    assert stored.hidden_by == "Leon Mensah (demo)"
    assert event.reason == "It named a member of staff" and event.username == "london.lead"
    # Hidden once; a hidden comment is not answered.
    refused(demo_engine, WriteRefused, forum.hide_comment, lead, comment_id, "Again, please")
    refused(demo_engine, WriteRefused, forum.answer_comment, lead, comment_id, "An answer")


def test_the_lead_answers_once_and_the_comment_stays_as_written(demo_engine):
    london = region(demo_engine, "london")
    comment_id = comment_as_forum(demo_engine, "When is the next update?")
    for username in ("london.forum", "northwest.lead", "national.lead"):
        refused(
            demo_engine,
            PermissionDenied,
            forum.answer_comment,
            actor(demo_engine, username),
            comment_id,
            "Soon",
        )
    lead = actor(demo_engine, "london.lead")
    refused(demo_engine, WriteRefused, forum.answer_comment, lead, comment_id, "")
    forum.answer_comment(demo_engine, lead, comment_id, "At the June meeting.")
    with Session(demo_engine) as session:
        (view,) = forum.item_comments(
            session, london, Entity.PLAN_ACTION, london_action(demo_engine).id
        )
    assert (view.text, view.answer, view.answered_by) == (
        "When is the next update?",
        "At the June meeting.",
        "Leon Mensah (demo)",
    )
    assert view.answered_at is not None
    # An answer is someone's words too: given once, never overwritten.
    message = refused(demo_engine, WriteRefused, forum.answer_comment, lead, comment_id, "Later")
    assert "already been answered" in message
    admin = actor(demo_engine, "admin")
    refused(demo_engine, WriteRefused, forum.answer_comment, admin, comment_id, "Overwrite")
    # A comment that no longer exists.
    refused(demo_engine, WriteRefused, forum.answer_comment, lead, 999_999, "Hello")


# --- agenda items -------------------------------------------------------------------------


def test_agenda_items_are_proposed_waiting_then_taken_at_a_meeting(demo_engine):
    london, north_west = region(demo_engine, "london"), region(demo_engine, "north_west")
    member, lead = actor(demo_engine, "london.forum"), actor(demo_engine, "london.lead")
    meeting = first(demo_engine, ForumMeeting, region_id=london)
    # The demo's forum data has London items already: one waiting, one taken at the
    # latest meeting. They stay as they are throughout.
    with Session(demo_engine) as session:
        demo_waiting = forum.waiting_agenda_items(session, london)
        demo_answered = forum.answered_agenda_items(session, london)
        demo_taken = forum.agenda_items_at_meeting(session, london, meeting.id)
    demo_ids = {i.id for i in demo_waiting}
    item_id = forum.propose_agenda_item(
        demo_engine, member, london, "  Evening sessions  ", "For carers who work."
    )
    other_id = forum.propose_agenda_item(demo_engine, lead, london, "Venue access")
    with Session(demo_engine) as session:
        waiting = forum.waiting_agenda_items(session, london)
        assert forum.waiting_agenda_items(session, north_west) == []
    assert [(i.id, i.title, i.proposed_by) for i in waiting if i.id not in demo_ids] == [
        (item_id, "Evening sessions", "Femi Adeyemi (demo)"),
        (other_id, "Venue access", "Leon Mensah (demo)"),
    ]
    theirs = first(demo_engine, ForumMeeting, region_id=north_west)
    refused(demo_engine, PermissionDenied, forum.answer_agenda_item, member, item_id, "Yes")
    message = refused(
        demo_engine, WriteRefused, forum.answer_agenda_item, lead, item_id, "Yes", theirs.id
    )
    assert "this region's forum meetings" in message
    refused(demo_engine, WriteRefused, forum.answer_agenda_item, lead, item_id, "", meeting.id)
    forum.answer_agenda_item(demo_engine, lead, item_id, "We will try two evenings.", meeting.id)
    forum.answer_agenda_item(demo_engine, lead, other_id, "The venue has a ramp now.")
    with Session(demo_engine) as session:
        assert forum.waiting_agenda_items(session, london) == demo_waiting
        (taken,) = [
            i
            for i in forum.agenda_items_at_meeting(session, london, meeting.id)
            if i not in demo_taken
        ]
        (answered,) = [
            i for i in forum.answered_agenda_items(session, london) if i not in demo_answered
        ]
        assert forum.agenda_items_at_meeting(session, north_west, meeting.id) == []
    assert taken.id == item_id and taken.meeting_date == meeting.meeting_date
    assert taken.outcome().startswith("Taken at the Regional Forum on ")
    assert answered.id == other_id and answered.meeting_id is None
    message = refused(demo_engine, WriteRefused, forum.answer_agenda_item, lead, item_id, "Again")
    assert "already been answered" in message


@pytest.mark.parametrize(
    ("title", "detail"), [("", ""), ("ab", ""), ("x" * 201, ""), ("Fine", "d" * 2001)]
)
def test_agenda_items_are_checked(demo_engine, title, detail):
    london = region(demo_engine, "london")
    member = actor(demo_engine, "london.forum")
    refused(demo_engine, WriteRefused, forum.propose_agenda_item, member, london, title, detail)


@pytest.mark.parametrize("username", ["national.lead", "northwest.lead"])
def test_only_the_region_proposes_items(demo_engine, username):
    london = region(demo_engine, "london")
    refused(
        demo_engine,
        PermissionDenied,
        forum.propose_agenda_item,
        actor(demo_engine, username),
        london,
        "An item",
    )


# --- the coproduction record ---------------------------------------------------------------


def decision_in(engine, code: str, text: str = "The forum agreed the metric.") -> int:
    region_id = region(engine, code)
    admin = actor(engine, "admin")
    meeting = first(engine, ForumMeeting, region_id=region_id)
    if meeting is None:
        meeting_id = create_meeting(engine, admin, region_id, date(2026, 3, 12))
    else:
        meeting_id = meeting.id
    with Session(engine) as session:
        theme = session.scalar(select(Theme.id).where(Theme.monitoring).order_by(Theme.id))
    return record_decision(engine, admin, meeting_id, theme, text).decision_id


def local_draft(engine, **changes) -> MetricDraft:
    with Session(engine) as session:
        theme = session.scalar(select(Theme.id).where(Theme.monitoring).order_by(Theme.id))
    base = dict(code="LONDON-F01", name="Forum agreed", theme_id=theme, unit="count")
    return MetricDraft(**{**base, "direction": "increase", **changes})


def test_a_local_metric_links_to_its_regions_forum_decision(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    ours = decision_in(demo_engine, "london", "Agreed the count of forum-led sessions.")
    theirs = decision_in(demo_engine, "north_west")
    with Session(demo_engine) as session:
        choices = forum.region_decisions(session, london)
    assert ours in [c.id for c in choices] and theirs not in [c.id for c in choices]
    metric_id = create_metric(
        demo_engine, lead, local_draft(demo_engine, agreed_decision_id=ours), london
    )
    with Session(demo_engine) as session:
        stored = session.get(Metric, metric_id)
        linked = forum.decisions_by_id(session, [ours])[ours]
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity_type == Entity.METRIC, AuditEvent.entity_id == metric_id
            )
        )
    assert stored.agreed_decision_id == ours
    assert event.after["agreed_decision_id"] == ours
    assert linked.text == "Agreed the count of forum-led sessions."
    # Another region's decision is refused; so is a decision that does not exist.
    for bad, words in ((theirs, "another region's forum"), (999_999, "no longer exists")):
        message = refused(
            demo_engine, WriteRefused, create_metric, lead,
            local_draft(demo_engine, code="LONDON-F02", agreed_decision_id=bad), london,
        )  # fmt: skip
        assert words in message
        message = refused(
            demo_engine, WriteRefused, update_metric, lead, metric_id, stored.version,
            local_draft(demo_engine, agreed_decision_id=bad),
        )  # fmt: skip
        assert words in message
    # A change agreed elsewhere: the link is taken off, the free text says where.
    update_metric(
        demo_engine,
        lead,
        metric_id,
        stored.version,
        local_draft(
            demo_engine,
            coproduced_with="Carers Advisory Board",
            coproduced_on=date(2026, 1, 5),
        ),
    )
    assert first(demo_engine, Metric, id=metric_id).agreed_decision_id is None


def test_a_national_metric_is_not_linked_to_one_regions_forum(demo_engine):
    decision = decision_in(demo_engine, "london")
    national = actor(demo_engine, "national.lead")
    message = refused(
        demo_engine, WriteRefused, create_metric, national,
        local_draft(demo_engine, code="NAT-F01", agreed_decision_id=decision), None,
    )  # fmt: skip
    assert "national core metric" in message


# --- the demo ------------------------------------------------------------------------------


def test_the_demo_forum_data_follows_the_rules(demo_engine):
    from db.models import User
    from seed.demo_forum import add_forum_demo

    with Session(demo_engine) as session, session.begin():
        if session.scalar(select(func.count(Comment.id))) == 0:  # not yet part of the demo
            users = {u.username: u for u in session.scalars(select(User))}
            add_forum_demo(session, users)
    london = region(demo_engine, "london")
    with Session(demo_engine) as session:
        stored = list(session.scalars(select(Comment).where(Comment.region_id == london)))
        views = [
            view
            for kind in (Entity.PLAN_ACTION, Entity.METRIC, Entity.COMMUNITY_PROJECT)
            for found in forum.comments(session, london, kind).values()
            for view in found
        ]
        waiting = forum.waiting_agenda_items(session, london)
        linked = session.scalars(
            select(Metric).where(Metric.region_id == london, Metric.agreed_decision_id.is_not(None))
        ).all()
        assert forum.decisions_by_id(session, [m.agreed_decision_id for m in linked])
        taken = session.scalars(select(AgendaItem).where(AgendaItem.meeting_id.is_not(None))).all()
    hidden = [c for c in stored if c.hidden_at is not None]
    assert hidden and all(len(c.hidden_reason) >= 5 for c in hidden)
    assert not any(c.text in repr(views) for c in hidden)
    assert any(v.answered for v in views)
    assert [i.title for i in waiting] == ["Evening sessions for carers"]
    assert len(taken) == 1 and taken[0].answer
    assert len(linked) == 1
