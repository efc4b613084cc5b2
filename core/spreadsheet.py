"""Safe table downloads (CSV and Excel).

Text someone typed must never run as a formula when the file is opened (the OWASP
guidance on CSV injection). Every text cell, and every column name (they can come from
typed text too), is made safe in two steps, in this order:

1. **Clean**: control characters (0x00-0x1F except tab, line feed and carriage return,
   and 0x7F) are removed. Excel refuses most of them in a workbook, and they must go
   *before* the check below: ``"\\x01=HYPERLINK(...)"`` would otherwise pass the check
   and then, cleaned, start with ``=``.
2. **Neutralise**: text that starts like a formula, ignoring leading whitespace (which
   spreadsheets trim), so ``=``, ``+``, ``-``, ``@`` or their full-width forms ``＝``,
   ``＋``, ``－``, ``＠``, is marked as text:

   * in Excel files the cell is written as a text cell with Excel's own "quote prefix"
     style: Excel shows the text exactly as typed, with no visible apostrophe, and never
     evaluates it;
   * in CSV files, which have no cell types, a leading ``'`` is added, which
     spreadsheets read as "this is text" (it stays visible in the file).

Numbers are never touched, so a negative number stays a number.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

#: What a formula can start with (after leading whitespace), including the full-width
#: forms some keyboards (and Excel, in some languages) turn into the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: The mark that makes a CSV cell text. Excel files use the quote-prefix style instead.
SAFE_PREFIX = "'"
#: Control characters that are removed: all of C0 but tab, line feed and carriage return
#: (which belong in multi-line text), and DEL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
_SHEET_NAME_MAX = 31


def clean_text(text: str) -> str:
    """``text`` without control characters (tab and line breaks are kept)."""
    return CONTROL_CHARACTERS.sub("", text)


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` (already cleaned) as a formula."""
    return text.lstrip().startswith(FORMULA_STARTS)


def neutralise_cell(value: object) -> object:
    """For CSV: text cleaned of control characters, with a leading ``'`` when it starts
    like a formula. Anything that is not text is returned as it is."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return SAFE_PREFIX + text if looks_like_formula(text) else text


def _holds_text(series: pd.Series) -> bool:
    dtype = series.dtype
    return not (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
    )


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for CSV whose text cells and column names cannot run as formulas."""
    out = df.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if _holds_text(column):
            out.isetitem(position, column.map(neutralise_cell))
    out.columns = [neutralise_cell(name) for name in out.columns]
    return out


#: Excel number formats of date cells and date-time cells.
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _only_dates(series: pd.Series) -> bool:
    """True for a date-time column whose every time is midnight (so it holds dates)."""
    present = series.dropna()
    return bool(len(present)) and bool((present == present.dt.normalize()).all())


def _dates_for_csv(df: pd.DataFrame) -> pd.DataFrame:
    """Date-time columns holding only dates written as ``2024-04-01`` (not ``00:00:00``)."""
    out = df
    for position in range(df.shape[1]):
        column = df.iloc[:, position]
        if pd.api.types.is_datetime64_any_dtype(column.dtype) and _only_dates(column):
            if out is df:
                out = df.copy()
            out.isetitem(position, column.dt.strftime("%Y-%m-%d"))
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads the encoding right), no index."""
    text = neutralise_formulas(_dates_for_csv(df)).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def text_bytes(text: str) -> bytes:
    """A plain-text download (for example a CSV's "About" file), cleaned of control
    characters, with a byte-order mark so Windows reads the encoding right."""
    return clean_text(text).encode("utf-8-sig")


def _sheet_title(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, no quote at either end."""
    title = " ".join(clean_text(name).translate(_SHEET_NAME_FORBIDDEN).split()).strip("'")
    return title[:_SHEET_NAME_MAX].strip() or "Data"


def _excel_value(value: object) -> object:
    """A value openpyxl can write: plain Python types, cleaned text, None for missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones.
    if hasattr(value, "item"):  # numpy scalars
        return _excel_value(value.item())
    return value


def _excel_cell(sheet, value: object) -> Cell | object:
    """What to append for ``value``: text becomes a text cell (never a formula), marked
    with the quote prefix when it starts like one; anything else goes in as it is."""
    value = _excel_value(value)
    if not isinstance(value, str):
        return value
    cell = Cell(sheet)
    cell.value = value  # openpyxl guesses "formula" for text starting with "=" ...
    cell.data_type = "s"  # ... so say it is text.
    if looks_like_formula(value):
        cell.quotePrefix = True  # Excel's own "this is text", shown without the quote
    return cell


def _date_formats(sheet, df: pd.DataFrame) -> None:
    """Date cells shown as dates, date-time cells as date and time."""
    for position in range(df.shape[1]):
        column = df.iloc[:, position]
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            number_format = DATE_FORMAT if _only_dates(column) else DATETIME_FORMAT
        elif column.map(lambda v: isinstance(v, date) and not isinstance(v, datetime)).any():
            number_format = DATE_FORMAT
        else:
            continue
        for (cell,) in sheet.iter_rows(
            min_row=2, min_col=position + 1, max_col=position + 1, max_row=len(df) + 1
        ):
            if cell.value is not None:
                cell.number_format = number_format


def to_xlsx_bytes(
    df: pd.DataFrame,
    sheet_name: str = "Data",
    *,
    bold_header: bool = True,
    about: Sequence[tuple[str, str]] | None = None,
) -> bytes:
    """Excel workbook of ``df`` (safe text cells, no index, header row frozen, dates as
    dates). ``about``: (field, words) rows for a second sheet called "About"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(sheet_name)
    sheet.append([_excel_cell(sheet, str(name)) for name in df.columns])
    for row in df.itertuples(index=False, name=None):
        sheet.append([_excel_cell(sheet, value) for value in row])
    if bold_header:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    _date_formats(sheet, df)
    if about is not None:
        notes = workbook.create_sheet("About")
        notes.append([_excel_cell(notes, "Field"), _excel_cell(notes, "About this file")])
        for name, words in about:
            notes.append([_excel_cell(notes, str(name)), _excel_cell(notes, str(words))])
        for cell in notes[1]:
            cell.font = Font(bold=True)
        notes.column_dimensions["A"].width = 26
        notes.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
