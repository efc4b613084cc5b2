"""Worked examples for the Open SDG progress measure, with the arithmetic in comments.

Most examples use two points two years apart, Q1 2020/21 (2020.25) and Q1 2022/23
(2022.25), so the observed growth is sqrt(current / base) - 1. Targets are due in
Q1 2030/31 (2030.25), ten years after the base.
"""

from __future__ import annotations

import math

import pytest

from core.progress import (
    STATUS_LABELS,
    ProgressResult,
    apply_manual_status,
    combine,
    format_value,
    limit_coefficient,
    measure,
    score_with_target,
    score_without_target,
    status_from_score,
    status_with_target,
    status_without_target,
)

T0, T1, DUE = 2020.25, 2022.25, 2030.25
# A target needing exactly 10% growth a year from 100: 100 * 1.1^10 = 259.37...
UP_TARGET = 100 * 1.1**10
# A target needing exactly 10% fall a year from 100: 100 * 0.9^10 = 34.87...
DOWN_TARGET = 100 * 0.9**10
# c for a base 90% of the way to its limit: 1 - 0.9^4.44 = 1 - e^(4.44 * -0.10536)
#   = 1 - e^-0.46780 = 1 - 0.62638 = 0.37362
C_90 = 0.37362
# 1 / 0.37362 = 2.67650, used by several scores below.


def two(base: float, current: float, **kwargs: object) -> ProgressResult:
    return measure([(T0, base), (T1, current)], **kwargs)  # type: ignore[arg-type]


# --- with a target --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "status", "progress", "score"),
    [
        # sqrt(121/100) - 1 = 0.1; required 0.1; P = 0.1 / 0.1 = 1.0
        # score = 7.1429 * 1.0 - 4.2857 = 2.8572
        (121, "substantial_progress", 1.0, 2.8572),
        # sqrt(116.64/100) - 1 = 1.08 - 1 = 0.08; P = 0.8; score = 5.71432 - 4.2857 = 1.42862
        (116.64, "moderate_progress", 0.8, 1.42862),
        # sqrt(110.25/100) - 1 = 0.05; P = 0.5 (< 0.6); score = 4.1667 * 0.5 - 2.5 = -0.41665
        (110.25, "limited_progress", 0.5, -0.41665),
        # sqrt(90.25/100) - 1 = -0.05; P = -0.5; score = -2.08335 - 2.5 = -4.58335
        (90.25, "deterioration", -0.5, -4.58335),
    ],
)
def test_each_status_with_a_target(
    current: float, status: str, progress: float, score: float
) -> None:
    result = two(100, current, direction="increase", target=UP_TARGET, target_year=DUE)
    assert result.status == status
    assert result.progress == pytest.approx(progress)
    assert result.score == pytest.approx(score)
    assert not result.target_achieved


def test_target_achieved_when_increase_is_better() -> None:
    # 260 >= 259.37: achieved, score 5 whatever the trend.
    result = two(100, 260, direction="increase", target=UP_TARGET, target_year=DUE)
    assert result.status == "target_achieved"
    assert result.target_achieved
    assert result.score == 5
    # Exactly on the target counts as reached.
    assert two(100, 120, direction="increase", target=120, target_year=DUE).target_achieved


def test_target_achieved_when_decrease_is_better() -> None:
    # 30 <= 34.87: achieved.
    result = two(100, 30, direction="decrease", target=DOWN_TARGET, target_year=DUE)
    assert result.status == "target_achieved"
    assert result.score == 5
    # 40 > 34.87 is not.
    short = two(100, 40, direction="decrease", target=DOWN_TARGET, target_year=DUE)
    assert not short.target_achieved


def test_target_achieved_wins_over_too_little_data() -> None:
    # Only half a year of data, but the latest value is already past the target.
    result = measure(
        [(2024.25, 30), (2024.75, 41)], direction="increase", target=40, target_year=2027.25
    )
    assert result.status == "target_achieved"
    assert result.progress is None


