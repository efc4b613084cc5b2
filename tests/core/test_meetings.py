"""The wording and grouping of "Since the last meeting", the presentation's agenda and the
meeting pack's disclosure control (core.meetings, pure)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from core import meetings as m

T = datetime(2026, 7, 20, 10, 0)


# --- the window --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 8, 15), date(2026, 5, 15)),
        (date(2026, 5, 31), date(2026, 2, 28)),  # February is shorter
        (date(2024, 5, 31), date(2024, 2, 29)),  # a leap year
        (date(2026, 2, 10), date(2025, 11, 10)),  # across a year end
    ],
)
def test_months_before(day, expected):
    assert m.months_before(day, 3) == expected


def test_window_starts_at_the_previous_meeting_or_three_months_before_the_first():
    assert m.window_start(date(2026, 8, 15), date(2026, 5, 16)) == date(2026, 5, 16)
    assert m.window_start(date(2026, 8, 15), None) == date(2026, 5, 15)
    assert "first meeting" in m.window_words(date(2026, 5, 15), date(2026, 8, 15), None)
    assert "16 May 2026" in m.window_words(date(2026, 5, 16), date(2026, 8, 15), date(2026, 5, 16))


# --- values -------------------------------------------------------------------------------


def test_values_are_counted_once_per_metric_and_quarter():
    q2, q1 = date(2026, 7, 1), date(2026, 4, 1)
    entries = [m.ValueEntry(q2, metric, True, T) for metric in range(14)]
    entries += [m.ValueEntry(q2, 0, False, T)]  # entered then corrected: still "entered"
    entries += [m.ValueEntry(q2, 0, True, T)]  # a group value of the same metric
    entries += [m.ValueEntry(q1, 3, False, T), m.ValueEntry(q1, 4, False, T)]
    lines = m.value_changes(entries)
    assert [c.summary for c in lines] == [
        "Q2 2026/27 values entered for 14 metrics",
        "Q1 2026/27 values changed for 2 metrics",
    ]
    assert [c.items for c in lines] == [14, 2]
    assert {c.kind for c in lines} == {m.VALUES}


def test_one_metric_is_singular():
    lines = m.value_changes([m.ValueEntry(date(2026, 7, 1), 1, True, T)])
    assert lines[0].summary == "Q2 2026/27 values entered for 1 metric"


# --- actions -------------------------------------------------------------------------------


def step(entity_id, title, before, after, day, created=False):
    return m.StatusStep(entity_id, title, before, after, datetime(2026, 6, day), created)


def test_each_action_is_listed_once_from_its_first_to_its_last_status():
    steps = [
        step(1, "Cultural awareness sessions", "on_track", "at_risk", 1),
        step(1, "Cultural awareness sessions", "at_risk", "complete", 20),
        step(2, "Board-level AMHE champion", None, "at_risk", 3),  # before unknown
        step(3, "Evaluate partnership working", "on_track", "at_risk", 4),
        step(3, "Evaluate partnership working", "at_risk", "on_track", 5),  # back again
        step(4, "A new local action", None, "not_started", 6, created=True),
    ]
    lines = m.action_changes(steps, earlier={2: "on_track"})
    by_kind = {(c.kind, c.summary) for c in lines}
    assert by_kind == {
        (m.COMPLETED, "‘Cultural awareness sessions’ moved from On track to Complete"),
        (m.STATUSES, "‘Board-level AMHE champion’ moved from On track to At risk"),
        (m.NEW_ACTIONS, "‘A new local action’ added to the plan (Not started)"),
    }
    completed = next(c for c in lines if c.kind == m.COMPLETED)
    assert completed.when == datetime(2026, 6, 20)


def test_an_action_with_no_earlier_status_starts_from_not_started():
    lines = m.action_changes([step(9, "X", None, "on_track", 1)])
    assert lines[0].summary == "‘X’ moved from Not started to On track"


def test_overdue_actions_most_overdue_first():
    lines = m.overdue_changes(
        [("Short", date(2026, 6, 28), 48), ("Long", date(2026, 3, 28), 140), ("One", None, 1)]
    )
    assert [c.summary for c in lines[:2]] == [
        "‘Long’ is overdue by 140 days (due 28 Mar 2026)",
        "‘Short’ is overdue by 48 days (due 28 Jun 2026)",
    ]
    assert lines[2].summary == "‘One’ is overdue by 1 day"


def test_long_titles_are_shortened():
    assert m.quote("word " * 40).endswith("…’")
    assert len(m.quote("word " * 40)) <= m.QUOTE_MAX + 2


# --- projects, metrics and feedback ------------------------------------------------------------


def event(entity_id, title, action, before, after, day=1):
    return m.RecordEvent(entity_id, title, action, before, after, datetime(2026, 6, day))


def test_projects_once_each_with_status_and_changed_details():
    lines = m.project_changes(
        [
            event(
                1,
                "Barbershop conversations",
                "update",
                {"status": "Active"},
                {"status": "Completed"},
            ),
            event(
                1, "Barbershop conversations", "update", {"outcomes": ""}, {"outcomes": "More"}, 2
            ),
            event(
                2, "Faith network", "create", None, {"title": "Faith network", "status": "Planned"}
            ),
            event(2, "Faith network", "update", {"place": ""}, {"place": "Leeds"}, 3),
        ]
    )
    assert [c.summary for c in lines] == [
        "Project ‘Barbershop conversations’ moved from Active to Completed; updated outcomes",
        "Project ‘Faith network’ added (Planned)",
    ]
    assert lines[0].when == datetime(2026, 6, 2)


def test_metric_status_set_by_hand():
    lines = m.metric_status_changes(
        [
            event(
                5,
                "Referrals",
                "update",
                {"manual_status": None},
                {"manual_status": "deterioration"},
            ),
            event(6, "Other", "update", {"name": "a"}, {"name": "b"}),
        ]
    )
    assert [c.summary for c in lines] == ["Metric ‘Referrals’ status set by hand to Deterioration"]
    assert lines[0].kind == m.STATUSES


def test_feedback_answered_once_and_received():
    lines = m.feedback_changes(
        [
            m.FeedbackEvent(1, "Carer", "Evening sessions please", True, None, "received", T),
            m.FeedbackEvent(
                2, "Regional Forum", "Plain English", False, "received", "responded", T
            ),
            m.FeedbackEvent(2, "Regional Forum", "Plain English", False, "responded", "closed", T),
            m.FeedbackEvent(3, "Service user", "Interpreter", False, "received", "in_progress", T),
        ]
    )
    assert [(c.kind, c.summary) for c in lines] == [
        (
            m.STATUSES,
            "Feedback from a service user moved from Received to In progress: ‘Interpreter’",
        ),
        (m.ANSWERED, "Feedback from the Regional Forum responded: ‘Plain English’"),
        (m.NEW_FEEDBACK, "Feedback from a carer: ‘Evening sessions please’"),
    ]


# --- frames ----------------------------------------------------------------------------------


def test_changes_frame_orders_by_kind_then_newest_and_counts():
    changes = [
        m.Change(m.NEW_FEEDBACK, datetime(2026, 6, 1), "f"),
        m.Change(m.VALUES, datetime(2026, 6, 1), "older values", 3),
        m.Change(m.VALUES, datetime(2026, 7, 1), "newer values", 16),
        m.Change(m.OVERDUE, date(2026, 8, 15), "most overdue"),
        m.Change(m.OVERDUE, date(2026, 8, 15), "less overdue"),
    ]
    frame = m.changes_frame(changes)
    assert list(frame.columns) == ["kind", "when", "summary", "items"]
    assert list(frame["summary"]) == [
        "newer values",
        "older values",
        "most overdue",
        "less overdue",
        "f",
    ]
    counts = m.change_counts(frame)
    assert counts.to_dict("records") == [
        {"kind": m.VALUES, "changes": 2, "items": 19},
        {"kind": m.OVERDUE, "changes": 2, "items": 2},
        {"kind": m.NEW_FEEDBACK, "changes": 1, "items": 1},
    ]
    assert m.count_words(m.VALUES, 2, 19) == "19 metric values by quarter"
    assert m.count_words(m.OVERDUE, 1, 1) == "1 action"
    assert m.change_counts(m.changes_frame([])).empty
    table = m.changes_table(frame)
    assert list(table.columns) == ["What", "When", "Change"]
    assert table["When"].iloc[0] == "01 Jul 2026"


# --- the agenda ---------------------------------------------------------------------------------


def test_agenda_is_the_six_themes_then_projects_then_feedback():
    themes = [(i, f"Theme {i}") for i in range(1, 7)]
    sections = m.agenda(themes)
    assert len(sections) == 8
    assert [s.kind for s in sections] == ["theme"] * 6 + ["projects", "feedback"]
    assert sections[2].theme_id == 3
    assert m.section_words(2, 8) == "Section 3 of 8"
    assert m.clamp_section(-1, 8) == 0
    assert m.clamp_section(8, 8) == 7
    assert m.clamp_section(3, 0) == 0


# --- disclosure control -------------------------------------------------------------------------


def recorded(rows, *, newest_first=False):
    """A metric's recorded values (value, numerator, denominator), one quarter each from
    Q1 2026/27; ``newest_first`` hands them over in the other order."""
    frame = pd.DataFrame(
        [
            {
                "period_start": date(2026, 4, 1) + pd.DateOffset(months=3 * n),
                "value": value,
                "numerator": num,
                "denominator": den,
                "note": "",
                "characteristic": "",
            }
            for n, (value, num, den) in enumerate(rows)
        ]
    )
    frame["period_start"] = [d.date() for d in frame["period_start"]]
    return frame.iloc[::-1] if newest_first else frame


def test_percentages_come_from_the_rounded_counts_and_small_counts_hide():
    values = recorded([(75.0, 3.0, 4.0), (58.3, 7.0, 12.0), (50.0, 8.0, 16.0)])
    shown = m.disclose_metric_values(values, "percentage", 5)
    # The table is newest first; 7 of 12 is shown as 5 of 10, so 50%, not 58.3%.
    assert shown.table[["Quarter", "Value", "Numerator", "Denominator"]].values.tolist() == [
        ["Q3 2026/27", "67%", "10", "15"],
        ["Q2 2026/27", "50%", "5", "10"],
        ["Q1 2026/27", "*", "*", "*"],
    ]
    # The hidden quarter is left out of the chart, oldest first.
    assert shown.chart.values.tolist() == [[date(2026, 7, 1), 50.0], [date(2026, 10, 1), 67.0]]
    assert shown.starred == 3
    assert shown.rounded == 4  # 7 -> 5, 12 -> 10, 8 -> 10, 16 -> 15


def test_a_large_rounded_denominator_gives_one_decimal_place():
    shown = m.disclose_metric_values(recorded([(58.33, 2917.0, 5001.0)]), "percentage", 5)
    assert shown.table["Value"].tolist() == ["58.3%"]  # 2915 of 5000
    assert shown.points == [(date(2026, 4, 1), 58.3)]


def test_quarters_keep_their_own_values_in_any_order():
    """The meeting room's reversed trend: values handed over newest first must still be
    drawn against their own quarters (a rise stays a rise)."""
    rows = [(45.2, None, None), (60.0, None, None), (83.5, None, None)]
    for controlled in (True, False):
        for values in (recorded(rows), recorded(rows, newest_first=True)):
            shown = m.disclose_metric_values(values, "percentage", 5, controlled=controlled)
            assert shown.chart["value"].tolist() == [45.2, 60.0, 83.5]
            assert shown.chart["period_start"].tolist() == sorted(shown.chart["period_start"])
            assert shown.table["Value"].tolist() == ["83.5%", "60%", "45.2%"]
            assert shown.newest(2).table["Quarter"].tolist() == ["Q3 2026/27", "Q2 2026/27"]


def test_group_values_are_left_out():
    values = recorded([(10.0, None, None)])
    group = values.assign(characteristic="ethnicity", value=3.0)
    shown = m.disclose_metric_values(pd.concat([values, group]), "count", 5)
    assert shown.table["Value"].tolist() == ["10"]


@pytest.mark.parametrize(
    ("count", "text"), [(0, "*"), (4, "*"), (5, "5"), (7, "5"), (8, "10"), (1234, "1,235")]
)
def test_count_values_follow_the_rule_at_each_boundary(count, text):
    shown = m.disclose_metric_values(recorded([(float(count), None, None)]), "count", 5)
    assert shown.table["Value"].iloc[0] == text


def test_counts_of_things_and_people_with_exact_rights_are_shown_as_recorded():
    things = m.disclose_metric_values(recorded([(3.0, None, None)]), "count", counts_people=False)
    assert things.table["Value"].tolist() == ["3"] and things.starred == 0
    exact = m.disclose_metric_values(recorded([(58.3, 7.0, 12.0)]), "percentage", controlled=False)
    assert exact.table[["Value", "Numerator", "Denominator"]].values.tolist() == [
        ["58.3%", "7", "12"]
    ]


def test_other_units_are_shown_as_they_are():
    shown = m.disclose_metric_values(recorded([(3.2, None, None)]), "score", 5)
    assert shown.table["Value"].iloc[0] == "3.2"
    assert (shown.starred, shown.rounded) == (0, 0)


def test_explanations_never_give_a_suppressed_figure_away():
    text = "Moving away from the target of 12: it went from 7 to 3 since 2023/24."
    assert m.disclose_explanation(text, "count") == (
        "Moving away from the target of 12: it went from 5 to * since 2023/24."
    )
    assert m.disclose_explanation(text, "percentage", suppressed=True) == m.LEFT_OUT_EXPLANATION
    assert m.disclose_explanation("it went from 55% to 48.2% since", "percentage") == (
        "it went from 55% to 48.2% since"
    )
    assert m.disclose_explanation(text, "count", counts_people=False) == text


def test_explanations_quote_percentages_as_the_table_shows_them():
    shown = m.disclose_metric_values(
        recorded([(45.2, 47.0, 104.0), (58.3, 7.0, 12.0)]), "percentage"
    )
    text = "Improving: it went from 45.2% to 58.3% since 2026/27; the target of 60% is near."
    assert m.disclose_explanation(text, "percentage", shown=shown) == (
        "Improving: it went from 43% to 50% since 2026/27; the target of 60% is near."
    )
    # One recorded 58.3% shown as 50% in one quarter and 60% in another: left out.
    twice = m.disclose_metric_values(
        recorded([(58.3, 7.0, 12.0), (58.3, 70.0, 120.0)]), "percentage"
    )
    assert m.disclose_explanation(text, "percentage", shown=twice) == m.LEFT_OUT_EXPLANATION


def test_the_pack_says_what_it_suppressed():
    assert "3 figures are shown as * and 1 count is rounded" in m.disclosure_statement(3, 1)
    assert "no figure needed to be suppressed" in m.disclosure_statement(0, 0)
    assert "counts of items, not people" in m.disclosure_statement(0, 0)


def test_the_pack_says_percentages_come_from_the_rounded_counts():
    statement = " ".join(m.disclosure_statement(0, 0).split())
    assert "worked out from the rounded counts" in statement
    assert "whole numbers unless the rounded total is at least 4,000" in statement
    assert "count events, agreements or organisations are shown as recorded" in statement


def test_people_reached_names_the_threshold_it_hides_below():
    from core.meetings import people_reached, people_reached_rule

    assert people_reached(7, 10, controlled=True) == "fewer than 10"
    assert people_reached(12, 10, controlled=True) == "about 10"
    assert people_reached(2, 1, controlled=True) == "fewer than 3"  # 1 and 2 round to 0
    assert people_reached(7, 10, controlled=False) == "7"
    assert people_reached(None, 10, controlled=True) == "not recorded"
    assert "fewer than 10 is not given" in people_reached_rule(10)
