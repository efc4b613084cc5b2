"""Rules a metric value must meet before anything is written.

Used by the data-entry grid and by the importer, so both refuse the same things with
the same words. A problem names the column it is about; the importer adds the row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from core.periods import Period, PeriodError, format_period, parse_period

#: The largest whole number a count may be: the database keeps counts as 32-bit integers.
MAX_WHOLE = 2_147_483_647


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, in words a person can act on."""

    column: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"Row {self.row}, " if self.row is not None else ""
        return f"{where}{self.column}: {self.message}"


@dataclass(frozen=True)
class MetricRules:
    """What the rules need to know about a metric."""

    code: str
    unit: str
    start_period: date | None = None
    end_period: date | None = None


def parse_number(raw: object) -> float | None:
    """A number from a cell: blank is None; anything else that is not a number raises
    ``ValueError`` with a message fit to show."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(f"'{raw}' is not a number.")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and math.isnan(raw):
            return None
        if math.isinf(raw):
            raise ValueError("is not a finite number.")
        return float(raw)
    text = str(raw).strip().replace(",", "")
    if text == "":
        return None
    if text.endswith("%"):
        text = text[:-1].strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"'{raw}' is not a number.") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"'{raw}' is not a number.")
    return number


def read_period(text: object) -> Period:
    """:func:`core.periods.parse_period` for a cell someone typed: raises only
    :class:`PeriodError`, with a message fit to show. ``0000/01`` and ``9999/00 Q4`` have
    the shape of a period but name dates Python cannot hold (``ValueError``)."""
    try:
        return parse_period(text)
    except PeriodError:
        raise
    except (ValueError, OverflowError):
        raw = " ".join(str("" if text is None else text).split())
        raise PeriodError(
            f"'{raw}' is not a plausible period. Write a quarter as '2024/25 Q1' "
            "(April to June 2024) or a whole year as '2024/25'."
        ) from None


def _whole_and_not_negative(column: str, number: float) -> list[Problem]:
    if number < 0:
        return [Problem(column, "must not be negative.")]
    if not float(number).is_integer():
        return [Problem(column, "must be a whole number.")]
    return []


def value_problems(
    rules: MetricRules,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
    period_start: date | None = None,
) -> list[Problem]:
    """Everything wrong with one value of a metric (empty when it may be saved)."""
    problems: list[Problem] = []
    if value is None:
        problems.append(Problem("value", "a value is needed."))
    elif rules.unit == "percentage" and not 0 <= value <= 100:
        problems.append(Problem("value", f"a percentage must be between 0 and 100, not {value:g}."))
    elif rules.unit == "count":
        problems += _whole_and_not_negative("value", value)
    elif rules.unit == "rate" and value < 0:
        problems.append(Problem("value", "a rate must not be negative."))
    for column, number in (("numerator", numerator), ("denominator", denominator)):
        if number is not None:
            problems += _whole_and_not_negative(column, number)
    if denominator is not None and denominator == 0:
        problems.append(Problem("denominator", "must be more than 0."))
    if numerator is not None and denominator is not None and numerator > denominator:
        problems.append(
            Problem("numerator", f"{numerator:g} is more than the denominator {denominator:g}.")
        )
    if period_start is not None:
        problems += period_problems(rules, period_start)
    return problems


def period_problems(rules: MetricRules, period_start: date) -> list[Problem]:
    """A period must fall inside the metric's life."""
    if rules.start_period and period_start < rules.start_period:
        return [
            Problem(
                "period",
                f"{format_period(period_start)} is before {rules.code} started "
                f"({format_period(rules.start_period)}).",
            )
        ]
    if rules.end_period and period_start > rules.end_period:
        return [
            Problem(
                "period",
                f"{format_period(period_start)} is after {rules.code} ended "
                f"({format_period(rules.end_period)}).",
            )
        ]
    return []