def test_decrease_is_better_with_a_target() -> None:
    # sqrt(81/100) - 1 = -0.1; required (34.87/100)^(1/10) - 1 = -0.1
    # P = sign * dir * CAGR_o / |CAGR_r| = 1 * -1 * -0.1 / 0.1 = 1.0 -> substantial
    good = two(100, 81, direction="decrease", target=DOWN_TARGET, target_year=DUE)
    assert good.status == "substantial_progress"
    assert good.progress == pytest.approx(1.0)
    # sqrt(121/100) - 1 = 0.1; P = -1 * 0.1 / 0.1 = -1.0
    # score = max(4.1667 * -1 - 2.5, -5) = max(-6.6667, -5) = -5
    bad = two(100, 121, direction="decrease", target=DOWN_TARGET, target_year=DUE)
    assert bad.status == "deterioration"
    assert bad.progress == pytest.approx(-1.0)
    assert bad.score == -5


def test_base_already_past_the_target_then_slipping_back() -> None:
    # Increase is better; base 45 already beats the target of 40 but the latest is 38.
    # required = (40/45)^(1/10) - 1 = -0.011709; observed = sqrt(38/45) - 1 = -0.081064
    # P = 1 * 1 * -0.081064 / 0.011709 = -6.923 -> deterioration, score clamped to -5
    result = two(45, 38, direction="increase", target=40, target_year=DUE)
    assert result.status == "deterioration"
    assert result.progress == pytest.approx(-0.081064 / 0.011709, rel=1e-3)
    assert result.score == -5


def test_target_equal_to_base_and_moving_away() -> None:
    # Required growth is 0, so P would be minus infinity: deterioration, score -5.
    result = two(100, 99, direction="increase", target=100, target_year=DUE)
    assert result.status == "deterioration"
    assert result.score == -5
    assert result.progress is None


def test_limit_is_ignored_when_there_is_a_target() -> None:
    with_limit = two(90, 95, direction="increase", target=100, target_year=DUE, limit=100)
    without = two(90, 95, direction="increase", target=100, target_year=DUE)
    assert with_limit == without


# --- without a target -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "status", "progress", "score"),
    [
        # 100 * 1.0175^2 = 103.530625 -> P = 0.0175 >= 0.015; score = 500 * 0.0175 - 5 = 3.75
        (103.530625, "substantial_progress", 0.0175, 3.75),
        # 100 * 1.01^2 = 102.01 -> P = 0.01; score = 250 * 0.01 - 1.25 = 1.25
        (102.01, "moderate_progress", 0.01, 1.25),
        # 100 * 1.0025^2 = 100.500625 -> P = 0.0025; score = 500 * 0.0025 - 2.5 = -1.25
        (100.500625, "limited_progress", 0.0025, -1.25),
        # 100 * 0.99^2 = 98.01 -> P = -0.01; score = 125 * -0.01 - 2.5 = -3.75
        (98.01, "deterioration", -0.01, -3.75),
        # No change: P = 0 -> limited; score = 500 * 0 - 2.5 = -2.5
        (100, "limited_progress", 0.0, -2.5),
    ],
)
def test_each_status_without_a_target(
    current: float, status: str, progress: float, score: float
) -> None:
    result = two(100, current, direction="increase")
    assert result.status == status
    assert result.progress == pytest.approx(progress, abs=1e-12)
    assert result.score == pytest.approx(score)


def test_scores_without_a_target_are_clamped() -> None:
    # sqrt(1.21) - 1 = 0.1 -> 500 * 0.1 - 5 = 45 -> 5
    assert two(100, 121, direction="increase").score == 5
    # sqrt(0.81) - 1 = -0.1 -> 125 * -0.1 - 2.5 = -15 -> -5
    assert two(100, 81, direction="increase").score == -5


def test_decrease_is_better_without_a_target() -> None:
    # sqrt(98.01/100) - 1 = -0.01; P = 1 * -1 * -0.01 = 0.01 -> moderate, score 1.25
    result = two(100, 98.01, direction="decrease")
    assert result.status == "moderate_progress"
    assert result.progress == pytest.approx(0.01)
    assert result.score == pytest.approx(1.25)


