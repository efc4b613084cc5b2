"""The data-entry grids of metric values, pure: the loaded values by cell, the frames a
page edits, the edited frames back into changes and problems, and the refusals of a save
(:class:`ValueProblems`, :class:`ValueConflict`), so they can be tested without Streamlit
or a database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, NamedTuple

import pandas as pd

from core.disclosure import disclosed_explanation
from core.errors import StaleWrite, WriteRefused
from core.formatting import format_value
from core.metric_words import OVERALL, is_blank, none_if_blank
from core.periods import Period, format_period, quarter_start
from core.quarterly import has_ended
from core.validation import MetricRules, Problem, number_text, parse_number, value_problems

# --- series of overall values -------------------------------------------------------

Series = list[tuple[date, float | None]]


def overall_series(values: pd.DataFrame, metric_id: int) -> Series:
    """(period start, value) of a metric's overall values, oldest first."""
    return overall_series_by_metric(values[values["metric_id"] == metric_id]).get(metric_id, [])


def overall_series_by_metric(values: pd.DataFrame) -> dict[int, Series]:
    """:func:`overall_series` of every metric in ``values``, in one pass."""
    overall = values[values["characteristic"] == ""].sort_values(["metric_id", "period_start"])
    found: dict[int, Series] = {}
    for metric_id, period, value in zip(
        overall["metric_id"], overall["period_start"], overall["value"], strict=True
    ):
        found.setdefault(int(metric_id), []).append((period, none_if_blank(value)))
    return found


# --- the data-entry grids -----------------------------------------------------------


class Cell(NamedTuple):
    """Where a value lives (within one region)."""

    metric_id: int
    period_start: date
    characteristic: str = ""
    group_name: str = ""


def place_words(metric_code: str, period_start: date, group_name: str = "") -> str:
    """Where a value sits, as messages name it: ``CA1, Q2 2026/27, Black African``."""
    parts = [metric_code, format_period(period_start)]
    if group_name:
        parts.append(group_name)
    return ", ".join(parts)


@dataclass(frozen=True)
class LoadedValue:
    """A value as the page loaded it."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    version: int | None = None
    entered_by: str = ""


@dataclass(frozen=True)
class ValueChange:
    """One value to save. ``expected_version`` is the version the page loaded, or None
    for a cell that was empty when the page loaded."""

    metric_id: int
    period_start: date
    characteristic: str = ""
    group_name: str = ""
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    expected_version: int | None = None

    @property
    def cell(self) -> Cell:
        return Cell(self.metric_id, self.period_start, self.characteristic, self.group_name)


@dataclass(frozen=True)
class CellProblem:
    """A problem with one cell, named the way the grid shows it."""

    period_start: date
    metric_code: str
    message: str
    group_name: str = ""
    column: str = "value"
    #: The heading of the grid's column the cell is in (the metric's code in the grid of
    #: several metrics); blank: worked out from ``column``.
    grid_column: str = ""

    @property
    def row_label(self) -> str:
        """The grid row, by metric code and quarter (and group): ``CA01 · Q3 2026/27``."""
        parts = [self.metric_code, format_period(self.period_start)]
        if self.group_name:
            parts.append(self.group_name)
        return " · ".join(parts)

    @property
    def column_label(self) -> str:
        if self.grid_column:
            return self.grid_column
        return "Quarter" if self.column == "period" else (self.column or "value").capitalize()

    @property
    def where(self) -> str:
        parts = [format_period(self.period_start), self.metric_code]
        if self.group_name:
            parts.append(self.group_name)
        if self.column not in ("value", ""):
            parts.append("quarter" if self.column == "period" else self.column)
        return " · ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def rules_for(metric: Mapping[str, Any]) -> MetricRules:
    return MetricRules(
        code=str(metric["code"]),
        unit=str(metric["unit"]),
        start_period=none_if_blank(metric.get("start_period")),
        end_period=none_if_blank(metric.get("end_period")),
    )


def change_problems(rules: MetricRules, change: ValueChange) -> list[CellProblem]:
    """Everything wrong with one change (core.validation's rules), named by its cell."""
    problems: list[Problem] = []
    if change.period_start != quarter_start(change.period_start) or change.period_start.day != 1:
        problems.append(Problem("period", "is not the first day of a quarter."))
    problems += value_problems(
        rules, change.value, change.numerator, change.denominator, change.period_start
    )
    return [
        CellProblem(change.period_start, rules.code, p.message, change.group_name, p.column)
        for p in problems
    ]


def loaded_cells(values: pd.DataFrame) -> dict[Cell, LoadedValue]:
    """The values of :func:`metric_values` by cell."""
    out: dict[Cell, LoadedValue] = {}
    for row in values.itertuples(index=False):
        out[Cell(int(row.metric_id), row.period_start, row.characteristic, row.group_name)] = (
            LoadedValue(
                value=none_if_blank(row.value),
                numerator=none_if_blank(row.numerator),
                denominator=none_if_blank(row.denominator),
                note=row.note or "",
                version=int(row.version),
                entered_by=none_if_blank(row.entered_by) or "",
            )
        )
    return out


def with_pending(
    cells: Mapping[Cell, LoadedValue], changes: Iterable[ValueChange]
) -> dict[Cell, LoadedValue]:
    """``cells`` with unsaved changes laid over them (to show them in a grid again)."""
    out = dict(cells)
    for change in changes:
        old = out.get(change.cell)
        out[change.cell] = LoadedValue(
            change.value,
            change.numerator,
            change.denominator,
            change.note,
            old.version if old else None,
        )
    return out


def next_quarter(start: date) -> date:
    return Period(start).end


def previous_quarter(start: date) -> date:
    start = quarter_start(start)
    return date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)


