"""core.spc: the Making Data Count XmR chart, each rule against a worked example.

Every expected line below is worked out by hand in the comment beside it."""

from __future__ import annotations

import pytest

from core import spc
from core.spc import CONCERN, IMPROVEMENT, NEUTRAL_HIGH, NEUTRAL_LOW, xmr

C = spc.COMMON_CAUSE


def test_mean_moving_range_without_and_with_screening() -> None:
    values = [1, 2, 1, 2, 1, 2, 1, 2, 1, 20]
    # ranges: eight 1s and 19: mean 27 / 9 = 3; 3.267 x 3 = 9.8, so 19 is left out
    assert spc.mean_moving_range(values, screen_outliers=False) == pytest.approx(3.0)
    assert spc.mean_moving_range(values) == pytest.approx(1.0)


def test_a_range_at_exactly_the_screening_line_is_left_out() -> None:
    # ranges 1, 1, 1 and r with r = 3.267 x mean(1, 1, 1, r) -> r = 3.267 (3 + r) / 4
    r = 3.267 * 3 / (4 - 3.267)
    values = [0, 1, 0, 1, 1 + r]
    assert spc.mean_moving_range(values) == pytest.approx(1.0)


def test_limits_are_mean_plus_or_minus_2_66_mean_moving_ranges() -> None:
    result = xmr([4, 6, 4, 6], improvement="increase", screen_outliers=False)
    # mean 5, ranges 2, 2, 2 -> 2; 2.66 x 2 = 5.32
    assert result.mean == pytest.approx(5)
    assert result.mean_moving_range == pytest.approx(2)
    assert (result.lower, result.upper) == pytest.approx((5 - 5.32, 5 + 5.32))
    assert (result.lower_two_sigma, result.upper_two_sigma) == pytest.approx(
        (5 - 5.32 * 2 / 3, 5 + 5.32 * 2 / 3)
    )


BEYOND = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 40, -18]
# sum 132, mean 11; ranges nine 2s, 28, 58: mean 104 / 11 = 9.45, screening line 30.9
# leaves out 58: (18 + 28) / 10 = 4.6; limits 11 +- 12.236 = -1.236 .. 23.236


def test_rule_a_points_beyond_the_limits() -> None:
    result = xmr(BEYOND, improvement="increase")
    assert result.mean == pytest.approx(11)
    assert result.mean_moving_range == pytest.approx(4.6)
    assert (result.lower, result.upper) == pytest.approx((-1.236, 23.236))
    assert result.point_types == (C,) * 10 + (IMPROVEMENT, CONCERN)
    assert result.rules[10] == {spc.RULE_LIMIT}
    assert result.variation == CONCERN


def test_rule_a_for_a_measure_that_should_go_down() -> None:
    result = xmr(BEYOND, improvement="decrease")
    assert result.point_types[-2:] == (CONCERN, IMPROVEMENT)
    assert result.variation == IMPROVEMENT


SHIFT = [4, 6, 4, 6, 4, 6, 7, 8, 7, 8, 7, 8, 7]
# sum 82, mean 6.31: the first six are below it (6 too), the last seven above.
# ranges 2 x 5, 1, 1 x 6: 17 / 12 = 1.417; limits 2.54 .. 10.08; two-sigma 3.80 .. 8.82


def test_rule_b_seven_points_on_one_side_of_the_mean() -> None:
    result = xmr(SHIFT, improvement="increase")
    assert result.mean == pytest.approx(82 / 13)
    assert result.point_types == (C,) * 6 + (IMPROVEMENT,) * 7
    assert all(result.rules[i] == {spc.RULE_SHIFT} for i in range(6, 13))
    assert spc.variation_sentence(result) == (
        "Special cause of improvement: seven quarters in a row above the average."
    )


def test_rule_b_six_points_are_not_a_shift() -> None:
    result = xmr([*SHIFT[:-1], 5], improvement="increase")
    # 4,6,4,6,4,6 | 7,8,7,8,7,8 | 5: sum 80, mean 6.15; six above then one below
    assert result.point_types == (C,) * 13


def test_rule_b_a_point_on_the_mean_breaks_the_run() -> None:
    values = [2.5, 2.8, 2.5, 2.8, 2.5, 2.8, 3, 3.2, 3.5, 3.2, 3.5, 3.2, 3.5]
    # sum 39, mean exactly 3: six below, one on the mean, six above.
    # ranges 0.3 x 5, 0.2, 0.2, 0.3 x 5: 3.4 / 12 = 0.283; two-sigma 2.498 .. 3.502
    result = xmr(values, improvement="increase")
    assert result.mean == pytest.approx(3)
    assert result.point_types == (C,) * 13
    moved = xmr([*values[:6], 3.01, *values[7:]], improvement="increase")
    # the same point just above the (now 3.0008) mean: seven in a row above
    assert moved.point_types[6:] == (IMPROVEMENT,) * 7


TREND = [2, 6, 2, 6, 3.0, 3.2, 3.4, 3.6, 3.8, 4.0, 4.2, 2, 6]
# sum 49.2, mean 3.785; ranges 4,4,4,3, 0.2 x 6, 2.2, 4: 22.4 / 12 = 1.867;
# limits -1.18 .. 8.75, two-sigma 0.47 .. 7.09: only the trend rule applies,
# to points 5 to 11 (3.0 up to 4.2), which fall before the mean and then rise past it.


