"""The quarterly sign-off at a Regional Forum meeting, through the real app: the quarter
to review as an agenda item, the attendance, and the outcome recorded by the person
chairing (a forum member)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.permissions import Actor
from db.meetings import create_meeting
from db.models import QuarterReview, Region, User
from tests.app.conftest import open_as
from tests.app.test_app_roles import texts

PAGE = "pages/forum_meeting.py"


def open_page(signed_in, username: str, password: str):
    return open_as(signed_in, PAGE, username, password)


def plain(at) -> str:
    return texts(at).replace("\\", "")


def meeting_today(engine) -> int:
    with Session(engine) as session:
        lead = session.scalar(select(User).where(User.username == "london.lead"))
        actor = Actor(lead.id, lead.username, lead.role, lead.region_id)
        london = lead.region_id
    return create_meeting(engine, actor, london, date.today())


def london_id(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == "london"))


def london_q2(engine) -> str:
    with Session(engine) as session:
        return session.scalar(
            select(QuarterReview.status)
            .join(Region, Region.id == QuarterReview.region_id)
            .where(Region.code == "london", QuarterReview.period_start == date(2026, 7, 1))
        )


def test_the_quarters_waiting_are_an_agenda_item(signed_in):
    at = open_page(signed_in, "london.forum", "demo-forum")
    page = plain(at)
    assert "Quarterly figures to review" in [h.value for h in at.header]
    shown = [s.value.replace("\\", "") for s in at.subheader]
    assert "Q1 2026/27: ↺ Reopened" in shown and "Q2 2026/27: → Submitted" in shown
    assert "entered twice" in page  # the reopening's reason
    # The demo's latest meeting (15 August) was before Q2 ended on 30 September.
    assert "This meeting was before the quarter ended" in page
    assert not [b for b in at.button if b.label == "Record the outcome"]
    changes = [d.value for d in at.dataframe if "Change" in d.value.columns]
    assert changes and {"Q1 2026/27", "Q2 2026/27"} <= set(changes[-1].columns)


def test_a_forum_member_chairing_records_attendance_and_signs_off(signed_in, app_engine):
    meeting_today(app_engine)
    at = open_page(signed_in, "london.forum", "demo-forum")
    for label, count in (("Service users", 4), ("Carers", 2), ("Community partners", 1)):
        next(n for n in at.number_input if n.label == label).set_value(count)
    next(b for b in at.button if b.label == "Save attendance").click()
    at.run()
    assert not at.exception, at.exception
    assert "Attendance: 7 people: 4 service users, 2 carers, 1 community partners" in plain(at)

    # Without the box ticked nothing is recorded.
    next(b for b in at.button if b.label == "Record the outcome").click()
    at.run()
    assert any("Tick the box" in e.value for e in at.error)
    assert london_q2(app_engine) == "submitted"

    next(c for c in at.checkbox if c.label.startswith("I am chairing")).check()
    next(b for b in at.button if b.label == "Record the outcome").click()
    at.run()
    assert not at.exception, at.exception
    assert london_q2(app_engine) == "signed_off"
    assert any("signed off by the Regional Forum" in s.value.replace("\\", "") for s in at.success)


def test_questions_for_the_region_are_answered_by_the_lead(signed_in, app_engine):
    meeting_today(app_engine)
    at = open_page(signed_in, "london.forum", "demo-forum")
    next(n for n in at.number_input if n.label == "Staff").set_value(3)
    next(b for b in at.button if b.label == "Save attendance").click()
    at.run()
    at.radio[0].set_value("questions")
    next(t for t in at.text_area if t.label.startswith("The forum's questions")).input(
        "Why did the number of people supported fall?"
    )
    next(c for c in at.checkbox if c.label.startswith("I am chairing")).check()
    next(b for b in at.button if b.label == "Record the outcome").click()
    at.run()
    assert london_q2(app_engine) == "questions"
    assert not [t for t in at.text_area if t.label == "The region's answer"]

    lead = open_page(signed_in, "london.lead", "demo-london")
    lead.switch_page("pages/sign_off.py")
    lead.run()
    box = next(t for t in lead.text_area if t.label == "The region's answer")
    box.input("One service closed for refurbishment in August.")
    next(b for b in lead.button if b.label == "Save the answer").click()
    lead.run()
    assert not lead.exception, lead.exception
    assert "Answer from the region" in plain(lead)
    # Q1 (reopened, older) is the first to submit: Q2's form is folded until opened.
    folded = next(e for e in lead.expander if e.label.startswith("Submit Q2 2026/27"))
    assert not folded.proto.expanded
    lead.session_state[f"submit-open-{london_id(app_engine)}-2026-07-01"] = True
    lead.run()
    assert any(b.label == "Submit Q2 2026/27" for b in lead.button)
