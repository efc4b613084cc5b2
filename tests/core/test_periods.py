from datetime import date

import pytest

from core.periods import (
    Period,
    PeriodError,
    financial_year_label,
    format_period,
    last_ended_quarter,
    parse_period,
    quarter_choices,
    quarter_number,
    quarters_between,
    year_choices,
    year_fraction,
)


@pytest.mark.parametrize(
    ("text", "start", "kind"),
    [
        ("2024/25 Q1", date(2024, 4, 1), "quarter"),
        ("2024-25 Q1", date(2024, 4, 1), "quarter"),
        ("2024/25 q2", date(2024, 7, 1), "quarter"),
        ("2024/25 Q3", date(2024, 10, 1), "quarter"),
        ("2024/25 Q4", date(2025, 1, 1), "quarter"),
        ("Q4 2024/25", date(2025, 1, 1), "quarter"),
        ("  2024/25   Q1 ", date(2024, 4, 1), "quarter"),
        ("2024/2025 Q1", date(2024, 4, 1), "quarter"),
        ("2024/25", date(2024, 4, 1), "year"),
        ("1999/00", date(1999, 4, 1), "year"),
        ("2024-05-17", date(2024, 4, 1), "quarter"),
        (date(2025, 2, 3), date(2025, 1, 1), "quarter"),
    ],
)
def test_parse_accepts_the_forms_people_type(text, start, kind):
    assert parse_period(text) == Period(start, kind)


@pytest.mark.parametrize(
    "text", ["", None, "2024/26 Q1", "2024/25 Q5", "2024/25 Q0", "Q1", "April 2024", "2024-13-01"]
)
def test_parse_refuses_other_text_with_a_reason(text):
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    assert str(error.value)


def test_format_and_round_trip():
    assert format_period(date(2024, 4, 1)) == "Q1 2024/25"
    assert format_period(date(2025, 1, 1)) == "Q4 2024/25"
    assert format_period(date(2024, 4, 1), "year") == "2024/25"
    for quarter in quarters_between(date(2023, 4, 1), date(2026, 1, 1)):
        assert parse_period(format_period(quarter)).start == quarter


def test_year_fraction_puts_a_quarter_at_its_start():
    assert year_fraction(date(2024, 4, 1)) == 2024.25
    assert year_fraction(date(2024, 7, 1)) == 2024.5
    assert year_fraction(date(2025, 1, 1)) == 2025.0


def test_quarter_numbers_follow_the_financial_year():
    assert [quarter_number(date(2024, m, 1)) for m in (4, 7, 10, 1)] == [1, 2, 3, 4]


def test_financial_year_label_of_a_point_in_time():
    assert financial_year_label(2027.6) == "2027/28"
    assert financial_year_label(2027.1) == "2026/27"
    assert financial_year_label(2027.25) == "2027/28"


def test_period_end_and_range():
    assert Period(date(2025, 1, 1)).end == date(2025, 4, 1)
    assert Period(date(2024, 4, 1), "year").end == date(2025, 4, 1)
    assert len(quarters_between(date(2023, 10, 1), date(2026, 7, 1))) == 12


# --- one format everywhere: what people type, and what the app shows -------------------


@pytest.mark.parametrize(
    "text",
    [
        "Q1 2024/25",
        "2024/25 Q1",
        "2024-25 Q1",
        "q1 2024/25",
        "2024/25 q1",
        "2024-25 q1",
        "  Q1   2024/25  ",
        "2024 / 25   Q1",
        "Q1 2024-25",
        "Q1\t2024/25",
    ],
)
def test_every_accepted_form_reads_as_the_same_quarter(text):
    assert parse_period(text) == Period(date(2024, 4, 1), "quarter")
    assert parse_period(text).label == "Q1 2024/25"


@pytest.mark.parametrize(
    "text",
    ["2024 Q1", "Q1 2024", "Q1/2024/25", "Quarter 1 2024/25", "2024/25Q1", "Q12024/25", "FY24 Q1"],
)
def test_other_forms_are_refused_with_the_accepted_form_shown(text):
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    assert "'Q1 2024/25'" in str(error.value)
    assert "2024/25 Q1" not in str(error.value)  # the message shows one form, the app's


def test_every_quarter_formats_as_quarter_then_financial_year():
    labels = [format_period(q) for q in quarters_between(date(2024, 4, 1), date(2025, 4, 1))]
    assert labels == ["Q1 2024/25", "Q2 2024/25", "Q3 2024/25", "Q4 2024/25", "Q1 2025/26"]
    assert format_period(date(1999, 4, 1), "year") == "1999/00"


def test_last_ended_quarter_and_the_choices_a_picker_offers():
    assert last_ended_quarter(date(2026, 5, 20)) == date(2026, 1, 1)
    assert last_ended_quarter(date(2026, 1, 1)) == date(2025, 10, 1)
    assert last_ended_quarter(date(2026, 3, 31)) == date(2025, 10, 1)
    quarters = quarter_choices(date(2026, 5, 20), years=1)
    assert [format_period(q) for q in quarters] == [
        "Q1 2026/27", "Q4 2025/26", "Q3 2025/26", "Q2 2025/26", "Q1 2025/26",
    ]  # fmt: skip
    assert quarters == sorted(quarters, reverse=True)
    assert [format_period(y, "year") for y in year_choices(date(2026, 2, 1), years=2)] == [
        "2025/26", "2024/25", "2023/24",
    ]  # fmt: skip