def test_rule_c_seven_points_each_higher_than_the_one_before() -> None:
    result = xmr(TREND, improvement="increase")
    flagged = [i for i, rules in enumerate(result.rules) if rules]
    assert flagged == list(range(4, 11))
    assert all(result.rules[i] == {spc.RULE_TREND} for i in flagged)
    # on the improving side of the mean an improvement, below it a concern
    assert result.point_types[4:11] == (CONCERN,) * 4 + (IMPROVEMENT,) * 3
    assert result.variation == C


def test_rule_c_a_falling_trend() -> None:
    result = xmr(list(reversed(TREND)), improvement="decrease")
    flagged = [i for i, rules in enumerate(result.rules) if rules]
    assert flagged == list(range(2, 9))
    # reversed: 4.2, 4.0, 3.8 above the mean (concern when lower is better), then below
    assert result.point_types[2:9] == (CONCERN,) * 3 + (IMPROVEMENT,) * 4


def test_rule_c_a_tie_breaks_the_trend() -> None:
    values = [*TREND[:6], 3.2, *TREND[7:]]  # 3.0, 3.2, 3.2, 3.6 ...
    result = xmr(values, improvement="increase")
    assert not any(spc.RULE_TREND in rules for rules in result.rules)


def test_rule_c_six_rising_points_are_not_a_trend() -> None:
    result = xmr([1, 2, 3, 4, 5, 6], improvement="increase")
    # mean 3.5, ranges all 1, limits 0.84 .. 6.16; two-sigma 1.73 .. 5.27: only 1 and 6
    # are beyond it, each the only one of its three, so every point is common cause
    assert result.point_types == (C,) * 6


TWO_OF_THREE = [-0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, 2.6, 2.8, -0.5]
# sum 4.9, mean 0.377; ranges 1 x 9, 2.1, 0.2, 3.3: 14.6 / 12 = 1.217;
# limits -2.86 .. 3.61, two-sigma -1.78 .. 2.53: 0.5, 2.6, 2.8 are all above the mean
# and 2.6 and 2.8 are beyond the two-sigma line


def test_rule_d_two_of_three_beyond_two_sigma() -> None:
    result = xmr(TWO_OF_THREE, improvement="increase")
    assert result.upper_two_sigma == pytest.approx(4.9 / 13 + 2.66 * 14.6 / 12 * 2 / 3)
    assert result.point_types == (C,) * 10 + (IMPROVEMENT, IMPROVEMENT, C)
    assert result.rules[10] == result.rules[11] == {spc.RULE_TWO_OF_THREE}
    assert result.rules[9] == frozenset()  # within the three, but not beyond the line


def test_rule_d_needs_all_three_on_one_side() -> None:
    values = [*TWO_OF_THREE[:10], 2.6, -0.5, 2.8]
    result = xmr(values, improvement="increase")
    assert not any(spc.RULE_TWO_OF_THREE in rules for rules in result.rules)


def test_neutral_measure_marks_high_and_low() -> None:
    result = xmr(BEYOND, improvement="neutral", target=5)
    assert result.point_types[-2:] == (NEUTRAL_HIGH, NEUTRAL_LOW)
    assert result.assurance is None


def test_flat_series_is_common_cause() -> None:
    result = xmr([5] * 12, improvement="increase", target=5)
    assert (result.mean, result.lower, result.upper) == (5, 5, 5)
    assert result.point_types == (C,) * 12
    assert result.assurance == "inconsistent"  # the target sits on the limits


def test_single_value() -> None:
    result = xmr([3], improvement="decrease")
    assert (result.mean, result.lower, result.upper, result.variation) == (3, 3, 3, C)


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        # SHIFT: limits 2.54 .. 10.08
        ("increase", 2.0, "pass"),  # the lower limit is above the target
        ("increase", 11.0, "fail"),  # the upper limit is below the target
        ("increase", 6.0, "inconsistent"),
        ("decrease", 11.0, "pass"),
        ("decrease", 2.0, "fail"),
        ("decrease", 6.0, "inconsistent"),
        ("increase", None, None),
    ],
)
def test_assurance(improvement: str, target: float | None, expected: str | None) -> None:
    assert xmr(SHIFT, improvement=improvement, target=target).assurance == expected


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="improvement"):
        xmr([1, 2], improvement="up")
    with pytest.raises(ValueError, match="Value 2"):
        xmr([1, None, 3], improvement="increase")  # type: ignore[list-item]
    with pytest.raises(ValueError, match="at least one"):
        xmr([], improvement="increase")


def test_sentences_for_each_rule() -> None:
    assert spc.variation_sentence(xmr(BEYOND, improvement="increase")) == (
        "Special cause of concern: the latest value is beyond the lower process limit."
    )
    assert spc.variation_sentence(xmr(TREND[:11], improvement="increase")).startswith(
        "Special cause of improvement: "
    )
    assert spc.variation_sentence(xmr(TWO_OF_THREE[:12], improvement="increase")).endswith(
        "close to the upper process limit."
    )
    assert spc.variation_sentence(xmr([1, 2, 1, 2], improvement="increase")) == (
        "Common cause variation: no significant change."
    )
