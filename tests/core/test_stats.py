"""Checks core.stats against statsmodels, scipy and a published worked example."""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.rates import confint_poisson_2indep

from core.stats import (
    disparity_sentence,
    format_ratio,
    funnel_limits,
    funnel_position,
    is_significant,
    poisson_limits,
    proportion_ratio,
    rate_per_100k,
    rate_ratio,
    representation_ratio,
    wilson_interval,
)

TOL = 1e-9


# Wilson ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "total"),
    [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10), (1, 4), (57, 230), (999, 1000)],
)
@pytest.mark.parametrize("confidence", [0.95, 0.998, 0.9])
def test_wilson_matches_statsmodels(successes: int, total: int, confidence: float) -> None:
    expected = proportion_confint(successes, total, alpha=1 - confidence, method="wilson")
    assert wilson_interval(successes, total, confidence) == pytest.approx(expected, abs=TOL)


def test_wilson_rejects_empty_total_and_impossible_counts() -> None:
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
    with pytest.raises(ValueError):
        wilson_interval(5, 4)
    with pytest.raises(ValueError):
        wilson_interval(-1, 4)
    with pytest.raises(ValueError):
        wilson_interval(1, 4, confidence=1.0)


# Crude rates -------------------------------------------------------------------------


def exact_poisson(events: int, confidence: float = 0.95) -> tuple[float, float]:
    alpha = 1 - confidence
    low = sps.chi2.ppf(alpha / 2, 2 * events) / 2 if events else 0.0
    return low, sps.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2


def byar(events: int, confidence: float = 0.95) -> tuple[float, float]:
    z = sps.norm.ppf(1 - (1 - confidence) / 2)
    o, o1 = events, events + 1
    return (
        o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3,
        o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3,
    )


@pytest.mark.parametrize("events", range(10))
def test_rates_below_10_events_use_exact_poisson_limits(events: int) -> None:
    rate, low, high = rate_per_100k(events, 25_000)
    exp_low, exp_high = exact_poisson(events)
    assert rate == pytest.approx(events * 4, abs=TOL)
    assert low == pytest.approx(exp_low * 4, abs=TOL)
    assert high == pytest.approx(exp_high * 4, abs=TOL)


def test_zero_events_have_lower_limit_zero() -> None:
    rate, low, high = rate_per_100k(0, 100_000)
    assert (rate, low) == (0, 0)
    assert high == pytest.approx(-math.log(0.025), abs=TOL)  # 3.689 per 100,000


def test_one_event_exact_limits() -> None:
    low, high = poisson_limits(1)
    assert low == pytest.approx(-math.log(0.975), abs=TOL)  # P(X >= 1) = 0.025
    assert high == pytest.approx(5.571643390938, abs=1e-9)


@pytest.mark.parametrize("events", [10, 11, 50, 228, 10_000])
def test_rates_from_10_events_use_byar(events: int) -> None:
    assert poisson_limits(events) == pytest.approx(byar(events), abs=TOL)
    assert poisson_limits(events, 0.998) == pytest.approx(byar(events, 0.998), abs=TOL)


def test_byar_boundary_is_between_9_and_10_events() -> None:
    assert poisson_limits(9) == pytest.approx(exact_poisson(9), abs=TOL)
    assert poisson_limits(10) != pytest.approx(exact_poisson(10), abs=1e-6)
    assert poisson_limits(10) == pytest.approx(exact_poisson(10), rel=0.01)


def test_rate_rejects_empty_population_and_negative_events() -> None:
    with pytest.raises(ValueError):
        rate_per_100k(1, 0)
    with pytest.raises(ValueError):
        rate_per_100k(-1, 100)


# Ratios --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "pop_a", "b", "pop_b"),
    [(30, 1000, 20, 1200), (1, 50, 7, 900), (5472, 2.4e6, 28800, 45e6)],
)
def test_rate_ratio_log_method(a: int, pop_a: float, b: int, pop_b: float) -> None:
    ratio, low, high = rate_ratio(a, pop_a, b, pop_b)
    z = sps.norm.ppf(0.975)
    se = math.sqrt(1 / a + 1 / b)
    assert ratio == pytest.approx((a / pop_a) / (b / pop_b), abs=TOL)
    assert low == pytest.approx(ratio * math.exp(-z * se), abs=TOL)
    assert high == pytest.approx(ratio * math.exp(z * se), abs=TOL)
    expected = confint_poisson_2indep(a, pop_a, b, pop_b, method="wald-log", compare="ratio")
    assert (low, high) == pytest.approx(expected, abs=TOL)


