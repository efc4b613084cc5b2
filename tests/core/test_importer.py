"""The generic reader: CSV and XLSX uploads into rows of text, or problems; never a crash."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core.importer import (
    FILE,
    ROW,
    ImportCounts,
    ImportPreview,
    cell_text,
    normalise_heading,
    problem_rows,
    read_table,
    size_text,
)
from core.validation import Problem

REQUIRED = ("region", "metric_code", "period", "value")
OPTIONAL = ("numerator", "denominator", "characteristic", "group", "note")


def read(data: bytes, name: str = "values.csv", **kwargs):
    return read_table(data, name, required=REQUIRED, optional=OPTIONAL, **kwargs)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def only_problem(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# ------------------------------------------------------------------------- CSV


def test_a_good_csv_gives_text_rows_with_the_row_numbers_a_person_sees():
    data = (
        b"region,metric_code,period,value,note\r\n"
        b"London, CA01 ,2024/25 Q1,45.5,first\r\n"
        b",,,,\r\n"
        b"London,CA01,2024/25 Q2,47,\r\n"
    )
    rows, problems = read(data)
    assert problems == []
    assert [r[ROW] for r in rows] == [2, 4]  # the blank row 3 is skipped, numbers kept
    assert rows[0] == {
        ROW: 2,
        "region": "London",
        "metric_code": "CA01",
        "period": "2024/25 Q1",
        "value": "45.5",
        "numerator": "",
        "denominator": "",
        "characteristic": "",
        "group": "",
        "note": "first",
    }


def test_headings_match_whatever_their_case_spacing_or_byte_order_mark():
    data = "\ufeff Region ,METRIC CODE,Period,Value\nLondon,CA01,2024/25 Q1,1\n".encode()
    rows, problems = read(data)
    assert problems == []
    assert rows[0]["metric_code"] == "CA01"
    assert rows[0]["region"] == "London"


def test_windows_1252_text_is_read():
    data = "region,metric_code,period,value,note\nLondon,CA01,2024/25 Q1,1,Café £5\n"
    rows, problems = read(data.encode("cp1252"))
    assert problems == []
    assert rows[0]["note"] == "Café £5"


def test_utf16_from_excel_unicode_text_with_tabs_is_read():
    data = "region\tmetric_code\tperiod\tvalue\nLondon\tCA01\t2024/25 Q1\t3\n"
    rows, problems = read(data.encode("utf-16"))
    assert problems == []
    assert rows[0]["value"] == "3"


def test_semicolons_are_accepted_as_the_separator():
    rows, problems = read(b"region;metric_code;period;value\nLondon;CA01;2024/25 Q1;3\n")
    assert problems == []
    assert rows[0]["period"] == "2024/25 Q1"


def test_quoted_commas_stay_in_one_cell():
    data = (
        b"region,metric_code,period,value,group\n"
        b'London,CA02,2024/25 Q1,3,"Asian, Asian British or Asian Welsh"\n'
    )
    rows, problems = read(data)
    assert problems == []
    assert rows[0]["group"] == "Asian, Asian British or Asian Welsh"


def test_an_unknown_column_is_reported_on_the_heading_row():
    rows, problems = read(b"region,metric_code,period,value,comments\nLondon,CA01,2024/25 Q1,3,x\n")
    problem = only_problem(problems)
    assert rows == []
    assert (problem.row, problem.column) == (1, "comments")
    assert "not a column" in problem.message
    assert "numerator" in problem.message  # says which columns it could be


def test_a_missing_required_column_is_reported():
    _rows, problems = read(b"region,metric_code,value\nLondon,CA01,3\n")
    problem = only_problem(problems)
    assert (problem.row, problem.column) == (1, "period")
    assert "missing" in problem.message


def test_a_repeated_column_is_reported():
    _rows, problems = read(b"region,metric_code,period,value,Value\nLondon,CA01,2024/25 Q1,3,4\n")
    problem = only_problem(problems)
    assert problem.row == 1
    assert "twice" in problem.message


def test_values_under_a_blank_heading_are_reported_but_an_empty_column_is_not():
    _rows, problems = read(b"region,metric_code,period,value,\nLondon,CA01,2024/25 Q1,3,\n")
    assert problems == []
    _rows, problems = read(b"region,metric_code,period,value,\nLondon,CA01,2024/25 Q1,3,oops\n")
    problem = only_problem(problems)
    assert problem.column == "column E"


def test_values_past_the_last_heading_are_reported_not_dropped():
    """Found by fuzzing: a value in a column beyond the last heading was silently left
    out, while one under a blank heading inside the heading row was reported."""
    _rows, problems = read(b"region,metric_code,period,value\nLondon,CA01,2024/25 Q1,3,oops\n")
    problem = only_problem(problems)
    assert (problem.row, problem.column) == (1, "column E")
    assert "no heading" in problem.message
    _rows, problems = read(
        xlsx([["region", "metric_code", "period", "value"], ["London", "CA01", "2024/25 Q1", 3,
              None, "oops"]]),
        "values.xlsx",
    )  # fmt: skip
    assert only_problem(problems).column == "column F"
    rows, problems = read(b"region,metric_code,period,value\nLondon,CA01,2024/25 Q1,3,, \n")
    assert problems == [] and rows[0]["value"] == "3"  # empty cells past the end are fine


@pytest.mark.parametrize("separator", [b";", b"\t"])
def test_the_separator_is_found_when_the_file_starts_with_blank_lines(separator):
    """Found by fuzzing: the separator was guessed from the first line even when it was
    blank, so a semicolon or tab file starting with an empty line had every heading wrong."""
    data = b"\r\n\r\n" + separator.join([b"region", b"metric_code", b"period", b"value"])
    data += b"\r\n" + separator.join([b"London", b"CA01", b"2024/25 Q1", b"3"]) + b"\r\n"
    rows, problems = read(data)
    assert problems == []
    assert [(r[ROW], r["region"], r["value"]) for r in rows] == [(4, "London", "3")]


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfregion,metric_code,period,value,note\nLondon,CA01,2024/25 Q1,3,\xa35\n",
        b'\xef\xbb\xbf\xef\xbb\xbf"region",metric_code,period,value,note\n'
        b"London,CA01,2024/25 Q1,3,\n",
    ],
)
def test_a_byte_order_mark_never_becomes_part_of_the_first_heading(data):
    """Found by fuzzing: UTF-8 with a byte-order mark and one Windows-1252 byte (a '£'
    typed later) was read as Windows-1252 with the mark as 'ï»¿' in 'ï»¿region', and a
    doubled mark stopped the first heading's quotes being read: 'region' was unknown."""
    rows, problems = read(data)
    assert problems == []
    assert rows[0]["region"] == "London"
    assert rows[0]["note"] in ("£5", "")


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b",,,\n,,\n"])
def test_an_empty_file_is_reported(data):
    rows, problems = read(data)
    assert rows == []
    problem = only_problem(problems)
    assert (problem.row, problem.column) == (None, FILE)
    assert "empty" in problem.message


