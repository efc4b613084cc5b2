"""The Compare regions page's statistics, checked against numbers worked by hand (or
published): Newcombe's interval for a difference of proportions, the Wald interval for a
difference of rates, Spiegelhalter's overdispersion factor with 10% winsorising, widened
funnel limits, intervals in words and the period picker's choices."""

from __future__ import annotations

import math
from datetime import date

import pytest

from core import compare as cc
from core import compare_stats as cs
from core.periods import Period
from core.stats import (
    excludes_zero,
    funnel_limits,
    outside_more_than_chance,
    overdispersion_factor,
    pearson_residual,
    proportion_difference,
    rate_difference,
    widen_limits,
)


def test_newcombe_difference_matches_his_published_example() -> None:
    # Newcombe (1998) Table II, 56/70 against 48/80: difference 0.2, method 10 gives
    # 0.0524 to 0.3339.
    d, low, high = proportion_difference(56, 70, 48, 80)
    assert d == pytest.approx(0.2)
    assert low == pytest.approx(0.0524, abs=5e-5)
    assert high == pytest.approx(0.3339, abs=5e-5)
    assert excludes_zero(low, high)


def test_rate_difference_is_the_wald_interval() -> None:
    # 20 in 1,000 against 10 in 1,000: d = 0.01, se = sqrt(20/1e6 + 10/1e6) = 0.0054772,
    # 1.96 se = 0.0107352, so -0.0007352 to 0.0207352: it includes 0.
    d, low, high = rate_difference(20, 1000, 10, 1000)
    assert d == pytest.approx(0.01)
    assert low == pytest.approx(-0.0007352, abs=1e-7)
    assert high == pytest.approx(0.0207352, abs=1e-7)
    assert not excludes_zero(low, high)


def test_pearson_residual_by_hand() -> None:
    # 30 of 100 against 20%: (0.3 - 0.2) / sqrt(0.2 * 0.8 / 100) = 0.1 / 0.04 = 2.5.
    assert pearson_residual(30, 100, 0.2) == pytest.approx(2.5)
    with pytest.raises(ValueError):
        pearson_residual(1, 10, 0.0)


def test_overdispersion_factor_winsorises_ten_percent_each_side() -> None:
    # Seven residuals -3..3: the 10th percentile is at position 0.6 (-3 + 0.6 = -2.4),
    # the 90th at 5.4 (2.4). Winsorised: -2.4 -2 -1 0 1 2 2.4, squares add to
    # 5.76 + 4 + 1 + 0 + 1 + 4 + 5.76 = 21.52, over 7 = 3.074286.
    assert overdispersion_factor([3, -1, 0, -3, 2, 1, -2]) == pytest.approx(21.52 / 7)
    # Ten residuals 1..10: 10th percentile 1.9, 90th 9.1; squares 3.61 + (4 + ... + 81 =
    # 284) + 82.81 = 370.42, over 10 = 37.042.
    assert overdispersion_factor(list(range(1, 11))) == pytest.approx(37.042)
    # One residual: nothing to winsorise, phi is its square.
    assert overdispersion_factor([1.5]) == pytest.approx(2.25)


def test_limits_widen_by_the_square_root_of_phi_only_above_one() -> None:
    limits = {"lower_99_8": 0.2, "lower_95": 0.4, "upper_95": 0.6, "upper_99_8": 0.8}
    # phi 4: twice as far from 0.5.
    assert widen_limits(limits, 0.5, 4.0) == pytest.approx(
        {"lower_99_8": 0.0, "lower_95": 0.3, "upper_95": 0.7, "upper_99_8": 1.0}
    )
    assert widen_limits(limits, 0.5, 0.6) == limits
    # Clipped to 0..1.
    assert widen_limits(limits, 0.5, 9.0)["upper_99_8"] == 1.0


def test_more_outside_than_chance() -> None:
    assert outside_more_than_chance(7, 7)
    # 2 of 7 beyond the 95% limits: P(X >= 2) = 1 - 0.95^7 - 7(0.05)(0.95^6) = 0.0444.
    assert outside_more_than_chance(2, 7)
    assert not outside_more_than_chance(1, 7)
    assert not outside_more_than_chance(1, 1)
    assert not outside_more_than_chance(0, 7)


def test_classify_funnel_with_phi_brings_a_region_within() -> None:
    rows = [("A", 30.0, 100.0), ("B", 10.0, 100.0), ("C", 20.0, 100.0)]
    plain = cc.classify_funnel(rows, 0.2)
    assert plain[0].position == "above 95%"
    wide = cc.classify_funnel(rows, 0.2, phi=4.0)
    base = funnel_limits(100, 0.2)
    assert wide[0].limits["upper_95"] == pytest.approx(0.2 + 2 * (base["upper_95"] - 0.2))
    assert [r.position for r in wide] == ["within"] * 3
    curve = cc.funnel_curve(0.2, [100], phi=4.0)
    at_100 = curve[curve["denominator"] == 100].iloc[0]
    assert at_100["upper_95"] == pytest.approx(wide[0].limits["upper_95"])


