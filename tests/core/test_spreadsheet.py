"""Safe downloads: formula neutralising and CSV / Excel round trips."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from core.spreadsheet import neutralise_formulas, to_csv_bytes, to_xlsx_bytes

DANGEROUS = ["=1+1", "+44 20 7946 0000", "-2+3", "@SUM(A1:A2)", "\t=cmd", "\r=cmd"]


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "action": ["Train staff", '=HYPERLINK("http://x","y")', "Coproduce – plans"],
            "count": [12, -3, 0],
            "share": [0.25, -0.5, None],
            "shown": [15, "*", 5],  # a disclosure-controlled column mixes numbers and "*"
        }
    )


@pytest.mark.parametrize("text", DANGEROUS)
def test_each_formula_prefix_is_neutralised(text: str) -> None:
    out = neutralise_formulas(pd.DataFrame({"note": [text]}))
    assert out["note"].tolist() == ["'" + text]


def test_plain_text_and_numbers_are_untouched(table: pd.DataFrame) -> None:
    out = neutralise_formulas(table)
    assert out["action"].tolist() == [
        "Train staff",
        '\'=HYPERLINK("http://x","y")',
        "Coproduce – plans",
    ]
    assert out["count"].tolist() == [12, -3, 0]
    assert out["count"].dtype == table["count"].dtype
    assert out["share"].iloc[1] == -0.5
    assert out["shown"].tolist() == [15, "*", 5]
    assert table["action"].iloc[1].startswith("=")  # the input is not changed


def test_column_names_are_neutralised() -> None:
    out = neutralise_formulas(pd.DataFrame({"=cmd()": [1], "ok": ["x"]}))
    assert list(out.columns) == ["'=cmd()", "ok"]


def test_csv_round_trip(table: pd.DataFrame) -> None:
    data = to_csv_bytes(table)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == ["action", "count", "share", "shown"]  # no index column
    assert back["action"].tolist()[1] == '\'=HYPERLINK("http://x","y")'
    assert back["action"].tolist()[2] == "Coproduce – plans"
    assert back["count"].tolist() == [12, -3, 0]
    assert back["share"].tolist()[:2] == [0.25, -0.5]
    assert pd.isna(back["share"].iloc[2])


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_has_no_cell_starting_with_a_formula_prefix(text: str) -> None:
    data = to_csv_bytes(pd.DataFrame({"note": [text]})).decode("utf-8-sig")
    assert data.startswith("note\r\n")
    cell = data.split("\r\n", 1)[1]
    assert cell.lstrip('"').startswith("'")


def test_xlsx_round_trip(table: pd.DataFrame) -> None:
    data = to_xlsx_bytes(table, sheet_name="Actions")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Actions"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("action", "count", "share", "shown")
    assert rows[1] == ("Train staff", 12, 0.25, 15)
    # Text, shown as typed: no apostrophe, Excel's quote-prefix style instead.
    assert rows[2] == ('=HYPERLINK("http://x","y")', -3, -0.5, "*")
    assert sheet["A3"].data_type == "s" and sheet["A3"].quotePrefix
    assert not sheet["A2"].quotePrefix  # plain text needs no marking
    assert sheet["B3"].data_type == "n"  # a negative number stays a number
    assert rows[3] == ("Coproduce – plans", 0, None, 5)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["A1"].font.bold
    back = pd.read_excel(io.BytesIO(data))
    assert back["count"].tolist() == [12, -3, 0]


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_writes_each_prefix_as_text(text: str) -> None:
    data = to_xlsx_bytes(pd.DataFrame({"note": [text]}))
    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert cell.value == text.replace("\r", "\n")  # XML reads a stored CR back as LF


# Issue 10: "\x01=HYPERLINK(...)" came out of the Excel download as a live formula,
# because control characters were removed after the check for a formula. Every control
# character, and the whitespace spreadsheets trim, before every character a formula can
# start with (and the full-width forms).
CONTROL = [chr(c) for c in range(0x20)] + ["\x7f"]
LEADING = [*CONTROL, " ", "\u00a0", "\u3000", "\x01 \t", "\x00\x1f\x7f"]
STARTS = ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20"]
KEPT = "\t\n\r"  # control characters that belong in text, so are kept
HOSTILE = [
    lead + start + 'HYPERLINK("http://127.0.0.1:8799/x","click")'
    for lead in LEADING
    for start in STARTS
]


def as_typed(text: str) -> str:
    """What a reader should see: the text without the control characters that go."""
    return "".join(c for c in text if not (c < " " or c == "\x7f") or c in KEPT)


def test_every_hostile_text_is_text_in_the_excel_file() -> None:
    frame = pd.DataFrame({"feedback": HOSTILE, "count": range(-len(HOSTILE), 0)})
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    cells = list(sheet.iter_rows(min_row=2))
    assert len(cells) == len(HOSTILE)
    for text, (feedback, count) in zip(HOSTILE, cells, strict=True):
        assert feedback.data_type == "s", repr(text)
        assert feedback.quotePrefix, repr(text)
        assert feedback.value == as_typed(text).replace("\r", "\n"), repr(text)
        assert count.data_type == "n" and count.value < 0  # numbers stay numbers
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_every_hostile_text_is_quoted_in_the_csv_file() -> None:
    frame = pd.DataFrame({"feedback": HOSTILE, "count": range(-len(HOSTILE), 0)})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig", keep_default_na=False)
    for text, shown in zip(HOSTILE, back["feedback"], strict=True):
        assert shown == "'" + as_typed(text), repr(text)
    assert back["count"].tolist() == list(range(-len(HOSTILE), 0))


@pytest.mark.parametrize("name", ["\x01=cmd()", " @cmd", "\uff1dcmd"])
def test_hostile_column_names_are_text_too(name: str) -> None:
    frame = pd.DataFrame({name: ["x"]})
    header = load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active["A1"]
    assert header.data_type == "s" and header.quotePrefix
    assert header.value == as_typed(name)
    csv_header = to_csv_bytes(frame).decode("utf-8-sig").split("\r\n", 1)[0]
    assert csv_header.strip('"') == "'" + as_typed(name)


@pytest.mark.parametrize("text", ["Train staff", "3 - 1 = 2", "email@x.org", "a\tb", "-"])
def test_text_that_does_not_start_like_a_formula_is_left_alone(text: str) -> None:
    cell = load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"t": [text]})))).active["A2"]
    assert cell.data_type == "s" and cell.value == text
    assert cell.quotePrefix == (text == "-")


def test_xlsx_options_and_awkward_values() -> None:
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2024-04-01", None]),
            "day": [date(2024, 4, 1), None],
            "n": pd.array([3, None], dtype="Int64"),
            "text": ["bell\x07here", None],
        }
    )
    data = to_xlsx_bytes(frame, sheet_name="Q1 2024/25: [draft]", bold_header=False)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Q1 2024 25 draft"
    assert not sheet["A1"].font.bold
    rows = list(sheet.iter_rows(min_row=2, max_row=3, values_only=True))
    assert rows[0] == (datetime(2024, 4, 1), datetime(2024, 4, 1), 3, "bellhere")
    assert rows[1] == (None, None, None, None)  # missing values are empty cells
