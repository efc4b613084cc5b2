"""Comparing regions: the national figure of a metric, ranking regions by it, and where
each region falls on a funnel plot, all in plain words.

Pure: no Streamlit, no database. ``db.compare`` reads the figures and the Compare regions
page draws them.

* The national figure of one period (:func:`national_figure`): for percentages and rates
  with numerators and denominators, the pooled proportion (every region's numerator added
  up, divided by every region's denominator added up, so a big region counts for more);
  for counts the total; otherwise the mean of the regions' values.
* Ranking (:func:`rank_values`): by value in the metric's good direction; equal values
  share a rank and the next rank is skipped (1, 2, 2, 4).
* Funnel plot (:func:`classify_funnel`, :func:`funnel_curve`, :func:`funnel_sentence`):
  each region's proportion against the 95% and 99.8% control limits around the national
  proportion for its own denominator (``core.stats.funnel_limits``: Spiegelhalter's
  interpolated binomial limits), so a small region is not flagged for noise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from core.formatting import format_value
from core.periods import format_period
from core.stats import funnel_limits, position_against, widen_limits

__all__ = [
    "FUNNEL_LEVELS",
    "FUNNEL_UNITS",
    "POSITION_WORDS",
    "STATUS_SYMBOLS",
    "FunnelRegion",
    "NationalFigure",
    "PeriodTotals",
    "classify_funnel",
    "direction_sentence",
    "funnel_curve",
    "funnel_problem",
    "funnel_sentence",
    "funnel_sentences",
    "method_sentence",
    "national_figure",
    "national_period",
    "rank_values",
    "scale_for",
    "status_table",
    "text_colour",
]

#: Units whose values are a proportion of a denominator, so they can be pooled and drawn
#: on a funnel plot when numerators and denominators are given.
FUNNEL_UNITS = ("percentage", "rate")

#: The funnel's limits, outermost last: (key suffix in ``funnel_limits``, words).
FUNNEL_LEVELS = (("95", "95%"), ("99_8", "99.8%"))

#: ``core.stats.funnel_position`` codes in words, for tables and sentences.
POSITION_WORDS = {
    "above 99.8%": "above the upper 99.8% limit",
    "above 95%": "above the upper 95% limit",
    "within": "within the expected range",
    "below 95%": "below the lower 95% limit",
    "below 99.8%": "below the lower 99.8% limit",
}

#: A text symbol for each progress status, shown with its words inside chart cells (a
#: chart cannot show Material icons). Never used without the words.
STATUS_SYMBOLS = {
    "target_achieved": "✓",
    "substantial_progress": "↗",
    "moderate_progress": "→",
    "limited_progress": "!",
    "deterioration": "↘",
    "not_available": "?",
}


# ----------------------------------------------------------------- national figure


@dataclass(frozen=True)
class PeriodTotals:
    """One metric's overall values in one period, added up across regions (in SQL).

    ``regions``: regions with a value; ``paired``: those of them with a numerator and a
    denominator above 0; ``numerator_sum`` / ``denominator_sum`` over the paired ones;
    ``ratio_mean``: the mean of ``value * denominator / numerator`` over paired rows with a
    numerator above 0 (the multiplier the values were given with, e.g. 100 or 100,000).
    """

    period: date
    regions: int
    value_sum: float
    value_mean: float
    paired: int = 0
    numerator_sum: float | None = None
    denominator_sum: float | None = None
    ratio_mean: float | None = None


@dataclass(frozen=True)
class NationalFigure:
    """The national figure of a metric in one period and how it was worked out.

    ``method`` is ``pooled``, ``sum``, ``mean`` or ``none`` (no values). When pooled,
    ``proportion`` is the pooled numerators over denominators (0 to 1) and ``scale`` the
    multiplier that turns it into the metric's unit (100 for a percentage).
    """

    value: float | None
    method: str
    unit: str
    period: date | None
    regions_counted: int
    regions_total: int
    proportion: float | None = None
    scale: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    fallback: bool = field(default=False)  # a percentage or rate that could not be pooled

    @property
    def shown(self) -> str:
        return format_value(self.value, self.unit)


def scale_for(unit: str, ratio_mean: float | None) -> float | None:
    """The multiplier from a proportion to the metric's values: 100 for a percentage; for
    a rate, the power of ten nearest the values' own ``value * denominator / numerator``
    (so "per 1,000" or "per 100,000" is found from the figures); None otherwise."""
    if unit == "percentage":
        return 100.0
    if unit != "rate" or ratio_mean is None or not ratio_mean > 0 or math.isnan(ratio_mean):
        return None
    return float(10 ** round(math.log10(ratio_mean)))


def national_period(totals: Sequence[PeriodTotals]) -> PeriodTotals | None:
    """The period the national figure is for: the latest one in which at least half as
    many regions have a value as in the period with the most, so that one region entering
    a new quarter early does not make the national figure its own figure."""
    if not totals:
        return None
    most = max(t.regions for t in totals)
    enough = [t for t in totals if 2 * t.regions >= most]
    return max(enough, key=lambda t: t.period)


def national_figure(unit: str, totals: PeriodTotals | None, regions_total: int) -> NationalFigure:
    """The national figure from one period's totals (see the module's docstring)."""
    if totals is None or totals.regions == 0:
        return NationalFigure(None, "none", unit, None, 0, regions_total)
    common = {
        "unit": unit,
        "period": totals.period,
        "regions_counted": totals.regions,
        "regions_total": regions_total,
    }
    if unit in FUNNEL_UNITS:
        scale = scale_for(unit, totals.ratio_mean)
        complete = totals.paired == totals.regions and totals.paired > 0
        if complete and scale and totals.denominator_sum and totals.numerator_sum is not None:
            proportion = totals.numerator_sum / totals.denominator_sum
            return NationalFigure(
                value=proportion * scale,
                method="pooled",
                proportion=proportion,
                scale=scale,
                numerator=totals.numerator_sum,
                denominator=totals.denominator_sum,
                **common,
            )
        return NationalFigure(totals.value_mean, "mean", fallback=True, **common)
    if unit == "count":
        return NationalFigure(totals.value_sum, "sum", **common)
    return NationalFigure(totals.value_mean, "mean", **common)


def _regions_phrase(figure: NationalFigure) -> str:
    counted, total = figure.regions_counted, figure.regions_total
    if counted == total:
        return "all regions" if total != 1 else "the one region"
    return f"{counted} of {total} regions"


def method_sentence(figure: NationalFigure) -> str:
    """How the national figure was worked out, in one or two plain sentences."""
    if figure.method == "none" or figure.period is None:
        return "No region has a value for this metric yet, so there is no national figure."
    when = f"{format_period(figure.period)}, {_regions_phrase(figure)}"
    if figure.method == "pooled":
        per = ""
        if figure.unit == "rate" and figure.scale and figure.scale != 1:
            per = f", shown per {figure.scale:,.0f}"
        return (
            "The national figure is pooled: every region's numerator added together, "
            f"divided by every region's denominator added together{per}, so a bigger "
            f"region counts for more ({when})."
        )
    if figure.method == "sum":
        return f"The national figure is the total of the regions' values ({when})."
    text = (
        "The national figure is the average (mean) of the regions' values, each region "
        f"counting the same ({when})."
    )
    if figure.fallback:
        text = (
            "Not every region gave a numerator and a denominator, so the figures cannot be "
            f"pooled. {text}"
        )
    return text


# ------------------------------------------------------------------------ ranking


def _direction_sign(direction: str) -> int:
    if direction not in ("increase", "decrease"):
        raise ValueError(f"A direction is 'increase' or 'decrease', not {direction!r}.")
    return 1 if direction == "increase" else -1


def rank_values(values: Sequence[float | None], direction: str) -> list[int | None]:
    """Ranks for ``values`` in the good ``direction`` ('increase': highest first;
    'decrease': lowest first). Equal values share the best rank of their group and the
    following rank is skipped (1, 2, 2, 4). A missing value gets no rank (None)."""
    sign = _direction_sign(direction)

    def known(v: float | None) -> bool:
        return v is not None and not (isinstance(v, float) and math.isnan(v))

    # Rounded, so that 0.1 + 0.2 and 0.3 count as the same value.
    keys = [round(sign * float(v), 9) if known(v) else None for v in values]
    present = [k for k in keys if k is not None]
    return [None if k is None else 1 + sum(1 for other in present if other > k) for k in keys]


def direction_sentence(direction: str) -> str:
    if _direction_sign(direction) > 0:
        return (
            "Ranked from highest to lowest, because a higher value is better for this "
            "metric. Regions with the same value share a rank."
        )
    return (
        "Ranked from lowest to highest, because a lower value is better for this metric. "
        "Regions with the same value share a rank."
    )


# --------------------------------------------------------------------- funnel plot


def funnel_problem(pairs: Iterable[tuple[float | None, float | None]]) -> str | None:
    """Why (numerator, denominator) pairs cannot go on a funnel plot, or None when they
    can: each region needs both, a denominator above 0, and a numerator from 0 up to its
    denominator (the binomial limits count people out of a group)."""
    rows = list(pairs)
    if not rows:
        return "No region has a value for the latest quarter."
    for numerator, denominator in rows:
        if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
            return "Not every region gave a numerator and a denominator."
        if denominator <= 0:
            return "A denominator of 0 cannot be compared."
        if numerator < 0 or numerator > denominator:
            return (
                "Some numerators are larger than their denominators, so the figures are not "
                "shares of a group and the binomial limits do not apply."
            )
    return None


@dataclass(frozen=True)
class FunnelRegion:
    """One region on the funnel plot: its proportion (0 to 1), its limits for its own
    denominator (``core.stats.funnel_limits`` keys) and where it falls
    (``core.stats.funnel_position`` codes)."""

    region: str
    numerator: float
    denominator: float
    proportion: float
    position: str
    limits: dict[str, float]

    @property
    def outside(self) -> bool:
        return self.position != "within"

    @property
    def words(self) -> str:
        return POSITION_WORDS[self.position]


def classify_funnel(
    rows: Iterable[tuple[str, float, float]], national_proportion: float, *, phi: float = 1.0
) -> list[FunnelRegion]:
    """Each (region, numerator, denominator) against the national proportion (0 to 1),
    with the limits widened by ``sqrt(phi)`` when ``phi`` is above 1 (allowing for
    overdispersion, ``core.stats.widen_limits``).

    Denominators are whole numbers of people, so they are rounded for the limits."""
    out = []
    for region, numerator, denominator in rows:
        size = round(float(denominator))
        limits = widen_limits(funnel_limits(size, national_proportion), national_proportion, phi)
        proportion = float(numerator) / float(denominator)
        out.append(
            FunnelRegion(
                region=region,
                numerator=float(numerator),
                denominator=float(denominator),
                proportion=proportion,
                position=position_against(proportion, limits),
                limits=limits,
            )
        )
    return out


def funnel_curve(
    national_proportion: float,
    denominators: Iterable[float],
    *,
    scale: float = 1.0,
    steps: int = 80,
    phi: float = 1.0,
) -> pd.DataFrame:
    """The control limits over a range of denominators, for drawing the funnel's lines.

    From a little below the smallest denominator to a little above the largest, in
    ``steps`` whole numbers spaced evenly on a log scale (the funnel narrows fastest at
    small sizes). Columns: ``denominator``, ``national`` and the four limits, all
    multiplied by ``scale`` (100 gives percentages).
    """
    sizes = [float(d) for d in denominators if d is not None and d > 0]
    if not sizes:
        return pd.DataFrame(
            columns=["denominator", "national", "lower_99_8", "lower_95", "upper_95", "upper_99_8"]
        )
    low = max(1, math.floor(min(sizes) * 0.8))
    high = max(low + 1, math.ceil(max(sizes) * 1.2))
    ratio = (high / low) ** (1 / max(1, steps - 1))
    points = sorted({round(low * ratio**i) for i in range(steps)} | {low, high})
    rows = []
    for n in points:
        limits = widen_limits(funnel_limits(n, national_proportion), national_proportion, phi)
        rows.append(
            {
                "denominator": n,
                "national": national_proportion * scale,
                **{key: value * scale for key, value in limits.items()},
            }
        )
    return pd.DataFrame(rows)[
        ["denominator", "national", "lower_99_8", "lower_95", "upper_95", "upper_99_8"]
    ]


_SEVERITY = {"above 99.8%": 0, "below 99.8%": 0, "above 95%": 1, "below 95%": 1, "within": 2}


def funnel_sentences(
    regions: Sequence[FunnelRegion],
    *,
    unit: str,
    scale: float,
    national_value: float,
    direction: str | None = None,
) -> list[str]:
    """The regions outside the 95% limits named in words, one sentence each, furthest out
    first, e.g. "North West is above the upper 99.8% limit: 45% (45 of 100) against the
    national 30%; the 99.8% limits for a region of this size are 16.4% to 44.3%.", then
    which way is better and how many regions are within. When none is outside, the one
    sentence "All regions are within the expected range." """
    outside = sorted((r for r in regions if r.outside), key=lambda r: _SEVERITY[r.position])
    if not outside:
        return ["All regions are within the expected range."]
    national = format_value(national_value, unit)
    sentences = []
    for r in outside:
        level = "99_8" if "99.8" in r.position else "95"
        words = "99.8%" if level == "99_8" else "95%"
        low = format_value(r.limits[f"lower_{level}"] * scale, unit)
        high = format_value(r.limits[f"upper_{level}"] * scale, unit)
        value = format_value(r.proportion * scale, unit)
        sentences.append(
            f"{r.region} is {r.words}: {value} ({format_value(r.numerator)} of "
            f"{format_value(r.denominator)}) against the national {national}; the {words} "
            f"limits for a region of this size are {low} to {high}."
        )
    within = len(regions) - len(outside)
    if within:
        noun = "region is" if within == 1 else "regions are"
        sentences.append(f"The other {within} {noun} within the expected range.")
    if direction in ("increase", "decrease"):
        better = "higher" if direction == "increase" else "lower"
        sentences.append(f"A {better} value is better for this metric.")
    return sentences


def funnel_sentence(
    regions: Sequence[FunnelRegion],
    *,
    unit: str,
    scale: float,
    national_value: float,
    direction: str | None = None,
) -> str:
    """:func:`funnel_sentences` as one paragraph."""
    return " ".join(
        funnel_sentences(
            regions, unit=unit, scale=scale, national_value=national_value, direction=direction
        )
    )


# ----------------------------------------------------------------- the status grid


def status_table(
    statuses: pd.DataFrame, region_names: dict[int, str], theme_order: Sequence[str]
) -> pd.DataFrame:
    """Regions down, themes across, each cell the status in words.

    ``statuses``: rows of ``db.theme_progress.theme_statuses`` (region_id, theme,
    status_label); regions in the order of ``region_names``."""
    columns = ["Region", *theme_order]
    if statuses.empty:
        return pd.DataFrame(columns=columns)
    cells = {(int(r), t): s for r, t, s in statuses[["region_id", "theme", "status_label"]].values}
    rows = []
    for region_id, name in region_names.items():
        if not any((region_id, t) in cells for t in theme_order):
            continue
        rows.append({"Region": name, **{t: cells.get((region_id, t), "") for t in theme_order}})
    return pd.DataFrame(rows, columns=columns)


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (a #RRGGBB colour)."""
    light = _luminance(background)
    on_black = (light + 0.05) / 0.05
    on_white = 1.05 / (light + 0.05)
    return "#000000" if on_black >= on_white else "#FFFFFF"
