"""Comments and the coproduction record through the real app: a forum member comments on
an action, the regional lead hides it with a reason (its words are never shown again),
and a metric agreed at a forum meeting says so on its card."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.entities import Entity
from db.engine import build_engine
from db.meetings import record_decision
from db.metrics import MetricDraft, update_metric
from db.models import AgendaItem, Comment, ForumMeeting, Metric, PlanAction, Region, Theme
from db.users import actor_for
from tests.app.test_app_roles import texts
from tests.markdown_text import shown

COMMENT = "Could the forum see the draft before it goes to the Board?"
REASON = "It named a member of staff"


@pytest.fixture
def database(app_env):
    engine = build_engine(app_env)
    yield engine
    engine.dispose()


def london_id(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == "london"))


def open_page(signed_in, username: str, password: str, page: str):
    at = signed_in(username, password)
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def open_action(at, region_id: int, action_id: int):
    """Show an action in the Local plan's details, where its comments are (its card
    says how many)."""
    at.session_state[f"plan-selected-{region_id}"] = action_id
    at.run()
    assert not at.exception, at.exception
    return at


def open_panel(at, key: str):
    """Open a comments panel (its contents are made only while it is open)."""
    at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception
    return at


def page_text(at) -> str:
    return shown(texts(at))


def uncommented_action(engine, region_id: int) -> int:
    """The region's first action with no comments yet (the demo's forum data comments on
    London's first action), so a test's comments are the only ones on it."""
    with Session(engine) as session:
        commented = select(Comment.entity_id).where(
            Comment.region_id == region_id, Comment.entity_type == Entity.PLAN_ACTION
        )
        action_id = session.scalar(
            select(PlanAction.id)
            .where(PlanAction.region_id == region_id, PlanAction.id.not_in(commented))
            .order_by(PlanAction.id)
        )
    assert action_id is not None, "the demo has a London action without comments"
    return action_id


def test_a_forum_member_comments_and_the_lead_hides_it_with_a_reason(signed_in, database):
    london = london_id(database)
    action_id = uncommented_action(database, london)
    key = f"comments-{london}-{Entity.PLAN_ACTION}-{action_id}"

    member = open_page(signed_in, "london.forum", "demo-forum", "pages/local_plan.py")
    open_action(member, london, action_id)
    assert "Comments (0)" in [e.label for e in member.expander]
    open_panel(member, key)
    member.text_area(key=f"{key}-text-0").input(COMMENT)
    next(b for b in member.button if b.label == "Add comment").click()
    member.run()
    assert not member.exception, member.exception
    assert not member.error, [e.value for e in member.error]
    assert "Comments (1)" in [e.label for e in member.expander]
    text = page_text(member)
    assert "Your comment has been added" in text
    assert COMMENT in text and "Femi Adeyemi (demo)" in text
    # A forum member may comment, but neither answer nor hide.
    labels = [b.label for b in member.button]
    assert "Hide comment" not in labels and "Save answer" not in labels

    lead = open_page(signed_in, "london.lead", "demo-london", "pages/local_plan.py")
    open_action(lead, london, action_id)
    open_panel(lead, key)
    assert COMMENT in page_text(lead)
    lead.text_input(key=f"{key}-hide-reason-1").input(REASON)
    next(b for b in lead.button if b.label == "Hide comment").click()
    lead.run()
    assert not lead.exception, lead.exception
    assert not lead.error, [e.value for e in lead.error]
    text = page_text(lead)
    assert COMMENT not in text
    assert f"A comment was hidden by the regional lead: {REASON}" in text

    again = open_page(signed_in, "london.forum", "demo-forum", "pages/local_plan.py")
    open_action(again, london, action_id)
    open_panel(again, key)
    text = page_text(again)
    assert COMMENT not in text
    assert f"A comment was hidden by the regional lead: {REASON}" in text
    assert "Comments (1)" in [e.label for e in again.expander]


def test_a_short_hide_reason_is_refused_and_the_comment_stays(signed_in, database):
    london = london_id(database)
    action_id = uncommented_action(database, london)
    key = f"comments-{london}-{Entity.PLAN_ACTION}-{action_id}"
    lead = open_page(signed_in, "london.lead", "demo-london", "pages/local_plan.py")
    open_action(lead, london, action_id)
    open_panel(lead, key)
    lead.text_area(key=f"{key}-text-0").input("A comment from the lead")
    next(b for b in lead.button if b.label == "Add comment").click()
    lead.run()
    lead.text_input(key=f"{key}-hide-reason-1").input("no")
    next(b for b in lead.button if b.label == "Hide comment").click()
    lead.run()
    assert not lead.exception, lead.exception
    assert any("at least 5" in e.value for e in lead.error)
    assert "A comment from the lead" in page_text(lead)


def test_a_metric_agreed_at_the_forum_says_so_on_its_card(signed_in, database):
    london = london_id(database)
    with Session(database) as session:
        admin = actor_for(session, "admin")
        lead = actor_for(session, "london.lead")
        meeting = session.scalars(
            select(ForumMeeting)
            .where(ForumMeeting.region_id == london)
            .order_by(ForumMeeting.meeting_date)
        ).first()
        metric = session.scalars(
            select(Metric).where(Metric.region_id == london).order_by(Metric.code)
        ).first()
        theme = session.get(Theme, metric.theme_id)
        names = MetricDraft.__dataclass_fields__
        fields = {name: getattr(metric, name) for name in names}
    decision = record_decision(
        database, admin, meeting.id, theme.id, "Agreed the *metric* and its target."
    ).decision_id
    linked = MetricDraft(**{**fields, "agreed_decision_id": decision})
    update_metric(database, lead, metric.id, metric.version, linked)
    at = open_page(signed_in, "london.forum", "demo-forum", "pages/metrics.py")
    at.selectbox(key="metrics-theme").set_value(theme.id).run()
    assert not at.exception, at.exception
    when = f"{meeting.meeting_date.day} {meeting.meeting_date:%B %Y}"
    markdown = "\n".join(m.value for m in at.markdown)
    assert f"Agreed at the Regional Forum on {when}" in markdown
    # The decision's words are shown as typed (escaped), never as markdown.
    assert "Agreed the \\*metric\\* and its target\\." in texts(at)
    assert meeting.meeting_date <= date.today()

    # The form offers the region's decisions for a local metric, with this one chosen.
    form = open_page(signed_in, "london.lead", "demo-london", "pages/metrics.py")
    form.radio(key="metrics-view").set_value("Define or change a metric").run()
    form.selectbox(key="define-metric").set_value(metric.id).run()
    assert not form.exception, form.exception
    picker = next(s for s in form.selectbox if s.label == "Agreed at a Regional Forum meeting")
    assert picker.value == decision


# --- agenda items (components.agenda, as the Forum meeting page draws them) ---------------


def agenda_script(url: str, username: str, meeting_id: int) -> None:
    """The two agenda components for the signed-in person's region (London)."""
    from sqlalchemy.orm import Session

    from components.agenda import agenda_at_meeting, agenda_proposals
    from core.config import load_settings
    from db.engine import get_engine
    from db.users import actor_for
    from services.context import RequestContext

    engine = get_engine(url)
    with Session(engine) as session:
        actor = actor_for(session, username)
    ctx = RequestContext(load_settings(require_cookie_key=False), engine, actor)
    agenda_proposals(ctx, actor.region_id)
    agenda_at_meeting(ctx, actor.region_id, meeting_id)


