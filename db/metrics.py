"""Metric definitions and values: the reads, the data-entry grids and the writes.

The writes (:func:`save_values`, :func:`create_metric`, :func:`update_metric`) check
permission with the record's region, validate everything before writing anything,
and audit each changed record in the same transaction.

Saving values uses optimistic concurrency: each :class:`ValueChange` carries the
``version`` of the value the page loaded (``None`` for a cell that was empty). When
any value was changed by someone else since then, :func:`save_values` saves *nothing*
and raises :class:`ValueConflict`, which names each such value with the other
person's figure. Refusing the whole save keeps the rule simple ("nothing was saved")
and keeps one save one transaction.

The grid helpers (:func:`wide_grid`, :func:`wide_grid_changes`, :func:`detail_grid`,
:func:`detail_grid_changes`) are pure: they turn loaded values into the frames the
page edits, and the edited frames back into changes and problems, so that they can be
tested without Streamlit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.disclosure import disclosed_explanation, suppress_metric_values
from core.formatting import format_value
from core.periods import Period, format_period, quarter_start
from core.permissions import Action
from core.progress import STATUS_LABELS
from core.validation import MetricRules, Problem, parse_number, value_problems
from db.models import (
    Characteristic,
    CharacteristicGroup,
    Metric,
    MetricValue,
    Region,
    Theme,
    User,
    utcnow,
)
from db.writes import StaleWrite, UnitOfWork, WriteRefused, jsonable, registered_write

# --- vocabularies -------------------------------------------------------------------

UNIT_CHOICES: dict[str, str] = {
    "count": "Count (a whole number)",
    "percentage": "Percentage (0 to 100)",
    "rate": "Rate",
    "score": "Score or average",
}
DIRECTION_CHOICES: dict[str, str] = {
    "increase": "Higher is better",
    "decrease": "Lower is better",
}
#: Who a local metric can be agreed with; anything else is a named community partner.
COPRODUCTION_BODIES: tuple[str, ...] = (
    "Regional Forum",
    "Lived Experience Advisory Board",
    "Carers Advisory Board",
)
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
VALUE_FIELDS = ("value", "numerator", "denominator", "note")
METRIC_FIELDS = (
    "code",
    "name",
    "definition",
    "unit",
    "counts_people",
    "direction",
    "scope",
    "region_id",
    "baseline_period",
    "baseline_value",
    "target_value",
    "target_date",
    "limit_value",
    "start_period",
    "end_period",
    "data_source",
    "disaggregated_by",
    "coproduced_with",
    "coproduced_at",
    "coproduced_on",
    "manual_status",
    "manual_status_reason",
)
#: Label of the overall row in a disaggregated metric's grid.
OVERALL = "Overall (everyone)"


def direction_words(direction: str | None) -> str:
    return DIRECTION_CHOICES.get(direction or "", "Not set")


def unit_words(unit: str | None) -> str:
    return UNIT_CHOICES.get(unit or "", unit or "")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def none_if_blank(value: Any) -> Any:
    """None for a blank (None, NaN, NaT) from a pandas row."""
    return None if _blank(value) else value


def is_coproduced(row: Mapping[str, Any]) -> bool:
    """A metric has a coproduction record when we know who agreed it and when."""
    return (
        bool(none_if_blank(row.get("coproduced_with")))
        and none_if_blank(row.get("coproduced_on")) is not None
    )


def coproduction_text(row: Mapping[str, Any]) -> str:
    """``Agreed with the Regional Forum at London Regional Forum on 14 September 2023.``"""
    with_whom = none_if_blank(row.get("coproduced_with")) or ""
    if not with_whom:
        return "Not yet coproduced: nobody has recorded who it was agreed with, where or when."
    where = none_if_blank(row.get("coproduced_at")) or ""
    when = none_if_blank(row.get("coproduced_on"))
    text = f"Agreed with {with_whom}"
    if where:
        text += f" at {where}"
    text += f" on {when:%-d %B %Y}." if when else " (date not recorded)."
    return text


# --- reads --------------------------------------------------------------------------

VALUE_COLUMNS = [
    "id",
    "metric_id",
    "period_start",
    "characteristic",
    "group_name",
    "value",
    "numerator",
    "denominator",
    "note",
    "version",
    "entered_by",
    "entered_at",
]


def metric_values(
    session: Session,
    region_id: int,
    metric_ids: Sequence[int] | None = None,
    *,
    overall_only: bool = False,
) -> pd.DataFrame:
    """A region's values of some metrics, with who entered each; oldest first."""
    query = (
        select(
            MetricValue.id,
            MetricValue.metric_id,
            MetricValue.period_start,
            MetricValue.characteristic,
            MetricValue.group_name,
            MetricValue.value,
            MetricValue.numerator,
            MetricValue.denominator,
            MetricValue.note,
            MetricValue.version,
            User.display_name,
            MetricValue.entered_at,
        )
        .outerjoin(User, User.id == MetricValue.entered_by_id)
        .where(MetricValue.region_id == region_id)
    )
    if metric_ids is not None:
        query = query.where(MetricValue.metric_id.in_(list(metric_ids)))
    if overall_only:
        query = query.where(MetricValue.characteristic == "")
    rows = session.execute(
        query.order_by(
            MetricValue.metric_id,
            MetricValue.period_start,
            MetricValue.characteristic,
            MetricValue.group_name,
        )
    ).all()
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def metric_record(session: Session, metric_id: int) -> dict[str, Any] | None:
    """One metric's definition as a plain dict (every column), or None."""
    metric = session.get(Metric, metric_id)
    if metric is None:
        return None
    return {c.key: getattr(metric, c.key) for c in Metric.__table__.columns}


