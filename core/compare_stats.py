"""The Compare regions page's statistics in words: each region's value with its 95%
interval, the change between two periods with the interval of the difference, the
funnel plot's overdispersion, the periods people can pick and the words for a metric's
unit.

Pure: no Streamlit, no database. The methods are those of ``core.stats`` (Wilson for
proportions, exact Poisson or Byar's for rates, Newcombe's hybrid score interval for a
difference of proportions, a Wald interval for a difference of rates, Spiegelhalter's
multiplicative overdispersion factor with 10% winsorising)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.formatting import format_value
from core.periods import Period, financial_year_of, format_period, parse_period
from core.stats import (
    excludes_zero,
    outside_more_than_chance,
    overdispersion_factor,
    pearson_residual,
    poisson_limits,
    proportion_difference,
    rate_difference,
    wilson_interval,
)

#: The period picker's first choice: what the page showed before it had a picker.
LATEST = "Latest"

CHANCE_WORDS = {
    True: "The change is larger than chance alone would explain.",
    False: "The change could be chance.",
}


# ---------------------------------------------------------------------------- units


def unit_title(unit: str, scale: float | None = None, name: str = "") -> str:
    """An axis title in the metric's unit: "Percentage (%)", "Rate per 1,000", "Number",
    or for a score or average "Days" when the metric's name speaks of days."""
    if unit == "percentage":
        return "Percentage (%)"
    if unit == "rate":
        return f"Rate per {scale:,.0f}" if scale else "Rate"
    if unit == "count":
        return "Number"
    lowered = name.lower()
    for word in ("days", "weeks", "hours", "minutes"):
        if word in lowered:
            return word.capitalize()
    return "Score or average" if unit == "score" else "Value"


def value_heading(unit: str, scale: float | None = None, name: str = "") -> str:
    """The heading of a table's value column, in the unit ("Value (%)", "Value (days)")."""
    title = unit_title(unit, scale, name)
    if unit == "percentage":
        return "Value (%)"
    if title in {"Value", "Score or average"}:
        return "Value"
    return f"Value ({title[0].lower()}{title[1:]})"


# ------------------------------------------------------------------------ intervals


def value_interval(
    unit: str, numerator: float | None, denominator: float | None, scale: float | None
) -> tuple[float, float] | None:
    """The 95% interval of a value from its numerator and denominator, in the metric's
    unit: Wilson for a percentage, Poisson (exact or Byar's) for a rate; None for other
    units, missing or hidden counts, or counts that are not a share of a group."""
    if unit not in ("percentage", "rate") or not scale:
        return None
    if numerator is None or denominator is None:
        return None
    if math.isnan(numerator) or math.isnan(denominator) or denominator <= 0 or numerator < 0:
        return None
    if unit == "percentage":
        if numerator > denominator:
            return None
        low, high = wilson_interval(numerator, denominator)  # type: ignore[arg-type]
        return low * scale, high * scale
    low, high = poisson_limits(numerator)  # type: ignore[arg-type]
    return low / denominator * scale, high / denominator * scale


def with_interval(value: float | None, interval: tuple[float, float] | None, unit: str) -> str:
    """ "45% (38.1% to 52%)", the value alone without an interval, "" without a value."""
    if value is None or math.isnan(value):
        return ""
    shown = format_value(value, unit)
    if interval is None:
        return shown
    return f"{shown} ({format_value(interval[0], unit)} to {format_value(interval[1], unit)})"


# ------------------------------------------------------------ change between periods


@dataclass(frozen=True)
class Change:
    """Period b's value minus period a's, in the metric's unit, with its 95% interval
    (None when it cannot be worked out) and whether it excludes 0."""

    difference: float
    low: float | None = None
    high: float | None = None

    @property
    def beyond_chance(self) -> bool | None:
        if self.low is None or self.high is None:
            return None
        return excludes_zero(self.low, self.high)


def change_between(
    unit: str,
    first: tuple[float | None, float | None, float | None],
    second: tuple[float | None, float | None, float | None],
    scale: float | None,
) -> Change | None:
    """The change from ``first`` to ``second``, each (value, numerator, denominator): for
    a percentage, Newcombe's interval for the difference of two proportions; for a rate,
    the Wald interval for the difference of two rates; otherwise (or with a count
    missing or hidden) the difference alone. None when either value is missing."""
    (v1, n1, d1), (v2, n2, d2) = first, second
    if v1 is None or v2 is None or math.isnan(v1) or math.isnan(v2):
        return None
    counts = (n1, d1, n2, d2)
    usable = (
        unit in ("percentage", "rate")
        and bool(scale)
        and all(c is not None and not math.isnan(c) and c >= 0 for c in counts)
        and d1 > 0  # type: ignore[operator]
        and d2 > 0  # type: ignore[operator]
    )
    if not usable:
        return Change(v2 - v1)
    assert scale is not None and n1 is not None and n2 is not None
    assert d1 is not None and d2 is not None
    if unit == "percentage":
        if n1 > d1 or n2 > d2:
            return Change(v2 - v1)
        d, low, high = proportion_difference(n2, d2, n1, d1)  # type: ignore[arg-type]
    else:
        d, low, high = rate_difference(n2, d2, n1, d1)
    return Change(d * scale, low * scale, high * scale)


