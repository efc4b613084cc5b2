"""NHS disclosure control: boundaries, thresholds, proportions and whole tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.disclosure import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    round_to_nearest_5,
    rule_text,
    suppress_count,
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
        (7, 13, 7 / 13),  # from the unrounded counts, not 5 / 15
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
    assert suppress_proportion(1, 3, threshold=1) == pytest.approx(1 / 3)
    assert suppress_proportion(0, 3, threshold=1) is None
    assert suppress_proportion(6, 20, threshold=7) is None
    assert suppress_proportion(7, 20, threshold=7) == 0.35
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
    assert shares[0] == pytest.approx(7 / 13)
    assert [math.isnan(share) for share in shares] == [False, True, True, False, True]
    assert shares[3] == pytest.approx(120 / 152)
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
        "Figures below national level follow NHS disclosure control: counts below 5 are shown "
        "as *, other counts are rounded to the nearest 5, and a percentage or rate is not shown "
        "when it is based on fewer than 5 people. National figures are not rounded."
    )


def test_rule_text_other_thresholds() -> None:
    assert "counts below 7 are shown as *" in rule_text(7)
    assert "fewer than 7 people" in rule_text(7)
    assert "counts below 3 are shown as *" in rule_text(1)
    assert "fewer than 1 person." in rule_text(1)


def test_metric_values_as_forum_members_see_them():
    from core.disclosure import suppress_metric_values

    values = pd.DataFrame(
        {
            "metric_id": [1, 1, 2, 2, 3],
            "value": [75.0, 50.0, 4.0, 13.0, 7.5],
            "numerator": [3.0, 50.0, None, None, None],
            "denominator": [4.0, 100.0, None, None, None],
        }
    )
    shown = suppress_metric_values(values, {1: "percentage", 2: "count", 3: "score"})
    assert shown["value"].isna().tolist() == [True, False, True, False, False]
    assert shown.loc[1, "value"] == 50.0
    assert shown.loc[3, "value"] == 15.0  # 13 rounds to 15
    assert shown.loc[4, "value"] == 7.5
    assert shown["numerator"].tolist()[1] == 50.0
    assert shown["numerator"].isna().tolist()[0]
    assert shown["denominator"].tolist()[1] == 100.0
    assert values.loc[0, "value"] == 75.0, "the input is left as it was"