def characteristics(session: Session) -> pd.DataFrame:
    """Characteristics a metric can be broken down by (code, name)."""
    rows = session.execute(
        select(Characteristic.code, Characteristic.name).order_by(Characteristic.id)
    ).all()
    return pd.DataFrame(rows, columns=["code", "name"])


def entry_groups(session: Session, characteristic: str) -> list[str]:
    """The groups values are entered for: the most detailed groups (a group that others
    sit under, such as 'Asian' over 'Indian', is their total and is left out), with
    'Not stated' and 'Not known' last."""
    groups = session.execute(
        select(
            CharacteristicGroup.code,
            CharacteristicGroup.name,
            CharacteristicGroup.parent_code,
            CharacteristicGroup.is_missing,
        )
        .join(Characteristic, Characteristic.id == CharacteristicGroup.characteristic_id)
        .where(Characteristic.code == characteristic)
        .order_by(CharacteristicGroup.is_missing, CharacteristicGroup.sort_order)
    ).all()
    parents = {g.parent_code for g in groups if g.parent_code}
    return [g.name for g in groups if g.code not in parents]


# --- progress helpers for pages -----------------------------------------------------


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


def disclosed_figures(session: Session, region_id: int, threshold: int) -> DisclosedFigures:
    """:class:`DisclosedFigures` of every active metric of a region (two queries)."""
    metrics = session.execute(
        select(Metric.id, Metric.unit, Metric.counts_people).where(
            (Metric.scope == "national") | (Metric.region_id == region_id)
        )
    ).all()
    units = {int(m.id): m.unit for m in metrics}
    people = {int(m.id): bool(m.counts_people) for m in metrics}
    values = metric_values(session, region_id, overall_only=True)
    shown = suppress_metric_values(values, units, threshold, people)
    return DisclosedFigures(
        exact=overall_series_by_metric(values),
        shown=overall_series_by_metric(shown),
        units=units,
        counts_people=people,
        threshold=threshold,
    )


# --- the data-entry grids -----------------------------------------------------------


class Cell(NamedTuple):
    """Where a value lives (within one region)."""

    metric_id: int
    period_start: date
    characteristic: str = ""
    group_name: str = ""


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


def entry_periods(latest: date | None, quarters: int, today: date) -> list[date]:
    """The rows of a data-entry grid, oldest first: the ``quarters`` quarters up to the
    latest one with values, then the next (empty) quarter. With no values yet: the
    ``quarters`` quarters up to the last complete quarter before ``today``."""
    if latest is None:
        last = previous_quarter(today)
        periods = [last]
    else:
        last = quarter_start(latest)
        periods = [last, next_quarter(last)]
    for _ in range(max(quarters, 1) - 1):
        last = previous_quarter(last)
        periods.insert(0, last)
    return periods


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


def wide_grid(
    periods: Sequence[date], metrics: Sequence[Mapping[str, Any]], cells: Mapping[Cell, Any]
) -> pd.DataFrame:
    """Quarters as rows by metrics (their codes) as columns, overall values only."""
    data: dict[str, list[Any]] = {WIDE_PERIOD_COLUMN: [format_period(p) for p in periods]}
    for metric in metrics:
        column = []
        for period in periods:
            loaded = cells.get(Cell(int(metric["id"]), period))
            column.append(loaded.value if loaded and loaded.value is not None else math.nan)
        data[str(metric["code"])] = column
    return pd.DataFrame(data).astype({str(m["code"]): "float64" for m in metrics})


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
                problems.append(CellProblem(period, code, error))
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
            problems += change_problems(rules, change)
    return changes, problems


