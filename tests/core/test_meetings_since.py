""" "Since the last meeting" in words: the window runs to the end of the meeting's day,
and every kind of change (values, statuses, actions, metrics, projects, feedback,
decisions, the quarterly cycle, things removed as mistakes) gets a plain line that
quotes no figure."""

from __future__ import annotations

from datetime import date, datetime

from core import meetings as m

T = datetime(2026, 5, 16, 10, 0)


def event(entity_id, title, action, before=None, after=None, when=T):
    return m.RecordEvent(entity_id, title, action, before, after, when)


# --- the window --------------------------------------------------------------------------


def test_a_change_at_ten_on_the_meeting_day_counts():
    window = m.MeetingWindow(date(2026, 2, 15), date(2026, 5, 16), date(2026, 2, 15))
    assert window.covers(datetime(2026, 5, 16, 10, 0))
    assert window.covers(datetime(2026, 5, 16, 23, 59))
    assert not window.covers(datetime(2026, 5, 17, 0, 0))


def test_the_previous_meeting_day_belongs_to_the_previous_meeting():
    window = m.MeetingWindow(date(2026, 2, 15), date(2026, 5, 16), date(2026, 2, 15))
    previous = m.MeetingWindow(date(2025, 11, 15), date(2026, 2, 15), date(2025, 11, 15))
    moment = datetime(2026, 2, 15, 18, 0)  # after the February meeting, the same day
    assert previous.covers(moment) and not window.covers(moment)
    assert window.covers(datetime(2026, 2, 16, 0, 0))
    assert previous.until == window.since


def test_a_first_meeting_counts_from_the_start_of_its_first_day():
    window = m.MeetingWindow(date(2026, 2, 16), date(2026, 5, 16), None)
    assert window.covers(datetime(2026, 2, 16, 0, 0))
    assert "day of the meeting included" in window.sentence
    later = m.MeetingWindow(date(2026, 2, 15), date(2026, 5, 16), date(2026, 2, 15))
    assert "end of this one's day" in later.sentence


# --- each kind -------------------------------------------------------------------------------


def test_progress_updates_and_changed_details_of_an_action():
    lines = m.action_updates(
        [
            event(1, "Sessions", "progress_update", None, {"note": "Went well", "status": "x"}),
            event(1, "Sessions", "progress_update", None, {"note": "Again"}),
            event(1, "Sessions", "update", {"owner": "A"}, {"owner": "B"}),
            event(2, "New one", "create", None, {"status": "not_started"}),
            event(3, "Other", "update", {"due_date": "2026-01-01"}, {"due_date": "2026-03-01"}),
            event(4, "Fixed", "delete_progress_update", {"note": "oops"}, None),
        ]
    )
    assert [(c.kind, c.summary) for c in lines] == [
        (m.ACTIONS_UPDATED, "‘Sessions’: 2 progress updates added; updated owner"),
        (m.ACTIONS_UPDATED, "‘Other’: updated due date"),
        (m.REMOVED, "1 progress update on ‘Fixed’ deleted"),
    ]
    assert not any("Went well" in c.summary for c in lines)


def test_metrics_added_changed_and_retired_quote_no_figure():
    lines = m.metric_changes(
        [
            event(1, "CA9: Drop-in sessions held", "create", None, {"scope": "local"}),
            event(1, "CA9: Drop-in sessions held", "update", {"name": "a"}, {"name": "b"}),
            event(2, "NC1: Staff trained", "create", None, {"scope": "national"}),
            event(3, "CA2: Referrals", "update", {"target_value": 3}, {"target_value": 4}),
            event(3, "CA2: Referrals", "update", {"manual_status": None}, {"manual_status": "x"}),
            event(4, "CA3: Old", "retire", {"active": True}, {"active": False}),
            event(5, "CA4: Quiet", "update", {"manual_status": None}, {"manual_status": "x"}),
        ]
    )
    assert [(c.kind, c.summary) for c in lines] == [
        (m.METRICS, "Local metric ‘CA9: Drop-in sessions held’ added"),
        (m.METRICS, "National core metric ‘NC1: Staff trained’ added"),
        (m.METRICS, "Metric ‘CA2: Referrals’ changed: target value"),
        (m.METRICS, "Metric ‘CA3: Old’ retired (no longer asked for)"),
    ]
    assert not any(ch.isdigit() for c in lines for ch in c.summary.split(":")[-1])


