"""NHS disclosure control: boundaries, thresholds, proportions and whole tables."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.disclosure import (
    DEFAULT_THRESHOLD,
    LARGE_DENOMINATOR,
    LEFT_OUT_SENTENCE,
    SUPPRESSED,
    MetricFigure,
    disclose_metric_figure,
    disclose_sentence,
    disclosed_explanation,
    disclosed_percentage,
    disclosed_proportion,
    percent_of,
    percentage_note,
    percentage_places,
    round_half_up,
    round_to_nearest_5,
    rule_text,
    suppress_count,
    suppress_metric_values,
    suppress_proportion,
    suppress_table,
    too_few,
)


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "*"), (1, "*"), (4, "*"), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15), (1002, 1000)],
)
def test_counts_below_national_level(count: int, shown: str | int) -> None:
    assert suppress_count(count) == shown


@pytest.mark.parametrize("count", [0, 1, 4, 5, 7, 8, 1003])
def test_national_counts_are_not_rounded(count: int) -> None:
    assert suppress_count(count, national=True) == count


def test_default_threshold_is_5() -> None:
    assert DEFAULT_THRESHOLD == 5
    assert SUPPRESSED == "*"


@pytest.mark.parametrize(
    ("count", "shown"),
    # Threshold 1 hides only 0 by rule, but 1 and 2 would round to 0 so are hidden too.
    [(0, "*"), (1, "*"), (2, "*"), (3, 5), (4, 5), (5, 5), (8, 10)],
)
def test_threshold_1(count: int, shown: str | int) -> None:
    assert suppress_count(count, threshold=1) == shown


@pytest.mark.parametrize(
    ("count", "shown"), [(0, "*"), (4, "*"), (6, "*"), (7, 5), (8, 10), (12, 10)]
)
def test_threshold_7(count: int, shown: str | int) -> None:
    assert suppress_count(count, threshold=7) == shown


def test_hospital_episode_statistics_style_threshold_8_hides_1_to_7() -> None:
    assert [suppress_count(n, threshold=8) for n in range(1, 10)] == ["*"] * 7 + [10, 10]


def test_counts_accept_numpy_and_whole_floats() -> None:
    assert suppress_count(np.int64(13)) == 15
    assert suppress_count(12.0) == 10


@pytest.mark.parametrize("bad", [-1, 2.5])
def test_counts_reject_negative_or_fractional(bad: float) -> None:
    with pytest.raises(ValueError):
        suppress_count(bad)


def test_counts_reject_text_and_bad_threshold() -> None:
    with pytest.raises(TypeError):
        suppress_count("7")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        suppress_count(7, threshold=0)


def test_rounding_is_to_the_nearest_5() -> None:
    assert [round_to_nearest_5(n) for n in range(10)] == [0, 0, 0, 5, 5, 5, 5, 5, 10, 10]


# Proportions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (0, 20, None),  # numerator under 5: not 0%
        (4, 20, None),
        (5, 20, 0.25),
        (7, 13, 5 / 15),  # from the rounded counts (5 of 15), not 7 / 13
        (7, 21, 0.25),  # 5 of 20: an exact 1/3 beside "5 | 20" would give 7 of 21 away
        (13, 14, 1.0),  # 15 of 15
        (5, 5, 1.0),
        (3, 4, None),
        (0, 0, None),
    ],
)
def test_proportions_below_national_level(
    numerator: int, denominator: int, expected: float | None
) -> None:
    assert suppress_proportion(numerator, denominator) == expected


def test_national_proportions_are_always_shown_when_defined() -> None:
    assert suppress_proportion(3, 4, national=True) == 0.75
    assert suppress_proportion(0, 4, national=True) == 0
    assert suppress_proportion(0, 0, national=True) is None


def test_proportion_thresholds_1_and_7() -> None:
    assert suppress_proportion(1, 3, threshold=1) is None  # 1 would round to 0: shown as *
    assert suppress_proportion(3, 4, threshold=1) == 1.0  # 5 of 5
    assert suppress_proportion(0, 3, threshold=1) is None
    assert suppress_proportion(6, 20, threshold=7) is None
    assert suppress_proportion(7, 20, threshold=7) == 0.25  # 5 of 20
    assert suppress_proportion(7, 7, threshold=7) == 1.0


def test_proportion_rejects_numerator_above_denominator() -> None:
    with pytest.raises(ValueError):
        suppress_proportion(6, 5)


@pytest.mark.parametrize(
    ("count", "threshold", "expected"), [(0, 5, True), (4, 5, True), (5, 5, False), (6, 7, True)]
)
def test_too_few(count: int, threshold: int, expected: bool) -> None:
    assert too_few(count, threshold) is expected


# Tables ------------------------------------------------------------------------------


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["Black", "Asian", "Mixed", "White", "Other"],
            "satisfied": [7, 3, 0, 120, None],
            "responses": [13, 9, 4, 152, 6],
        }
    )


def test_suppress_table(table: pd.DataFrame) -> None:
    out = suppress_table(
        table,
        count_columns=["satisfied", "responses"],
        proportions={"share satisfied": ("satisfied", "responses")},
    )
    assert out["group"].tolist() == table["group"].tolist()
    assert out["satisfied"].tolist() == [5, "*", "*", 120, None]
    assert out["responses"].tolist() == [15, 10, "*", 150, 5]
    shares = out["share satisfied"].tolist()
    assert shares[0] == pytest.approx(5 / 15)  # from the rounded counts
    assert [math.isnan(share) for share in shares] == [False, True, True, False, True]
    assert shares[3] == pytest.approx(120 / 150)
    assert table["satisfied"].tolist()[:4] == [7, 3, 0, 120]  # the input is not changed


def test_suppress_table_national(table: pd.DataFrame) -> None:
    out = suppress_table(
        table,
        count_columns=["satisfied", "responses"],
        proportions={"share satisfied": ("satisfied", "responses")},
        national=True,
    )
    assert out["satisfied"].tolist()[:4] == [7, 3, 0, 120]
    assert out["satisfied"].isna().tolist() == [False] * 4 + [True]
    assert out["share satisfied"].tolist()[:4] == pytest.approx([7 / 13, 3 / 9, 0, 120 / 152])


def test_suppress_table_threshold_7_replaces_existing_proportion(table: pd.DataFrame) -> None:
    table["share satisfied"] = [0.9, 0.9, 0.9, 0.9, 0.9]
    out = suppress_table(
        table,
        count_columns=["satisfied"],
        proportions={"share satisfied": ("satisfied", "responses")},
        threshold=7,
    )
    assert out["satisfied"].tolist() == [5, "*", "*", 120, None]
    assert out["responses"].tolist() == table["responses"].tolist()  # not a count column here
    assert out["share satisfied"].notna().tolist() == [True, False, False, True, False]


def test_suppress_table_rejects_unknown_or_doubled_columns(table: pd.DataFrame) -> None:
    with pytest.raises(KeyError, match="nobody"):
        suppress_table(table, count_columns=["nobody"])
    with pytest.raises(ValueError):
        suppress_table(
            table,
            count_columns=["satisfied"],
            proportions={"satisfied": ("satisfied", "responses")},
        )


# Rule text --------------------------------------------------------------------------------


def test_rule_text_default() -> None:
    assert rule_text() == (
        "Figures below national level follow NHS disclosure control: counts of people below "
        "5 are shown as *, other counts of people are rounded to the nearest 5, and a "
        "percentage, rate or interval is worked out from the rounded counts (it is not shown "
        "when it is based on fewer than 5 people). Counts of things such as events or "
        "agreements are shown as recorded. National figures are not rounded."
    )


def test_rule_text_other_thresholds() -> None:
    assert "counts of people below 7 are shown as *" in rule_text(7)
    assert "fewer than 7 people" in rule_text(7)
    assert "counts of people below 3 are shown as *" in rule_text(1)
    assert "fewer than 1 person)" in rule_text(1)


def test_metric_values_as_forum_members_see_them():
    values = pd.DataFrame(
        {
            "metric_id": [1, 1, 2, 2, 3, 1, 4],
            "value": [75.0, 50.0, 4.0, 13.0, 7.5, 33.3, 3.0],
            "numerator": [3.0, 50.0, None, None, None, 7.0, None],
            "denominator": [4.0, 100.0, None, None, None, 21.0, None],
        }
    )
    units = {1: "percentage", 2: "count", 3: "score", 4: "count"}
    shown = suppress_metric_values(values, units, counts_people={4: False})
    assert shown["value"].isna().tolist() == [True, False, True, False, False, False, False]
    assert shown.loc[1, "value"] == 50.0
    assert shown.loc[3, "value"] == 15.0  # 13 rounds to 15
    assert shown.loc[4, "value"] == 7.5
    assert shown.loc[5, "value"] == 25.0  # 7 of 21 is shown as 5 of 20: 25%, not 33.3%
    assert shown.loc[6, "value"] == 3.0  # 3 partnership agreements are not people
    assert shown["numerator"].tolist()[1] == 50.0
    assert shown["numerator"].isna().tolist()[0]
    assert shown["denominator"].tolist()[1] == 100.0
    assert shown.loc[5, "numerator"] == 5.0 and shown.loc[5, "denominator"] == 20.0
    assert values.loc[0, "value"] == 75.0, "the input is left as it was"


def test_metric_values_default_to_counting_people():
    values = pd.DataFrame(
        {"metric_id": [9], "value": [3.0], "numerator": [None], "denominator": [None]}
    )
    assert suppress_metric_values(values, {9: "count"})["value"].isna().all()
    assert suppress_metric_values(values.iloc[0:0], {9: "count"}).empty


# The one rule for a metric value ---------------------------------------------------------


def figure(value, numerator=None, denominator=None, unit="percentage", **kwargs) -> MetricFigure:
    return disclose_metric_figure(value, numerator, denominator, unit=unit, **kwargs)


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (7, 21, (5, 20, 25.0)),  # not 33.3%, which only 7 of 21 gives
        (13, 14, (15, 15, 100.0)),  # not 92.9%, which says one person answered no
        (12, 13, (10, 15, 67.0)),  # 10 of 15 is 66.67%: whole number, half up
        (4001, 4400, (4000, 4400, 90.9)),  # rounded denominator 4,000 or more: one place
        (3998, 3998, (4000, 4000, 100.0)),
        (3000, 3997, (3000, 3995, 75.0)),  # rounded denominator under 4,000: whole number
        (5, 40, (5, 40, 13.0)),  # 12.5 rounds half up, not to even
    ],
)
def test_percentages_come_from_the_rounded_counts(numerator, denominator, shown) -> None:
    exact = 100 * numerator / denominator
    result = figure(exact, numerator, denominator)
    assert (result.numerator, result.denominator, result.value) == shown
    assert result.value == disclosed_percentage(numerator, denominator)
    assert result.value_places == (1 if shown[1] >= LARGE_DENOMINATOR else 0)
    assert result.starred == 0


def test_a_percentage_on_a_hidden_count_is_hidden() -> None:
    result = figure(75.0, 3, 4)
    assert (result.value, result.numerator, result.denominator) == (None, None, None)
    assert (result.value_hidden, result.numerator_hidden, result.denominator_hidden) == (
        True,
        True,
        True,
    )
    assert result.starred == 3
    one = figure(10.0, 4, 40)
    assert one.value is None and one.numerator is None and one.denominator == 40.0
    assert one.starred == 2 and one.rounded == 0


def test_rounded_counts_are_counted() -> None:
    assert figure(33.3, 7, 21).rounded == 2
    assert figure(25.0, 5, 20).rounded == 0
    assert figure(12.0, unit="count").rounded == 1


@pytest.mark.parametrize(
    ("value", "shown", "hidden"),
    [(0.0, None, True), (3.0, None, True), (4.0, None, True), (7.0, 5.0, False), (13, 15, False)],
)
def test_count_values_of_people(value, shown, hidden) -> None:
    result = figure(value, unit="count")
    assert result.value == shown and result.value_hidden is hidden


def test_counts_that_are_not_people_and_exact_viewers_see_the_record() -> None:
    for kwargs in ({"counts_people": False}, {"controlled": False}):
        result = figure(3.0, unit="count", **kwargs)
        assert (result.value, result.starred, result.rounded) == (3.0, 0, 0)
        result = figure(33.3, 7, 21, **kwargs)
        assert (result.value, result.numerator, result.denominator) == (33.3, 7.0, 21.0)


def test_a_percentage_without_both_counts_is_shown_as_recorded() -> None:
    assert figure(33.3).value == 33.3
    assert figure(33.3, 7, None).value == 33.3  # the numerator is still rounded
    assert figure(33.3, 7, None).numerator == 5.0


def test_rates_are_worked_out_from_the_rounded_counts_on_their_own_scale() -> None:
    # 57 detentions in 25,000 people: 228 per 100,000; shown from 55 of 25,000.
    result = figure(228.0, 57, 25_000, unit="rate")
    assert (result.numerator, result.denominator, result.value) == (55.0, 25_000.0, 220.0)
    # recorded to one place (12.3 per 1,000 for 37 of 3,001): still per 1,000
    assert figure(12.3, 37, 3001, unit="rate").value == pytest.approx(11.7)
    assert figure(1.5, 3, 200, unit="rate").value is None  # resting on a hidden count


def test_scores_show_as_recorded_unless_their_counts_are_hidden() -> None:
    assert figure(3.7, 20, 40, unit="score").value == 3.7
    assert figure(3.7, 2, 40, unit="score").value is None


def test_averages_in_the_counts_are_hidden_when_small_only() -> None:
    result = figure(50.0, 2.5, 12.5, unit="score")
    assert result.numerator is None and result.denominator == 12.5 and result.value is None


def test_threshold_8_hides_1_to_7() -> None:
    assert figure(7.0, unit="count", threshold=8).value is None
    assert figure(8.0, unit="count", threshold=8).value == 10.0
    assert figure(50.0, 7, 14, threshold=8).value is None
    with pytest.raises(ValueError):
        figure(1.0, unit="count", threshold=0)


def test_missing_figures_stay_missing() -> None:
    result = figure(None, None, None)
    assert (result.value, result.numerator, result.denominator, result.starred) == (
        None,
        None,
        None,
        0,
    )
    assert figure(float("nan"), 7, 21).value is None


def test_disclosed_proportion_and_percentage() -> None:
    assert disclosed_proportion(7, 21) == 0.25
    assert disclosed_proportion(3, 21) is None
    assert disclosed_proportion(7, 4) is None  # the denominator is hidden
    assert disclosed_percentage(0, 20) is None
    assert disclosed_percentage(7, 21) == 25.0
    assert disclosed_percentage(4001, 4400) == 90.9
    with pytest.raises(ValueError):
        disclosed_proportion(9, 6)


@pytest.mark.parametrize(
    ("denominator", "places"), [(None, 0), (float("nan"), 0), (20, 0), (3995, 0), (4000, 1)]
)
def test_percentage_places(denominator, places) -> None:
    assert percentage_places(denominator) == places


def test_round_half_up() -> None:
    assert round_half_up(12.5) == 13.0
    assert round_half_up(0.25, 1) == 0.3
    assert round_half_up(-2.5) == -3.0
    assert percent_of(1, 8, 0) == 13.0  # 12.5
    assert percent_of(1, 3, 1) == 33.3


@settings(max_examples=300, deadline=None)
@given(
    denominator=st.integers(min_value=0, max_value=20_000),
    data=st.data(),
    threshold=st.sampled_from([1, 3, 5, 8]),
)
def test_the_shown_percentage_is_the_rounded_counts_own(denominator, data, threshold) -> None:
    numerator = data.draw(st.integers(min_value=0, max_value=denominator))
    exact = 100 * numerator / denominator if denominator else 0.0
    result = figure(exact, numerator, denominator, threshold=threshold)
    num = suppress_count(numerator, threshold=threshold)
    den = suppress_count(denominator, threshold=threshold)
    if SUPPRESSED in (num, den):
        assert result.value is None and result.value_hidden
        return
    assert (result.numerator, result.denominator) == (num, den)
    places = 1 if den >= LARGE_DENOMINATOR else 0
    own = Fraction(100 * num, den)
    expected = math.floor(own * 10**places + Fraction(1, 2)) / 10**places  # half up
    assert result.value == pytest.approx(expected, abs=1e-9)
    assert result.value_places == places
    # and nothing but the rounded counts went into it: any counts that round alike agree
    other_num = min(max(num - 2, threshold, 0), num) if num else 0
    other = figure(exact + 1.0, other_num, den, threshold=threshold)
    if suppress_count(other_num, threshold=threshold) == num and other_num <= den:
        assert other.value == result.value


@settings(max_examples=200, deadline=None)
@given(
    value=st.integers(min_value=0, max_value=100_000),
    threshold=st.sampled_from([1, 5, 8]),
)
def test_a_count_of_people_is_never_shown_below_the_threshold(value, threshold) -> None:
    result = figure(float(value), unit="count", threshold=threshold)
    if result.value is not None:
        assert result.value >= max(threshold, 3) and result.value % 5 == 0
        assert abs(result.value - value) <= 2


# Sentences ---------------------------------------------------------------------------------


def test_sentences_quote_the_values_as_shown() -> None:
    text = "Moderate progress: it went from 33.3% to 40.5% since 2023/24."
    figures = [(33.3, 25.0), (40.5, 40.0)]
    assert disclose_sentence(text, "percentage", figures) == (
        "Moderate progress: it went from 25% to 40% since 2023/24."
    )
    # a value the rule hides cannot be quoted: the sentence is left out
    assert disclose_sentence(text, "percentage", [(33.3, None), (40.5, 40.0)]) is None
    # one text, two shown values: cannot tell which, so left out
    assert disclose_sentence(text, "percentage", [(33.3, 25.0), (33.3, 35.0)]) is None
    # targets are aims, not figures
    target = "Limited progress toward the target of 33.3%: the latest value is 40.5% (Q1)."
    assert disclose_sentence(target, "percentage", figures) == (
        "Limited progress toward the target of 33.3%: the latest value is 40% (Q1)."
    )
    assert disclose_sentence(text, "percentage", figures, counts_people=False) == text


def test_sentences_about_counts_of_people() -> None:
    text = "Deterioration: it went from 6 to 3 since 2024/25."
    assert disclose_sentence(text, "count", []) == (
        "Deterioration: it went from 5 to * since 2024/25."
    )
    assert disclose_sentence("No change since 2024/25: it is still 1,002.", "count", []) == (
        "No change since 2024/25: it is still 1,000."
    )
    assert disclose_sentence(text, "count", [], counts_people=False) == text


def test_percentage_note() -> None:
    note = percentage_note()
    assert "worked out from the rounded counts" in note
    assert "4,000" in note and "below 5 are shown as *" in note
    assert "below 8" in percentage_note(8)


def test_disclosed_explanation_pairs_values_by_period() -> None:
    exact = [("q1", 33.3), ("q2", 40.5)]
    shown = [("q1", 25.0), ("q2", 40.0)]
    text = "it went from 33.3% to 40.5% since 2023/24"
    assert disclosed_explanation(text, "percentage", exact, shown) == (
        "it went from 25% to 40% since 2023/24"
    )
    assert (
        disclosed_explanation(text, "percentage", exact, [("q1", None), ("q2", 40.0)])
        == LEFT_OUT_SENTENCE
    )
