"""The feedback rules: the personal-details check, the text limits and the figures."""

from datetime import date, datetime

import pandas as pd
import pytest

from core.feedback_rules import (
    RESPONSE_MAX_CHARS,
    SUMMARY_MAX_CHARS,
    FeedbackFigures,
    days_to_respond,
    feedback_figures,
    format_days,
    format_share,
    median_days_to_respond,
    personal_details_problem,
    response_problems,
    share_answered,
    source_problem,
    summary_problems,
    waiting_ages,
)
from core.statuses import FEEDBACK_SOURCES, FEEDBACK_STATUSES

TODAY = date(2026, 11, 26)


# --- personal details --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Please email jo.bloggs@example.org about this", "email address"),
        ("contact: a_b+c@mail.co.uk", "email address"),
        ("Ring her on 07700 900123 after six", "phone number"),
        ("Call 020 7946 0018.", "phone number"),
        ("Number is +44 (0)20-7946-0018", "phone number"),
        ("tel 01632.960.983", "phone number"),
        ("NHS number 943 476 5919", "identifying number"),
        ("He lives at SW1A 1AA", "postcode"),
        ("lives near m1 1ae these days", "postcode"),
        ("postcode B338TH", "postcode"),
    ],
)
def test_personal_details_are_spotted(text, found):
    problem = personal_details_problem(text)
    assert problem is not None and found in problem
    assert problem.startswith("The summary seems to contain")
    assert "Do not include names, contact details" in problem


@pytest.mark.parametrize(
    "text",
    [
        "Information is not available in community languages.",
        "Twelve people asked for evening sessions in 2025 and 2026.",
        "Waiting times went from 14 to 42 days between Q1 2024/25 and Q3 2025/26.",
        "Call the service desk during office hours, 9 to 5.",
        "Dates 2024-05-01 and 2025-06-30 were mentioned.",
        "Our group at St Mary's meets at 10:30 in room 12.",
        "The M1 and A56 roads make the centre hard to reach.",
        "An @mention on social media was not answered.",
        "",
    ],
)
def test_ordinary_text_passes(text):
    assert personal_details_problem(text) is None


def test_nine_digits_are_not_a_phone_number_but_ten_are():
    assert personal_details_problem("ref 123 456 789") is None
    assert personal_details_problem("ref 123 456 7890") is not None


def test_the_message_names_the_field():
    problem = personal_details_problem("x@y.org", "The response")
    assert problem is not None and problem.startswith("The response seems")


# --- text limits -------------------------------------------------------------------


def test_summary_limits():
    assert summary_problems("Carers asked for evening sessions.") == []
    assert summary_problems("   ") == ["Please write a short summary of the feedback."]
    assert summary_problems("x" * SUMMARY_MAX_CHARS) == []
    too_long = summary_problems("x" * (SUMMARY_MAX_CHARS + 1))
    assert len(too_long) == 1 and "501 characters" in too_long[0] and "500" in too_long[0]
    both = summary_problems("y" * 490 + " a@b.com and more")
    assert len(both) == 2


def test_surrounding_spaces_do_not_count_towards_the_limit():
    assert summary_problems("  " + "x" * SUMMARY_MAX_CHARS + "  ") == []


def test_response_rules():
    assert response_problems("We added evening sessions.", "", "responded") == []
    assert response_problems("", "", "in_progress") == []
    assert response_problems("", "", "received") == []
    assert "write the response" in response_problems("", "", "responded")[0]
    assert "'Closed'" in response_problems("  ", "", "closed")[0]
    assert "not a feedback status" in response_problems("ok", "", "done")[0]
    long = response_problems("x" * (RESPONSE_MAX_CHARS + 1), "", "responded")
    assert "The response is 1001 characters" in long[0]
    leak = response_problems("ok", "rang 07700 900123", "responded")
    assert leak and leak[0].startswith("The action taken seems to contain a phone number")


def test_sources():
    assert len(FEEDBACK_SOURCES) == 7
    for source in FEEDBACK_SOURCES:
        assert source_problem(source) is None
    assert "not a feedback source" in source_problem("Someone")


def test_statuses_have_words_icons_and_distinct_colours():
    assert list(FEEDBACK_STATUSES) == ["received", "in_progress", "responded", "closed"]
    assert all(s.label and s.icon for s in FEEDBACK_STATUSES.values())
    assert len({s.colour for s in FEEDBACK_STATUSES.values()}) == 4


# --- figures -----------------------------------------------------------------------


def test_days_to_respond():
    assert days_to_respond(date(2026, 1, 1), date(2026, 1, 31)) == 30
    assert days_to_respond(date(2026, 1, 1), date(2026, 1, 1)) == 0
    assert days_to_respond(date(2026, 1, 2), date(2026, 1, 1)) == 0