def test_projects_added_and_deleted():
    lines = m.project_changes(
        [
            event(1, "Barbershop talks", "create", None, {"status": "Planned"}),
            event(2, "Project 2", "delete", {"title": "Secret name"}, None),
        ]
    )
    assert [(c.kind, c.summary) for c in lines] == [
        (m.PROJECTS, "Project ‘Barbershop talks’ added (Planned)"),
        (m.REMOVED, "A community project was deleted"),
    ]


def test_feedback_answered_updated_and_deleted():
    lines = m.feedback_changes(
        [
            m.FeedbackEvent(1, "Carer", "Evening", False, "responded", "responded", T, "respond"),
            m.FeedbackEvent(2, "Carer", "Private words", False, "received", None, T, "delete"),
            m.FeedbackEvent(3, "Carer", "Late", True, None, "received", T, "create"),
            m.FeedbackEvent(3, "Carer", "Late", False, "received", "responded", T, "respond"),
        ]
    )
    assert [(c.kind, c.summary) for c in lines] == [
        (m.ANSWERED, "Response to feedback from a carer updated: ‘Evening’"),
        (m.REMOVED, "A feedback item was deleted"),
        (m.ANSWERED, "Feedback from a carer responded: ‘Late’"),
        (m.NEW_FEEDBACK, "Feedback from a carer: ‘Late’"),
    ]


def test_decisions_recorded_and_deleted():
    lines = m.decision_changes(
        [
            event(
                1, "x", "create", None, {"meeting_date": "2026-05-16", "text": "Meet in Brixton"}
            ),
            event(
                2,
                "x",
                "create",
                None,
                {"meeting_date": "2026-05-16", "text": "Add", "action_id": 9},
            ),
            event(3, "x", "delete", {"text": "Wrong"}, None),
        ]
    )
    assert [(c.kind, c.summary) for c in lines] == [
        (m.DECISIONS, "Decision recorded at the meeting on 16 May 2026: ‘Meet in Brixton’"),
        (
            m.DECISIONS,
            "Decision recorded at the meeting on 16 May 2026 with a new plan action: ‘Add’",
        ),
        (m.REMOVED, "A meeting decision was deleted"),
    ]


def test_the_quarterly_cycle_in_words():
    lines = m.quarter_changes(
        [
            event(1, "Q4 2025/26", "submit"),
            event(1, "Q4 2025/26", "questions"),
            event(2, "Q4 2025/26", "answer"),
            event(1, "Q4 2025/26", "sign off"),
            event(1, "Q4 2025/26", "reopen"),
            event(1, "Q4 2025/26", "something else"),
        ]
    )
    assert [c.summary for c in lines] == [
        "Q4 2025/26 figures submitted for the Regional Forum's sign-off",
        "The Regional Forum asked questions about the Q4 2025/26 figures",
        "The regional lead answered the forum's questions on the Q4 2025/26 figures",
        "Q4 2025/26 figures signed off by the Regional Forum",
        "Q4 2025/26 figures reopened by the regional lead",
    ]
    assert {c.kind for c in lines} == {m.QUARTERS}


def test_values_withdrawn_are_counted_not_quoted():
    lines = m.value_changes(
        [
            m.ValueEntry(date(2026, 1, 1), 1, True, T),
            m.ValueEntry(date(2026, 1, 1), 2, False, T, withdrawn=True),
        ]
    )
    assert [(c.kind, c.summary) for c in lines] == [
        (m.VALUES, "Q4 2025/26 values entered for 1 metric"),
        (m.REMOVED, "Q4 2025/26 value withdrawn as entered by mistake for 1 metric"),
    ]


def test_every_kind_has_an_icon_and_count_words():
    assert set(m.KIND_ICONS) == set(m.KINDS)
    assert m.count_words(m.METRICS, 2, 2) == "2 metrics"
    assert m.count_words(m.DECISIONS, 1, 1) == "1 decision"
    assert m.count_words(m.ACTIONS_UPDATED, 3, 3) == "3 actions"
    assert m.count_words(m.QUARTERS, 2, 2) == "2 steps"


def test_the_frame_lists_kinds_in_order():
    changes = [
        m.Change(m.DECISIONS, T, "Decision"),
        m.Change(m.METRICS, T, "Metric"),
        m.Change(m.VALUES, T, "Values", 3),
        m.Change(m.QUARTERS, T, "Quarter"),
    ]
    frame = m.changes_frame(changes)
    assert list(frame["kind"]) == [m.VALUES, m.QUARTERS, m.METRICS, m.DECISIONS]