def test_headings_without_rows_are_reported():
    _rows, problems = read(b"region,metric_code,period,value\n")
    assert "no rows" in only_problem(problems).message


def test_bytes_that_are_no_text_encoding_are_reported():
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid as UTF-8.
    _rows, problems = read(b"region,metric_code,period,value\n\x81\x8d,\x90,\x9d,1\n")
    problem = only_problem(problems)
    assert problem.column == FILE
    assert "CSV UTF-8" in problem.message


def test_a_binary_file_named_csv_is_reported():
    _rows, problems = read(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary" in only_problem(problems).message


def test_a_file_over_the_size_limit_is_refused_with_the_sizes():
    data = b"region,metric_code,period,value\n" + b"London,CA01,2024/25 Q1,1\n" * 500
    _rows, problems = read(data, max_bytes=1_000)
    message = only_problem(problems).message
    assert "limit of 1 KB" in message
    assert "13 KB" in message


def test_a_file_over_the_cell_limit_is_refused():
    data = b"region,metric_code,period,value\n" + b"London,CA01,2024/25 Q1,1\n" * 30
    _rows, problems = read(data, max_cells=100)
    assert "more than 100 cells" in only_problem(problems).message


def test_a_damaged_csv_is_reported_not_raised():
    data = b'region,metric_code,period,value\nLondon,"CA01\x00,2024/25 Q1,1\n'
    rows, problems = read(data)
    assert rows == []
    assert problems


@pytest.mark.parametrize(
    ("name", "words"),
    [("values.xls", "old-style Excel"), ("values.pdf", "only CSV"), ("values", "only CSV")],
)
def test_other_kinds_of_file_are_refused_with_what_to_do(name, words):
    _rows, problems = read(b"region,metric_code,period,value\n", name)
    assert words in only_problem(problems).message


# ------------------------------------------------------------------------ XLSX


def test_an_xlsx_gives_numbers_as_plain_text_and_dates_as_iso():
    data = xlsx(
        [
            ["Region", "metric_code", "period", "value", "numerator", "denominator", "note"],
            ["London", "CA01", "2024/25 Q1", 45.5, 91, 200.0, None],
            [None, None, None, None],
            ["London", "CA01", date(2024, 7, 1), 0.1, None, None, datetime(2024, 7, 3, 9, 30)],
            ["London", "CA01", datetime(2024, 10, 1), 1e-7, None, None, "  padded  "],
        ]
    )
    rows, problems = read(data, "values.xlsx")
    assert problems == []
    assert [r[ROW] for r in rows] == [2, 4, 5]
    assert rows[0]["value"] == "45.5"
    assert rows[0]["numerator"] == "91"
    assert rows[0]["denominator"] == "200"
    assert rows[1]["period"] == "2024-07-01"
    assert rows[1]["value"] == "0.1"
    assert rows[1]["note"] == "2024-07-03 09:30:00"
    assert rows[2]["period"] == "2024-10-01"
    assert float(rows[2]["value"]) == 1e-7
    assert rows[2]["note"] == "padded"


def test_an_xlsx_with_an_unknown_column_is_reported():
    data = xlsx([["region", "metric_code", "period", "value", "Extra"], ["London", "CA01", "x", 1]])
    _rows, problems = read(data, "values.xlsx")
    assert (only_problem(problems).row, only_problem(problems).column) == (1, "Extra")


def test_an_xlsx_over_the_cell_limit_is_refused():
    data = xlsx([["region", "metric_code", "period", "value"]] + [["L", "C", "P", 1]] * 40)
    _rows, problems = read(data, "values.xlsx", max_cells=100)
    assert "more than 100 cells" in only_problem(problems).message


@pytest.mark.parametrize(
    "data",
    [
        b"region,metric_code,period,value\nLondon,CA01,2024/25 Q1,1\n",  # text named .xlsx
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,  # a binary file
        b"PK\x03\x04 not really a zip",  # a damaged zip
    ],
    ids=["csv-named-xlsx", "binary", "damaged-zip"],
)
def test_a_file_that_is_not_a_workbook_named_xlsx_is_reported(data):
    rows, problems = read(data, "values.xlsx")
    assert rows == []
    assert "not an Excel workbook" in only_problem(problems).message


def test_a_zip_that_is_not_a_workbook_is_reported():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    _rows, problems = read(buffer.getvalue(), "values.xlsx")
    assert "not an Excel workbook" in only_problem(problems).message


def test_a_workbook_that_expands_enormously_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 20_000_000)
    _rows, problems = read(buffer.getvalue(), "values.xlsx", max_bytes=100_000)
    assert "too large once opened" in only_problem(problems).message