def change_sentence(change: Change | None, unit: str, first: str, second: str) -> str:
    """The change in words: "From Q1 2024/25 to Q2 2024/25 the value went up by 5
    percentage points (95% interval -1.2 to 11.3). The change could be chance." """
    if change is None:
        return f"There is no value for both {first} and {second}, so no change to show."
    points = " percentage points" if unit == "percentage" else ""
    size = format_value(abs(change.difference), None if unit == "percentage" else unit)
    way = "up" if change.difference > 0 else "down"
    text = (
        f"From {first} to {second} the value did not change."
        if change.difference == 0
        else f"From {first} to {second} the value went {way} by {size}{points}."
    )
    if change.beyond_chance is None:
        return text + (
            " Without both periods' numerators and denominators (or where they are "
            "hidden because they are small) we cannot say whether it is more than chance."
        )
    low = format_value(change.low, None)
    high = format_value(change.high, None)
    return (
        f"{text} 95% interval of the change: {low} to {high}{points}. "
        + (CHANCE_WORDS[change.beyond_chance])
    )


# ---------------------------------------------------------------- overdispersion


@dataclass(frozen=True)
class Dispersion:
    """How much the regions vary around the national figure: ``phi`` (Spiegelhalter's
    factor; 1 is what chance alone gives), how many are outside the 95% limits and
    whether that is more than chance would put there (``too_many``)."""

    phi: float
    outside: int
    total: int

    @property
    def too_many(self) -> bool:
        return outside_more_than_chance(self.outside, self.total)


def dispersion(
    rows: Sequence[tuple[float, float]], national_proportion: float, outside: int
) -> Dispersion | None:
    """The overdispersion of (numerator, denominator) rows about the national proportion
    (None when the proportion is 0 or 1, where there is no spread to measure)."""
    if not rows or not 0 < national_proportion < 1:
        return None
    residuals = [pearson_residual(n, d, national_proportion) for n, d in rows]
    return Dispersion(overdispersion_factor(residuals), outside, len(rows))


def dispersion_sentence(found: Dispersion) -> str | None:
    """Plain words when more regions are outside the 95% limits than chance explains."""
    if not found.too_many:
        return None
    expected = found.total * 0.05
    about = "fewer than one" if expected < 1 else f"about {expected:.0f}"
    lead = (
        f"Every region ({found.total} of {found.total}) falls outside the 95% limits"
        if found.outside == found.total
        else f"{found.outside} of {found.total} regions fall outside the 95% limits"
    )
    return (
        f"{lead}, where chance alone would put {about} there. The regions differ by more "
        "than chance (overdispersion), so these limits are too narrow to single out a "
        'region. Tick "Allow for extra variation between regions" to widen them.'
    )


def adjusted_sentence(phi: float) -> str:
    """What the widened limits mean, for the adjusted funnel plot."""
    if phi <= 1:
        return "The regions vary no more than chance would explain, so the limits are not widened."
    return (
        f"The limits are widened to allow for extra variation between regions: the "
        f"regions vary {phi:.1f} times as much as chance alone would give (the "
        f"overdispersion factor), so each limit is {math.sqrt(phi):.1f} times as far from "
        "the national figure. A region outside these limits differs by more than the "
        "regions usually differ from each other."
    )


# ------------------------------------------------------------------------- periods


def period_choices(quarters: Sequence[date]) -> list[str]:
    """The period picker's choices: "Latest" first, then each quarter with values (newest
    first) and each financial year holding one of them (newest first), as labels that
    ``core.periods.parse_period`` reads back ("Q1 2024/25", "2024/25")."""
    starts = sorted({q for q in quarters if q is not None}, reverse=True)
    years = sorted({financial_year_of(q) for q in starts})
    return (
        [LATEST]
        + [format_period(q) for q in starts]
        + [format_period(date(y, 4, 1), "year") for y in reversed(years)]
    )


def chosen_period(label: str | None) -> Period | None:
    """The period a picker's label names, or None for "Latest" (or no choice)."""
    if not label or label == LATEST:
        return None
    return parse_period(label)
