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
    assert rows[2] == ('\'=HYPERLINK("http://x","y")', -3, -0.5, "*")
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
    assert cell.value == "'" + text.replace("\r", "\n")  # XML reads a stored CR back as LF


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