def test_rate_ratio_needs_events_in_both_groups() -> None:
    with pytest.raises(ValueError):
        rate_ratio(0, 1000, 5, 1000)
    with pytest.raises(ValueError):
        rate_ratio(5, 1000, 0, 1000)


@pytest.mark.parametrize(("a", "n1", "b", "n2"), [(30, 100, 20, 120), (3, 8, 40, 60), (9, 9, 4, 4)])
def test_proportion_ratio_matches_statsmodels_log_method(a: int, n1: int, b: int, n2: int) -> None:
    ratio, low, high = proportion_ratio(a, n1, b, n2)
    assert ratio == pytest.approx((a / n1) / (b / n2), abs=TOL)
    expected = confint_proportions_2indep(a, n1, b, n2, method="log", compare="ratio")
    assert (low, high) == pytest.approx(expected, abs=TOL)


def test_representation_ratio_is_share_supported_over_share_of_population() -> None:
    # 40 of 200 people supported are Black (20%) in an area whose population is 10% Black.
    ratio, low, high = representation_ratio(40, 200, 30_000, 300_000)
    assert ratio == pytest.approx(2.0, abs=TOL)
    se = math.sqrt(1 / 40 - 1 / 200 + 1 / 30_000 - 1 / 300_000)
    z = sps.norm.ppf(0.975)
    assert (low, high) == pytest.approx((2 * math.exp(-z * se), 2 * math.exp(z * se)), abs=TOL)


def test_proportion_ratio_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        proportion_ratio(0, 10, 3, 10)
    with pytest.raises(ValueError):
        proportion_ratio(11, 10, 3, 10)


# Published Mental Health Act example ---------------------------------------------------
# Year to March 2023: 228 detentions per 100,000 Black people against 64 per 100,000 White
# people, published as "3.5 times as likely". The published rates are themselves rounded:
# 228 / 64 = 3.5625, which rounds to 3.6, while the unrounded rates behind a published 3.5
# can be, e.g., 227.6 and 64.4 (3.53). Both constructions below give rates that round to
# the published 228 and 64; the ratio's first decimal depends on the unrounded figures.

BLACK_POPULATION = 2_400_000
WHITE_POPULATION = 45_000_000
OUTCOME = "be detained under the Mental Health Act"


@pytest.mark.parametrize(
    ("black_detentions", "white_detentions", "shown"),
    [(5472, 28_800, "3.6"), (5462, 29_000, "3.5")],
)
def test_mental_health_act_example(
    black_detentions: int, white_detentions: int, shown: str
) -> None:
    black_rate, _, _ = rate_per_100k(black_detentions, BLACK_POPULATION)
    white_rate, _, _ = rate_per_100k(white_detentions, WHITE_POPULATION)
    assert (round(black_rate), round(white_rate)) == (228, 64)
    ratio, low, high = rate_ratio(
        black_detentions, BLACK_POPULATION, white_detentions, WHITE_POPULATION
    )
    assert format_ratio(ratio) == shown
    sentence = disparity_sentence("Black people", "White people", ratio, low, high, OUTCOME)
    assert sentence is not None
    assert sentence.startswith(f"Black people were {shown} times as likely as White people to")


def test_mental_health_act_2021_22_rates() -> None:
    ratio, low, high = rate_ratio(3417, 1_000_000, 724, 1_000_000)  # 341.7 and 72.4
    assert format_ratio(ratio) == "4.7"
    assert disparity_sentence("Black people", "White people", ratio, low, high, OUTCOME) == (
        "Black people were 4.7 times as likely as White people to be detained under the "
        "Mental Health Act (95% CI 4.4 to 5.1)."
    )


# Funnel plots --------------------------------------------------------------------------


def spiegelhalter_limit(n: int, p0: float, prob: float) -> float:
    """Independent version: search the binomial cdf for the quantile, then interpolate."""
    r = 0
    while sps.binom.cdf(r, n, p0) < prob:
        r += 1
    f_r, f_below = sps.binom.cdf(r, n, p0), sps.binom.cdf(r - 1, n, p0)
    return min(1.0, max(0.0, (r - (f_r - prob) / (f_r - f_below)) / n))


