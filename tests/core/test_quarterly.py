"""The quarterly cycle's rules: due dates, stages, locking and wording."""

from __future__ import annotations

from datetime import date

import pytest

from core import quarterly as q

Q1 = date(2026, 4, 1)  # Q1 2026/27: April to June 2026


def test_figures_are_due_six_weeks_after_the_quarter_ends():
    assert q.due_date(Q1) == date(2026, 8, 11)
    assert q.due_date(Q1, weeks=0) == date(2026, 6, 30)
    assert q.due_date(date(2026, 5, 17), weeks=1) == date(2026, 7, 7)


@pytest.mark.parametrize(
    ("today", "status", "expected"),
    [
        (date(2026, 3, 31), None, q.Stage.NOT_DUE),  # not begun
        (date(2026, 6, 30), None, q.Stage.NOT_DUE),  # its last day: not ended
        (date(2026, 7, 1), None, q.Stage.DUE),
        (date(2026, 8, 11), None, q.Stage.DUE),  # the due date itself
        (date(2026, 8, 12), None, q.Stage.OVERDUE),
        (date(2026, 8, 12), "submitted", q.Stage.SUBMITTED),
        (date(2027, 1, 1), "signed_off", q.Stage.SIGNED_OFF),
        (date(2027, 1, 1), "reopened", q.Stage.REOPENED),
        (date(2027, 1, 1), "questions", q.Stage.QUESTIONS),
    ],
)
def test_the_stage_follows_the_date_until_a_step_is_recorded(today, status, expected):
    assert q.stage(Q1, today, status) == expected


def test_the_due_weeks_are_configurable():
    assert q.stage(Q1, date(2026, 7, 20), None, weeks=2) == q.Stage.OVERDUE
    assert q.stage(Q1, date(2026, 7, 20), None, weeks=3) == q.Stage.DUE


def test_only_a_signed_off_quarter_is_locked_and_final():
    assert q.is_locked("signed_off") and not q.is_provisional("signed_off")
    for status in (None, "submitted", "questions", "reopened"):
        assert not q.is_locked(status) and q.is_provisional(status)


def test_quarters_begin_and_end():
    assert q.has_begun(Q1, Q1) and not q.has_begun(Q1, date(2026, 3, 31))
    assert q.has_ended(Q1, date(2026, 7, 1)) and not q.has_ended(Q1, date(2026, 6, 30))


def test_recent_and_grid_quarters():
    assert q.recent_quarters(date(2026, 12, 5), 3) == [
        date(2026, 7, 1),
        date(2026, 4, 1),
        date(2026, 1, 1),
    ]
    assert q.grid_quarters(date(2026, 12, 5), 2) == [
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 10, 1),
    ]
    assert q.year_quarters(2025) == [
        date(2025, 4, 1),
        date(2025, 7, 1),
        date(2025, 10, 1),
        date(2026, 1, 1),
    ]


def test_a_missing_value_needs_a_reason():
    metrics = [
        q.MetricForSubmission(1, "CA01", "Training", True),
        q.MetricForSubmission(2, "CA02", "Events", False),
    ]
    problems = q.submission_problems(metrics, {})
    assert len(problems) == 1 and problems[0].startswith("CA02 Events has no value")
    assert q.submission_problems(metrics, {2: "  no  "}) != []  # too short once stripped
    assert q.submission_problems(metrics, {2: "Survey not run"}) == []


def test_a_reason_is_checked_and_stripped():
    assert q.check_reason("  A typo in July  ", "reopening") == "A typo in July"
    with pytest.raises(q.CycleRefused, match="Give a reason for reopening"):
        q.check_reason(" ok ", "reopening")


def test_attendance_in_words_and_its_problems():
    people = q.Attendance(service_users=5, carers=3, partners=0, staff=2)
    assert people.total == 10
    assert people.words() == "10 people: 5 service users, 3 carers, 2 staff"
    assert people.problems() == []
    assert q.Attendance().problems() != [] and not q.Attendance().recorded
    assert q.Attendance(names="Ada, Ben").recorded
    assert q.Attendance(names="Ada").words() == "Attendance by names only"
    assert "Carers: give a number from 0 to 500" in q.Attendance(carers=-1, staff=1).problems()[0]


def test_stage_text_never_relies_on_colour():
    for stage, style in q.STAGES.items():
        assert q.stage_text(stage) == f"{style.symbol} {style.label}"
    assert len({style.symbol for style in q.STAGES.values()}) == len(q.STAGES)


def test_messages_name_the_quarter():
    assert q.locked_message(Q1, date(2026, 8, 15)).startswith(
        "Q1 2026/27 was signed off by the Regional Forum on 15 August 2026"
    )
    assert q.future_message(Q1).startswith("Q1 2026/27 has not begun yet")
    assert q.early_message(Q1).startswith("Q1 2026/27 has not ended yet")


def test_the_sign_off_table_says_which_quarters_are_final():
    reviews = [
        {
            "region_id": 1,
            "period_start": date(2025, 4, 1),
            "status": "signed_off",
            "meeting_date": date(2025, 8, 15),
        },
        {"region_id": 1, "period_start": date(2025, 7, 1), "status": "reopened"},
        {"region_id": 2, "period_start": date(2025, 4, 1), "status": "submitted"},
    ]
    rows = q.sign_off_table({1: "London", 2: "North West"}, reviews, q.year_quarters(2025))
    assert rows[0]["Region"] == "London"
    assert rows[0]["Q1 2025/26"] == "Signed off at the Regional Forum meeting on 15 August 2025"
    assert rows[0]["Q2 2025/26"] == "Reopened: figures provisional"
    assert rows[1]["Q1 2025/26"] == "Not signed off: figures provisional"
