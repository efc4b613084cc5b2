from datetime import date

import pytest

from core.periods import (
    Period,
    PeriodError,
    financial_year_label,
    format_period,
    parse_period,
    quarter_number,
    quarters_between,
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
