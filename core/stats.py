"""Confidence intervals, ratios and funnel limits for equity analysis.

Methods follow OHID Fingertips where it has one: the Wilson score interval for
proportions; exact Poisson limits (below 10 events) or Byar's approximation (from
10 events) for crude rates. Ratios use the log (Katz) method. Every ``confidence``
is a two-sided level such as 0.95.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from scipy import stats as _scipy

Interval = tuple[float, float]
Estimate = tuple[float, float, float]

PER_100K = 100_000
BYAR_FROM = 10  # Fingertips: exact Poisson limits below 10 events, Byar's from 10.

# Two-sided probabilities for the funnel plot's control limits.
FUNNEL_LEVELS = {"95": 0.025, "99_8": 0.001}


def _z(confidence: float) -> float:
    """The standard normal critical value for a two-sided ``confidence`` level."""
    if not 0 < confidence < 1:
        raise ValueError(f"Confidence must be between 0 and 1, not {confidence}.")
    return float(_scipy.norm.isf((1 - confidence) / 2))


def _check_count(value: float, name: str) -> None:
    if value < 0:
        raise ValueError(f"{name} cannot be negative ({value}).")


def wilson_interval(successes: int, total: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for ``successes / total``, clipped to 0..1 as statsmodels does."""
    if total <= 0:
        raise ValueError("A proportion needs a total above 0.")
    _check_count(successes, "Successes")
    if successes > total:
        raise ValueError(f"Successes ({successes}) cannot exceed the total ({total}).")
    z = _z(confidence)
    z2 = z * z
    p = successes / total
    denom = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denom
    half_width = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total**2)) / denom
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def poisson_limits(events: int, confidence: float = 0.95) -> Interval:
    """Confidence limits for an observed count of ``events``.

    Exact limits from the chi-squared distribution below 10 events; Byar's
    approximation from 10 events upward (the OHID Fingertips rule).
    """
    _check_count(events, "Events")
    alpha = 1 - confidence
    z = _z(confidence)
    if events < BYAR_FROM:
        low = _scipy.chi2.ppf(alpha / 2, 2 * events) / 2 if events > 0 else 0.0
        high = _scipy.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
        return float(low), float(high)
    o, o1 = events, events + 1
    low = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    high = o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3
    return low, high


def rate_per_100k(events: int, population: float, confidence: float = 0.95) -> Estimate:
    """Crude rate per 100,000 population with its confidence limits."""
    if population <= 0:
        raise ValueError("A rate needs a population above 0.")
    low, high = poisson_limits(events, confidence)
    scale = PER_100K / population
    return events * scale, low * scale, high * scale


def _log_ratio(ratio: float, se: float, confidence: float) -> Estimate:
    z = _z(confidence)
    return ratio, math.exp(math.log(ratio) - z * se), math.exp(math.log(ratio) + z * se)


def rate_ratio(
    events_a: int,
    population_a: float,
    events_b: int,
    population_b: float,
    confidence: float = 0.95,
) -> Estimate:
    """Ratio of group a's rate to group b's: ``exp(ln RR +/- z*sqrt(1/a + 1/b))``.

    Both groups need at least one event: with none the log ratio is undefined.
    """
    if events_a <= 0 or events_b <= 0:
        raise ValueError("A rate ratio needs at least one event in each group.")
    if population_a <= 0 or population_b <= 0:
        raise ValueError("A rate ratio needs populations above 0.")
    ratio = (events_a / population_a) / (events_b / population_b)
    return _log_ratio(ratio, math.sqrt(1 / events_a + 1 / events_b), confidence)


def proportion_ratio(a: int, n1: int, b: int, n2: int, confidence: float = 0.95) -> Estimate:
    """Risk ratio ``(a/n1) / (b/n2)`` with the Katz log interval.

    ``se(ln RR) = sqrt(1/a - 1/n1 + 1/b - 1/n2)``. Used for "group X was 1.4 times
    as likely as the reference group to ...". ``a`` and ``b`` must be at least 1.
    """
    if a <= 0 or b <= 0:
        raise ValueError("A ratio of proportions needs at least one person in each numerator.")
    if a > n1 or b > n2:
        raise ValueError("A numerator cannot exceed its denominator.")
    ratio = (a / n1) / (b / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2)
    return _log_ratio(ratio, se, confidence)