# --- natural limits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "limit", "expected"),
    [
        (90, 100, 0.37362),  # base <= limit: 1 - (90/100)^4.44
        (50, 100, 0.95393),  # 1 - 0.5^4.44 = 1 - e^(-3.07757) = 1 - 0.04607
        (11, 10, 0.37362),  # limit < base < 2 limit: 1 - ((20 - 11)/10)^4.44 = 1 - 0.9^4.44
        (20, 10, 1.0),  # base >= 2 limit
        (25, 10, 1.0),
        (100, 100, 0.0),  # base on the limit
        (0, 0, 1.0),  # checked first, so no division by zero
    ],
)
def test_limit_coefficient(base: float, limit: float, expected: float) -> None:
    assert limit_coefficient(base, limit) == pytest.approx(expected, abs=1e-5)


def test_limit_below_base_is_a_ceiling_for_an_increase() -> None:
    # Branch base <= limit. Base 90, limit 100, c = 0.37362.
    # 90 * 1.004^2 = 90.72144 -> P = 0.004. Thresholds: high 0.015c = 0.005604,
    # med 0.005c = 0.001868, so 0.004 is moderate (it would be limited without the limit).
    # score = 250 * 0.004 / c - 1.25 = 1 / 0.37362 - 1.25 = 2.67650 - 1.25 = 1.42650
    result = two(90, 90 * 1.004**2, direction="increase", limit=100)
    assert result.status == "moderate_progress"
    assert result.score == pytest.approx(1.42650, abs=1e-4)
    assert two(90, 90 * 1.004**2, direction="increase").status == "limited_progress"


def test_limit_far_away_barely_changes_the_thresholds() -> None:
    # Base 50, limit 100, c = 0.95393; high = 0.015c = 0.014309.
    # 50 * 1.0145^2 -> P = 0.0145 >= 0.014309 -> substantial
    # score = 500 * 0.0145 / 0.95393 - 5 = 7.25 / 0.95393 - 5 = 7.60014 - 5 = 2.60014
    result = two(50, 50 * 1.0145**2, direction="increase", limit=100)
    assert result.status == "substantial_progress"
    assert result.score == pytest.approx(2.60014, abs=1e-4)


def test_floor_just_below_base_for_a_decrease() -> None:
    # Branch limit < base < 2 limit. Base 11, floor 10: c = 1 - 0.9^4.44 = 0.37362.
    # 11 * 0.996^2 = 10.912176 -> observed -0.004, P = -1 * -0.004 = 0.004 -> moderate
    # score = 1 / 0.37362 - 1.25 = 1.42650
    result = two(11, 11 * 0.996**2, direction="decrease", limit=10)
    assert result.status == "moderate_progress"
    assert result.score == pytest.approx(1.42650, abs=1e-4)


def test_floor_far_below_base_for_a_decrease() -> None:
    # Branch base >= 2 limit: base 25, floor 10, c = 1.
    # 25 * 0.996^2 = 24.8004 -> P = 0.004 -> limited; score = 500 * 0.004 - 2.5 = -0.5
    result = two(25, 25 * 0.996**2, direction="decrease", limit=10)
    assert result.status == "limited_progress"
    assert result.score == pytest.approx(-0.5)


def test_base_on_the_limit_c_is_zero() -> None:
    # c = 0 makes every positive threshold 0: holding at the limit (P = 0) or going past
    # it is substantial with a score of 5; falling back is scored as usual.
    held = two(100, 100, direction="increase", limit=100, unit="percentage")
    assert held.status == "substantial_progress"
    assert held.score == 5
    assert "limit of 100%" in held.explanation
    assert two(100, 101, direction="increase", limit=100).score == 5
    # 98.01 -> P = -0.01 -> deterioration, score = 125 * -0.01 - 2.5 = -3.75
    fell = two(100, 98.01, direction="increase", limit=100)
    assert fell.status == "deterioration"
    assert fell.score == pytest.approx(-3.75)
    # A floor works the same way for a decrease.
    assert two(10, 10, direction="decrease", limit=10).status == "substantial_progress"


def test_limit_against_the_good_direction_is_ignored() -> None:
    # A ceiling of 100 does not hold back a metric where a decrease is better: c = 1.
    # 90 * 0.996^2 -> P = 0.004 -> limited, score -0.5 (not moderate as with c = 0.37362)
    result = two(90, 90 * 0.996**2, direction="decrease", limit=100)
    assert result.status == "limited_progress"
    assert result.score == pytest.approx(-0.5)
    # Nor does a floor of 10 under a metric where an increase is better.
    assert two(11, 11 * 1.004**2, direction="increase", limit=10).score == pytest.approx(-0.5)


