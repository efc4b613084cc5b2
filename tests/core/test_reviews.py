"""The bi-annual review's rules: half-years of the financial year, when a review is due
and overdue, how a stage is worded, and the library's text filter."""

from datetime import date

import pytest

from core import reviews as r


@pytest.mark.parametrize(
    ("day", "start", "label"),
    [
        (date(2026, 4, 1), date(2026, 4, 1), "H1 2026/27"),
        (date(2026, 9, 30), date(2026, 4, 1), "H1 2026/27"),
        (date(2026, 10, 1), date(2026, 10, 1), "H2 2026/27"),
        (date(2026, 12, 31), date(2026, 10, 1), "H2 2026/27"),
        (date(2027, 1, 1), date(2026, 10, 1), "H2 2026/27"),
        (date(2027, 3, 31), date(2026, 10, 1), "H2 2026/27"),
        (date(2027, 4, 1), date(2027, 4, 1), "H1 2027/28"),
    ],
)
def test_a_day_belongs_to_its_half_of_the_financial_year(day, start, label):
    half = r.half_year_of(day)
    assert half.start == start == r.half_year_start(day)
    assert half.label == label == r.format_half_year(day)


def test_half_years_are_worded_in_full_with_their_months():
    assert r.long_half_year(date(2026, 4, 1)) == "April to September 2026 (H1 2026/27)"
    assert r.long_half_year(date(2026, 10, 1)) == "October 2026 to March 2027 (H2 2026/27)"
    assert r.long_half_year(date(1999, 10, 1)) == "October 1999 to March 2000 (H2 1999/00)"


def test_a_half_year_ends_on_its_last_day_and_the_previous_one_comes_before():
    h1, h2 = r.HalfYear(date(2026, 4, 1)), r.HalfYear(date(2026, 10, 1))
    assert (h1.end, h1.last_day) == (date(2026, 10, 1), date(2026, 9, 30))
    assert (h2.end, h2.last_day) == (date(2027, 4, 1), date(2027, 3, 31))
    assert h2.previous == h1
    assert h1.previous == r.HalfYear(date(2025, 10, 1))


def test_a_review_is_due_when_the_half_year_ends_and_overdue_the_weeks_after():
    h1 = date(2026, 4, 1)
    assert r.due_date(h1) == date(2026, 11, 11)  # 30 September + 6 weeks
    assert r.due_date(h1, weeks=0) == date(2026, 9, 30)
    assert r.stage(h1, date(2026, 9, 30), recorded=False) == r.Stage.NOT_DUE
    assert r.stage(h1, date(2026, 10, 1), recorded=False) == r.Stage.DUE
    assert r.stage(h1, date(2026, 11, 11), recorded=False) == r.Stage.DUE
    assert r.stage(h1, date(2026, 11, 12), recorded=False) == r.Stage.OVERDUE
    assert r.stage(h1, date(2026, 11, 12), recorded=False, weeks=8) == r.Stage.DUE
    assert r.stage(h1, date(2030, 1, 1), recorded=True) == r.Stage.RECORDED
    assert r.stage(h1, date(2026, 5, 1), recorded=True) == r.Stage.RECORDED


def test_a_stage_is_never_colour_alone():
    assert r.stage_text(r.Stage.OVERDUE) == "! Overdue"
    assert r.stage_text("due") == "○ Due"
    assert r.stage_text(r.Stage.RECORDED) == "✓ Recorded"
    assert r.stage_text(r.Stage.NOT_DUE) == "· Not due yet"
    assert len({style.symbol for style in r.STAGES.values()}) == len(r.STAGES)


def test_each_stage_has_its_sentence():
    h1 = date(2026, 4, 1)
    assert r.stage_sentence(h1, date(2026, 6, 1), False) == (
        "H1 2026/27 ends on 30 September 2026; its review is due by 11 November 2026."
    )
    assert r.stage_sentence(h1, date(2026, 10, 2), False) == (
        "H1 2026/27 has ended: its review is due by 11 November 2026."
    )
    assert r.stage_sentence(h1, date(2026, 12, 6), False) == (
        "H1 2026/27's review was due by 11 November 2026 and has not been recorded."
    )
    assert r.stage_sentence(h1, date(2026, 12, 6), True) == "H1 2026/27's review is recorded."


def test_the_table_shows_the_current_half_year_and_those_just_ended_oldest_first():
    assert r.recent_half_years(date(2026, 12, 6)) == [date(2026, 4, 1), date(2025, 10, 1)]
    assert r.table_half_years(date(2026, 12, 6)) == [
        date(2025, 10, 1),
        date(2026, 4, 1),
        date(2026, 10, 1),
    ]
    assert r.table_half_years(date(2026, 4, 1), 1) == [date(2025, 10, 1), date(2026, 4, 1)]


def test_a_review_needs_what_went_well_and_what_did_not():
    assert r.check_review("  Good turnout  ", " Late data ", "") == (
        "Good turnout",
        "Late data",
        "",
    )
    with pytest.raises(r.ReviewRefused, match="what went well"):
        r.check_review("ok", "Late data")
    with pytest.raises(r.ReviewRefused, match="what did not go well"):
        r.check_review("Good turnout", "   ")
    with pytest.raises(r.ReviewRefused, match="under 5,000 characters"):
        r.check_review("Good turnout", "Late data", "x" * 5001)


def test_good_practice_needs_a_title_and_what_was_done():
    assert r.check_good_practice(" Barbershop talks ", " Ran six sessions ") == (
        "Barbershop talks",
        "Ran six sessions",
    )
    with pytest.raises(r.ReviewRefused, match="title"):
        r.check_good_practice("ab", "Ran six sessions")
    with pytest.raises(r.ReviewRefused, match="what was done"):
        r.check_good_practice("Barbershop talks", "")
    with pytest.raises(r.ReviewRefused, match="title under 200"):
        r.check_good_practice("x" * 201, "Ran six sessions")
    assert r.GoodPracticeDraft("", "  ").is_blank
    assert not r.GoodPracticeDraft("Title", "").is_blank


def test_sharing_is_worded():
    assert r.share_words(True) == "Shared with other regions"
    assert r.share_words(False) == "Kept in the region"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", True),
        ("   ", True),
        ("barber", True),
        ("BARBER london", True),
        ("barber manchester", False),
        ("h1 2026/27", True),
        ("prayer", False),
    ],
)
def test_the_library_filter_needs_every_word_somewhere(query, expected):
    fields = ["Barbershop conversations", "Six sessions", "London", "H1 2026/27", None]
    assert r.matches(query, fields) is expected
