"""The Feedback page through the real app, for each role: what each sees and may do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.permissions import Actor
from db.engine import build_engine
from db.feedback import respond_to_feedback
from db.models import AuditEvent, FeedbackItem, Region, Theme, User
from tests.app.test_app_roles import texts

PAGE = "pages/feedback.py"
SUMMARY_BOX = "What they said (a short summary)"
RESPONSE_BOX = "We did (the response people will see)"


@pytest.fixture
def db(app_env) -> Iterator:
    engine = build_engine(app_env)
    yield engine
    engine.dispose()


def open_page(signed_in, username: str, password: str):
    at = signed_in(username, password)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def labels(widgets) -> list[str]:
    return [w.label for w in widgets]


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def text_area(at, label: str):
    return next(t for t in at.text_area if t.label == label)


def feedback_count(engine, region_code: str | None = None) -> int:
    with Session(engine) as session:
        query = select(func.count(FeedbackItem.id))
        if region_code:
            query = query.join(Region, Region.id == FeedbackItem.region_id).where(
                Region.code == region_code
            )
        return session.scalar(query)


def headers(at) -> list[str]:
    return [h.value for h in at.header]


def test_forum_member_sees_the_add_form_but_no_respond_controls(signed_in):
    at = open_page(signed_in, "london.forum", "demo-forum")
    assert "Feedback: you said, we did" in [t.value for t in at.title]
    assert "How feedback is answered in London" in headers(at)
    assert "Region" not in labels(at.selectbox), "a forum member has no region picker"
    assert SUMMARY_BOX in labels(at.text_area)
    assert "Add feedback" in labels(at.button)
    assert RESPONSE_BOX not in labels(at.text_area)
    assert "Save response" not in labels(at.button)
    assert "Change status" not in labels(at.button)
    assert "One item in detail" in headers(at)
    assert "Every region" not in headers(at)
    page_text = texts(at)
    assert "Do not include names, contact details or anything that could identify a person." in (
        page_text
    )
    assert "You said:" in page_text and "We did:" in page_text
    # the summary box enforces the limit in the browser too
    assert text_area(at, SUMMARY_BOX).proto.max_chars == 500


def test_regional_lead_adds_and_responds(signed_in):
    at = open_page(signed_in, "london.lead", "demo-london")
    assert SUMMARY_BOX in labels(at.text_area)
    assert RESPONSE_BOX in labels(at.text_area)
    assert {"Save response", "Change status"} <= set(labels(at.button))
    assert "Respond to feedback" in headers(at)
    assert "Every region" not in headers(at)


def test_national_lead_reads_every_region_but_cannot_add_or_respond(signed_in):
    at = open_page(signed_in, "national.lead", "demo-national")
    assert "Region" in labels(at.selectbox)
    assert SUMMARY_BOX not in labels(at.text_area)
    assert RESPONSE_BOX not in labels(at.text_area)
    assert "Add feedback" not in labels(at.button)
    assert "Every region" in headers(at)
    by_region = at.dataframe[-1].value
    assert len(by_region) == 7
    assert list(by_region.columns)[:3] == ["Region", "Feedback items", "Answered"]
    assert (by_region["Feedback items"] == 12).all(), "the demo has 12 items per region"


def test_admin_may_do_everything(signed_in):
    at = open_page(signed_in, "admin", "demo-admin")
    assert SUMMARY_BOX in labels(at.text_area)
    assert RESPONSE_BOX in labels(at.text_area)
    assert "Every region" in headers(at)


def test_northwest_lead_sees_north_west(signed_in):
    at = open_page(signed_in, "northwest.lead", "demo-northwest")
    assert "How feedback is answered in North West" in headers(at)


def test_forum_member_adds_feedback(signed_in, db):
    before = feedback_count(db, "london")
    at = open_page(signed_in, "london.forum", "demo-forum")
    text_area(at, SUMMARY_BOX).input("People asked for sessions in Somali and Arabic.")
    next(s for s in at.selectbox if s.label == "Who the feedback came from").select("Carer")
    button(at, "Add feedback").click()
    at.run()
    assert not at.exception and not at.error
    assert "The feedback has been added" in at.success[0].value
    assert feedback_count(db, "london") == before + 1
    with Session(db) as session:
        item = session.scalar(select(FeedbackItem).order_by(FeedbackItem.id.desc()).limit(1))
        forum = session.scalar(select(User).where(User.username == "london.forum"))
        assert (item.source, item.status, item.created_by_id) == ("Carer", "received", forum.id)
    assert "People asked for sessions in Somali and Arabic" in texts(at)
    assert text_area(at, SUMMARY_BOX).value == "", "a fresh form after saving"


def test_personal_details_are_refused_on_the_page(signed_in, db):
    before = feedback_count(db)
    at = open_page(signed_in, "london.forum", "demo-forum")
    text_area(at, SUMMARY_BOX).input("Mrs B asked us to ring her on 07700 900123.")
    button(at, "Add feedback").click()
    at.run()
    assert not at.exception
    assert "phone number" in at.error[0].value
    assert feedback_count(db) == before
    assert text_area(at, SUMMARY_BOX).value.startswith("Mrs B"), "the text is kept to fix"


def test_lead_responds_and_the_item_shows_as_responded(signed_in, db):
    at = open_page(signed_in, "london.lead", "demo-london")
    at.multiselect[0].select("received").run()  # the Status filter
    feedback_id = at.selectbox(key="feedback-chosen").value
    text_area(at, RESPONSE_BOX).input("We now offer interpreters at every first appointment.")
    button(at, "Save response").click()
    at.run()
    assert not at.exception and not at.error
    assert "The response has been saved" in at.success[0].value
    with Session(db) as session:
        item = session.get(FeedbackItem, feedback_id)
        assert item.status == "responded" and item.responded_on is not None
        assert item.response == "We now offer interpreters at every first appointment."
        events = session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.entity_type == "feedback_item", AuditEvent.entity_id == feedback_id
            )
        )
        assert events == 1
    # no longer among the Received items; clear the filter to see it as Responded
    at.multiselect[0].set_value([]).run()
    at.selectbox(key="feedback-chosen").set_value(feedback_id).run()
    page_text = texts(at)
    assert "We now offer interpreters at every first appointment" in page_text
    assert "Answered on" in page_text


@pytest.mark.both_engines  # a concurrent change, refused on each engine
def test_a_change_made_meanwhile_is_not_overwritten(signed_in, db):
    at = open_page(signed_in, "london.lead", "demo-london")
    feedback_id = at.selectbox(key="feedback-chosen").value
    with Session(db) as session:
        item = session.get(FeedbackItem, feedback_id)
        version = item.version
        lead = session.scalar(select(User).where(User.username == "london.lead"))
        actor = Actor(lead.id, lead.username, lead.role, lead.region_id)
    respond_to_feedback(db, actor, feedback_id, version, "Answered in another window.")
    text_area(at, RESPONSE_BOX).input("An answer typed on an old page.")
    button(at, "Save response").click()
    at.run()
    assert not at.exception
    assert "Someone else changed this feedback item" in at.error[0].value
    with Session(db) as session:
        assert session.get(FeedbackItem, feedback_id).response == "Answered in another window."
    # the form now shows the other person's answer, ready to edit and save again
    assert text_area(at, RESPONSE_BOX).value == "Answered in another window."


def card_headlines(at) -> list[str]:
    """The first line of each item card shown (status badge, source, date, theme)."""
    return [line for line in texts(at).split("\n") if "-badge[" in line and "received" in line]


def test_filters_narrow_the_list(signed_in, db):
    at = open_page(signed_in, "london.lead", "demo-london")
    with Session(db) as session:
        london = select(FeedbackItem).join(Region).where(Region.code == "london")
        everything = session.scalars(london).all()
    # every item in the list, and the chosen one again below
    assert len(card_headlines(at)) == len(everything) + 1

    at.multiselect[0].select("closed").run()
    closed = [i for i in everything if i.status == "closed"]
    assert closed
    assert len(at.selectbox(key="feedback-chosen").options) == len(closed)
    headlines = card_headlines(at)
    assert len(headlines) == len(closed) + 1
    assert all("Closed]" in line for line in headlines)

    at.multiselect[0].set_value([]).run()
    at.multiselect[2].select("Carer").select("Regional Forum").run()
    assert not at.exception
    wanted = [i for i in everything if i.source in {"Carer", "Regional Forum"}]
    headlines = card_headlines(at)
    assert len(headlines) == (len(wanted) + 1 if wanted else 0)
    assert all("**Carer**" in line or "**Regional Forum**" in line for line in headlines)


def test_theme_filter(signed_in, db):
    with Session(db) as session:
        coproduction = session.scalar(select(Theme.id).where(Theme.code == "coproduction"))
    at = open_page(signed_in, "london.lead", "demo-london")
    at.multiselect[1].select(coproduction).run()
    headlines = card_headlines(at)
    assert headlines, "the demo has Coproduction feedback in London"
    assert all(line.endswith("Coproduction") for line in headlines), headlines


def test_lead_changes_only_the_status_with_a_reason(signed_in, db):
    at = open_page(signed_in, "london.lead", "demo-london")
    at.multiselect[0].select("received").run()
    feedback_id = at.selectbox(key="feedback-chosen").value
    status_box = next(s for s in at.selectbox if s.label == "New status")
    assert status_box.value == "in_progress", "the next step is offered first"
    next(t for t in at.text_input if t.label == "Reason (optional)").input("Passed to the team.")
    button(at, "Change status").click()
    at.run()
    assert not at.exception and not at.error
    assert "The status is now In progress" in at.success[0].value
    with Session(db) as session:
        assert session.get(FeedbackItem, feedback_id).status == "in_progress"
        event = session.scalar(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "feedback_item", AuditEvent.entity_id == feedback_id)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        assert (event.action, event.reason) == ("status_change", "Passed to the team.")