# --- sign, zeros ----------------------------------------------------------------------


def test_negative_base_flips_the_sign() -> None:
    # -100 -> -98.01 is an increase. Ratio 0.9801, observed sqrt(0.9801) - 1 = -0.01;
    # P = sign * dir * CAGR_o = -1 * 1 * -0.01 = 0.01 -> moderate, score 1.25
    result = two(-100, -98.01, direction="increase")
    assert result.progress == pytest.approx(0.01)
    assert result.status == "moderate_progress"
    assert result.score == pytest.approx(1.25)
    # The same move is a deterioration when a decrease is better: P = -1 * -1 * -0.01
    assert two(-100, -98.01, direction="decrease").status == "deterioration"


def test_negative_base_with_a_target() -> None:
    # Target -34.87 from -100 (increase is better), latest -81.
    # observed sqrt(0.81) - 1 = -0.1; required (0.3487)^(1/10) - 1 = -0.1
    # P = -1 * 1 * -0.1 / 0.1 = 1.0 -> substantial, score 2.8572
    result = two(-100, -81, direction="increase", target=-DOWN_TARGET, target_year=DUE)
    assert result.status == "substantial_progress"
    assert result.progress == pytest.approx(1.0)
    assert result.score == pytest.approx(2.8572)


def test_zero_base_is_replaced() -> None:
    # Base 0 -> 0.001: observed sqrt(1 / 0.001) - 1 = sqrt(1000) - 1 = 30.6228
    result = two(0, 1, direction="increase")
    assert result.progress == pytest.approx(math.sqrt(1000) - 1)
    assert result.status == "substantial_progress"
    assert result.score == 5
    # With a target of 10: required (10 / 0.001)^(1/10) - 1 = 10^0.4 - 1 = 1.511886
    # P = 30.6228 / 1.511886 = 20.2547
    targeted = two(0, 1, direction="increase", target=10, target_year=DUE)
    assert targeted.progress == pytest.approx(30.6228 / 1.511886, rel=1e-5)
    assert targeted.base_value == 0  # the result reports the real value


def test_zero_target_is_replaced() -> None:
    # Decrease from 10 towards 0 -> 0.001: required (0.001/10)^(1/10) - 1
    #   = (1e-4)^0.1 - 1 = 10^-0.4 - 1 = 0.398107 - 1 = -0.601893
    # Latest 8.1: observed sqrt(0.81) - 1 = -0.1; P = -1 * -0.1 / 0.601893 = 0.166142
    # score = 4.1667 * 0.166142 - 2.5 = 0.692264 - 2.5 = -1.807736
    result = two(10, 8.1, direction="decrease", target=0, target_year=DUE)
    assert result.progress == pytest.approx(0.166142, rel=1e-5)
    assert result.status == "limited_progress"
    assert result.score == pytest.approx(-1.807736, rel=1e-5)


def test_zero_target_below_a_negative_base_keeps_the_sign() -> None:
    # Increase from -10 towards 0 -> -0.001 (the base's sign): same numbers as above.
    result = two(-10, -8.1, direction="increase", target=0, target_year=DUE)
    assert result.progress == pytest.approx(0.166142, rel=1e-5)
    assert result.status == "limited_progress"


# --- not available and refused ----------------------------------------------------------


def test_less_than_one_year_is_not_available() -> None:
    result = measure([(2024.25, 10), (2025.0, 12)], direction="increase")
    assert result.status == "not_available"
    assert result.score is None
    assert result.progress is None
    assert "one year apart" in result.explanation
    assert result.label == "Not enough data yet"


def test_exactly_one_year_is_enough() -> None:
    # Q1 2024/25 to Q1 2025/26. 10 -> 10.1: P = 0.01 -> moderate
    quarterly = measure([(2024.25, 10), (2025.25, 10.1)], direction="increase")
    assert quarterly.status == "moderate_progress"
    # Monthly times carry float noise (2024 + 5/12); one year still counts.
    monthly = measure([(2024 + 5 / 12, 10), (2025 + 5 / 12, 10.1)], direction="increase")
    assert monthly.status == "moderate_progress"