DETAIL_COLUMNS = ["Quarter", "Group", "Value", "Numerator", "Denominator", "Note"]


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


def detail_grid(rows: Sequence[Cell], cells: Mapping[Cell, LoadedValue]) -> pd.DataFrame:
    """One metric: a row per quarter (and group) with value, numerator, denominator, note."""
    records = []
    for cell in rows:
        loaded = cells.get(cell)
        records.append(
            {
                "Quarter": format_period(cell.period_start),
                "Group": cell.group_name or OVERALL,
                "Value": loaded.value if loaded and loaded.value is not None else math.nan,
                "Numerator": (
                    loaded.numerator if loaded and loaded.numerator is not None else math.nan
                ),
                "Denominator": (
                    loaded.denominator if loaded and loaded.denominator is not None else math.nan
                ),
                "Note": loaded.note if loaded else "",
            }
        )
    frame = pd.DataFrame(records, columns=DETAIL_COLUMNS)
    return frame.astype({"Value": "float64", "Numerator": "float64", "Denominator": "float64"})


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
        note = "" if _blank(record.get("Note")) else str(record.get("Note")).strip()
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


# --- saving values ------------------------------------------------------------------


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
        parts = [self.metric_code, format_period(self.period_start)]
        if self.group_name:
            parts.append(self.group_name)
        return ", ".join(parts)

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
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    value_ids: tuple[int, ...] = field(default=())

    @property
    def saved(self) -> int:
        return self.created + self.updated


def _value_payload(value: float | None, numerator: Any, denominator: Any, note: str) -> dict:
    return {"value": value, "numerator": numerator, "denominator": denominator, "note": note}