# ---------------------------------------------------------------- never a crash


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2_000), name=st.sampled_from(["f.csv", "f.xlsx", "f.CSV", "f"]))
def test_arbitrary_bytes_give_rows_or_problems_never_an_exception(data, name):
    rows, problems = read(data, name)
    assert isinstance(rows, list)
    assert rows or problems
    for problem in problems:
        assert isinstance(problem, Problem) and problem.message


@settings(max_examples=100, deadline=None)
@given(
    cells=st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=6), min_size=1, max_size=12)
)
def test_arbitrary_csv_text_gives_rows_or_problems(cells):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(REQUIRED), *cells])
    rows, problems = read(buffer.getvalue().encode())
    assert rows or problems
    for row in rows:
        assert set(row) == {ROW, *REQUIRED, *OPTIONAL}
        assert all(isinstance(row[c], str) for c in (*REQUIRED, *OPTIONAL))


# -------------------------------------------------------------------- the rest


def test_cell_text_and_headings():
    assert cell_text(12.0) == "12"
    assert cell_text(12.25) == "12.25"
    assert cell_text(None) == ""
    assert cell_text(True) == "TRUE"
    assert cell_text(datetime(2024, 4, 1)) == "2024-04-01"
    assert normalise_heading("  Metric-Code ") == "metric_code"


def test_counts_and_summary_read_as_a_sentence():
    assert ImportCounts(120, 8, 3).describe() == "120 new values, 8 updated, 3 unchanged"
    assert ImportCounts(1, 0, 0).describe() == "1 new value, 0 updated, 0 unchanged"
    preview = ImportPreview(rows=[{"x": 1}], new=1, noun="count")
    assert preview.summary == "1 new count, 0 updated, 0 unchanged"
    assert preview.ok and preview.changes == 1
    assert not ImportPreview(rows=[{"x": 1}], problems=[Problem("value", "bad", 2)]).ok


def test_problem_rows_list_file_problems_first_then_by_row():
    table = problem_rows(
        [Problem("value", "bad.", 5), Problem(FILE, "odd file.", None), Problem("period", "x.", 2)]
    )
    assert [(r["Row"], r["Column"]) for r in table] == [("", ""), ("2", "period"), ("5", "value")]
    assert table[0]["Problem"] == "Odd file."


def test_size_text():
    assert size_text(5_000_000) == "5 MB"
    assert size_text(1_250_000) == "1.2 MB"
    assert size_text(900) == "1 KB"