def latest_period(values: pd.DataFrame, metric_ids: Iterable[int]) -> date | None:
    ids = list(metric_ids)
    mine = values[values["metric_id"].isin(ids) & values["value"].notna()]
    return None if mine.empty else max(mine["period_start"])


def _number(raw: Any) -> tuple[float | None, str | None]:
    try:
        return parse_number(raw), None
    except ValueError as exc:
        message = str(exc)
        return None, message if message.startswith("'") else f"'{raw}' {message}"


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


WIDE_PERIOD_COLUMN = "Quarter"
#: The grids' column saying whether a quarter has ended (figures before then are early).
STATUS_COLUMN = "Status"
EARLY = "Early: not ended yet"
ENDED = "Ended"


def quarter_status(period: date, today: date) -> str:
    """A grid row's status: figures for a quarter that has not ended are early."""
    return ENDED if has_ended(period, today) else EARLY


def wide_grid(
    periods: Sequence[date],
    metrics: Sequence[Mapping[str, Any]],
    cells: Mapping[Cell, Any],
    today: date | None = None,
) -> pd.DataFrame:
    """Quarters as rows by metrics (their codes) as columns, overall values only, as
    text (typed numbers are read by :func:`core.validation.parse_number`). With
    ``today``, a last :data:`STATUS_COLUMN` marks the quarters that have not ended."""
    data: dict[str, list[Any]] = {WIDE_PERIOD_COLUMN: [format_period(p) for p in periods]}
    for metric in metrics:
        column = []
        for period in periods:
            loaded = cells.get(Cell(int(metric["id"]), period))
            column.append(number_text(loaded.value if loaded else None))
        data[str(metric["code"])] = column
    if today is not None:
        data[STATUS_COLUMN] = [quarter_status(p, today) for p in periods]
    return pd.DataFrame(data, dtype=object)


def _keeps_fraction(unit: str, value: float, old: LoadedValue | None) -> bool:
    """Whether a stored numerator and denominator still give a changed value."""
    if old is None or old.numerator is None or not old.denominator:
        return False
    return unit == "percentage" and abs(100 * old.numerator / old.denominator - value) < 0.05


