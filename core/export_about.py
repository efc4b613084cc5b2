"""What a downloaded table is, in words, and the table made ready for analysts.

Pure (no Streamlit): ``components.downloads`` builds the files from these.

Every download can carry an :class:`ExportAbout`: the Excel file gets it as a second
sheet called "About", and the CSV file (which has no room for it without breaking the
table for pandas or Excel) comes with a companion "About" text download named
``<file>-about.txt``. Both say the same: what the table is, the metric's definition,
its source, the period, when it was extracted (UTC), the disclosure rule applied and who
is entitled to see it.

:func:`export_frame` makes the table itself analyst-ready: numbers as numbers (whole
numbers as integers, counts shown as text under disclosure control become numbers with a
blank where a count was hidden), other numbers rounded to :data:`DECIMALS` places, dates
and date-times as real dates, and a ``Unit`` column beside ``Value`` when the unit is
known.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from core.disclosure import rule_text
from core.periods import format_period
from core.permissions import ROLE_LABELS, Action, roles_that_can

#: Decimal places every non-whole number in a download is rounded to.
DECIMALS = 2
#: What a hidden count shows on screen (and is left blank in a download).
HIDDEN_MARK = "*"
#: The name of the Excel sheet that holds the words.
ABOUT_SHEET = "About"
#: The column added beside ``Value`` when the unit is known.
UNIT_COLUMN = "Unit"

#: How a metric's unit is written in the ``Unit`` column.
UNIT_NAMES = {
    "count": "number",
    "percentage": "percent (0 to 100)",
    "rate": "rate",
    "score": "score",
}

_NUMBER = re.compile(r"^\s*-?\d{1,3}(,\d{3})*(\.\d+)?\s*$|^\s*-?\d+(\.\d+)?\s*$")
#: Text like "007" is a code, not a number.
_LEADING_ZERO = re.compile(r"^\s*-?0\d")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")

EXACT_RULE = "None: figures are exact (not rounded or hidden)."
NOT_PEOPLE_RULE = "None needed: the table holds no counts of people."


@dataclass(frozen=True)
class ExportAbout:
    """The words that go with a download. Blank fields are left out of the About."""

    #: What the table is ("Values of CP02 for London").
    title: str
    #: The metric's (or measure's) definition.
    definition: str = ""
    #: Where the figures come from.
    source: str = ""
    #: The period the figures cover ("2024-25 Q1 to 2025-26 Q2").
    period: str = ""
    #: The disclosure rule applied (see :func:`disclosure_words`).
    disclosure: str = ""
    #: Who is entitled to see the table (see :func:`audience_words`).
    audience: str = ""
    #: The unit of the ``Value`` column (a metric unit code: ``percentage``, ``count``...).
    unit: str = ""
    #: Anything else worth saying (one line each).
    notes: tuple[str, ...] = field(default_factory=tuple)


def disclosure_words(*, suppressed: bool, threshold: int, people: bool = True) -> str:
    """The disclosure rule a table was made under, in words."""
    if not people:
        return NOT_PEOPLE_RULE
    if not suppressed:
        return EXACT_RULE
    return (
        rule_text(threshold) + f" In this file a count shown on screen as {HIDDEN_MARK} is "
        "left blank."
    )


def audience_words(*, exact: bool, region: str | None, role: str = "") -> str:
    """Who may see a table made for someone with ``role``, of ``region`` (None: every
    region, national figures), ``exact`` or under disclosure control."""
    by = _downloaded_by(role)
    if region is None:
        return "National figures: everyone signed in to the dashboard may see them." + by
    if exact:
        return (
            f"Exact figures for {region}: only administrators, national leads and the "
            f"regional lead for {region} may see them; do not share them with anyone else." + by
        )
    return (
        f"Figures for {region} under disclosure control: everyone signed in to the dashboard "
        "may see them, Regional Forum members included." + by
    )


def _downloaded_by(role: str) -> str:
    return f" Downloaded by someone signed in as {ROLE_LABELS.get(role, role)}." if role else ""


def _either(roles: Iterable[str]) -> str:
    """``Administrator or National lead``."""
    labels = [ROLE_LABELS.get(r, r) for r in roles]
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else "".join(labels)


def entitled_words(
    action: Action | None, *, page: str = "", region: str | None = None, role: str = ""
) -> str:
    """Who is entitled to see a table that only those who may take ``action`` see (None:
    everyone signed in), in the words of the permission rules (``roles_that_can``): the
    roles shown the table on ``page``; ``region``: the region the table is about (a
    regional role sees only its own region's)."""
    where = f": it is shown to them on the {page} page" if page else ""
    if action is None:
        return f"Everyone signed in to the dashboard may see it{where}." + _downloaded_by(role)
    anywhere, own = roles_that_can(action)
    groups = [f"signed in as {_either(anywhere)}"] if anywhere else []
    if own:
        groups.append(
            ("as " if groups else "signed in as ")
            + f"{_either(own)} for {region or 'the region concerned'}"
        )
    if not groups:
        return f"Nobody signed in may see it{where}." + _downloaded_by(role)
    who = ", or ".join(groups) + ("," if len(groups) > 1 else "")
    return (
        f"Only people {who} may see it{where}. Do not share it with anyone else."
        + _downloaded_by(role)
    )


def metric_about(
    definition: Mapping[str, Any], values: pd.DataFrame | None, *, where: str = ""
) -> ExportAbout:
    """The About of a metric's values: its name, definition, source, unit and the period
    its values cover (disclosure and audience are added by the caller, who knows the
    viewer: ``dataclasses.replace``)."""
    name = str(definition.get("name") or "")
    code = str(definition.get("code") or "")
    title = " ".join(part for part in (code, name) if part) or "Metric values"
    if where:
        title += f" ({where})"
    return ExportAbout(
        title=title,
        definition=str(definition.get("definition") or ""),
        source=str(definition.get("data_source") or ""),
        period=period_words(values),
        unit=str(definition.get("unit") or ""),
    )


def period_words(values: pd.DataFrame | None, column: str = "period_start") -> str:
    """``2024-25 Q1 to 2025-26 Q2`` (one quarter: just it; none: blank)."""
    if values is None or column not in values or values.empty:
        return ""
    starts = pd.to_datetime(values[column].dropna())
    if starts.empty:
        return ""
    first, last = format_period(starts.min().date()), format_period(starts.max().date())
    return first if first == last else f"{first} to {last}"


def extraction_words(when: datetime) -> str:
    """``2026-12-06 14:03 UTC``."""
    moment = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def about_rows(about: ExportAbout, extracted_at: datetime) -> list[tuple[str, str]]:
    """The About sheet's rows, as (field, words)."""
    unit = UNIT_NAMES.get(about.unit, about.unit)
    rows = [
        ("Table", about.title),
        ("Definition", about.definition),
        ("Source", about.source),
        ("Period", about.period),
        ("Unit of Value", unit),
        ("Extracted (UTC)", extraction_words(extracted_at)),
        ("Disclosure rule applied", about.disclosure),
        ("Who may see it", about.audience),
        (
            "Numbers",
            f"Whole numbers are integers; other numbers are rounded to {DECIMALS} decimal "
            "places. Dates are real dates. A blank cell has no figure.",
        ),
    ]
    rows += [("Note", note) for note in about.notes if note]
    return [(name, text) for name, text in rows if text]


def about_text(about: ExportAbout, extracted_at: datetime) -> str:
    """The CSV's companion "About" file: one ``Field: words`` line each."""
    lines = [f"{name}: {text}" for name, text in about_rows(about, extracted_at)]
    return "\r\n".join(lines) + "\r\n"


# -- the table ----------------------------------------------------------------------


def _blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in {"", HIDDEN_MARK}


def _as_number(value: object) -> float | None:
    """A number from a number or number-like text (``"1,235"``); None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "item") and not isinstance(value, str):
        return _as_number(value.item())
    if isinstance(value, str) and _NUMBER.match(value) and not _LEADING_ZERO.match(value):
        return float(value.replace(",", ""))
    return None


def _numeric(values: Iterable[object]) -> pd.Series | None:
    """The column as numbers (Int64 when every figure is whole), or None if any cell is
    text that is not a number. A column with no figure at all stays as it is."""
    items = list(values)
    numbers: list[float | None] = []
    for value in items:
        if _blank(value):
            numbers.append(None)
            continue
        number = _as_number(value)
        if number is None:
            return None
        numbers.append(number)
    present = [n for n in numbers if n is not None]
    if not present:
        return None
    if all(float(n).is_integer() for n in present):
        return pd.Series(pd.array([None if n is None else int(n) for n in numbers], dtype="Int64"))
    return pd.Series([math.nan if n is None else round(n, DECIMALS) for n in numbers], dtype=float)


def _dates(values: Iterable[object]) -> pd.Series | None:
    """The column as dates when every cell is a date, a date-time, or ISO text of one."""
    items = list(values)
    present = [v for v in items if not _blank(v)]
    if not present:
        return None
    for value in present:
        if isinstance(value, (date, datetime, pd.Timestamp)):
            continue
        if isinstance(value, str) and (_ISO_DATE.match(value) or _ISO_DATETIME.match(value)):
            continue
        return None
    converted = []
    for value in items:
        if _blank(value):
            converted.append(None)
        elif isinstance(value, str):
            converted.append(pd.Timestamp(value.replace("T", " ")))
        else:
            converted.append(pd.Timestamp(value))
    if any(t.tzinfo is not None for t in converted if t is not None):
        converted = [
            t.tz_convert(UTC).tz_localize(None) if t is not None and t.tzinfo else t
            for t in converted
        ]
    return pd.Series(pd.to_datetime(converted), dtype="datetime64[ns]")


def export_frame(table: pd.DataFrame, unit: str = "") -> pd.DataFrame:
    """``table`` ready for a download (see the module's words). The index is dropped."""
    out = table.reset_index(drop=True).copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        dtype = column.dtype
        if pd.api.types.is_bool_dtype(dtype):
            continue
        if pd.api.types.is_datetime64_any_dtype(dtype):
            if getattr(dtype, "tz", None) is not None:
                out.isetitem(position, column.dt.tz_convert(UTC).dt.tz_localize(None))
            continue
        if pd.api.types.is_float_dtype(dtype):
            whole = column.dropna()
            if len(whole) and (whole == whole.round()).all():
                out.isetitem(position, column.astype("Int64"))
            else:
                out.isetitem(position, column.round(DECIMALS))
            continue
        if pd.api.types.is_numeric_dtype(dtype):
            continue
        converted = _numeric(column.tolist())
        if converted is None:
            converted = _dates(column.tolist())
        if converted is not None:
            out.isetitem(position, converted.set_axis(out.index))
    names = [str(c) for c in out.columns]
    if unit and UNIT_COLUMN not in names and "Value" in names:
        out.insert(names.index("Value") + 1, UNIT_COLUMN, UNIT_NAMES.get(unit, unit))
    return out


def about_file_name(file_stem: str) -> str:
    """The companion file's name: ``metric-CP02-about.txt``."""
    return f"{file_stem}-about.txt"
