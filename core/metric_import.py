"""Checking imported metric values: the rules, without the database.

:func:`check_rows` turns the text rows :func:`core.importer.read_table` read into
parsed values, checking each against lookups built once from the database (regions,
metrics, characteristics and their groups) and against what the person may edit.
:func:`build_preview` then compares them with the values already stored, so the dry
run can say how many are new, changed or unchanged. Every problem names its row and
column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pandas as pd

from core.formatting import format_value
from core.importer import ROW, ImportPreview
from core.periods import PeriodError, format_period
from core.permissions import Action, Actor, can
from core.quarterly import early_notices, is_early
from core.validation import MetricRules, Problem, parse_number, read_period, value_problems

REQUIRED_COLUMNS = ("region", "metric_code", "period", "value")
OPTIONAL_COLUMNS = ("numerator", "denominator", "characteristic", "group", "note")
MAX_NOTE_CHARS = 1_000
NO_VALUE = "a value is needed. Fill it in, or delete the row if there is no figure yet."

#: (metric_id, region_id, period_start, characteristic code, group name)
ValueKey = tuple[int, int, date, str, str]


@dataclass(frozen=True)
class RegionInfo:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class MetricInfo:
    id: int
    code: str
    name: str
    unit: str
    scope: str  # "national" or "local"
    region_id: int | None
    frequency: str = "quarterly"
    disaggregated_by: str | None = None
    start_period: date | None = None
    end_period: date | None = None
    active: bool = True

    @property
    def rules(self) -> MetricRules:
        return MetricRules(self.code, self.unit, self.start_period, self.end_period)

    @property
    def period_kind(self) -> str:
        return "year" if self.frequency == "annual" else "quarter"


@dataclass(frozen=True)
class CharacteristicInfo:
    code: str
    name: str
    #: lower-case group name or code -> the group's name as stored
    groups: Mapping[str, str]
    group_names: tuple[str, ...] = ()
    #: lower-case names and codes of groups that are the total of other groups (such as
    #: 'Asian' over 'Indian'); values are entered for the groups under them instead.
    totals: frozenset[str] = frozenset()


@dataclass
class Lookups:
    """Everything the checks need to know, built once per dry run.

    ``regions``: lower-case region name and code -> region; ``metrics``: lower-case
    code -> metric; ``characteristics``: lower-case code and name -> characteristic.
    """

    regions: dict[str, RegionInfo] = field(default_factory=dict)
    metrics: dict[str, MetricInfo] = field(default_factory=dict)
    characteristics: dict[str, CharacteristicInfo] = field(default_factory=dict)
    region_names: dict[int, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        regions: Iterable[RegionInfo],
        metrics: Iterable[MetricInfo],
        characteristics: Iterable[CharacteristicInfo],
    ) -> Lookups:
        lookups = cls()
        for region in regions:
            lookups.regions[region.name.strip().lower()] = region
            lookups.regions[region.code.strip().lower()] = region
            lookups.region_names[region.id] = region.name
        for metric in metrics:
            lookups.metrics[metric.code.strip().lower()] = metric
        for characteristic in characteristics:
            lookups.characteristics[characteristic.code.strip().lower()] = characteristic
            lookups.characteristics[characteristic.name.strip().lower()] = characteristic
        return lookups

    def characteristic_by_code(self, code: str) -> CharacteristicInfo | None:
        return self.characteristics.get(code.lower())


@dataclass(frozen=True)
class ExistingValue:
    """A value already stored, as the dry run saw it."""

    id: int
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str
    version: int


def _same(a: float | None, b: float | None) -> bool:
    """Exactly equal. Both sides are floats read from text and kept exactly by either
    database, so any tolerance only hides a change: 1e-12 called a count of
    1,000,000,000,000 the same as 999,999,999,999, and the import dropped the change."""
    if a is None or b is None:
        return a is None and b is None
    return float(a) == float(b)


def _number(
    row: dict[str, Any], column: str, number: int, problems: list[Problem], decimal_comma: bool
):
    try:
        return parse_number(row.get(column, ""), decimal_comma=decimal_comma)
    except ValueError as exc:
        problems.append(Problem(column, str(exc), number))
        return None


def _example(names: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (", ..." if len(names) > limit else "")


def check_rows(
    rows: Sequence[dict[str, Any]], lookups: Lookups, actor: Actor, *, decimal_comma: bool = False
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Parse and check every row; returns the clean rows and every problem found.

    A clean row holds ``row`` (its number in the file), ``region_id``, ``region``,
    ``metric_id``, ``metric_code``, ``unit``, ``period_start``, ``period_kind``,
    ``characteristic`` (a code, ``""`` for overall), ``group_name`` (``""`` for
    overall), ``value``, ``numerator``, ``denominator`` and ``note`` (``None`` when the
    file leaves it blank, which keeps a stored note).

    ``decimal_comma``: the file marks decimals with a comma (a semicolon-separated file,
    :func:`core.importer.uses_decimal_comma`); otherwise ``12,5`` is refused as ambiguous.
    """
    problems: list[Problem] = []
    clean: list[dict[str, Any]] = []
    seen: dict[ValueKey, int] = {}
    allowed: dict[int, bool] = {}
    for row in rows:
        number = int(row.get(ROW, 0))
        row_problems: list[Problem] = []
        parsed = _check_row(row, number, lookups, actor, allowed, row_problems, decimal_comma)
        if parsed is not None and not row_problems:
            key: ValueKey = (
                parsed["metric_id"],
                parsed["region_id"],
                parsed["period_start"],
                parsed["characteristic"],
                parsed["group_name"],
            )
            first = seen.get(key)
            if first is not None:
                row_problems.append(
                    Problem(
                        "region, metric_code, period, group",
                        f"rows {first} and {number} are both for {describe_key(parsed)}. "
                        "Keep only one of them.",
                        number,
                    )
                )
            else:
                seen[key] = number
                clean.append(parsed)
        problems += row_problems
    return clean, problems


