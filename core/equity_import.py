"""Checks on equity counts and local population figures, typed in or imported.

The single-entry forms and the importer share these rules, so both refuse the same
things in the same words. Pure Python: the reference lists (regions, groups) come in
as :class:`EquityReference`, built by ``db.equity.equity_reference``.

Import columns (a header row, any order, any case):

- counts: ``region, period, measure, characteristic, group, numerator, denominator``
- population: ``region, characteristic, group, year, population, source``

Rows are numbered as a spreadsheet shows them: the header is row 1, so the first
figures are on row 2.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.equity import MEASURES, Measure, measure_for
from core.errors import WriteRefused
from core.importer import ROW, ImportPreview
from core.periods import PeriodError, financial_year_of, format_period, year_label
from core.permissions import Action, Actor, can
from core.quarterly import future_message, has_begun, is_early
from core.validation import MAX_WHOLE, Problem, parse_number, read_period

COUNT_REQUIRED = ("region", "period", "measure", "characteristic", "group", "numerator")
COUNT_OPTIONAL = ("denominator",)
POPULATION_REQUIRED = ("region", "characteristic", "group", "year", "population")
POPULATION_OPTIONAL = ("source",)
FIRST_DATA_ROW = 2
MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True)
class EquityReference:
    """What the checks need to know: regions, characteristics and their groups."""

    regions: Mapping[str, tuple[int, str]]  # lower-case code or name -> (id, name)
    characteristics: Mapping[str, str]  # lower-case code or name -> code
    groups: Mapping[str, Mapping[str, str]]  # characteristic code -> lower key -> name
    characteristic_names: Mapping[str, str] = field(default_factory=dict)  # code -> name

    def region(self, text: str) -> tuple[int, str] | None:
        return self.regions.get(_key(text))

    def characteristic(self, text: str) -> str | None:
        return self.characteristics.get(_key(text))

    def group(self, characteristic: str, text: str) -> str | None:
        return self.groups.get(characteristic, {}).get(_key(text))


@dataclass(frozen=True)
class EquityRow:
    """One checked count, ready to save."""

    row: int
    region_id: int
    region: str
    period_start: date
    measure: str
    characteristic: str
    group_name: str
    numerator: int
    denominator: int | None

    @property
    def key(self) -> tuple[int, date, str, str, str]:
        return (
            self.region_id,
            self.period_start,
            self.measure,
            self.characteristic,
            self.group_name,
        )


@dataclass(frozen=True)
class PopulationRow:
    """One checked population figure, ready to save."""

    row: int
    region_id: int
    region: str
    characteristic: str
    group_name: str
    year: int
    population: int
    source: str

    @property
    def key(self) -> tuple[int, str, str, int]:
        return (self.region_id, self.characteristic, self.group_name, self.year)


def _key(text: object) -> str:
    return " ".join(str(text or "").split()).lower()


def _whole(
    column: str, raw: object, *, required: bool, decimal_comma: bool = False
) -> tuple[int | None, list[Problem]]:
    try:
        number = parse_number(raw, decimal_comma=decimal_comma)
    except ValueError as exc:
        return None, [Problem(column, str(exc))]
    if number is None:
        return None, ([Problem(column, "a number is needed.")] if required else [])
    if number < 0:
        return None, [Problem(column, "must not be negative.")]
    if not float(number).is_integer():
        return None, [Problem(column, "must be a whole number (a count of people).")]
    if number > MAX_WHOLE:
        return None, [Problem(column, f"must be at most {MAX_WHOLE:,}. Check the figure.")]
    return int(number), []


def count_problems(
    measure: Measure, numerator: int | None, denominator: int | None
) -> list[Problem]:
    """What is wrong with a numerator and denominator for this measure."""
    problems: list[Problem] = []
    if measure.kind == "proportion":
        if denominator is None:
            problems.append(
                Problem(
                    "denominator",
                    f"'{measure.label}' needs a denominator ({measure.denominator.lower()}).",
                )
            )
        elif denominator == 0:
            problems.append(Problem("denominator", "must be more than 0."))
        elif numerator is not None and numerator > denominator:
            problems.append(
                Problem(
                    "numerator",
                    f"{numerator} is more than the denominator {denominator}.",
                )
            )
    elif denominator is not None:
        problems.append(
            Problem(
                "denominator",
                f"leave this blank for '{measure.label}': it is a count"
                + (
                    " (the local population is the denominator)." if measure.kind == "rate" else "."
                ),
            )
        )
    return problems


def period_problem(measure: Measure, text: object) -> tuple[date | None, list[Problem]]:
    """The period's start date, or a problem: quarters for quarterly measures, years for
    yearly ones."""
    try:
        period = read_period(text)
    except PeriodError as exc:
        return None, [Problem("period", str(exc))]
    if not MIN_YEAR <= financial_year_of(period.start) <= MAX_YEAR:
        return None, [
            Problem(
                "period",
                f"{format_period(period.start, period.kind)} is not a plausible period: give "
                f"one from {year_label(MIN_YEAR)} to {year_label(MAX_YEAR)}.",
            )
        ]
    wanted = "quarter" if measure.frequency == "quarter" else "year"
    if period.kind != wanted:
        example = "Q1 2024/25" if wanted == "quarter" else "2024/25"
        return None, [
            Problem(
                "period",
                f"'{measure.label}' is counted by {wanted}: write the period as {example}, "
                f"not {format_period(period.start, period.kind)}.",
            )
        ]
    return period.start, []


def _region(
    reference: EquityReference, actor: Actor | None, text: str
) -> tuple[tuple[int, str] | None, list[Problem]]:
    found = reference.region(text)
    if found is None:
        return None, [Problem("region", f"there is no region called '{text}'.")]
    if actor is not None and not can(actor, Action.EDIT_EQUITY, found[0]):
        return None, [
            Problem("region", f"you cannot enter figures for {found[1]}; only for your own region.")
        ]
    return found, []


def _group(
    reference: EquityReference, text: str, group_text: str
) -> tuple[str, str, list[Problem]]:
    code = reference.characteristic(text)
    if code is None:
        names = ", ".join(sorted(set(reference.characteristics.values())))
        return (
            "",
            "",
            [Problem("characteristic", f"'{text}' is not one we know. Use one of: {names}.")],
        )
    name = reference.group(code, group_text)
    if name is None:
        label = reference.characteristic_names.get(code, code)
        return (
            code,
            "",
            [
                Problem(
                    "group",
                    f"'{group_text}' is not a group of {label}. Use the group names on the "
                    "Equity page (or an NHS ethnic category code for ethnicity).",
                )
            ],
        )
    return code, name, []


def _at(problems: list[Problem], row: int) -> list[Problem]:
    return [Problem(p.column, p.message, row) for p in problems]


def check_count_rows(
    rows: Sequence[Mapping[str, Any]],
    reference: EquityReference,
    actor: Actor | None = None,
    *,
    decimal_comma: bool = False,
) -> tuple[list[EquityRow], list[Problem]]:
    """Checked counts and the problems found (each naming its row and column).

    ``actor``: when given, rows for regions the actor may not edit are problems too.
    ``decimal_comma``: the file marks decimals with a comma (a semicolon-separated file).
    A cell given twice in the file is a problem on the second row.
    """
    good: list[EquityRow] = []
    problems: list[Problem] = []
    seen: dict[tuple, int] = {}
    for index, raw in enumerate(rows):
        number = int(raw.get(ROW) or index + FIRST_DATA_ROW)
        mine: list[Problem] = []
        region, found = _region(reference, actor, raw.get("region", "").strip())
        mine += found
        measure = measure_for(raw.get("measure", ""))
        if measure is None:
            codes = ", ".join(MEASURES)
            mine.append(
                Problem(
                    "measure", f"'{raw.get('measure', '')}' is not a measure. Use one of: {codes}."
                )
            )
        code, group, found = _group(
            reference, raw.get("characteristic", "").strip(), raw.get("group", "").strip()
        )
        mine += found
        numerator, found = _whole(
            "numerator", raw.get("numerator"), required=True, decimal_comma=decimal_comma
        )
        mine += found
        denominator, found = _whole(
            "denominator", raw.get("denominator"), required=False, decimal_comma=decimal_comma
        )
        mine += found
        start = None
        if measure is not None:
            start, found = period_problem(measure, raw.get("period", ""))
            mine += found
            if not any(p.column in ("numerator", "denominator") for p in mine):
                mine += count_problems(measure, numerator, denominator)
        if mine or region is None or measure is None or start is None or numerator is None:
            problems += _at(mine, number)
            continue
        row = EquityRow(
            number, region[0], region[1], start, measure.code, code, group, numerator, denominator
        )
        if row.key in seen:
            problems.append(
                Problem(
                    "group",
                    f"this figure is also on row {seen[row.key]}; give each figure once.",
                    number,
                )
            )
            continue
        seen[row.key] = number
        good.append(row)
    return good, problems


def check_population_rows(
    rows: Sequence[Mapping[str, Any]],
    reference: EquityReference,
    actor: Actor | None = None,
    *,
    decimal_comma: bool = False,
) -> tuple[list[PopulationRow], list[Problem]]:
    """Checked local population figures and the problems found (``decimal_comma`` as
    for :func:`check_count_rows`)."""
    good: list[PopulationRow] = []
    problems: list[Problem] = []
    seen: dict[tuple, int] = {}
    for index, raw in enumerate(rows):
        number = int(raw.get(ROW) or index + FIRST_DATA_ROW)
        mine: list[Problem] = []
        region, found = _region(reference, actor, raw.get("region", "").strip())
        mine += found
        code, group, found = _group(
            reference, raw.get("characteristic", "").strip(), raw.get("group", "").strip()
        )
        mine += found
        year, found = year_problem(raw.get("year", ""))
        mine += found
        population, found = _whole(
            "population", raw.get("population"), required=True, decimal_comma=decimal_comma
        )
        mine += found
        source = " ".join(str(raw.get("source", "") or "").split())
        if len(source) > 200:
            mine.append(Problem("source", "keep the source under 200 characters."))
        if mine or region is None or year is None or population is None:
            problems += _at(mine, number)
            continue
        row = PopulationRow(number, region[0], region[1], code, group, year, population, source)
        if row.key in seen:
            problems.append(
                Problem(
                    "group",
                    f"this figure is also on row {seen[row.key]}; give each figure once.",
                    number,
                )
            )
            continue
        seen[row.key] = number
        good.append(row)
    return good, problems


def year_problem(raw: object) -> tuple[int | None, list[Problem]]:
    """A census or estimate year such as 2021 (a financial year '2021/22' reads as 2021)."""
    text = str(raw or "").strip()
    match = re.fullmatch(r"(\d{4})(?:\s*[/-]\s*\d{2,4})?(?:\.0)?", text)
    if not match:
        return None, [Problem("year", f"'{text}' is not a year. Write it like 2021.")]
    year = int(match[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None, [Problem("year", f"{year} is not a plausible year.")]
    return year, []


def template_rows(
    region: str, period: str, measure: Measure, characteristic: str, groups: Sequence[str]
) -> list[dict[str, str]]:
    """Rows for a downloadable template: one per group, the figures left blank."""
    return [
        {
            "region": region,
            "period": period,
            "measure": measure.code,
            "characteristic": characteristic,
            "group": group,
            "numerator": "",
            "denominator": "",
        }
        for group in groups
    ]


# -- what a write refuses, and how a dry run reads -------------------------------------


def refuse_unless_whole(name: str, value: int | None, *, allow_none: bool = False) -> None:
    """Refuse (:class:`WriteRefused`) a count that is not a whole number, 0 or more,
    that the database can keep."""
    if value is None:
        if allow_none:
            return
        raise WriteRefused(f"The {name} is needed.")
    if isinstance(value, bool) or int(value) != value or value < 0:
        raise WriteRefused(f"The {name} must be a whole number, 0 or more.")
    if value > MAX_WHOLE:  # the database keeps counts as 32-bit integers
        raise WriteRefused(f"The {name} must be at most {MAX_WHOLE:,}.")


def refuse_unclean(preview: ImportPreview, noun: str) -> None:
    """Refuse to save a dry run that has problems or nothing to save."""
    if preview.problems:
        raise WriteRefused(
            "The file still has problems. Fix them and upload it again; nothing was saved."
        )
    if not preview.rows:
        raise WriteRefused(f"The file has no {noun} to save.")


def change_word(stored: Any, same: bool) -> str:
    """What saving a row would do: "new", "unchanged" or "updated"."""
    if stored is None:
        return "new"
    return "unchanged" if same else "updated"


def timing(row: EquityRow) -> dict[str, Any]:
    """What :func:`core.quarterly.early_notices` reads of a checked count."""
    return {
        "row": row.row,
        "period_start": row.period_start,
        "period_kind": MEASURES[row.measure].frequency,
    }


def not_begun_problems(rows: Sequence[EquityRow], today: date) -> list[Problem]:
    """A problem for each row of a quarter (or year) that has not begun on ``today``."""
    return [
        Problem("period", future_message(row.period_start), row.row)
        for row in rows
        if not has_begun(row.period_start, today)
    ]


def count_display(row: EquityRow, change: str, today: date | None = None) -> dict[str, Any]:
    """A checked count as the dry run's table shows it (with an "Early" column, for a
    period that has not ended on ``today``, when ``today`` is given)."""
    measure = MEASURES[row.measure]
    early = {}
    if today is not None:
        flagged = is_early(row.period_start, measure.frequency, today)
        early = {"Early": "Early: not ended" if flagged else ""}
    return {
        "Row": row.row,
        "Region": row.region,
        "Period": format_period(row.period_start, measure.frequency),
        "Measure": measure.label,
        "Characteristic": row.characteristic,
        "Group": row.group_name,
        "Numerator": row.numerator,
        "Denominator": "" if row.denominator is None else str(row.denominator),
        "Change": change,
        **early,
    }


def population_display(row: PopulationRow, change: str) -> dict[str, Any]:
    """A checked population figure as the dry run's table shows it."""
    return {
        "Row": row.row,
        "Region": row.region,
        "Characteristic": row.characteristic,
        "Group": row.group_name,
        "Year": row.year,
        "Population": row.population,
        "Source": row.source,
        "Change": change,
    }


