"""How a theme's status and its trend are worked out, in words (pages and reports)."""

from __future__ import annotations

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