def test_opposite_signs_are_not_available() -> None:
    assert two(5, -2, direction="increase").status == "not_available"
    assert two(-5, 2, direction="increase").status == "not_available"
    result = two(5, -2, direction="increase", target=10, target_year=DUE)
    assert result.status == "not_available"
    assert "zero" in result.explanation
    # A reached target still counts: 5 -> -2 passes a target of -1 when lower is better.
    reached = two(5, -2, direction="decrease", target=-1, target_year=DUE)
    assert reached.status == "target_achieved"


def test_no_value_at_or_after_the_baseline_is_not_available() -> None:
    points = [(2020.25, 10), (2021.25, 11), (2022.25, 12)]
    result = measure(points, direction="increase", base_year=2023.25)
    assert result.status == "not_available"
    assert "2023/24" in result.explanation


def test_no_values_at_all_is_not_available() -> None:
    assert measure([], direction="increase").status == "not_available"
    assert measure([(2020.25, None)], direction="increase").status == "not_available"


def test_target_other_side_of_zero_or_before_the_base_is_not_available() -> None:
    across_zero = two(10, 12, direction="decrease", target=-5, target_year=DUE)
    assert across_zero.status == "not_available"
    assert "other side of zero" in across_zero.explanation
    late_start = two(10, 12, direction="increase", target=20, target_year=2019.25)
    assert late_start.status == "not_available"


def test_base_is_the_first_value_at_or_after_the_baseline() -> None:
    # Base year 2021.0 has no value; the next is 100 at 2021.25.
    # 100 -> 102.01 over two years: P = 0.01 -> moderate
    points = [(2020.25, 50), (2021.25, 100), (2023.25, 102.01)]
    for base_year in (2021.0, 2021.25):
        result = measure(points, direction="increase", base_year=base_year)
        assert result.base_year == 2021.25
        assert result.base_value == 100
        assert result.status == "moderate_progress"


def test_points_are_sorted_and_gaps_skipped() -> None:
    points = [(2022.25, 102.01), (2021.25, None), (2020.25, 100), (2021.75, float("nan"))]
    result = measure(points, direction="increase")
    assert result.progress == pytest.approx(0.01)


@pytest.mark.parametrize("direction", [None, "", "up", "Increase"])
def test_a_metric_without_a_direction_is_refused(direction: str | None) -> None:
    with pytest.raises(ValueError, match="direction"):
        two(100, 102, direction=direction)


def test_a_target_without_a_date_is_refused() -> None:
    with pytest.raises(ValueError, match="target date"):
        two(100, 102, direction="increase", target=120)


def test_two_values_for_one_period_are_refused() -> None:
    with pytest.raises(ValueError, match="same period"):
        measure([(2020.25, 1), (2020.25, 2), (2022.25, 3)], direction="increase")


# --- score and status boundaries ------------------------------------------------------


def test_score_with_target_at_the_boundaries() -> None:
    # P = 0.95: 7.1429 * 0.95 - 4.2857 = 6.785755 - 4.2857 = 2.500055
    assert score_with_target(0.95) == pytest.approx(2.500055)
    # P = 0.6: 7.1429 * 0.6 - 4.2857 = 4.28574 - 4.2857 = 0.00004
    assert score_with_target(0.6) == pytest.approx(0.00004, abs=1e-9)
    # Just below 0.6 uses the other line: 4.1667 * 0.6 - 2.5 = 0.00002
    assert score_with_target(0.6 - 1e-12) == pytest.approx(0.00002, abs=1e-9)
    # P = 0: -2.5; P = 1.3: 5.00007 -> 5; P = -0.6: -5.00002 -> -5
    assert score_with_target(0) == pytest.approx(-2.5)
    assert score_with_target(1.3) == 5
    assert score_with_target(-0.6) == -5


def test_status_with_target_at_the_boundaries() -> None:
    assert status_with_target(0.95) == "substantial_progress"
    assert status_with_target(0.9499) == "moderate_progress"
    assert status_with_target(0.6) == "moderate_progress"
    assert status_with_target(0.5999) == "limited_progress"
    assert status_with_target(0) == "limited_progress"
    assert status_with_target(-0.0001) == "deterioration"


