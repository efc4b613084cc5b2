"""The one number parser (core.validation.parse_number) the data-entry grid and the
importers share: what a person may type, and what is refused rather than misread."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from core import metric_grid
from core.validation import NumberError, number_text, parse_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12.0),
        ("12.5", 12.5),
        (" 12.5 ", 12.5),
        ("-3", -3.0),
        ("+3", 3.0),
        ("\u22123", -3.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1,250", 1250.0),
        ("1,250.5", 1250.5),
        ("12,500,000", 12_500_000.0),
        ("-1,250", -1250.0),
        ("12 500", 12500.0),
        ("12\u00a0500", 12500.0),
        ("45%", 45.0),
        ("45.5 %", 45.5),
        ("1e3", 1000.0),
        ("1.5E+2", 150.0),
        ("0", 0.0),
        (7, 7.0),
        (7.25, 7.25),
        (Decimal("2.5"), 2.5),
    ],
)
def test_numbers_people_type(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", math.nan, float("nan")])
def test_blank_is_none(raw):
    assert parse_number(raw) is None
    assert parse_number(raw, decimal_comma=True) is None


@pytest.mark.parametrize(
    "raw",
    ["12,5", "1,25", "0,5", "1,2345", "1,250,5", "12,50", "-12,5", "1,25.5"],
)
def test_a_decimal_comma_outside_a_semicolon_file_is_refused_as_ambiguous(raw):
    with pytest.raises(NumberError, match="ambiguous") as caught:
        parse_number(raw)
    assert caught.value.args[0].startswith(f"'{raw}'")
    assert "12.5" in str(caught.value) and "1,250" in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [
        "lots",
        "twelve",
        "1_000",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "£12",
        "12 apples",
        "1..2",
        "1.2.3",
        "--1",
        "0x10",
        "1e",
        "hello, world",
        ",",
        "%",
        "1 2",
    ],
)
def test_text_that_is_not_a_number_is_refused(raw):
    with pytest.raises(NumberError, match="is not a number"):
        parse_number(raw)


def test_a_number_error_is_a_value_error_with_the_text_quoted():
    with pytest.raises(ValueError, match=r"^'lots' is not a number\.$"):
        parse_number("lots")


@pytest.mark.parametrize("raw", [True, False])
def test_true_and_false_are_not_numbers(raw):
    with pytest.raises(NumberError):
        parse_number(raw)


@pytest.mark.parametrize("raw", [math.inf, -math.inf, "1e999"])
def test_infinite_numbers_are_refused(raw):
    with pytest.raises(NumberError):
        parse_number(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,5", 12.5),
        ("1.250,5", 1250.5),
        ("1.250.000", 1_250_000.0),
        ("1.250.000,75", 1_250_000.75),
        ("1,250", 1.25),
        ("-0,5", -0.5),
        ("12", 12.0),
        ("12.5", 12.5),
        ("12 500,5", 12500.5),
        ("45,5%", 45.5),
    ],
)
def test_in_a_semicolon_file_a_comma_is_the_decimal_mark(raw, expected):
    assert parse_number(raw, decimal_comma=True) == expected


@pytest.mark.parametrize("raw", ["1.250", "12.500"])
def test_in_a_semicolon_file_a_lone_thousands_point_is_ambiguous(raw):
    with pytest.raises(NumberError, match="ambiguous"):
        parse_number(raw, decimal_comma=True)


@pytest.mark.parametrize("raw", ["1,2,3", "1,250.5", "12.50,5", "1.25,5", "abc", "12,5x"])
def test_in_a_semicolon_file_other_shapes_are_refused(raw):
    with pytest.raises(NumberError, match="is not a number"):
        parse_number(raw, decimal_comma=True)


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (math.nan, ""), (12.0, "12"), (12.5, "12.5"), (1250.0, "1250"), (0.1, "0.1")],
)
def test_number_text_reads_back_as_the_same_number(value, text):
    assert number_text(value) == text
    if value is not None and not math.isnan(value):
        assert parse_number(number_text(value)) == value


# --- the data-entry grid reads typed text with the same parser ----------------------

Q3 = date(2026, 10, 1)
METRICS = [
    {"id": 1, "code": "CA01", "unit": "percentage"},
    {"id": 2, "code": "PW01", "unit": "count"},
]


def test_the_grid_reads_typed_text_and_names_the_row_and_column_of_a_refusal():
    edited = metric_grid.wide_grid([Q3], METRICS, {}, date(2026, 11, 1))
    assert list(edited.columns) == ["Quarter", "CA01", "PW01", "Status"]
    assert list(edited["Status"]) == [metric_grid.EARLY]
    edited.loc[0, "CA01"] = "12,5"
    edited.loc[0, "PW01"] = "1,250"
    changes, problems = metric_grid.wide_grid_changes(edited, [Q3], METRICS, {})
    assert [(c.metric_id, c.value) for c in changes] == [(2, 1250.0)]
    assert [(p.row_label, p.column_label) for p in problems] == [("CA01 · Q3 2026/27", "CA01")]
    assert "'12,5' is ambiguous" in problems[0].message


def test_the_detail_grid_names_the_column_of_a_refusal():
    rows = [metric_grid.Cell(1, Q3)]
    edited = metric_grid.detail_grid(rows, {}, date(2027, 2, 1))
    assert list(edited["Status"]) == [metric_grid.ENDED]
    edited.loc[0, ["Value", "Numerator", "Denominator"]] = ["", "twelve", "20"]
    _, problems = metric_grid.detail_grid_changes(edited, rows, METRICS[0], {})
    assert [(p.row_label, p.column_label, p.message) for p in problems] == [
        ("CA01 · Q3 2026/27", "Numerator", "'twelve' is not a number.")
    ]


def test_stored_numbers_show_in_the_grid_as_typed_and_read_back_unchanged():
    cells = {metric_grid.Cell(1, Q3): metric_grid.LoadedValue(12.5, 25.0, 200.0, "", 1)}
    wide = metric_grid.wide_grid([Q3], METRICS[:1], cells)
    assert wide.loc[0, "CA01"] == "12.5"
    assert metric_grid.wide_grid_changes(wide, [Q3], METRICS[:1], cells) == ([], [])
    detail = metric_grid.detail_grid([metric_grid.Cell(1, Q3)], cells)
    assert list(detail.loc[0, ["Value", "Numerator", "Denominator"]]) == ["12.5", "25", "200"]
