"""The quarterly cycle in the database: submit, attendance, the forum's outcome,
locking, reopening and signing off again; every step audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import db.quarterly as dbq
from core.metric_grid import ValueChange, ValueProblems
from core.permissions import PermissionDenied
from core.quarterly import Attendance
from db.meetings import create_meeting
from db.metric_import import preview_metric_values
from db.metrics import metric_values, save_values
from db.models import AuditEvent, Metric, QuarterReview, Region
from db.users import actor_for
from db.writes import WriteRefused

TODAY = date(2026, 12, 5)
Q2 = date(2026, 7, 1)  # London's Q2 2026/27: submitted in the demo
Q1 = date(2026, 4, 1)  # London's Q1 2026/27: signed off, then reopened, in the demo
Q3 = date(2026, 10, 1)  # the current quarter: not ended


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(dbq, "today", lambda: TODAY)


def who(engine, username):
    with Session(engine) as session:
        return actor_for(session, username)


def london(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == "london"))


def review(engine, period) -> QuarterReview:
    with Session(engine) as session:
        return session.scalar(
            select(QuarterReview).where(
                QuarterReview.region_id == london(engine), QuarterReview.period_start == period
            )
        )


def events(engine, action) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.entity_type == "quarter_review", AuditEvent.action == action
                )
            )
        )


def new_meeting(engine, day=date(2026, 11, 20)) -> int:
    lead = who(engine, "london.lead")
    meeting = create_meeting(engine, lead, london(engine), day)
    dbq.record_attendance(engine, who(engine, "london.forum"), meeting, Attendance(5, 3, 2, 1, ""))
    return meeting


def ca01(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(Metric.id).where(Metric.code == "CA01"))


def change(engine, period, value, version=None) -> ValueChange:
    return ValueChange(ca01(engine), period, value=value, expected_version=version)


def stored_version(engine, period) -> int | None:
    with Session(engine) as session:
        values = metric_values(session, london(engine), [ca01(engine)], overall_only=True)
    row = values[values["period_start"] == period]
    return None if row.empty else int(row["version"].iloc[0])


def test_a_quarter_that_has_not_ended_cannot_be_submitted(demo_engine):
    with pytest.raises(WriteRefused, match="Q3 2026/27 has not ended yet"):
        dbq.submit_quarter(demo_engine, who(demo_engine, "london.lead"), london(demo_engine), Q3)


def test_a_future_quarter_takes_no_values(demo_engine):
    lead = who(demo_engine, "london.lead")
    with pytest.raises(ValueProblems, match="Q4 2026/27 has not begun yet"):
        save_values(
            demo_engine, lead, london(demo_engine), [change(demo_engine, date(2027, 1, 1), 5)]
        )


def test_a_missing_value_needs_a_reason_to_submit(demo_engine):
    lead = who(demo_engine, "london.lead")
    region = london(demo_engine)
    dbq.reopen_quarter(demo_engine, who(demo_engine, "admin"), region, date(2026, 1, 1), "Testing")
    with Session(demo_engine) as session:
        listed = dbq.submission(session, region, date(2026, 1, 1))
    assert all(m.has_value for m in listed.metrics)
    # A quarter with no values at all: every metric needs its reason.
    with pytest.raises(WriteRefused, match="has no value for the quarter"):
        dbq.submit_quarter(demo_engine, lead, region, date(2023, 7, 1))
    with Session(demo_engine) as session:
        empty = dbq.submission(session, region, date(2023, 7, 1))
    reasons = {m.metric_id: "Not collected before the plan began" for m in empty.metrics}
    dbq.submit_quarter(demo_engine, lead, region, date(2023, 7, 1), reasons)
    stored = review(demo_engine, date(2023, 7, 1))
    assert stored.status == "submitted"
    assert set(stored.missing_reasons.values()) == {"Not collected before the plan began"}


def test_the_whole_cycle_locks_reopens_and_signs_off_again(demo_engine):
    region = london(demo_engine)
    lead, forum = who(demo_engine, "london.lead"), who(demo_engine, "london.forum")
    meeting = new_meeting(demo_engine)
    # The forum member chairing signs off the submitted quarter.
    assert (
        dbq.review_quarter(demo_engine, forum, meeting, Q2, agreed=True, chair="Femi Adeyemi")
        == "signed_off"
    )
    signed = review(demo_engine, Q2)
    assert (signed.signed_off_by, signed.meeting_id, signed.sign_offs) == (
        "Femi Adeyemi",
        meeting,
        1,
    )
    # Locked: the grid and the import refuse a change, naming the quarter.
    with pytest.raises(ValueProblems, match="Q2 2026/27 was signed off"):
        save_values(
            demo_engine, lead, region, [change(demo_engine, Q2, 1, stored_version(demo_engine, Q2))]
        )
    body = b"region,metric_code,period,value\nLondon,CA01,2026/27 Q2,12\n"
    preview = preview_metric_values(demo_engine, lead, body, "v.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(2, "period")]
    assert "signed off" in preview.problems[0].message
    # Reopened with a reason, the value changes, it is submitted and signed off again.
    with pytest.raises(WriteRefused, match="Give a reason"):
        dbq.reopen_quarter(demo_engine, lead, region, Q2, "")
    dbq.reopen_quarter(demo_engine, lead, region, Q2, "A typo in the July figure")
    save_values(
        demo_engine, lead, region, [change(demo_engine, Q2, 77, stored_version(demo_engine, Q2))]
    )
    with pytest.raises(WriteRefused, match="reopened"):
        dbq.review_quarter(demo_engine, forum, meeting, Q2, agreed=True, chair="Femi")
    dbq.submit_quarter(demo_engine, lead, region, Q2)
    dbq.review_quarter(demo_engine, forum, meeting, Q2, agreed=True, chair="Femi Adeyemi")
    assert review(demo_engine, Q2).sign_offs == 2
    actions = [e.action for e in events(demo_engine, "reopen")] + [
        e.action for e in events(demo_engine, "sign off")
    ]
    assert actions.count("sign off") >= 2 and "reopen" in actions
    with Session(demo_engine) as session:
        values = metric_values(session, region, [ca01(demo_engine)], overall_only=True)
    assert bool(values.loc[values["period_start"] == Q2, "signed_off"].iloc[0])
    assert not bool(values.loc[values["period_start"] == Q1, "signed_off"].iloc[0])


def test_questions_go_back_to_the_region_and_are_answered(demo_engine):
    region = london(demo_engine)
    lead, forum = who(demo_engine, "london.lead"), who(demo_engine, "london.forum")
    meeting = new_meeting(demo_engine)
    status = dbq.review_quarter(
        demo_engine,
        forum,
        meeting,
        Q2,
        agreed=False,
        chair="Femi Adeyemi",
        questions="Why did referrals fall in September?",
    )
    assert status == "questions"
    with Session(demo_engine) as session:
        asked = dbq.questions(session, [review(demo_engine, Q2).id])
    assert asked["question"].tolist() == ["Why did referrals fall in September?"]
    with pytest.raises(PermissionDenied):
        dbq.answer_question(demo_engine, forum, int(asked["id"].iloc[0]), "No idea")
    dbq.answer_question(
        demo_engine, lead, int(asked["id"].iloc[0]), "A service closed for a month."
    )
    dbq.submit_quarter(demo_engine, lead, region, Q2)
    assert review(demo_engine, Q2).status == "submitted"


def test_a_sign_off_needs_attendance_a_chair_and_a_meeting_after_the_quarter(demo_engine):
    region = london(demo_engine)
    lead, forum = who(demo_engine, "london.lead"), who(demo_engine, "london.forum")
    bare = create_meeting(demo_engine, lead, region, date(2026, 11, 21))
    with pytest.raises(WriteRefused, match="Record the meeting's attendance"):
        dbq.review_quarter(demo_engine, forum, bare, Q2, agreed=True, chair="Femi")
    meeting = new_meeting(demo_engine)
    with pytest.raises(WriteRefused, match="name of the person chairing"):
        dbq.review_quarter(demo_engine, forum, meeting, Q2, agreed=True, chair=" ")
    with Session(demo_engine) as session:
        august = session.scalar(
            select(dbq.ForumMeeting.id).where(
                dbq.ForumMeeting.region_id == region,
                dbq.ForumMeeting.meeting_date == date(2026, 8, 15),
            )
        )
    with pytest.raises(WriteRefused, match="was before Q2 2026/27 ended"):
        dbq.review_quarter(demo_engine, forum, august, Q2, agreed=True, chair="Femi")
    assert review(demo_engine, Q2).status == "submitted"


def test_attendance_is_recorded_and_audited(demo_engine):
    forum = who(demo_engine, "london.forum")
    meeting = create_meeting(
        demo_engine, who(demo_engine, "london.lead"), london(demo_engine), date(2026, 11, 22)
    )
    with pytest.raises(WriteRefused, match="Record who was there"):
        dbq.record_attendance(demo_engine, forum, meeting, Attendance())
    assert dbq.record_attendance(demo_engine, forum, meeting, Attendance(4, 2, 1, 1), "Femi")
    assert not dbq.record_attendance(demo_engine, forum, meeting, Attendance(4, 2, 1, 1), "Femi")
    with Session(demo_engine) as session:
        got = dbq.meeting_attendance(session, meeting)
        audited = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity_type == "forum_meeting", AuditEvent.entity_id == meeting
            )
        ).all()
    assert got.total == 8 and "attendance" in audited


def test_the_forum_member_of_another_region_cannot_sign_off(demo_engine):
    meeting = new_meeting(demo_engine)
    with Session(demo_engine) as session:
        north_west = session.scalar(select(Region.id).where(Region.code == "north_west"))
    from core.permissions import Actor

    stranger = Actor(None, "northwest.forum", "forum_member", north_west)
    with pytest.raises(PermissionDenied):
        dbq.review_quarter(demo_engine, stranger, meeting, Q2, agreed=True, chair="X Y")
    assert review(demo_engine, Q2).status == "submitted"