def test_score_without_target_at_the_boundaries() -> None:
    assert score_without_target(0.015) == pytest.approx(2.5)  # 500 * 0.015 - 5
    assert score_without_target(0.005) == pytest.approx(0)  # 250 * 0.005 - 1.25
    assert score_without_target(0) == pytest.approx(-2.5)  # 500 * 0 - 2.5
    assert score_without_target(0.02) == pytest.approx(5)  # 500 * 0.02 - 5
    assert score_without_target(-0.02) == pytest.approx(-5)  # 125 * -0.02 - 2.5
    assert score_without_target(0, coefficient=0) == 5
    # With c = 0.5 the thresholds halve: 0.0075 scores 500 * 0.0075 / 0.5 - 5 = 2.5
    assert score_without_target(0.0075, coefficient=0.5) == pytest.approx(2.5)


def test_status_without_target_at_the_boundaries() -> None:
    assert status_without_target(0.015) == "substantial_progress"
    assert status_without_target(0.0149) == "moderate_progress"
    assert status_without_target(0.005) == "moderate_progress"
    assert status_without_target(0.0049) == "limited_progress"
    assert status_without_target(0) == "limited_progress"
    assert status_without_target(-1e-9) == "deterioration"
    assert status_without_target(0, coefficient=0) == "substantial_progress"


def test_status_from_score_bands() -> None:
    assert status_from_score(5) == "substantial_progress"
    assert status_from_score(2.5) == "substantial_progress"
    assert status_from_score(2.4999) == "moderate_progress"
    assert status_from_score(0) == "moderate_progress"
    assert status_from_score(-0.0001) == "limited_progress"
    assert status_from_score(-2.5) == "limited_progress"
    assert status_from_score(-2.5001) == "deterioration"


# --- combining ------------------------------------------------------------------------


def test_combine_mixed_series() -> None:
    on_track = two(100, 121, direction="increase", target=UP_TARGET, target_year=DUE)  # 2.8572
    worse = two(100, 98.01, direction="increase")  # -3.75
    reached = two(100, 260, direction="increase", target=UP_TARGET, target_year=DUE)  # 5
    missing = measure([(2024.25, 1)], direction="increase")  # left out
    # mean = (2.8572 - 3.75 + 5) / 3 = 4.1072 / 3 = 1.369067 -> moderate
    result = combine([on_track, worse, reached, missing])
    assert result.score == pytest.approx(1.369067)
    assert result.status == "moderate_progress"
    assert not result.target_achieved
    assert "3 measures" in result.explanation
    assert "1 more not counted" in result.explanation


def test_combine_all_achieved() -> None:
    a = two(100, 260, direction="increase", target=UP_TARGET, target_year=DUE)
    b = two(100, 30, direction="decrease", target=DOWN_TARGET, target_year=DUE)
    missing = measure([], direction="increase")
    result = combine([a, b, missing])
    assert result.status == "target_achieved"
    assert result.score == 5


def test_combine_nothing_available() -> None:
    missing = measure([], direction="increase")
    result = combine([missing, missing])
    assert result.status == "not_available"
    assert result.score is None
    assert combine([]).status == "not_available"


def test_combine_leaves_out_manual_statuses() -> None:
    worse = two(100, 98.01, direction="increase")  # -3.75
    manual = apply_manual_status(two(100, 121, direction="increase"), "deterioration", "x")
    result = combine([worse, manual])
    assert result.score == pytest.approx(-3.75)
    assert result.status == "deterioration"


# --- manual status --------------------------------------------------------------------


def test_manual_status_overrides_the_calculation() -> None:
    calculated = two(100, 121, direction="increase")
    assert calculated.status == "substantial_progress"
    reason = "The survey changed in 2023/24, so the figures are not comparable"
    result = apply_manual_status(calculated, "not_available", reason)
    assert result.status == "not_available"
    assert result.score is None
    assert result.is_manual
    assert result.manual_reason == reason
    assert result.explanation == reason + "."
    assert result.current_value == 121  # the data stays


