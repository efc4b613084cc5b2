"""Feedback writes and reads: permissions by role and region, audit events, optimistic
concurrency, the personal-details check, and a refusal that changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.feedback_rules import feedback_figures, feedback_table
from core.permissions import Actor, PermissionDenied, Role
from db.feedback import (
    add_feedback,
    feedback_figures_by_region,
    feedback_items,
    feedback_timings,
    linkable_actions,
    respond_to_feedback,
    update_feedback_status,
)
from db.models import AuditEvent, FeedbackItem, PlanAction, Region, Theme, User
from db.writes import WRITE_REGISTRY, StaleWrite, WriteRefused

TODAY = date.today()
RECEIVED = TODAY - timedelta(days=20)
SUMMARY = "Carers asked for evening sessions so they can attend after work."


# --- helpers ----------------------------------------------------------------------


def region_id(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == code))


def actor(engine, username: str) -> Actor:
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        return Actor(user.id, user.username, user.role, user.region_id)


def theme_id(engine, code: str = "coproduction") -> int:
    with Session(engine) as session:
        return session.scalar(select(Theme.id).where(Theme.code == code))


def region_action(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(
            select(PlanAction.id)
            .where(PlanAction.region_id == region_id(engine, code))
            .order_by(PlanAction.id)
            .limit(1)
        )


def state(engine) -> tuple:
    """Everything a feedback write may change: all items (every column) and the audit
    event count."""
    with Session(engine) as session:
        items = session.scalars(select(FeedbackItem).order_by(FeedbackItem.id)).all()
        rows = tuple(
            tuple(getattr(i, c.key) for c in FeedbackItem.__table__.columns) for i in items
        )
        events = session.scalar(select(func.count(AuditEvent.id)))
    return rows, events


def item(engine, feedback_id: int) -> FeedbackItem:
    with Session(engine) as session:
        return session.get(FeedbackItem, feedback_id)


def events_for(engine, feedback_id: int) -> list[AuditEvent]:
    with Session(engine) as session:
        return session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "feedback_item", AuditEvent.entity_id == feedback_id)
            .order_by(AuditEvent.id)
        ).all()


def new_london_item(engine) -> int:
    return add_feedback(
        engine,
        actor(engine, "london.forum"),
        region_id(engine, "london"),
        "Carer",
        RECEIVED,
        SUMMARY,
        theme_id(engine),
    )


#: Who is allowed what, for an item in London.
ADD_ALLOWED = {"london.forum", "london.lead", "admin"}
RESPOND_ALLOWED = {"london.lead", "admin"}
USERNAMES = ["national.lead", "london.lead", "northwest.lead", "london.forum", "admin"]


def test_the_three_writes_are_registered_with_their_entity():
    for name in ("add_feedback", "respond_to_feedback", "update_feedback_status"):
        assert WRITE_REGISTRY[name].entity == "feedback_item"


# --- add ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", USERNAMES)
def test_add_feedback_by_role(demo_engine, username):
    who = actor(demo_engine, username)
    london = region_id(demo_engine, "london")
    before = state(demo_engine)
    if username in ADD_ALLOWED:
        new_id = add_feedback(demo_engine, who, london, "Carer", RECEIVED, SUMMARY)
        saved = item(demo_engine, new_id)
        assert (saved.region_id, saved.status, saved.version) == (london, "received", 1)
        assert saved.summary == SUMMARY and saved.responded_on is None
        assert saved.created_by_id == who.user_id
        (event,) = events_for(demo_engine, new_id)
        assert (event.action, event.region_id, event.username) == ("create", london, username)
        assert event.after["summary"] == SUMMARY and event.after["status"] == "received"
    else:
        with pytest.raises(PermissionDenied):
            add_feedback(demo_engine, who, london, "Carer", RECEIVED, SUMMARY)
        assert state(demo_engine) == before


def test_forum_member_cannot_add_feedback_for_another_region(demo_engine):
    before = state(demo_engine)
    with pytest.raises(PermissionDenied):
        add_feedback(
            demo_engine,
            actor(demo_engine, "london.forum"),
            region_id(demo_engine, "north_west"),
            "Carer",
            RECEIVED,
            SUMMARY,
        )
    assert state(demo_engine) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"summary": "Please ring Sam on 07700 900123."}, "phone number"),
        ({"summary": "Email sam@example.org for details."}, "email address"),
        ({"summary": "   "}, "short summary"),
        ({"summary": "x" * 501}, "500 characters or fewer"),
        ({"source": "A friend"}, "not a feedback source"),
        ({"received_on": TODAY + timedelta(days=1)}, "cannot be in the future"),
        ({"theme_id": 999_999}, "no such theme"),
    ],
)
def test_bad_feedback_is_refused_with_a_clear_message(demo_engine, changes, message):
    args = {
        "source": "Carer",
        "received_on": RECEIVED,
        "summary": SUMMARY,
        "theme_id": None,
    } | changes
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match=message):
        add_feedback(
            demo_engine,
            actor(demo_engine, "london.forum"),
            region_id(demo_engine, "london"),
            **args,
        )
    assert state(demo_engine) == before


def test_summary_is_trimmed_and_may_be_exactly_500_characters(demo_engine):
    text = "y" * 500
    new_id = add_feedback(
        demo_engine,
        actor(demo_engine, "london.lead"),
        region_id(demo_engine, "london"),
        "Partner organisation",
        RECEIVED,
        f"  {text}  ",
    )
    assert item(demo_engine, new_id).summary == text


# --- respond -----------------------------------------------------------------------


@pytest.mark.parametrize("username", USERNAMES)
def test_respond_by_role(demo_engine, username):
    feedback_id = new_london_item(demo_engine)
    action_id = region_action(demo_engine, "london")
    who = actor(demo_engine, username)
    before = state(demo_engine)
    if username in RESPOND_ALLOWED:
        version = respond_to_feedback(
            demo_engine,
            who,
            feedback_id,
            1,
            "We now run evening sessions once a month.",
            "Evening sessions started in the drop-in.",
            "responded",
            action_id,
        )
        saved = item(demo_engine, feedback_id)
        assert version == saved.version == 2
        assert saved.status == "responded" and saved.responded_on == TODAY
        assert saved.response == "We now run evening sessions once a month."
        assert saved.action_taken == "Evening sessions started in the drop-in."
        assert saved.action_id == action_id
        event = events_for(demo_engine, feedback_id)[-1]
        assert event.action == "respond" and event.username == username
        assert event.region_id == region_id(demo_engine, "london")
        assert event.before["status"] == "received" and event.after["status"] == "responded"
        assert event.before["responded_on"] is None
        assert event.after["responded_on"] == TODAY.isoformat()
    else:
        with pytest.raises(PermissionDenied):
            respond_to_feedback(demo_engine, who, feedback_id, 1, "We did something.")
        assert state(demo_engine) == before


def test_a_stale_response_is_refused_and_changes_nothing(demo_engine):
    feedback_id = new_london_item(demo_engine)
    lead = actor(demo_engine, "london.lead")
    respond_to_feedback(demo_engine, lead, feedback_id, 1, "First answer.", status="in_progress")
    before = state(demo_engine)
    with pytest.raises(StaleWrite, match="Someone else changed this feedback item"):
        respond_to_feedback(demo_engine, lead, feedback_id, 1, "Second answer from an old page.")
    assert state(demo_engine) == before
    assert item(demo_engine, feedback_id).response == "First answer."


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"response": "", "status": "responded"}, "write the response"),
        ({"response": "Done.", "status": "finished"}, "not a feedback status"),
        ({"response": "Called them on 020 7946 0018.", "status": "responded"}, "phone number"),
        ({"response": "x" * 1001, "status": "in_progress"}, "1000 characters"),
        (
            {"response": "Done.", "status": "responded", "responded_on": RECEIVED - timedelta(1)},
            "cannot be before",
        ),
        (
            {"response": "Done.", "status": "responded", "responded_on": TODAY + timedelta(1)},
            "cannot be in the future",
        ),
    ],
)
def test_bad_responses_are_refused(demo_engine, kwargs, message):
    feedback_id = new_london_item(demo_engine)
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match=message):
        respond_to_feedback(
            demo_engine, actor(demo_engine, "london.lead"), feedback_id, 1, **kwargs
        )
    assert state(demo_engine) == before


def test_feedback_links_only_to_its_own_regions_actions(demo_engine):
    feedback_id = new_london_item(demo_engine)
    before = state(demo_engine)
    for other in (region_action(demo_engine, "north_west"), 999_999):
        with pytest.raises(WriteRefused, match="this region's own plan actions"):
            respond_to_feedback(
                demo_engine,
                actor(demo_engine, "admin"),
                feedback_id,
                1,
                "Done.",
                action_id=other,
            )
    assert state(demo_engine) == before


def test_responding_again_keeps_the_first_response_date(demo_engine):
    feedback_id = new_london_item(demo_engine)
    lead = actor(demo_engine, "london.lead")
    first = RECEIVED + timedelta(days=5)
    v2 = respond_to_feedback(demo_engine, lead, feedback_id, 1, "Answer.", responded_on=first)
    v3 = respond_to_feedback(demo_engine, lead, feedback_id, v2, "Better answer.", status="closed")
    saved = item(demo_engine, feedback_id)
    assert (v2, v3) == (2, 3)
    assert saved.responded_on == first and saved.status == "closed"
    assert saved.response == "Better answer."


def test_an_in_progress_reply_is_not_an_answer(demo_engine):
    feedback_id = new_london_item(demo_engine)
    respond_to_feedback(
        demo_engine,
        actor(demo_engine, "london.lead"),
        feedback_id,
        1,
        "We are looking into this with the drop-in team.",
        status="in_progress",
    )
    saved = item(demo_engine, feedback_id)
    assert saved.status == "in_progress" and saved.responded_on is None


def test_responding_to_a_missing_item_is_refused(demo_engine):
    with pytest.raises(WriteRefused, match="no longer exists"):
        respond_to_feedback(demo_engine, actor(demo_engine, "admin"), 999_999, 1, "Done.")


# --- status ------------------------------------------------------------------------


@pytest.mark.parametrize("username", USERNAMES)
def test_update_status_by_role(demo_engine, username):
    feedback_id = new_london_item(demo_engine)
    who = actor(demo_engine, username)
    before = state(demo_engine)
    if username in RESPOND_ALLOWED:
        version = update_feedback_status(
            demo_engine, who, feedback_id, 1, "in_progress", "Passed to the team."
        )
        saved = item(demo_engine, feedback_id)
        assert version == saved.version == 2 and saved.status == "in_progress"
        event = events_for(demo_engine, feedback_id)[-1]
        assert event.action == "status_change" and event.reason == "Passed to the team."
        assert (event.before["status"], event.after["status"]) == ("received", "in_progress")
        assert event.region_id == region_id(demo_engine, "london")
    else:
        with pytest.raises(PermissionDenied):
            update_feedback_status(demo_engine, who, feedback_id, 1, "in_progress")
        assert state(demo_engine) == before


def test_status_rules(demo_engine):
    feedback_id = new_london_item(demo_engine)
    lead = actor(demo_engine, "london.lead")
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match="write the response"):
        update_feedback_status(demo_engine, lead, feedback_id, 1, "closed")
    with pytest.raises(WriteRefused, match="already 'Received'"):
        update_feedback_status(demo_engine, lead, feedback_id, 1, "received")
    with pytest.raises(WriteRefused, match="not a feedback status"):
        update_feedback_status(demo_engine, lead, feedback_id, 1, "lost")
    with pytest.raises(StaleWrite):
        update_feedback_status(demo_engine, lead, feedback_id, 7, "in_progress")
    assert state(demo_engine) == before

    v2 = respond_to_feedback(demo_engine, lead, feedback_id, 1, "Answer.")
    v3 = update_feedback_status(demo_engine, lead, feedback_id, v2, "closed")
    assert item(demo_engine, feedback_id).responded_on == TODAY
    # Reopening takes the response date away, so the figures count it as waiting again.
    update_feedback_status(demo_engine, lead, feedback_id, v3, "in_progress", "Reopened.")
    saved = item(demo_engine, feedback_id)
    assert saved.status == "in_progress" and saved.responded_on is None
    assert saved.response == "Answer."


# --- reads -------------------------------------------------------------------------


def test_reads_filter_and_feed_the_figures(demo_engine):
    london = region_id(demo_engine, "london")
    feedback_id = new_london_item(demo_engine)
    action_id = region_action(demo_engine, "london")
    respond_to_feedback(
        demo_engine,
        actor(demo_engine, "london.lead"),
        feedback_id,
        1,
        "Done.",
        "",
        "closed",
        action_id,
    )
    with Session(demo_engine) as session:
        everything = feedback_items(session, london)
        assert set(everything["region_id"]) == {london}
        assert everything["received_on"].is_monotonic_decreasing
        mine = everything[everything["id"] == feedback_id].iloc[0]
        title = session.get(PlanAction, action_id).title
        assert mine["action_title"] == title and mine["theme_name"] == "Coproduction"
        closed = feedback_items(session, london, statuses=["closed"])
        assert set(closed["status"]) == {"closed"} and feedback_id in set(closed["id"])
        carers = feedback_items(
            session, london, sources=["Carer"], theme_ids=[theme_id(demo_engine)]
        )
        assert feedback_id in set(carers["id"]) and set(carers["source"]) == {"Carer"}
        assert feedback_items(session, london, statuses=[]).empty
        timings = feedback_timings(session, [london])
        actions = linkable_actions(session, london)
    assert len(timings) == len(everything)
    assert action_id in set(actions["id"])
    figures = feedback_figures(timings.to_dict("records"), TODAY)
    assert figures.total == len(everything)
    assert figures.answered == everything["status"].isin(["responded", "closed"]).sum()

    table = feedback_table(everything)
    row = table[table["You said"] == SUMMARY].iloc[0]
    assert row["Status"] == "Closed" and row["We did"] == "Done."
    assert row["Linked plan action"].endswith(title)
    assert list(table.columns)[:4] == ["Received", "Source", "Theme", "You said"]


def test_each_regions_figures_are_its_own_items_figures(demo_engine):
    """The national summary's figures (kept per region) are the figures of each region's
    items, including a region with no feedback at all (no median, nothing waiting)."""
    with Session(demo_engine) as session, session.begin():
        empty = Region(code="empty_test", name="A region with no feedback")
        session.add(empty)
        session.flush()
        empty_id = empty.id
    with Session(demo_engine) as session:
        ids = [*session.scalars(select(Region.id).where(Region.id != empty_id)), empty_id]
        by_region = feedback_figures_by_region(session, ids, TODAY)
        assert list(by_region) == ids
        for region in ids:
            items = feedback_timings(session, [region]).to_dict("records")
            assert by_region[region] == feedback_figures(items, TODAY), region
    none = by_region[empty_id]
    assert none.total == 0 and none.median_days_to_respond is None
    assert none.oldest_waiting_days is None
    assert none.as_row()["Median days to respond"] == "No responses yet"


def test_region_roles_cannot_respond_in_another_region(demo_engine):
    north_west = region_id(demo_engine, "north_west")
    feedback_id = add_feedback(
        demo_engine, actor(demo_engine, "northwest.lead"), north_west, "Carer", RECEIVED, SUMMARY
    )
    before = state(demo_engine)
    with pytest.raises(PermissionDenied):
        respond_to_feedback(demo_engine, actor(demo_engine, "london.lead"), feedback_id, 1, "Hi.")
    assert state(demo_engine) == before
    # Sanity: the role constants the tests rely on.
    assert actor(demo_engine, "london.lead").role == Role.REGIONAL_LEAD
