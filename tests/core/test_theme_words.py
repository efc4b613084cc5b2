"""Why a theme has its status, in words (core.theme_words.theme_explanation)."""

from __future__ import annotations

from core.progress import ProgressResult
from core.theme_words import theme_explanation

NONE = ProgressResult("not_available", None, "No score.")


def manual(status: str = "limited_progress") -> ProgressResult:
    return ProgressResult(status, None, "Set by hand.", manual_reason="Data gap")


def test_a_theme_without_metrics_says_so():
    assert theme_explanation([], NONE) == (
        "Not enough data yet: no metrics are set up for this theme."
    )


def test_a_scored_theme_gives_its_combined_explanation():
    combined = ProgressResult("on_track", 2.5, "On track: 2 of 3 metrics scored.")
    assert theme_explanation([combined], combined) == "On track: 2 of 3 metrics scored."


def test_every_metric_set_by_hand_has_no_score():
    assert theme_explanation([manual(), manual()], NONE) == (
        "No calculated status: all 2 of its metrics have a status set by hand, which has no score."
    )
    assert theme_explanation([manual()], NONE) == (
        "No calculated status: its metric has a status set by hand, which has no score."
    )


def test_metrics_without_a_score_yet_say_what_is_needed():
    # (A single metric read "its metric has a score" before: the words said the opposite.)
    assert theme_explanation([NONE, NONE, manual()], NONE) == (
        "Not enough data yet: none of its 3 metrics has a score, which needs values at "
        "least a year apart (1 has a status set by hand, which has no score)."
    )
    assert theme_explanation([NONE], NONE) == (
        "Not enough data yet: its metric has no score, which needs values at least a year apart."
    )