def describe_key(parsed: Mapping[str, Any]) -> str:
    """``London, CA01, Q1 2024/25 (overall)``."""
    group = parsed["group_name"] or "overall"
    period = format_period(parsed["period_start"], parsed.get("period_kind", "quarter"))
    return f"{parsed['region']}, {parsed['metric_code']}, {period} ({group})"


def _check_row(
    row: dict[str, Any],
    number: int,
    lookups: Lookups,
    actor: Actor,
    allowed: dict[int, bool],
    problems: list[Problem],
    decimal_comma: bool = False,
) -> dict[str, Any] | None:
    region_text = str(row.get("region", "")).strip()
    code_text = str(row.get("metric_code", "")).strip()
    region = lookups.regions.get(region_text.lower()) if region_text else None
    metric = lookups.metrics.get(code_text.lower()) if code_text else None

    if not region_text:
        problems.append(Problem("region", "a region is needed.", number))
    elif region is None:
        problems.append(
            Problem(
                "region",
                f"'{region_text}' is not a region. Use a region's name, such as "
                f"{_example(sorted(lookups.region_names.values()), 3)}.",
                number,
            )
        )
    else:
        if region.id not in allowed:
            allowed[region.id] = can(actor, Action.EDIT_METRIC_VALUES, region.id)
        if not allowed[region.id]:
            problems.append(
                Problem(
                    "region",
                    f"you may not change values for {region.name}. Remove these rows, or ask "
                    f"{region.name}'s regional lead to import them.",
                    number,
                )
            )

    if not code_text:
        problems.append(Problem("metric_code", "a metric code is needed.", number))
    elif metric is None:
        problems.append(
            Problem(
                "metric_code",
                f"'{code_text}' is not a metric code. The codes are listed on this page "
                "under 'Metric codes and groups'.",
                number,
            )
        )
    elif not metric.active:
        problems.append(Problem("metric_code", f"{metric.code} is no longer in use.", number))
    elif region is not None and metric.scope == "local" and metric.region_id != region.id:
        owner = lookups.region_names.get(metric.region_id or 0, "another region")
        problems.append(
            Problem(
                "metric_code",
                f"{metric.code} is a local metric of {owner}, not of {region.name}.",
                number,
            )
        )

    period_start = _period(row, number, metric, problems)
    characteristic, group_name = _group(row, number, metric, lookups, problems)

    value = _number(row, "value", number, problems, decimal_comma)
    numerator = _number(row, "numerator", number, problems, decimal_comma)
    denominator = _number(row, "denominator", number, problems, decimal_comma)
    note_text = str(row.get("note", "")).strip()
    if len(note_text) > MAX_NOTE_CHARS:
        problems.append(
            Problem("note", f"a note may be at most {MAX_NOTE_CHARS:,} characters.", number)
        )
    unreadable = {p.column for p in problems if p.column in ("value", "numerator", "denominator")}
    if metric is not None:
        for problem in value_problems(metric.rules, value, numerator, denominator, period_start):
            if problem.column in unreadable:
                continue
            if problem.column == "value" and value is None:
                problem = Problem("value", NO_VALUE)
            problems.append(replace(problem, row=number))
    elif value is None and "value" not in unreadable:
        problems.append(Problem("value", NO_VALUE, number))

    if problems or region is None or metric is None or period_start is None:
        return None
    return {
        "row": number,
        "region_id": region.id,
        "region": region.name,
        "metric_id": metric.id,
        "metric_code": metric.code,
        "unit": metric.unit,
        "period_start": period_start,
        "period_kind": metric.period_kind,
        "characteristic": characteristic,
        "group_name": group_name,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "note": note_text or None,
    }


