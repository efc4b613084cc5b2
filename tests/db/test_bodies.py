"""National governance bodies (issue 14): their meetings, attendance and decisions kept
with the same writes as a Regional Forum's, by national leads only; and board reports
kept exactly as issued."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.permissions import Actor, PermissionDenied
from core.quarterly import Attendance
from db import board_reports as dbr
from db import meetings as dbm
from db.models import AuditEvent, GovernanceBody, Region, Theme
from db.quarterly import record_attendance, review_quarter
from db.writes import WriteRefused

NATIONAL = Actor(None, "national.lead", "national_lead")
DAY = date(2026, 3, 12)


def _ids(engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        body = session.scalar(
            select(GovernanceBody.id).where(GovernanceBody.code == "equity_inclusion_board")
        )
        region = session.scalar(select(Region.id).order_by(Region.id))
        theme = session.scalar(select(Theme.id).order_by(Theme.id))
    return body, region, theme


def test_the_four_bodies_of_the_plan_are_in_every_database(engine):
    with Session(engine) as session:
        names = dbm.governance_bodies(session)["name"].tolist()
    assert names == [
        "AMHE Practice Forum",
        "Equity and Inclusion Board",
        "Board of Trustees",
        "Race Equality Programme Board",
    ]


def test_a_national_lead_starts_a_body_meeting_with_no_region(engine):
    body, _, _ = _ids(engine)
    meeting = dbm.create_meeting(engine, NATIONAL, None, DAY, 9, "Chair", body_id=body)
    with Session(engine) as session:
        frame = dbm.body_meetings(session, body)
        event = session.scalars(select(AuditEvent).where(AuditEvent.entity_id == meeting)).one()
    assert frame["id"].tolist() == [meeting]
    assert event.region_id is None and event.after["body_id"] == body


def test_a_regional_lead_may_not_start_a_body_meeting(engine):
    body, region, _ = _ids(engine)
    lead = Actor(None, "london.lead", "regional_lead", region)
    with pytest.raises(PermissionDenied):
        dbm.create_meeting(engine, lead, None, DAY, body_id=body)


def test_a_body_meeting_needs_no_region_and_refuses_one(engine):
    body, region, _ = _ids(engine)
    with pytest.raises(WriteRefused, match="national body"):
        dbm.create_meeting(engine, NATIONAL, region, DAY, body_id=body)


def test_a_body_has_one_meeting_a_day(engine):
    body, _, _ = _ids(engine)
    dbm.create_meeting(engine, NATIONAL, None, DAY, body_id=body)
    with pytest.raises(WriteRefused, match="This body already has a meeting"):
        dbm.create_meeting(engine, NATIONAL, None, DAY, body_id=body)


def test_a_body_decision_may_be_about_the_whole_plan_but_adds_no_regional_action(engine):
    body, _, theme = _ids(engine)
    meeting = dbm.create_meeting(engine, NATIONAL, None, DAY, body_id=body)
    made = dbm.record_decision(engine, NATIONAL, meeting, None, "Agreed the report")
    with Session(engine) as session:
        decisions = dbm.meeting_decisions(session, meeting)
    assert made.action_id is None and decisions["text"].tolist() == ["Agreed the report"]
    with pytest.raises(WriteRefused, match="cannot add an action"):
        dbm.record_decision(engine, NATIONAL, meeting, theme, "Do it", create_action=True)


def test_a_regional_forum_decision_still_needs_its_theme(engine):
    _, region, _ = _ids(engine)
    admin = Actor(None, "admin", "admin")
    meeting = dbm.create_meeting(engine, admin, region, DAY)
    with pytest.raises(WriteRefused, match="theme"):
        dbm.record_decision(engine, admin, meeting, None, "A decision")


def test_attendance_at_a_body_meeting_is_kept_by_the_national_lead(engine):
    body, _, _ = _ids(engine)
    meeting = dbm.create_meeting(engine, NATIONAL, None, DAY, body_id=body)
    assert record_attendance(engine, NATIONAL, meeting, Attendance(partners=2, staff=7))
    with Session(engine) as session:
        assert dbm.body_meetings(session, body)["attendees_count"].tolist() == [9]


def test_a_quarter_is_not_signed_off_at_a_body_meeting(engine):
    body, _, _ = _ids(engine)
    admin = Actor(None, "admin", "admin")
    meeting = dbm.create_meeting(engine, admin, None, DAY, body_id=body)
    with pytest.raises(WriteRefused, match="not of a Regional Forum"):
        review_quarter(engine, admin, meeting, date(2025, 10, 1), agreed=True, chair="C")


def _issue(engine, body: int, meeting: int | None = None) -> int:
    return dbr.issue_board_report(
        engine,
        NATIONAL,
        body,
        date(2025, 10, 1),
        "quarter",
        html="<p>Exactly this</p>",
        pdf=b"%PDF-1.7 exactly these bytes",
        exceptions=[{"key": "m-1", "metric": "M", "reason": "Concern", "action": "We act"}],
        issued_by="Nadia",
        issued_at=datetime(2026, 1, 5, 9, 30),
        meeting_id=meeting,
    )


def test_an_issued_report_gives_back_exactly_what_was_issued(engine):
    body, _, _ = _ids(engine)
    report = _issue(engine, body)
    with Session(engine) as session:
        listed = dbr.issued_reports(session, body)
        pdf = dbr.issued_file(session, report, body, "pdf")
        html = dbr.issued_file(session, report, body, "html")
    assert bytes(pdf) == b"%PDF-1.7 exactly these bytes" and html == "<p>Exactly this</p>"
    row = listed.iloc[0]
    assert row["pdf_sha256"] == dbr.digest(b"%PDF-1.7 exactly these bytes")
    assert row["issued_by"] == "Nadia" and row["exceptions"][0]["action"] == "We act"


def test_an_issued_report_is_not_given_back_for_another_body(engine):
    body, _, _ = _ids(engine)
    report = _issue(engine, body)
    with Session(engine) as session, pytest.raises(LookupError):
        dbr.issued_file(session, report, body + 1, "pdf")


def test_a_report_is_not_issued_for_another_body_s_meeting(engine):
    body, _, _ = _ids(engine)
    meeting = dbm.create_meeting(engine, NATIONAL, None, DAY, body_id=body + 1)
    with pytest.raises(WriteRefused, match="not one of this body's meetings"):
        _issue(engine, body, meeting)


def test_a_forum_member_may_not_issue_a_board_report(engine):
    body, region, _ = _ids(engine)
    with pytest.raises(PermissionDenied):
        dbr.issue_board_report(
            engine,
            Actor(None, "london.forum", "forum_member", region),
            body,
            date(2025, 10, 1),
            "quarter",
            html="x",
            pdf=b"x",
            exceptions=[],
            issued_by="x",
            issued_at=datetime(2026, 1, 5),
        )