def wide_grid_changes(
    edited: pd.DataFrame,
    periods: Sequence[date],
    metrics: Sequence[Mapping[str, Any]],
    cells: Mapping[Cell, LoadedValue],
) -> tuple[list[ValueChange], list[CellProblem]]:
    """The cells of the wide grid that differ from what was loaded, and their problems.

    A changed value keeps the stored numerator and denominator only while they still
    give it (for a percentage); otherwise they are cleared. The note is kept.
    """
    changes: list[ValueChange] = []
    problems: list[CellProblem] = []
    for metric in metrics:
        code = str(metric["code"])
        rules = rules_for(metric)
        for row, period in enumerate(periods):
            cell = Cell(int(metric["id"]), period)
            old = cells.get(cell)
            raw = edited[code].iloc[row] if code in edited.columns else None
            value, error = _number(raw)
            if error:
                problems.append(CellProblem(period, code, error, grid_column=code))
                continue
            if _same(value, old.value if old else None):
                continue
            keep = value is not None and _keeps_fraction(rules.unit, value, old)
            change = ValueChange(
                metric_id=cell.metric_id,
                period_start=period,
                value=value,
                numerator=old.numerator if keep and old else None,
                denominator=old.denominator if keep and old else None,
                note=old.note if old else "",
                expected_version=old.version if old else None,
            )
            changes.append(change)
            problems += [
                replace(p, grid_column=code) if p.column == "value" else p
                for p in change_problems(rules, change)
            ]
    return changes, problems


DETAIL_COLUMNS = ["Quarter", "Status", "Group", "Value", "Numerator", "Denominator", "Note"]


def detail_rows(
    periods: Sequence[date], metric: Mapping[str, Any], groups: Sequence[str]
) -> list[Cell]:
    """The cells of one metric's grid: for each quarter, the overall value and then (for
    a disaggregated metric) each group's."""
    characteristic = none_if_blank(metric.get("disaggregated_by")) or ""
    out = []
    for period in periods:
        out.append(Cell(int(metric["id"]), period))
        if characteristic:
            out += [Cell(int(metric["id"]), period, characteristic, g) for g in groups]
    return out


def detail_grid(
    rows: Sequence[Cell], cells: Mapping[Cell, LoadedValue], today: date | None = None
) -> pd.DataFrame:
    """One metric: a row per quarter (and group) with value, numerator, denominator and
    note, the numbers as text; with ``today``, the status says which quarters are early."""
    records = []
    for cell in rows:
        loaded = cells.get(cell)
        records.append(
            {
                "Quarter": format_period(cell.period_start),
                "Status": quarter_status(cell.period_start, today) if today else "",
                "Group": cell.group_name or OVERALL,
                "Value": number_text(loaded.value if loaded else None),
                "Numerator": number_text(loaded.numerator if loaded else None),
                "Denominator": number_text(loaded.denominator if loaded else None),
                "Note": loaded.note if loaded else "",
            }
        )
    return pd.DataFrame(records, columns=DETAIL_COLUMNS, dtype=object)


def detail_grid_changes(
    edited: pd.DataFrame,
    rows: Sequence[Cell],
    metric: Mapping[str, Any],
    cells: Mapping[Cell, LoadedValue],
) -> tuple[list[ValueChange], list[CellProblem]]:
    """The rows of one metric's grid that differ from what was loaded, and their problems.

    For a percentage, a blank value with a numerator and denominator is worked out
    from them (to one decimal place).
    """
    rules = rules_for(metric)
    changes: list[ValueChange] = []
    problems: list[CellProblem] = []
    for index, cell in enumerate(rows):
        old = cells.get(cell)
        record = edited.iloc[index]
        numbers: dict[str, float | None] = {}
        bad = False
        for column in ("Value", "Numerator", "Denominator"):
            number, error = _number(record.get(column))
            if error:
                problems.append(
                    CellProblem(
                        cell.period_start, rules.code, error, cell.group_name, column.lower()
                    )
                )
                bad = True
            numbers[column] = number
        note = "" if is_blank(record.get("Note")) else str(record.get("Note")).strip()
        if bad:
            continue
        value, numerator, denominator = (
            numbers["Value"],
            numbers["Numerator"],
            numbers["Denominator"],
        )
        unchanged = (
            _same(value, old.value if old else None)
            and _same(numerator, old.numerator if old else None)
            and _same(denominator, old.denominator if old else None)
            and note == (old.note if old else "")
        )
        if unchanged:
            continue
        if value is None and numerator is not None and denominator and rules.unit == "percentage":
            value = round(100 * numerator / denominator, 1)
        change = ValueChange(
            metric_id=cell.metric_id,
            period_start=cell.period_start,
            characteristic=cell.characteristic,
            group_name=cell.group_name,
            value=value,
            numerator=numerator,
            denominator=denominator,
            note=note,
            expected_version=old.version if old else None,
        )
        changes.append(change)
        problems += change_problems(rules, change)
    return changes, problems


