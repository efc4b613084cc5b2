"""Downloads read back as an analyst would: with pandas and openpyxl."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pandas as pd
from openpyxl import load_workbook

from core.export_about import ExportAbout, about_rows, disclosure_words, export_frame
from core.spreadsheet import to_csv_bytes, to_xlsx_bytes

WHEN = datetime(2026, 12, 6, 14, 3, tzinfo=UTC)
SCREEN = pd.DataFrame(
    {
        "Quarter": ["2024-25 Q1", "2024-25 Q2", "2024-25 Q3"],
        "Period start": [date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1)],
        "Value": [72.456, 18.0, None],
        "Numerator": ["*", "1,235", "40"],
        "Denominator": [12.0, 1500.0, 60.0],
        "Lower 95% limit": [60.1234, 17.5, None],
        "Note": ['=HYPERLINK("http://x")', "\x01+cmd", "@SUM(A1)"],
        "Recorded at": pd.to_datetime(["2024-07-03 10:15", "2024-10-02 09:00", None]),
    }
)
ABOUT = ExportAbout(
    title="Values of CP01",
    definition="Staff trained, as a percentage of staff.",
    source="Learning records",
    period="2024-25 Q1 to 2024-25 Q3",
    disclosure=disclosure_words(suppressed=True, threshold=5),
    audience="People signed in with the regional lead role for London.",
    unit="percentage",
)


def workbook():
    frame = export_frame(SCREEN, ABOUT.unit)
    return load_workbook(io.BytesIO(to_xlsx_bytes(frame, about=about_rows(ABOUT, WHEN))))


def test_excel_types_read_back_with_pandas() -> None:
    frame = export_frame(SCREEN, ABOUT.unit)
    back = pd.read_excel(io.BytesIO(to_xlsx_bytes(frame)), sheet_name=0)
    assert pd.api.types.is_float_dtype(back["Value"])
    assert pd.api.types.is_numeric_dtype(back["Numerator"])
    assert back["Numerator"].tolist()[1:] == [1235, 40]
    assert pd.api.types.is_integer_dtype(back["Denominator"])
    assert pd.api.types.is_datetime64_any_dtype(back["Period start"])
    assert pd.api.types.is_datetime64_any_dtype(back["Recorded at"])
    assert back["Unit"].tolist() == ["percent (0 to 100)"] * 3
    assert back["Value"][0] == 72.46 and back["Lower 95% limit"][0] == 60.12


def test_excel_cells_dates_numbers_and_no_formulas() -> None:
    book = workbook()
    assert book.sheetnames == ["Data", "About"]
    data = book["Data"]
    header = [c.value for c in data[1]]
    row = {name: cell for name, cell in zip(header, data[3], strict=True)}
    assert isinstance(row["Period start"].value, datetime)
    assert row["Period start"].is_date and row["Period start"].number_format == "yyyy-mm-dd"
    assert row["Recorded at"].is_date and "hh:mm" in row["Recorded at"].number_format
    assert isinstance(row["Numerator"].value, int) and row["Numerator"].value == 1235
    assert isinstance(row["Denominator"].value, int)
    first = dict(zip(header, data[2], strict=True))
    assert first["Value"].value == 72.46 and first["Value"].data_type == "n"
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    column = header.index("Note") + 1
    notes = [data.cell(row=r, column=column) for r in (2, 3, 4)]
    assert notes[1].value == "+cmd"  # control character gone, still text
    assert all(cell.quotePrefix and cell.data_type == "s" for cell in notes)


def test_about_sheet_holds_every_field() -> None:
    about = workbook()["About"]
    rows = {r[0].value: r[1].value for r in about.iter_rows(min_row=2)}
    for name in (
        "Table",
        "Definition",
        "Source",
        "Period",
        "Unit of Value",
        "Extracted (UTC)",
        "Disclosure rule applied",
        "Who may see it",
    ):
        assert rows.get(name), name
    assert rows["Extracted (UTC)"] == "2026-12-06 14:03 UTC"
    assert rows["Definition"] == ABOUT.definition
    assert "regional lead" in rows["Who may see it"]


def test_no_about_sheet_when_none_given() -> None:
    book = load_workbook(io.BytesIO(to_xlsx_bytes(SCREEN)))
    assert book.sheetnames == ["Data"]


def test_csv_types_read_back_with_pandas() -> None:
    frame = export_frame(SCREEN, ABOUT.unit)
    back = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig")
    assert pd.api.types.is_float_dtype(back["Value"])
    assert pd.api.types.is_integer_dtype(back["Denominator"])
    assert back["Numerator"].tolist()[1:] == [1235, 40] and pd.isna(back["Numerator"][0])
    assert back["Period start"].tolist() == ["2024-04-01", "2024-07-01", "2024-10-01"]
    assert pd.to_datetime(back["Recorded at"]).notna().sum() == 2
    assert back["Note"].tolist() == ['\'=HYPERLINK("http://x")', "'+cmd", "'@SUM(A1)"]