# -- the import forms' words ------------------------------------------------------------

HELP_COLUMNS = ("Column", "Needed", "What to write")


def count_columns_help(region_name: str) -> list[tuple[str, str, str]]:
    """What to write in each column of a file of counts (rows of :data:`HELP_COLUMNS`)."""
    codes = ", ".join(MEASURES)
    return [
        ("region", "Yes", f"The region's name ({region_name})."),
        ("period", "Yes", "A quarter, such as Q1 2024/25; a year (2024/25) for detentions."),
        ("measure", "Yes", f"One of: {codes}."),
        ("characteristic", "Yes", "Such as ethnicity, ethnicity_broad, age_band, sex."),
        ("group", "Yes", "The group's name as listed on this page, or an NHS ethnic code."),
        ("numerator", "Yes", "How many people (a whole number)."),
        ("denominator", "For percentages", "How many in all; blank for counts and rates."),
    ]


def population_columns_help(region_name: str) -> list[tuple[str, str, str]]:
    """What to write in each column of a file of local population figures."""
    return [
        ("region", "Yes", f"The region's name ({region_name})."),
        ("characteristic", "Yes", "Such as ethnicity, ethnicity_broad, age_band, sex."),
        ("group", "Yes", "The group's name as listed on this page."),
        ("year", "Yes", "The year the figures describe, such as 2021 for the census."),
        ("population", "Yes", "How many people live in the region in that group."),
        ("source", "No", "Where the figures come from, such as ONS Census 2021."),
    ]


def population_template_rows(
    region: str, characteristic: str, groups: Sequence[str]
) -> list[dict[str, str]]:
    """Rows for a downloadable population template: one per group, from the 2021 census."""
    return [
        {
            "region": region,
            "characteristic": characteristic,
            "group": g,
            "year": "2021",
            "population": "",
            "source": "ONS Census 2021",
        }
        for g in groups
    ]
