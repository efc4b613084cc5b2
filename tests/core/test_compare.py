"""Comparing regions: the national figure, ranking, funnel classification (checked against
scipy's binomial distribution) and the sentences and tables that say it in words."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from scipy import stats as sps

from core.compare import (
    POSITION_WORDS,
    STATUS_SYMBOLS,
    FunnelRegion,
    PeriodTotals,
    classify_funnel,
    direction_sentence,
    funnel_curve,
    funnel_problem,
    funnel_sentence,
    funnel_sentences,
    method_sentence,
    national_figure,
    national_period,
    rank_values,
    scale_for,
    status_table,
    text_colour,
)
from core.statuses import OKABE_ITO, PROGRESS_STATUSES

Q2 = date(2026, 7, 1)


def spiegelhalter(n: int, p0: float, prob: float) -> float:
    """The interpolated binomial limit (clipped to 0..1), worked out straight from scipy."""
    r = sps.binom.ppf(prob, n, p0)
    f_r, f_below = sps.binom.cdf(r, n, p0), sps.binom.cdf(r - 1, n, p0)
    return min(1.0, max(0.0, (r - (f_r - prob) / (f_r - f_below)) / n))


# ------------------------------------------------------------------ funnel positions


def test_thirty_in_a_hundred_against_a_fifth_is_above_the_95_limit_only() -> None:
    upper_95 = spiegelhalter(100, 0.2, 0.975)
    upper_99_8 = spiegelhalter(100, 0.2, 0.999)
    assert upper_95 < 0.30 <= upper_99_8  # scipy says so, independently of the code
    [region] = classify_funnel([("North West", 30, 100)], 0.2)
    assert region.position == "above 95%"
    assert region.words == "above the upper 95% limit"
    assert region.limits["upper_95"] == pytest.approx(upper_95, abs=1e-12)
    assert region.limits["upper_99_8"] == pytest.approx(upper_99_8, abs=1e-12)
    assert region.outside


@pytest.mark.parametrize(
    ("numerator", "denominator", "national", "expected"),
    [
        (30, 100, 0.2, "above 95%"),
        (34, 100, 0.2, "above 99.8%"),
        (20, 100, 0.2, "within"),
        (11, 100, 0.2, "below 95%"),
        (12, 100, 0.2, "within"),  # 12% is just inside the lower 95% limit (11.97%)
        (8, 100, 0.2, "below 99.8%"),
        (3, 10, 0.2, "within"),  # the same 30% in a small region is noise
        (300, 1000, 0.2, "above 99.8%"),  # ... and in a big one it is not
        (130, 1000, 0.2, "below 99.8%"),
    ],
)
def test_funnel_classification_against_scipy_binomial(
    numerator: int, denominator: int, national: float, expected: str
) -> None:
    [region] = classify_funnel([("A region", numerator, denominator)], national)
    assert region.position == expected
    value = numerator / denominator
    limits = {
        key: spiegelhalter(denominator, national, prob)
        for key, prob in {
            "lower_99_8": 0.001,
            "lower_95": 0.025,
            "upper_95": 0.975,
            "upper_99_8": 0.999,
        }.items()
    }
    # The same decision straight from scipy's binomial.
    if value > limits["upper_99_8"]:
        scipy_says = "above 99.8%"
    elif value > limits["upper_95"]:
        scipy_says = "above 95%"
    elif value < limits["lower_99_8"]:
        scipy_says = "below 99.8%"
    elif value < limits["lower_95"]:
        scipy_says = "below 95%"
    else:
        scipy_says = "within"
    assert region.position == scipy_says
    for key, limit in limits.items():
        assert region.limits[key] == pytest.approx(limit, abs=1e-12)


def test_denominators_are_rounded_to_whole_people() -> None:
    [region] = classify_funnel([("A", 30.0, 100.0000001)], 0.2)
    assert region.limits["upper_95"] == pytest.approx(spiegelhalter(100, 0.2, 0.975))
    assert region.proportion == pytest.approx(0.3)


def test_funnel_curve_narrows_and_matches_the_limits() -> None:
    curve = funnel_curve(0.2, [50, 400], scale=100, steps=30)
    assert list(curve.columns) == [
        "denominator",
        "national",
        "lower_99_8",
        "lower_95",
        "upper_95",
        "upper_99_8",
    ]
    assert curve["denominator"].min() == 40 and curve["denominator"].max() == 480
    assert curve["denominator"].is_monotonic_increasing and curve["denominator"].is_unique
    assert curve["national"].tolist() == pytest.approx([20.0] * len(curve))
    assert (curve["lower_99_8"] <= curve["lower_95"]).all()
    assert (curve["upper_95"] <= curve["upper_99_8"]).all()
    first, last = curve.iloc[0], curve.iloc[-1]
    assert last["upper_99_8"] - last["lower_99_8"] < first["upper_99_8"] - first["lower_99_8"]
    row = curve[curve["denominator"] == 480].iloc[0]
    assert row["upper_95"] == pytest.approx(100 * spiegelhalter(480, 0.2, 0.975))
    assert funnel_curve(0.2, []).empty


def test_funnel_problem_names_what_is_missing() -> None:
    assert funnel_problem([(30, 100), (5, 20)]) is None
    assert "numerator and a denominator" in funnel_problem([(30, 100), (None, 20)])
    assert "numerator and a denominator" in funnel_problem([(30, float("nan"))])
    assert "denominator of 0" in funnel_problem([(0, 0)])
    assert "larger than their denominators" in funnel_problem([(30, 20)])
    assert "No region" in funnel_problem([])


# ------------------------------------------------------------------ funnel sentences


def test_sentence_names_regions_outside_the_limits_furthest_first() -> None:
    regions = classify_funnel(
        [("London", 30, 100), ("North West", 45, 100), ("Midlands", 20, 100)], 0.2
    )
    sentences = funnel_sentences(
        regions, unit="percentage", scale=100, national_value=20, direction="increase"
    )
    nw = regions[1]
    assert sentences[0] == (
        "North West is above the upper 99.8% limit: 45% (45 of 100) against the national "
        f"20%; the 99.8% limits for a region of this size are "
        f"{100 * nw.limits['lower_99_8']:.1f}% to {100 * nw.limits['upper_99_8']:.1f}%."
    )
    assert sentences[1].startswith("London is above the upper 95% limit: 30% (30 of 100)")
    assert "the 95% limits" in sentences[1]
    assert sentences[2] == "The other 1 region is within the expected range."
    assert sentences[3] == "A higher value is better for this metric."
    assert "Midlands" not in " ".join(sentences)
    assert funnel_sentence(
        regions, unit="percentage", scale=100, national_value=20, direction="increase"
    ) == " ".join(sentences)


def test_sentence_when_every_region_is_within() -> None:
    regions = classify_funnel([("London", 21, 100), ("Midlands", 2, 10)], 0.2)
    assert funnel_sentence(regions, unit="percentage", scale=100, national_value=20) == (
        "All regions are within the expected range."
    )


def test_sentence_below_for_a_lower_is_better_metric() -> None:
    regions = classify_funnel([("South West", 5, 100), ("London", 20, 100)], 0.2)
    text = funnel_sentence(
        regions, unit="percentage", scale=100, national_value=20, direction="decrease"
    )
    assert text.startswith("South West is below the lower 99.8% limit: 5% (5 of 100)")
    assert text.endswith("A lower value is better for this metric.")


def test_position_words_cover_every_position() -> None:
    region = FunnelRegion("A", 1, 2, 0.5, "within", {})
    assert region.words == "within the expected range" and not region.outside
    assert set(POSITION_WORDS) == {
        "above 99.8%",
        "above 95%",
        "within",
        "below 95%",
        "below 99.8%",
    }


# ------------------------------------------------------------------- national figure


def totals(**fields) -> PeriodTotals:
    base = {"period": Q2, "regions": 3, "value_sum": 90.0, "value_mean": 30.0}
    return PeriodTotals(**{**base, **fields})


def test_percentage_national_figure_is_the_pooled_proportion_not_the_mean() -> None:
    # Regions: 10/100 (10%), 40/100 (40%), 80/200 (40%): mean 30%, pooled 130/400 = 32.5%.
    figure = national_figure(
        "percentage",
        totals(paired=3, numerator_sum=130, denominator_sum=400, ratio_mean=100),
        regions_total=3,
    )
    assert figure.method == "pooled"
    assert figure.proportion == pytest.approx(0.325)
    assert figure.value == pytest.approx(32.5)
    assert figure.shown == "32.5%"
    sentence = method_sentence(figure)
    assert "pooled" in sentence and "Q2 2026/27, all regions" in sentence


def test_rate_national_figure_is_pooled_at_the_rate_s_own_scale() -> None:
    figure = national_figure(
        "rate",
        totals(paired=3, numerator_sum=30, denominator_sum=60_000, ratio_mean=99_800),
        regions_total=7,
    )
    assert figure.method == "pooled" and figure.scale == 100_000
    assert figure.value == pytest.approx(50.0)
    sentence = method_sentence(figure)
    assert "shown per 100,000" in sentence and "3 of 7 regions" in sentence


def test_a_percentage_without_every_numerator_falls_back_to_the_mean_and_says_so() -> None:
    figure = national_figure(
        "percentage",
        totals(paired=2, numerator_sum=50, denominator_sum=200, ratio_mean=100),
        regions_total=3,
    )
    assert figure.method == "mean" and figure.value == 30.0 and figure.fallback
    assert method_sentence(figure).startswith("Not every region gave a numerator")


def test_count_national_figure_is_the_total_and_a_score_the_mean() -> None:
    count = national_figure("count", totals(), regions_total=3)
    assert count.method == "sum" and count.value == 90.0
    assert "total" in method_sentence(count)
    score = national_figure("score", totals(), regions_total=3)
    assert score.method == "mean" and score.value == 30.0
    assert "average (mean)" in method_sentence(score) and not score.fallback


def test_no_values_no_national_figure() -> None:
    figure = national_figure("percentage", None, regions_total=7)
    assert figure.method == "none" and figure.value is None
    assert "no national figure" in method_sentence(figure)


def test_scale_for_units() -> None:
    assert scale_for("percentage", None) == 100
    assert scale_for("rate", 1_020.0) == 1_000
    assert scale_for("rate", 95_000.0) == 100_000
    assert scale_for("rate", None) is None
    assert scale_for("count", 100.0) is None


def test_national_period_skips_a_quarter_only_one_region_has_entered() -> None:
    found = [
        totals(period=date(2026, 4, 1), regions=7),
        totals(period=date(2026, 7, 1), regions=7),
        totals(period=date(2026, 10, 1), regions=1),
    ]
    assert national_period(found).period == date(2026, 7, 1)
    found[2] = totals(period=date(2026, 10, 1), regions=4)
    assert national_period(found).period == date(2026, 10, 1)
    assert national_period([]) is None


# ------------------------------------------------------------------------ ranking


def test_ranking_higher_is_better_with_ties_sharing_a_rank() -> None:
    assert rank_values([50, 70, 70, 20, None, 60], "increase") == [4, 1, 1, 5, None, 3]


def test_ranking_lower_is_better_with_ties_sharing_a_rank() -> None:
    assert rank_values([50, 70, 70, 20, None, 20], "decrease") == [3, 4, 4, 1, None, 1]


def test_ranking_treats_float_noise_as_a_tie() -> None:
    assert rank_values([0.1 + 0.2, 0.3, float("nan")], "increase") == [1, 1, None]


def test_ranking_needs_a_direction() -> None:
    with pytest.raises(ValueError):
        rank_values([1, 2], "sideways")
    assert "highest to lowest" in direction_sentence("increase")
    assert "lowest to highest" in direction_sentence("decrease")


# ------------------------------------------------------------------- status grid


def test_status_table_puts_regions_down_and_themes_across_in_words() -> None:
    frame = pd.DataFrame(
        {
            "region_id": [2, 2, 1, 1],
            "theme": ["Workforce", "Coproduction", "Workforce", "Coproduction"],
            "status_label": ["Deterioration", "Moderate progress", "Target achieved", ""],
        }
    )
    table = status_table(
        frame, {1: "London", 2: "Midlands", 3: "No data"}, ["Coproduction", "Workforce"]
    )
    assert table.to_dict("records") == [
        {"Region": "London", "Coproduction": "", "Workforce": "Target achieved"},
        {"Region": "Midlands", "Coproduction": "Moderate progress", "Workforce": "Deterioration"},
    ]
    empty = status_table(frame.iloc[0:0], {1: "London"}, ["Workforce"])
    assert list(empty.columns) == ["Region", "Workforce"] and empty.empty


def test_every_status_has_a_symbol_and_readable_text_colour() -> None:
    assert set(STATUS_SYMBOLS) == set(PROGRESS_STATUSES)
    assert text_colour("#FFFFFF") == "#000000"
    assert text_colour(OKABE_ITO["black"]) == "#FFFFFF"
    assert text_colour(OKABE_ITO["blue"]) == "#FFFFFF"
    assert text_colour(OKABE_ITO["orange"]) == "#000000"