def _period(
    row: dict[str, Any], number: int, metric: MetricInfo | None, problems: list[Problem]
) -> date | None:
    text = str(row.get("period", "")).strip()
    try:
        period = read_period(text)
    except PeriodError as exc:
        problems.append(Problem("period", str(exc), number))
        return None
    if metric is None:
        return period.start
    if metric.period_kind == "quarter" and period.kind == "year":
        problems.append(
            Problem(
                "period",
                f"{metric.code} is collected every quarter, so give a quarter such as "
                f"'Q1 {period.label}', not the whole year {period.label}.",
                number,
            )
        )
        return None
    if metric.period_kind == "year" and period.kind == "quarter":
        problems.append(
            Problem(
                "period",
                f"{metric.code} is collected once a year, so give a whole year such as "
                f"'{format_period(period.start, 'year')}', not a quarter.",
                number,
            )
        )
        return None
    return period.start


def _group(
    row: dict[str, Any],
    number: int,
    metric: MetricInfo | None,
    lookups: Lookups,
    problems: list[Problem],
) -> tuple[str, str]:
    char_text = str(row.get("characteristic", "")).strip()
    group_text = str(row.get("group", "")).strip()
    if not char_text and not group_text:
        return "", ""
    if metric is None:
        return "", ""
    if not metric.disaggregated_by:
        column = "characteristic" if char_text else "group"
        problems.append(
            Problem(
                column,
                f"{metric.code} is not broken down by group: leave characteristic and group empty.",
                number,
            )
        )
        return "", ""
    expected = lookups.characteristic_by_code(metric.disaggregated_by)
    if expected is None:
        problems.append(
            Problem(
                "characteristic",
                f"{metric.code} is broken down by '{metric.disaggregated_by}', which is not "
                "in the reference lists. Ask an administrator.",
                number,
            )
        )
        return "", ""
    if char_text:
        given = lookups.characteristics.get(char_text.lower())
        if given is None:
            problems.append(
                Problem(
                    "characteristic",
                    f"'{char_text}' is not a characteristic we know. {metric.code} is broken "
                    f"down by {expected.name} ('{expected.code}').",
                    number,
                )
            )
            return "", ""
        if given.code != expected.code:
            problems.append(
                Problem(
                    "characteristic",
                    f"{metric.code} is broken down by {expected.name} ('{expected.code}'), "
                    f"not by {given.name}.",
                    number,
                )
            )
            return "", ""
    if not group_text:
        problems.append(
            Problem(
                "group",
                f"a group is needed with a characteristic, such as "
                f"'{expected.group_names[0] if expected.group_names else ''}'. Leave both "
                "empty for the overall value.",
                number,
            )
        )
        return "", ""
    if group_text.lower() in expected.totals:
        problems.append(
            Problem(
                "group",
                f"'{group_text}' is the total of several groups of {expected.name}. Give "
                "each group's value on its own row, or leave characteristic and group "
                "empty for the overall value.",
                number,
            )
        )
        return "", ""
    group_name = expected.groups.get(group_text.lower())
    if group_name is None:
        problems.append(
            Problem(
                "group",
                f"'{group_text}' is not a group of {expected.name}. The groups are: "
                f"{_example(list(expected.group_names), 25)}.",
                number,
            )
        )
        return "", ""
    return expected.code, group_name


