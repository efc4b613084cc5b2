"""How a theme's status and its trend are worked out, in words (pages and reports)."""

from __future__ import annotations

from core.progress import ProgressResult

#: How a theme's status is worked out, in two plain sentences (shown on pages and reports).
METHOD_SENTENCES = (
    "Each metric's status compares how fast it has changed since its baseline with the pace "
    "it needs to reach its target on time (or, without a target, with a steady yearly "
    "improvement), using the Open SDG progress measure.",
    "A theme's status is the average score of its metrics that have at least a year of "
    "data, and it counts as target achieved only when every one of them has reached its "
    "target.",
)

#: What the trend figure of :func:`theme_trend` is, in one sentence.
TREND_METHOD = (
    "The trend shows the theme's score as it stood in each quarter, worked out in the same "
    "way from the values known by then (from -5, getting worse, to 5, target achieved)."
)


def theme_explanation(results: list[ProgressResult], combined: ProgressResult) -> str:
    """Why a theme has the status it has, in words (its combined result's explanation,
    or why there is no calculated status yet)."""
    if not results:
        return "Not enough data yet: no metrics are set up for this theme."
    if combined.status != "not_available":
        return combined.explanation
    total, manual = len(results), sum(1 for r in results if r.is_manual)
    if manual == total:
        whose = "its metric has" if total == 1 else f"all {total} of its metrics have"
        return f"No calculated status: {whose} a status set by hand, which has no score."
    whose = "its metric has no" if total == 1 else f"none of its {total} metrics has a"
    text = f"Not enough data yet: {whose} score, which needs values at least a year apart"
    if manual:
        text += f" ({manual} has a status set by hand, which has no score)"
    return f"{text}."