@pytest.mark.parametrize("n", [1, 5, 20, 100, 750])
@pytest.mark.parametrize("p0", [0.05, 0.3, 0.5, 0.9])
def test_funnel_limits_against_scipy_binomial(n: int, p0: float) -> None:
    limits = funnel_limits(n, p0)
    probs = {"lower_99_8": 0.001, "lower_95": 0.025, "upper_95": 0.975, "upper_99_8": 0.999}
    for key, prob in probs.items():
        assert limits[key] == pytest.approx(spiegelhalter_limit(n, p0, prob), abs=TOL)
        # The interpolated limit sits between the plain quantile and the count below it.
        quantile = sps.binom.ppf(prob, n, p0)
        assert max(0, quantile - 1) / n - TOL <= limits[key] <= quantile / n + TOL
    assert limits["lower_99_8"] <= limits["lower_95"] <= p0 <= limits["upper_95"]
    assert limits["upper_95"] <= limits["upper_99_8"]


def test_funnel_limits_at_known_values() -> None:
    # n = 100, p = 0.3: the 97.5% quantile is 39 (cdf 0.9790); cdf(38) = 0.9680.
    limits = funnel_limits(100, 0.3)
    f39, f38 = sps.binom.cdf(39, 100, 0.3), sps.binom.cdf(38, 100, 0.3)
    assert limits["upper_95"] == pytest.approx((39 - (f39 - 0.975) / (f39 - f38)) / 100)
    assert 0.38 < limits["upper_95"] < 0.39


def test_funnel_limits_at_extreme_proportions() -> None:
    assert funnel_limits(50, 0.0) == {
        "lower_95": 0.0,
        "upper_95": 0.0,
        "lower_99_8": 0.0,
        "upper_99_8": 0.0,
    }
    assert set(funnel_limits(50, 1.0).values()) == {1.0}
    assert funnel_position(50, 50, 1.0) == "within"
    assert funnel_position(49, 50, 1.0) == "below 99.8%"
    with pytest.raises(ValueError):
        funnel_limits(0, 0.3)
    with pytest.raises(ValueError):
        funnel_limits(10, 1.2)


@pytest.mark.parametrize(
    ("numerator", "expected"),
    [(30, "within"), (38, "within"), (40, "above 95%"), (45, "above 99.8%"),
     (20, "below 95%"), (15, "below 99.8%")],
)  # fmt: skip
def test_funnel_position(numerator: int, expected: str) -> None:
    assert funnel_position(numerator, 100, 0.3) == expected


# Significance and sentences ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(1.1, 1.8, True), (0.5, 0.9, True), (0.9, 1.2, False), (1.0, 1.5, False)],
)
def test_is_significant(low: float, high: float, expected: bool) -> None:
    assert is_significant(low, high) is expected


def test_disparity_sentence_above_one() -> None:
    assert disparity_sentence(
        "Black service users",
        "White British service users",
        1.4,
        1.1,
        1.8,
        "say they did not get the right level of support",
    ) == (
        "Black service users were 1.4 times as likely as White British service users to say "
        "they did not get the right level of support (95% CI 1.1 to 1.8)."
    )


def test_disparity_sentence_below_one_and_not_significant() -> None:
    assert disparity_sentence("Asian carers", "White carers", 0.66, 0.5, 0.87, "be referred") == (
        "Asian carers were 0.7 times as likely as White carers to be referred (95% CI 0.5 to 0.9)."
    )
    assert disparity_sentence("Asian carers", "White carers", 1.3, 0.9, 1.8, "be referred") is None


def test_disparity_sentence_uses_two_places_near_one() -> None:
    sentence = disparity_sentence("A", "B", 1.04, 1.01, 1.07, "x", confidence=0.998)
    assert sentence == "A were 1.04 times as likely as B to x (99.8% CI 1.01 to 1.07)."


def test_format_ratio_rounds_half_up() -> None:
    assert format_ratio(3.55) == "3.6"
    assert format_ratio(3.5625) == "3.6"
    assert format_ratio(0.25) == "0.3"


def test_format_ratio_accepts_numpy_floats():
    import numpy as np

    from core.stats import format_ratio

    assert format_ratio(np.float64(3.55)) == "3.6"