# ------------------------------------------------------------------- the preview


def value_keys(rows: Iterable[Mapping[str, Any]]) -> list[ValueKey]:
    return [
        (r["metric_id"], r["region_id"], r["period_start"], r["characteristic"], r["group_name"])
        for r in rows
    ]


def build_preview(
    rows: list[dict[str, Any]],
    problems: list[Problem],
    existing: Mapping[ValueKey, ExistingValue],
    *,
    today: date | None = None,
) -> ImportPreview:
    """Compare clean rows with the stored values: each row gets ``change`` (``new``,
    ``updated`` or ``unchanged``) and ``existing_id``/``existing_version`` (the value it
    replaces, so the commit can tell whether someone changed it meanwhile).

    ``today`` (the app's clock): when given, the table has an "Early" column marking rows
    for a quarter (or year) that has not ended, and the preview a notice for each such
    period. (A quarter that has not begun is refused before this, by the caller.)"""
    new = updated = unchanged = 0
    display: list[dict[str, Any]] = []
    for row, key in zip(rows, value_keys(rows), strict=True):
        stored = existing.get(key)
        if stored is None:
            change = "new"
            new += 1
        elif (
            _same(stored.value, row["value"])
            and _same(stored.numerator, row["numerator"])
            and _same(stored.denominator, row["denominator"])
            and (row["note"] is None or row["note"] == stored.note)
        ):
            change = "unchanged"
            unchanged += 1
        else:
            change = "updated"
            updated += 1
        row["change"] = change
        row["existing_id"] = stored.id if stored else None
        row["existing_version"] = stored.version if stored else None
        display.append(
            {
                "Row": row["row"],
                "Region": row["region"],
                "Metric": row["metric_code"],
                "Period": format_period(row["period_start"], row["period_kind"]),
                "Group": row["group_name"] or "Overall",
                "Value": format_value(row["value"], row["unit"]),
                "Was": format_value(stored.value, row["unit"]) if stored else "",
                "Change": {"new": "New", "updated": "Updated", "unchanged": "Unchanged"}[change],
            }
        )
        if today is not None:
            early = is_early(row["period_start"], row["period_kind"], today)
            display[-1]["Early"] = "Early: not ended" if early else ""
    if problems:
        return ImportPreview(rows=[], problems=problems, display=[])
    return ImportPreview(
        rows=rows,
        problems=[],
        new=new,
        updated=updated,
        unchanged=unchanged,
        display=display,
        noun="value",
        notices=early_notices(rows, today) if today is not None else [],
    )


def column_help() -> pd.DataFrame:
    """What to write in each column, for the page."""
    return pd.DataFrame(
        [
            ("region", "Yes", "The region's name, such as London, or its code."),
            ("metric_code", "Yes", "The metric's code, such as CA01 (listed below)."),
            (
                "period",
                "Yes",
                "A quarter, such as Q1 2024/25 (April to June 2024). 2024/25 Q1 is read too.",
            ),
            ("value", "Yes", "The figure: a number only. Percentages from 0 to 100."),
            ("numerator", "No", "For a percentage: how many met the measure (a whole number)."),
            ("denominator", "No", "For a percentage: how many there were in all."),
            (
                "characteristic",
                "No",
                "For one group's value: what it is broken down by (listed below). "
                "Empty for the overall value.",
            ),
            (
                "group",
                "No",
                "For one group's value: the group's name (listed below). Empty for the "
                "overall value.",
            ),
            (
                "note",
                "No",
                "Anything people should know about the figure. Blank keeps a note already saved.",
            ),
        ],
        columns=["Column", "Needed", "What to write"],
    )