def test_share_answered():
    assert share_answered([]) is None
    assert share_answered(["responded", "closed", "received", "in_progress"]) == 0.5
    assert share_answered(["closed"]) == 1.0
    assert share_answered(["received", "in_progress"]) == 0.0


def test_median_days_to_respond():
    assert median_days_to_respond([]) is None
    assert median_days_to_respond([(date(2026, 1, 1), None)]) is None
    pairs = [
        (date(2026, 1, 1), date(2026, 1, 11)),  # 10
        (date(2026, 1, 1), date(2026, 1, 21)),  # 20
        (date(2026, 1, 1), date(2026, 3, 2)),  # 60
        (date(2026, 1, 1), date(2026, 1, 6)),  # 5
    ]
    assert median_days_to_respond(pairs) == 15.0
    assert median_days_to_respond(pairs[:3]) == 20.0


def test_waiting_ages_oldest_first_and_never_negative():
    ages = waiting_ages([date(2026, 11, 1), date(2026, 6, 1), date(2026, 12, 1)], TODAY)
    assert ages == [178, 25, 0]


def hand_made() -> list[dict]:
    return [
        # answered: 10, 30 and 3 days; median 10
        {"status": "responded", "received_on": date(2026, 1, 1), "responded_on": date(2026, 1, 11)},
        {"status": "closed", "received_on": date(2026, 2, 1), "responded_on": date(2026, 3, 3)},
        {"status": "responded", "received_on": date(2026, 5, 1), "responded_on": date(2026, 5, 4)},
        # waiting: 30 and 100 days
        {"status": "received", "received_on": date(2026, 10, 27), "responded_on": None},
        {"status": "in_progress", "received_on": date(2026, 8, 18), "responded_on": None},
    ]


def test_feedback_figures_on_hand_made_data():
    figures = feedback_figures(hand_made(), TODAY)
    assert figures == FeedbackFigures(
        total=5,
        answered=3,
        share_answered=0.6,
        median_days_to_respond=10.0,
        waiting=2,
        oldest_waiting_days=100,
    )
    row = figures.as_row()
    assert row["Share answered"] == "60%"
    assert row["Median days to respond"] == "10 days"
    assert row["Still waiting"] == 2 and row["Oldest waiting (days)"] == 100


def test_feedback_figures_from_a_frame_with_timestamps_and_missing_dates():
    frame = pd.DataFrame(hand_made())
    frame["received_on"] = pd.to_datetime(frame["received_on"])
    frame["responded_on"] = pd.to_datetime(frame["responded_on"])
    assert frame["responded_on"].isna().sum() == 2
    figures = feedback_figures(frame.to_dict("records"), TODAY)
    assert figures == feedback_figures(hand_made(), TODAY)


def test_feedback_figures_from_objects_and_datetimes():
    class Item:
        def __init__(self, status, received_on, responded_on):
            self.status = status
            self.received_on = received_on
            self.responded_on = responded_on

    items = [Item("responded", datetime(2026, 1, 1, 9), datetime(2026, 1, 3, 17))]
    figures = feedback_figures(items, TODAY)
    assert figures.median_days_to_respond == 2.0 and figures.waiting == 0
    assert figures.oldest_waiting_days is None


def test_an_answered_item_without_a_date_counts_as_answered_but_not_in_the_median():
    items = [
        {"status": "closed", "received_on": date(2026, 1, 1), "responded_on": None},
        {"status": "responded", "received_on": date(2026, 1, 1), "responded_on": date(2026, 1, 8)},
    ]
    figures = feedback_figures(items, TODAY)
    assert figures.answered == 2 and figures.median_days_to_respond == 7.0


def test_no_feedback_at_all():
    figures = feedback_figures([], TODAY)
    assert figures == FeedbackFigures(0, 0, None, None, 0, None)
    assert figures.as_row()["Share answered"] == "No feedback yet"
    assert figures.as_row()["Median days to respond"] == "No responses yet"
    assert figures.as_row()["Oldest waiting (days)"] == ""


def test_formatting():
    assert format_share(0.666) == "67%"
    assert format_share(None) == "No feedback yet"
    assert format_days(1.0) == "1 day"
    assert format_days(12.5) == "12.5 days"
    assert format_days(0.0) == "0 days"


def test_typed_text_is_escaped_for_markdown():
    from core.formatting import escape_markdown

    assert escape_markdown("**bold** [link](x) :red[hi] 1. a_b") == (
        r"\*\*bold\*\* \[link\]\(x\) \:red\[hi\] 1\. a\_b"
    )
    assert escape_markdown("plain words") == "plain words"