def representation_ratio(
    group_supported: int,
    total_supported: int,
    group_population: int,
    total_population: int,
    confidence: float = 0.95,
) -> Estimate:
    """A group's share of the people supported over its share of the local population.

    1 means the group is supported in proportion to its size; 0.5 means half as
    often as its size would suggest. The interval treats the two shares as
    independent proportions (Katz log method, as :func:`proportion_ratio`):
    ``se = sqrt(1/a - 1/n1 + 1/c - 1/n2)`` with a = group supported, n1 = all
    supported, c = group population, n2 = whole population. With census-sized
    populations the population terms are tiny, so the width comes almost entirely
    from the number supported.
    """
    return proportion_ratio(
        group_supported, total_supported, group_population, total_population, confidence
    )


def _funnel_limit(n: int, p0: float, prob: float) -> float:
    """Spiegelhalter's interpolated binomial limit at cumulative probability ``prob``.

    ``r = binom.ppf(prob, n, p0)`` is the smallest count whose cumulative probability
    reaches ``prob``; ``alpha = (F(r) - prob) / (F(r) - F(r - 1))``; the limit is
    ``(r - alpha) / n``, clipped to 0..1 (Spiegelhalter 2005, Stat Med 24:1185).
    """
    dist = _scipy.binom(n, p0)
    r = float(dist.ppf(prob))
    f_r, f_below = float(dist.cdf(r)), float(dist.cdf(r - 1))
    alpha = (f_r - prob) / (f_r - f_below) if f_r > f_below else 0.0
    return min(1.0, max(0.0, (r - alpha) / n))


def funnel_limits(denominator: int, national_proportion: float) -> dict[str, float]:
    """95% and 99.8% control limits around the national proportion for one denominator.

    Keys: ``lower_99_8``, ``lower_95``, ``upper_95``, ``upper_99_8`` (proportions,
    0..1). The limits sit at cumulative probabilities 0.001, 0.025, 0.975 and 0.999
    of Binomial(denominator, national_proportion), interpolated between whole counts
    as described in :func:`_funnel_limit` so the funnel is smooth. A national
    proportion of 0 or 1 gives limits equal to it.
    """
    if denominator <= 0:
        raise ValueError("Funnel limits need a denominator above 0.")
    if not 0 <= national_proportion <= 1:
        raise ValueError("The national proportion must be between 0 and 1.")
    if national_proportion in (0, 1):  # Every count is certain: the funnel has no width.
        return {
            f"{side}_{level}": float(national_proportion)
            for level in FUNNEL_LEVELS
            for side in ("lower", "upper")
        }
    limits: dict[str, float] = {}
    for level, tail in FUNNEL_LEVELS.items():
        limits[f"lower_{level}"] = _funnel_limit(denominator, national_proportion, tail)
        limits[f"upper_{level}"] = _funnel_limit(denominator, national_proportion, 1 - tail)
    return limits


def funnel_position(numerator: int, denominator: int, national_proportion: float) -> str:
    """Where ``numerator / denominator`` falls on the funnel plot.

    One of "within", "above 95%", "above 99.8%", "below 95%", "below 99.8%". A value
    exactly on a limit counts as within it.
    """
    limits = funnel_limits(denominator, national_proportion)
    return position_against(numerator / denominator, limits)


def position_against(value: float, limits: dict[str, float]) -> str:
    """Where ``value`` falls against funnel ``limits`` (:func:`funnel_limits`, or limits
    widened for overdispersion): the codes of :func:`funnel_position`; a value exactly on
    a limit counts as within it."""
    if value > limits["upper_99_8"]:
        return "above 99.8%"
    if value > limits["upper_95"]:
        return "above 95%"
    if value < limits["lower_99_8"]:
        return "below 99.8%"
    if value < limits["lower_95"]:
        return "below 95%"
    return "within"


def is_significant(low: float, high: float) -> bool:
    """True when the interval for a ratio excludes 1."""
    return low > 1 or high < 1