def test_dispersion_in_words() -> None:
    # Every region far from 20%: residuals 5, -5, 5, -5 (p = 0.4, 0.0, 0.4, 0.0 at n = 100).
    rows = [(40.0, 100.0), (0.0, 100.0), (40.0, 100.0), (0.0, 100.0)]
    found = cs.dispersion(rows, 0.2, outside=4)
    assert found is not None
    assert found.phi == pytest.approx(25.0)
    sentence = cs.dispersion_sentence(found)
    assert sentence is not None and sentence.startswith("Every region (4 of 4) falls outside")
    assert "Allow for extra variation between regions" in sentence
    calm = cs.Dispersion(phi=0.8, outside=0, total=7)
    assert cs.dispersion_sentence(calm) is None
    assert "not widened" in cs.adjusted_sentence(0.8)
    assert "5.0 times as far" in cs.adjusted_sentence(25.0)
    assert cs.dispersion(rows, 0.0, outside=4) is None


def test_value_interval_and_words() -> None:
    # Wilson for 30 of 100, z = 1.959964: centre (0.3 + z^2/200) / (1 + z^2/100) =
    # 0.307399, half-width z sqrt(0.0021 + z^2/40000) / 1.0384146 = 0.088450, so
    # 21.895% to 39.585%.
    low, high = cs.value_interval("percentage", 30, 100, 100.0)  # type: ignore[misc]
    assert (low, high) == pytest.approx((21.895, 39.585), abs=1e-3)
    assert cs.with_interval(30.0, (low, high), "percentage") == "30% (21.9% to 39.6%)"
    # A rate: exact Poisson for 4 events (1.0899 to 10.2416) per 1,000 of 2,000.
    rate = cs.value_interval("rate", 4, 2000, 1000.0)
    assert rate == pytest.approx((1.0899 / 2, 10.2416 / 2), abs=1e-3)
    assert cs.value_interval("count", 4, 10, None) is None
    assert cs.value_interval("percentage", None, 100, 100.0) is None  # hidden count
    assert cs.value_interval("percentage", 12, 10, 100.0) is None  # not a share
    assert cs.with_interval(12.5, None, "score") == "12.5"
    assert cs.with_interval(math.nan, None, "score") == ""


def test_change_between_two_periods() -> None:
    # 48/80 (60%) then 56/70 (80%): up 20 points, 5.24 to 33.39: more than chance.
    change = cs.change_between("percentage", (60.0, 48, 80), (80.0, 56, 70), 100.0)
    assert change is not None
    assert change.difference == pytest.approx(20.0)
    assert (change.low, change.high) == pytest.approx((5.24, 33.39), abs=5e-3)
    assert change.beyond_chance is True
    words = cs.change_sentence(change, "percentage", "Q1 2025/26", "Q2 2025/26")
    assert words.startswith("From Q1 2025/26 to Q2 2025/26 the value went up by 20 percentage")
    assert words.endswith("The change is larger than chance alone would explain.")
    small = cs.change_between("percentage", (50.0, 10, 20), (60.0, 12, 20), 100.0)
    assert small is not None and small.beyond_chance is False
    assert cs.change_sentence(small, "percentage", "a", "b").endswith("could be chance.")
    # A count (or hidden counts): the difference alone, no verdict.
    plain = cs.change_between("count", (4.0, None, None), (7.0, None, None), None)
    assert plain == cs.Change(3.0)
    assert plain.beyond_chance is None
    hidden = cs.change_between("percentage", (60.0, None, None), (80.0, 56, 70), 100.0)
    assert hidden is not None and hidden.beyond_chance is None
    assert "cannot say" in cs.change_sentence(hidden, "percentage", "a", "b")
    assert cs.change_between("percentage", (None, 1, 2), (80.0, 56, 70), 100.0) is None


def test_period_choices_read_back_as_periods() -> None:
    quarters = [date(2024, 4, 1), date(2024, 7, 1), date(2025, 4, 1), date(2024, 7, 1)]
    choices = cs.period_choices(quarters)
    assert choices == [
        "Latest",
        "Q1 2025/26",
        "Q2 2024/25",
        "Q1 2024/25",
        "2025/26",
        "2024/25",
    ]
    assert cs.chosen_period("Latest") is None
    assert cs.chosen_period("2024/25") == Period(date(2024, 4, 1), "year")
    assert cs.chosen_period("2024/25").end == date(2025, 4, 1)  # type: ignore[union-attr]
    assert cs.chosen_period("Q2 2024/25") == Period(date(2024, 7, 1))


def test_units_in_words() -> None:
    assert cs.unit_title("percentage") == "Percentage (%)"
    assert cs.unit_title("rate", 1000.0) == "Rate per 1,000"
    assert cs.unit_title("count") == "Number"
    assert cs.unit_title("score", None, "Average days to respond") == "Days"
    assert cs.value_heading("score", None, "Average days to respond") == "Value (days)"
    assert cs.value_heading("score", None, "Wellbeing score") == "Value"
    assert cs.value_heading("rate", 100_000.0) == "Value (rate per 100,000)"
