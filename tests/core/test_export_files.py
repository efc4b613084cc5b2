"""Downloads read back as an analyst would: with pandas and openpyxl."""

from __future__ import annotations

import ast
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from components.downloads import export_files
from core.export_about import ExportAbout, about_rows, disclosure_words, export_frame
from core.spreadsheet import to_csv_bytes, to_xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]
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


# -- every download the app offers -----------------------------------------------------

#: The About's fields every file must carry (a blank field is left out, so these are
#: the ones no download may leave blank).
ABOUT_FIELDS = ("Table", "Extracted (UTC)", "Disclosure rule applied", "Who may see it")
#: Where the app's downloads are offered.
SURFACES = ("pages", "components")
#: Content types of a table download (a picture or a report is not a table).
TABLE_TYPES = {
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def read_back(table: pd.DataFrame, about: ExportAbout | None, stem: str = "table") -> dict:
    """The files ``components.downloads.download_buttons`` offers for ``table``, read back
    as an analyst would (pandas and openpyxl), checked, and returned: the About as a dict
    of field to words. Shared by the app tests that record each page's downloads."""
    assert about is not None, f"{stem}: a download without an About"
    files = export_files(table, stem, about, WHEN)
    assert set(files) == {f"{stem}.csv", f"{stem}.xlsx", f"{stem}-about.txt"}
    frozen = export_frame(table, about.unit)

    book = load_workbook(io.BytesIO(files[f"{stem}.xlsx"]))
    assert book.sheetnames[1:] == ["About"], book.sheetnames
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", (stem, sheet.title, cell.coordinate, cell.value)
    data = book.worksheets[0]
    header = [c.value for c in data[1]]
    assert header == [str(c) for c in frozen.columns], stem
    assert data.max_row == len(frozen) + 1 or (frozen.empty and data.max_row == 1), stem
    by_column = list(zip(*data.iter_rows(min_row=2), strict=True)) or [()] * frozen.shape[1]
    for position, name in enumerate(frozen.columns):
        column = frozen.iloc[:, position]
        cells = [c for c in by_column[position] if c.value is not None]
        if pd.api.types.is_bool_dtype(column.dtype):
            continue
        if pd.api.types.is_numeric_dtype(column.dtype):
            assert all(c.data_type == "n" for c in cells), (stem, name)
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            assert all(c.is_date for c in cells), (stem, name)
    about_sheet = {r[0].value: r[1].value for r in book["About"].iter_rows(min_row=2)}
    for field in ABOUT_FIELDS:
        assert about_sheet.get(field), (stem, field, about_sheet)
    assert about_sheet["Extracted (UTC)"] == "2026-12-06 14:03 UTC"

    excel = pd.read_excel(io.BytesIO(files[f"{stem}.xlsx"]), sheet_name=0)
    csv = pd.read_csv(io.BytesIO(files[f"{stem}.csv"]), encoding="utf-8-sig")
    assert len(excel) == len(csv) == len(frozen), stem
    for position, name in enumerate(frozen.columns):
        column = frozen.iloc[:, position]
        if column.isna().all() or pd.api.types.is_bool_dtype(column.dtype):
            continue
        if pd.api.types.is_numeric_dtype(column.dtype):
            assert pd.api.types.is_numeric_dtype(excel.iloc[:, position]), (stem, name)
            assert pd.api.types.is_numeric_dtype(csv.iloc[:, position]), (stem, name)

    text = files[f"{stem}-about.txt"].decode("utf-8-sig")
    lines = dict(line.split(": ", 1) for line in text.strip().split("\r\n"))
    assert lines == about_sheet, stem
    return about_sheet


def test_read_back_checks_a_download() -> None:
    about = read_back(SCREEN, ABOUT, "values")
    assert about["Table"] == ABOUT.title and about["Period"] == ABOUT.period


def _calls(path: Path) -> list[ast.Call]:
    return [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _sources() -> list[Path]:
    return [p for folder in SURFACES for p in sorted((ROOT / folder).glob("*.py"))]


def test_every_download_call_says_what_its_files_are() -> None:
    """Every call of ``download_buttons`` in the pages and components passes ``about=``
    (issue 15), so no table is offered without its About sheet and text file."""
    found, missing = 0, []
    for path in _sources():
        for call in _calls(path):
            if _name(call) != "download_buttons":
                continue
            found += 1
            if "about" not in {k.arg for k in call.keywords}:
                missing.append(f"{path.parent.name}/{path.name}:{call.lineno}")
    assert found > 20, found  # the scan sees the calls
    assert missing == [], f"download_buttons without about=: {missing}"


def test_every_table_download_button_has_its_about() -> None:
    """A table offered with ``st.download_button`` itself (CSV or Excel), outside
    ``components.downloads``, comes with the "About these files" button in the same
    function (``components.downloads.about_button``)."""
    offenders, tables = [], 0
    for path in _sources():
        if path.name == "downloads.py":
            continue
        tree = ast.parse(path.read_text())
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
            mimes = {
                k.value.value
                for c in calls
                if _name(c) == "download_button"
                for k in c.keywords
                if k.arg == "mime" and isinstance(k.value, ast.Constant)
            }
            if not mimes & TABLE_TYPES:
                continue
            tables += 1
            if not any(_name(c) == "about_button" for c in calls):
                offenders.append(f"{path.parent.name}/{path.name}:{function.name}")
    assert tables >= 1  # the audit log's
    assert offenders == [], offenders