def run_agenda(app_env, username: str, meeting_id: int):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(
        agenda_script, args=(app_env, username, meeting_id), default_timeout=60
    )
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_member_proposes_an_item_and_the_lead_takes_it_at_a_meeting(app_env, database):
    london = london_id(database)
    with Session(database) as session, session.begin():
        # The demo's forum data proposes two London items (one waiting, one taken at the
        # latest meeting); they are cleared so this test's item is the only one and the
        # empty states ("no items waiting", "none taken") can be seen.
        session.execute(delete(AgendaItem).where(AgendaItem.region_id == london))
    with Session(database) as session:
        meeting = session.scalars(
            select(ForumMeeting)
            .where(ForumMeeting.region_id == london)
            .order_by(ForumMeeting.meeting_date.desc())
        ).first()
    member = run_agenda(app_env, "london.forum", meeting.id)
    assert "No proposed items were taken at this meeting." in texts(member)
    member.text_input(key="agenda-title-0").input("Evening sessions for carers")
    member.text_area(key="agenda-detail-0").input("Carers who work cannot come in the day.")
    next(b for b in member.button if b.label == "Propose item").click()
    member.run()
    assert not member.exception, member.exception
    text = page_text(member)
    assert "Your item has been proposed" in text
    assert "Evening sessions for carers" in text and "Proposed by Femi Adeyemi (demo)" in text
    assert "Save answer" not in [b.label for b in member.button], "members do not answer"

    lead = run_agenda(app_env, "london.lead", meeting.id)
    with Session(database) as session:
        item_id = session.scalar(select(AgendaItem.id).where(AgendaItem.region_id == london))
    lead.text_area(key=f"agenda-answer-{item_id}-text").input("We will try two evenings.")
    lead.selectbox(key=f"agenda-answer-{item_id}-meeting").set_value(meeting.id)
    next(b for b in lead.button if b.label == "Save answer").click()
    lead.run()
    assert not lead.exception, lead.exception
    text = page_text(lead)
    assert "No items are waiting for the next meeting." in text
    when = f"{meeting.meeting_date.day} {meeting.meeting_date:%B %Y}"
    assert f"Taken at the Regional Forum on {when}" in text
    assert "We will try two evenings." in text


def test_the_demo_forum_data_shows_answers_and_hidden_notices(signed_in, database):
    from db.models import User
    from seed.demo_forum import add_forum_demo

    with Session(database) as session, session.begin():
        if session.scalar(select(Comment.id).limit(1)) is None:  # not yet part of the demo
            add_forum_demo(session, {u.username: u for u in session.scalars(select(User))})
    with Session(database) as session:
        hidden = session.scalars(select(Comment).where(Comment.hidden_at.is_not(None))).first()
    key = f"comments-{hidden.region_id}-{hidden.entity_type}-{hidden.entity_id}"
    at = open_page(signed_in, "london.forum", "demo-forum", "pages/local_plan.py")
    open_panel(at, key)
    text = page_text(at)
    assert hidden.text not in text
    assert "A comment was hidden by the regional lead: " + hidden.hidden_reason in text
    assert "Answer from Leon Mensah (demo)" in text