def test_manual_status_needs_a_known_status_and_a_reason() -> None:
    calculated = two(100, 121, direction="increase")
    with pytest.raises(ValueError, match="status"):
        apply_manual_status(calculated, "on_track", "Because.")
    with pytest.raises(ValueError, match="reason"):
        apply_manual_status(calculated, "deterioration", "  ")


# --- explanations ---------------------------------------------------------------------


def test_explanation_projects_the_year_the_target_is_reached() -> None:
    # 30% -> 33% over two years; the target is 40% by Q1 2028/29 (2028.25).
    # reached = 2023.25 + 2 * ln(40/30) / ln(33/30) = 2023.25 + 2 * 0.287682 / 0.095310
    #   = 2023.25 + 6.0367 = 2029.29 (April 2029) -> 2029/30, one year after 2028/29
    result = measure(
        [(2023.25, 30), (2025.25, 33)],
        direction="increase",
        target=40,
        target_year=2028.25,
        unit="percentage",
    )
    assert result.explanation == (
        "At the current rate the target of 40% would be reached in 2029/30, "
        "one year after the target date (2028/29)."
    )


def test_explanation_ahead_of_the_target_date() -> None:
    # 30 -> 36: reached = 2023.25 + 2 * ln(4/3) / ln(1.2) = 2023.25 + 2 * 0.287682 / 0.182322
    #   = 2023.25 + 3.1557 = 2026.41 (May 2026) -> 2026/27
    points = [(2023.25, 30), (2025.25, 36)]
    early = measure(points, direction="increase", target=40, target_year=2030.25)
    assert early.explanation.endswith("in 2026/27, ahead of the target date (2030/31).")
    # Due at the start of 2026/27 (2026.25), reached in May 2026: just after, same year.
    late = measure(points, direction="increase", target=40, target_year=2026.25)
    assert late.explanation.endswith("in 2026/27, just after the target date.")


def test_explanation_when_the_target_is_very_far_off() -> None:
    result = two(100, 100.01, direction="increase", target=200, target_year=DUE)
    assert "more than 50 years" in result.explanation


def test_explanation_moving_away_from_the_target() -> None:
    result = measure(
        [(2023.25, 30), (2025.25, 25)],
        direction="increase",
        target=40,
        target_year=2028.25,
        unit="percentage",
    )
    assert result.status == "deterioration"
    assert result.explanation == (
        "Moving away from the target of 40%: it went from 30% to 25% since 2023/24."
    )


def test_explanation_target_reached_names_the_year() -> None:
    result = two(100, 260, direction="increase", target=UP_TARGET, target_year=DUE)
    assert result.explanation == (
        "The target of 259.37 has been reached: the latest value is 260 (2022/23)."
    )


def test_explanations_without_a_target() -> None:
    assert two(100, 102.01, direction="increase").explanation == (
        "Improving: it went from 100 to 102.01 since 2020/21."
    )
    assert two(100, 98.01, direction="increase").explanation.startswith("Getting worse")
    assert two(100, 100, direction="increase").explanation == (
        "No change since 2020/21: it is still 100."
    )


def test_every_explanation_is_one_plain_sentence() -> None:
    results = [
        two(100, 121, direction="increase", target=UP_TARGET, target_year=DUE),
        two(100, 90.25, direction="increase", target=UP_TARGET, target_year=DUE),
        two(100, 103.5, direction="increase"),
        two(5, -2, direction="increase"),
        measure([], direction="decrease"),
        combine([two(100, 102, direction="increase")]),
    ]
    for result in results:
        assert result.explanation
        assert result.explanation.endswith(".")
        assert "CAGR" not in result.explanation
        assert result.label == STATUS_LABELS[result.status]


def test_status_labels_cover_every_status() -> None:
    assert STATUS_LABELS == {
        "target_achieved": "Target achieved",
        "substantial_progress": "Substantial progress",
        "moderate_progress": "Moderate progress",
        "limited_progress": "Limited progress",
        "deterioration": "Deterioration",
        "not_available": "Not enough data yet",
    }


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (40, "percentage", "40%"),
        (32.5, "percentage", "32.5%"),
        (1234.5, None, "1,234.5"),
        (12.0, "count", "12"),
        (-0.001, None, "0"),
    ],
)
def test_format_value(value: float, unit: str | None, text: str) -> None:
    assert format_value(value, unit) == text
