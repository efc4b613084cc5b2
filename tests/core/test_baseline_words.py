"""A metric's baseline in words: the value given, the first value entered, or plainly
none yet (never "(recorded)" for a value that does not exist)."""

from __future__ import annotations

import math
from datetime import date

from core.metric_words import baseline_words

Q1, Q2, Q3 = date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1)


def test_a_baseline_value_given_is_shown_with_its_quarter():
    assert baseline_words(Q1, 40.0, [], "percentage") == "40% in Q1 2025/26"


def test_without_a_value_the_first_value_entered_from_the_baseline_quarter_is_used():
    series = [(Q3, 55.0), (Q1, None), (Q2, 50.0)]
    words = baseline_words(Q1, None, series, "percentage")
    assert words == "50% in Q2 2025/26 (the first value entered)"
    assert "(recorded)" not in words


def test_a_new_metric_with_no_values_says_there_is_no_baseline_yet():
    assert baseline_words(Q2, None, [], "count") == (
        "No baseline yet: it is set from the first value entered for Q2 2025/26 or a later quarter."
    )
    assert baseline_words(None, math.nan, [(Q1, None)], "count") == (
        "No baseline yet: it is set from the first value entered."
    )


def test_values_before_the_baseline_quarter_are_not_the_baseline():
    assert baseline_words(Q3, None, [(Q1, 5.0)], "count").startswith("No baseline yet")
    assert baseline_words(None, None, [(Q2, 5.0)], "count") == (
        "5 in Q2 2025/26 (the first value entered)"
    )