def format_ratio(value: float, places: int = 1) -> str:
    """Round half up as people do (3.55 -> "3.6"), not half-to-even on binary floats."""
    step = Decimal(1).scaleb(-places)
    return str(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def disparity_sentence(
    group: str,
    reference: str,
    ratio: float,
    low: float,
    high: float,
    outcome: str,
    *,
    confidence: float = 0.95,
) -> str | None:
    """One plain sentence about a significant ratio, or None when it is not significant.

    ``group`` and ``reference`` are whole noun phrases ("Black service users") and
    ``outcome`` is what follows "to". One decimal place, or two when one place
    would show 1.0 and so hide which side of 1 the figure is on.
    """
    if not is_significant(low, high):
        return None
    places = 2 if any(format_ratio(v) == "1.0" for v in (ratio, low, high)) else 1
    r, lo, hi = (format_ratio(v, places) for v in (ratio, low, high))
    level = format_ratio(confidence * 100, 1).removesuffix(".0")
    return (
        f"{group} were {r} times as likely as {reference} to {outcome} ({level}% CI {lo} to {hi})."
    )


# ------------------------------------------------ differences and overdispersion


def proportion_difference(a: int, n1: int, b: int, n2: int, confidence: float = 0.95) -> Estimate:
    """``a/n1 - b/n2`` with Newcombe's hybrid score interval (his method 10), built from
    the two Wilson intervals (l1, u1) and (l2, u2), so it agrees with them:
    ``d - sqrt((p1 - l1)^2 + (u2 - p2)^2)`` to ``d + sqrt((u1 - p1)^2 + (p2 - l2)^2)``
    (Newcombe 1998, Stat Med 17:873)."""
    l1, u1 = wilson_interval(a, n1, confidence)
    l2, u2 = wilson_interval(b, n2, confidence)
    p1, p2 = a / n1, b / n2
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high


def rate_difference(
    events_a: float,
    population_a: float,
    events_b: float,
    population_b: float,
    confidence: float = 0.95,
) -> Estimate:
    """``events_a/population_a - events_b/population_b`` (per one) with the Wald interval
    ``d +/- z*sqrt(a/Pa^2 + b/Pb^2)`` (Poisson counts)."""
    if population_a <= 0 or population_b <= 0:
        raise ValueError("A rate needs a population above 0.")
    _check_count(events_a, "Events")
    _check_count(events_b, "Events")
    d = events_a / population_a - events_b / population_b
    se = math.sqrt(events_a / population_a**2 + events_b / population_b**2)
    z = _z(confidence)
    return d, d - z * se, d + z * se


def excludes_zero(low: float, high: float) -> bool:
    """True when the interval for a difference excludes 0 (more than chance alone)."""
    return low > 0 or high < 0


def pearson_residual(numerator: float, denominator: float, national_proportion: float) -> float:
    """The standardised Pearson residual of one unit on a funnel plot:
    ``(y - p0) / sqrt(p0 (1 - p0) / n)`` with ``y = numerator / denominator``."""
    if denominator <= 0:
        raise ValueError("A residual needs a denominator above 0.")
    if not 0 < national_proportion < 1:
        raise ValueError("The national proportion must be strictly between 0 and 1.")
    spread = math.sqrt(national_proportion * (1 - national_proportion) / denominator)
    return (numerator / denominator - national_proportion) / spread


def overdispersion_factor(residuals: list[float], winsor: float = 0.1) -> float:
    """Spiegelhalter's multiplicative overdispersion factor phi from the standardised
    Pearson residuals z_i: each z below the ``winsor`` quantile is set to it and each above
    the ``1 - winsor`` quantile to that (quantiles by linear interpolation, R's type 7, as
    FunnelPlotR), then ``phi = (1/n) sum z_w^2`` (Spiegelhalter 2005, "Handling
    over-dispersion of performance indicators", Qual Saf Health Care 14:347)."""
    if not residuals:
        raise ValueError("Overdispersion needs at least one residual.")
    ordered = sorted(float(z) for z in residuals)

    def quantile(q: float) -> float:
        position = q * (len(ordered) - 1)
        below = math.floor(position)
        above = min(below + 1, len(ordered) - 1)
        return ordered[below] + (position - below) * (ordered[above] - ordered[below])

    low, high = quantile(winsor), quantile(1 - winsor)
    clipped = [min(max(z, low), high) for z in ordered]
    return sum(z * z for z in clipped) / len(clipped)


def widen_limits(
    limits: dict[str, float], national_proportion: float, phi: float
) -> dict[str, float]:
    """Funnel limits (:func:`funnel_limits` keys) moved away from the national proportion
    by ``sqrt(phi)`` when ``phi`` is above 1 (unchanged otherwise), clipped to 0..1."""
    if phi <= 1:
        return dict(limits)
    stretch = math.sqrt(phi)
    return {
        key: min(1.0, max(0.0, national_proportion + stretch * (value - national_proportion)))
        for key, value in limits.items()
    }


def outside_more_than_chance(outside: int, total: int, tail: float = 0.05) -> bool:
    """True when ``outside`` of ``total`` units beyond the 95% limits is more than chance
    would give: every one of them (with two or more), or a count whose binomial
    probability of being reached with a 5% chance each is below ``tail``."""
    if total <= 0 or outside <= 0:
        return False
    if outside == total and total >= 2:
        return True
    return float(_scipy.binom.sf(outside - 1, total, 0.05)) < tail