@dataclass(frozen=True)
class Conflict:
    """A value someone else changed after the page loaded it."""

    metric_code: str
    unit: str
    period_start: date
    group_name: str
    yours: float | None
    theirs: float | None
    entered_by: str
    entered_at: datetime | None
    exists: bool = True

    @property
    def where(self) -> str:
        return place_words(self.metric_code, self.period_start, self.group_name)

    @property
    def message(self) -> str:
        yours = format_value(self.yours, self.unit)
        if not self.exists:
            return f"{self.where}: this value was removed after you opened the page."
        if self.entered_at is None:  # caught by the database at the very moment of saving
            return (
                f"{self.where}: someone else saved this value at the same moment "
                f"(you entered {yours})."
            )
        when = f" on {self.entered_at:%-d %B %Y at %H:%M}" if self.entered_at else ""
        who = self.entered_by or "someone else"
        return (
            f"{self.where}: {who} entered {format_value(self.theirs, self.unit)}{when}, "
            f"after you opened the page (you entered {yours})."
        )


class ValueProblems(WriteRefused):
    """Some values break the rules; nothing was saved."""

    def __init__(self, problems: Sequence[CellProblem | str]) -> None:
        self.problems = list(problems)
        listed = "; ".join(str(p) for p in self.problems[:10])
        more = len(self.problems) - 10
        super().__init__(
            "Nothing was saved, because some values need fixing: "
            + listed
            + (f"; and {more} more." if more > 0 else "")
        )


class ValueConflict(StaleWrite):
    """Someone else changed values since the page loaded them; nothing was saved."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = list(conflicts)
        count = len(self.conflicts)
        what = "a value" if count == 1 else f"{count} values"
        super().__init__(
            f"Nothing was saved, because someone else changed {what} since you opened the "
            "page: "
            + " ".join(c.message for c in self.conflicts)
            + " Their values are kept. Check them, then save your changes again."
        )


@dataclass(frozen=True)
class DisclosedFigures:
    """A region's overall metric values as recorded and as a person under disclosure
    control sees them (``core.disclosure``), with what a page needs to show them."""

    exact: dict[int, Series]
    shown: dict[int, Series]
    units: dict[int, str]
    counts_people: dict[int, bool]
    threshold: int

    def value_at(self, metric_id: int, period: Any) -> float | None:
        """The value shown for a metric in a period (None: hidden or not recorded)."""
        day = none_if_blank(period)
        for at, value in self.shown.get(int(metric_id), []):
            if _as_day(at) == _as_day(day):
                return value
        return None

    def explanation(self, metric_id: int, text: str) -> str:
        """A status explanation quoting the values as shown (or left out)."""
        metric_id = int(metric_id)
        return disclosed_explanation(
            text,
            self.units.get(metric_id),
            self.exact.get(metric_id, []),
            self.shown.get(metric_id, []),
            counts_people=self.counts_people.get(metric_id, True),
            threshold=self.threshold,
        )


def _as_day(value: Any) -> Any:
    return value.date() if isinstance(value, datetime | pd.Timestamp) else value