@registered_write(Action.EDIT_METRIC_VALUES, entity="metric_value")
def save_values(uow: UnitOfWork, region_id: int, changes: Sequence[ValueChange]) -> SaveResult:
    """Save a region's changed values in one transaction, one audit event per value.

    Refused (nothing saved) when any value breaks the rules (:class:`ValueProblems`) or
    was changed by someone else since it was loaded (:class:`ValueConflict`).
    """
    uow.require(Action.EDIT_METRIC_VALUES, region_id)
    session = uow.session
    if session.get(Region, region_id) is None:
        raise WriteRefused("There is no such region.")
    changes = list(changes)
    if not changes:
        return SaveResult()
    metrics = {
        m.id: m
        for m in session.scalars(
            select(Metric).where(Metric.id.in_({c.metric_id for c in changes}))
        )
    }
    problems: list[CellProblem | str] = []
    seen: set[Cell] = set()
    for change in changes:
        metric = metrics.get(change.metric_id)
        if metric is None or not metric.active:
            problems.append(f"There is no metric number {change.metric_id} to save values for.")
            continue
        if metric.scope != "national" and metric.region_id != region_id:
            problems.append(f"{metric.code} is another region's local metric.")
            continue
        if change.characteristic not in ("", metric.disaggregated_by or ""):
            problems.append(f"{metric.code} is not broken down by {change.characteristic}.")
        elif bool(change.characteristic) != bool(change.group_name):
            problems.append(f"{metric.code}: a group needs both a characteristic and a name.")
        if change.cell in seen:
            problems.append(
                f"{metric.code}, {format_period(change.period_start)}"
                f"{', ' + change.group_name if change.group_name else ''} is given twice."
            )
        seen.add(change.cell)
        problems += change_problems(_rules_of(metric), change)
    if problems:
        raise ValueProblems(problems)

    rows = session.scalars(
        select(MetricValue).where(
            MetricValue.region_id == region_id,
            MetricValue.metric_id.in_(list(metrics)),
            MetricValue.period_start.in_({c.period_start for c in changes}),
        )
    ).all()
    existing = {Cell(r.metric_id, r.period_start, r.characteristic, r.group_name): r for r in rows}
    names = _user_names(session, {r.entered_by_id for r in rows if r.entered_by_id})
    conflicts = []
    for change in changes:
        row = existing.get(change.cell)
        moved = (
            (row is not None)
            if change.expected_version is None
            else (row is None or row.version != change.expected_version)
        )
        if moved:
            metric = metrics[change.metric_id]
            conflicts.append(
                Conflict(
                    metric.code,
                    metric.unit,
                    change.period_start,
                    change.group_name,
                    change.value,
                    row.value if row else None,
                    names.get(row.entered_by_id, "") if row else "",
                    row.entered_at if row else None,
                    exists=row is not None,
                )
            )
    if conflicts:
        raise ValueConflict(conflicts)

    now = utcnow()
    created = updated = unchanged = 0
    ids: list[int] = []
    for change in changes:
        metric = metrics[change.metric_id]
        context = {"metric": metric.code, "quarter": format_period(change.period_start)}
        if change.group_name:
            context["group"] = change.group_name
        new = _value_payload(change.value, change.numerator, change.denominator, change.note or "")
        row = existing.get(change.cell)
        if row is None:
            row = MetricValue(
                metric_id=metric.id,
                region_id=region_id,
                period_start=change.period_start,
                characteristic=change.characteristic,
                group_name=change.group_name,
                entered_by_id=uow.actor.user_id,
                entered_at=now,
                version=1,
                **new,
            )
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                raise ValueConflict(
                    [
                        Conflict(
                            metric.code,
                            metric.unit,
                            change.period_start,
                            change.group_name,
                            change.value,
                            None,
                            "someone else",
                            None,
                        )
                    ]
                ) from None
            uow.audit(
                "metric_value",
                row.id,
                "create",
                after={**context, **{k: v for k, v in new.items() if v not in (None, "")}},
                region_id=region_id,
            )
            created += 1
            ids.append(row.id)
            continue
        before = _value_payload(row.value, row.numerator, row.denominator, row.note or "")
        if jsonable(before) == jsonable(new):
            unchanged += 1
            continue
        result = session.execute(
            update(MetricValue)
            .where(MetricValue.id == row.id, MetricValue.version == change.expected_version)
            .values(
                **new,
                version=MetricValue.version + 1,
                entered_by_id=uow.actor.user_id,
                entered_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # changed between our check and our update
            raise ValueConflict(
                [
                    Conflict(
                        metric.code,
                        metric.unit,
                        change.period_start,
                        change.group_name,
                        change.value,
                        None,
                        "someone else",
                        None,
                    )
                ]
            )
        uow.audit(
            "metric_value",
            row.id,
            "update",
            before=before,
            after={**context, **new},
            region_id=region_id,
        )
        updated += 1
        ids.append(row.id)
    return SaveResult(created, updated, unchanged, tuple(ids))


def _rules_of(metric: Metric) -> MetricRules:
    return MetricRules(metric.code, metric.unit, metric.start_period, metric.end_period)


def _user_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = session.execute(
        select(User.id, User.display_name).where(User.id.in_(list(user_ids)))
    ).all()
    return {r.id: r.display_name for r in rows}


# --- metric definitions -------------------------------------------------------------


@dataclass(frozen=True)
class MetricDraft:
    """Everything a person fills in to define a metric."""

    code: str
    name: str
    theme_id: int | None
    unit: str
    direction: str | None
    definition: str = ""
    baseline_period: date | None = None
    baseline_value: float | None = None
    target_value: float | None = None
    target_date: date | None = None
    limit_value: float | None = None
    start_period: date | None = None
    end_period: date | None = None
    data_source: str = ""
    disaggregated_by: str | None = None
    coproduced_with: str = ""
    coproduced_at: str = ""
    coproduced_on: date | None = None
    manual_status: str | None = None
    manual_status_reason: str = ""
    #: Whether its counts (a count value, or a numerator and denominator) are counts of
    #: people, which disclosure control hides or rounds for forum members and in
    #: published reports. Events held, partnership agreements and organisations are not.
    counts_people: bool = True

    def cleaned(self) -> MetricDraft:
        """Text trimmed, the code in capitals, empty choices as None."""
        return MetricDraft(
            code=self.code.strip().upper(),
            name=self.name.strip(),
            theme_id=self.theme_id,
            unit=self.unit,
            direction=self.direction or None,
            definition=self.definition.strip(),
            baseline_period=self.baseline_period,
            baseline_value=self.baseline_value,
            target_value=self.target_value,
            target_date=self.target_date,
            limit_value=self.limit_value,
            start_period=self.start_period,
            end_period=self.end_period,
            data_source=self.data_source.strip(),
            disaggregated_by=self.disaggregated_by or None,
            coproduced_with=self.coproduced_with.strip(),
            coproduced_at=self.coproduced_at.strip(),
            coproduced_on=self.coproduced_on,
            manual_status=self.manual_status or None,
            manual_status_reason=self.manual_status_reason.strip(),
            counts_people=bool(self.counts_people),
        )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> MetricDraft:
        """From a metric's row (:func:`metric_record`), to edit it."""
        text = {
            "code",
            "name",
            "definition",
            "data_source",
            "coproduced_with",
            "coproduced_at",
            "manual_status_reason",
        }
        values = {}
        for name in cls.__dataclass_fields__:
            value = none_if_blank(record.get(name))
            values[name] = (value or "") if name in text else value
        values["counts_people"] = values["counts_people"] is not False  # unknown: people
        return cls(**values)


def _number_problems(label: str, number: float | None, unit: str) -> list[str]:
    if number is None:
        return []
    if unit == "percentage" and not 0 <= number <= 100:
        return [f"The {label} is a percentage, so it must be between 0 and 100."]
    if unit == "count" and (number < 0 or not float(number).is_integer()):
        return [f"The {label} is a count, so it must be a whole number, not negative."]
    if unit == "rate" and number < 0:
        return [f"The {label} is a rate, so it must not be negative."]
    return []


def _quarter_problem(label: str, day: date | None) -> list[str]:
    if day is not None and (day != quarter_start(day) or day.day != 1):
        return [f"The {label} must be the first day of a quarter."]
    return []


def definition_problems(
    draft: MetricDraft, *, scope: str = "local", today: date | None = None
) -> list[str]:
    """Everything wrong with a metric definition, in words; empty when it may be saved.

    A local metric's coproduction record needs the date it was agreed; for a national
    core metric the date is optional.
    """
    d = draft.cleaned()
    today = today or date.today()
    problems: list[str] = []
    if not d.code:
        problems.append("Give the metric a short code, such as LON-L05.")
    elif not CODE_PATTERN.match(d.code):
        problems.append(
            "The code may use only letters, numbers, '-' and '_' (up to 40 characters)."
        )
    if not d.name:
        problems.append("Give the metric a name.")
    elif len(d.name) > 200:
        problems.append("Keep the name to 200 characters or fewer.")
    if d.theme_id is None:
        problems.append("Choose the theme the metric monitors.")
    if d.unit not in UNIT_CHOICES:
        problems.append("Choose a unit: count, percentage, rate or score.")
    if d.direction not in DIRECTION_CHOICES:
        problems.append(
            "Say whether a higher or a lower value is better. The dashboard never guesses "
            "this, because the progress status depends on it."
        )
    unit = d.unit
    problems += _number_problems("baseline value", d.baseline_value, unit)
    problems += _number_problems("target value", d.target_value, unit)
    for label, day in (
        ("baseline quarter", d.baseline_period),
        ("first quarter", d.start_period),
        ("last quarter", d.end_period),
    ):
        problems += _quarter_problem(label, day)
    if d.baseline_value is not None and d.baseline_period is None:
        problems.append("Say which quarter the baseline value is for.")
    if (d.target_value is None) != (d.target_date is None):
        problems.append("A target needs both a value and a date (or neither).")
    if d.target_date and d.baseline_period and d.target_date <= d.baseline_period:
        problems.append("The target date must be after the baseline quarter.")
    if d.start_period and d.end_period and d.end_period < d.start_period:
        problems.append("The last quarter must not be before the first quarter.")
    if d.limit_value is not None and unit == "percentage" and not 0 < d.limit_value <= 100:
        problems.append("A natural limit for a percentage must be more than 0 and at most 100.")
    if d.coproduced_with and d.coproduced_on is None and scope == "local":
        problems.append("Say when the metric was agreed with " + d.coproduced_with + ".")
    if not d.coproduced_with and (d.coproduced_on or d.coproduced_at):
        problems.append("Say who the metric was agreed with.")
    if d.coproduced_on and d.coproduced_on > today:
        problems.append("The date it was agreed cannot be in the future.")
    if d.manual_status is not None:
        if d.manual_status not in STATUS_LABELS:
            problems.append("Choose a progress status from the list.")
        elif not d.manual_status_reason:
            problems.append("Give the reason for setting the progress status by hand.")
    if len(d.data_source) > 200:
        problems.append("Keep the data source to 200 characters or fewer.")
    if len(d.coproduced_with) > 200 or len(d.coproduced_at) > 200:
        problems.append("Keep who and where it was agreed to 200 characters or fewer.")
    return problems


def _check_references(session: Session, draft: MetricDraft, metric_id: int | None) -> None:
    theme = session.get(Theme, draft.theme_id) if draft.theme_id is not None else None
    if theme is None or not theme.monitoring:
        raise WriteRefused("Choose one of the six monitoring themes.")
    if draft.disaggregated_by and (
        session.scalar(
            select(Characteristic.id).where(Characteristic.code == draft.disaggregated_by)
        )
        is None
    ):
        raise WriteRefused(f"'{draft.disaggregated_by}' is not a characteristic we know.")
    clash = session.scalar(select(Metric.id).where(Metric.code == draft.code))
    if clash is not None and clash != metric_id:
        raise WriteRefused(f"The code {draft.code} is already used by another metric.")


def _audit_view(session: Session, metric: Metric) -> dict[str, Any]:
    theme = session.get(Theme, metric.theme_id)
    return {
        **{f: jsonable(getattr(metric, f)) for f in METRIC_FIELDS},
        "theme": theme.name if theme else None,
    }


def _apply(metric: Metric, draft: MetricDraft) -> None:
    for name in draft.__dataclass_fields__:
        setattr(metric, name, getattr(draft, name))
    metric.coproduced_with = draft.coproduced_with
    metric.coproduced_at = draft.coproduced_at
    metric.manual_status_reason = draft.manual_status_reason if draft.manual_status else ""


@registered_write(Action.DEFINE_LOCAL_METRIC, Action.DEFINE_NATIONAL_METRIC, entity="metric")
def create_metric(uow: UnitOfWork, draft: MetricDraft, region_id: int | None = None) -> int:
    """Define a metric: a national core metric (``region_id`` None, national leads) or a
    region's local metric (regional leads of that region). Returns its id."""
    if region_id is None:
        uow.require(Action.DEFINE_NATIONAL_METRIC)
    else:
        uow.require(Action.DEFINE_LOCAL_METRIC, region_id)
        if uow.session.get(Region, region_id) is None:
            raise WriteRefused("There is no such region.")
    draft = draft.cleaned()
    problems = definition_problems(draft, scope="national" if region_id is None else "local")
    if problems:
        raise WriteRefused(" ".join(problems))
    _check_references(uow.session, draft, None)
    metric = Metric(
        scope="national" if region_id is None else "local",
        region_id=region_id,
        frequency="quarterly",
        version=1,
        active=True,
    )
    _apply(metric, draft)
    if metric.start_period is None:
        metric.start_period = draft.baseline_period
    uow.session.add(metric)
    uow.session.flush()
    uow.audit(
        "metric", metric.id, "create", after=_audit_view(uow.session, metric), region_id=region_id
    )
    return metric.id


@registered_write(Action.DEFINE_LOCAL_METRIC, Action.DEFINE_NATIONAL_METRIC, entity="metric")
def update_metric(
    uow: UnitOfWork, metric_id: int, expected_version: int, draft: MetricDraft, reason: str = ""
) -> int:
    """Change a metric's definition; returns its new version. Refused with
    :class:`StaleWrite` when someone else changed it since ``expected_version``."""
    metric = uow.session.scalar(select(Metric).where(Metric.id == metric_id).with_for_update())
    if metric is None:
        raise WriteRefused("That metric no longer exists.")
    if metric.scope == "national":
        uow.require(Action.DEFINE_NATIONAL_METRIC)
    else:
        uow.require(Action.DEFINE_LOCAL_METRIC, metric.region_id)
    if metric.version != expected_version:
        raise StaleWrite(
            f"Someone else changed {metric.code} since you opened it. Nothing was saved: "
            "open it again to see their changes, then make yours."
        )
    draft = draft.cleaned()
    problems = definition_problems(draft, scope=metric.scope)
    if problems:
        raise WriteRefused(" ".join(problems))
    _check_references(uow.session, draft, metric.id)
    before = _audit_view(uow.session, metric)
    _apply(metric, draft)
    uow.session.flush()
    after = _audit_view(uow.session, metric)
    if after == before:
        return metric.version
    metric.version += 1
    uow.session.flush()
    changed = [k for k in after if after[k] != before[k]]
    uow.audit(
        "metric",
        metric.id,
        "update",
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
        reason=reason.strip(),
        region_id=metric.region_id,
    )
    return metric.version
