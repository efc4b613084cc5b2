"""Safe table downloads (CSV and Excel).

Text that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return)
gets a leading ``'`` so a spreadsheet shows it as text and never runs it (the
OWASP guidance on CSV injection). Column names are treated the same way, since
they can come from user-entered text too. Numbers are never touched, so a negative
number stays a number.
"""

from __future__ import annotations

import io
import math
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SAFE_PREFIX = "'"
_SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
_SHEET_NAME_MAX = 31


def neutralise_cell(value: object) -> object:
    """``value`` with a leading ``'`` when it is text that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return SAFE_PREFIX + value
    return value


def _holds_text(series: pd.Series) -> bool:
    dtype = series.dtype
    return not (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
    )


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names cannot run as formulas."""
    out = df.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if _holds_text(column):
            out.isetitem(position, column.map(neutralise_cell))
    out.columns = [neutralise_cell(name) for name in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads the encoding right), no index."""
    text = neutralise_formulas(df).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _sheet_title(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, no quote at either end."""
    title = " ".join(name.translate(_SHEET_NAME_FORBIDDEN).split()).strip("'")
    return title[:_SHEET_NAME_MAX].strip() or "Data"


def _excel_value(value: object) -> object:
    """A value openpyxl can write: plain Python types, None for missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters Excel refuses
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones.
    if hasattr(value, "item"):  # numpy scalars
        return _excel_value(value.item())
    return value


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "Data", *, bold_header: bool = True) -> bytes:
    """One-sheet Excel workbook of ``df`` (neutralised, no index, header row frozen)."""
    safe = neutralise_formulas(df)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(sheet_name)
    sheet.append([_excel_value(neutralise_cell(str(name))) for name in safe.columns])
    for row in safe.itertuples(index=False, name=None):
        sheet.append([_excel_value(value) for value in row])
    if bold_header:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
