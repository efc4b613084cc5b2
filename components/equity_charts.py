"""The Equity page's charts: each group's figure with its interval, and trends over time."""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.statuses import OKABE_ITO

COMPARISON_COLOURS = {
    "Reference group": OKABE_ITO["black"],
    "Significantly higher": OKABE_ITO["vermillion"],
    "Significantly lower": OKABE_ITO["blue"],
    "No significant difference": OKABE_ITO["grey"],
    "Not compared": OKABE_ITO["sky_blue"],
}
COMPARISON_SHAPES = {
    "Reference group": "square",
    "Significantly higher": "triangle-up",
    "Significantly lower": "triangle-down",
    "No significant difference": "circle",
    "Not compared": "diamond",
}
TREND_COLOURS = [
    OKABE_ITO[c]
    for c in ("black", "orange", "sky_blue", "bluish_green", "blue", "vermillion", "reddish_purple")
]


def plot_height(frame: pd.DataFrame) -> int:
    return max(120, 30 * len(frame))


def chart_of(
    frame: pd.DataFrame, *, title: str, description: str, x_title: str, line: float | None
) -> alt.LayerChart | alt.Chart:
    """Each group's value as a point with its 95% interval, and a dashed reference line."""
    y = alt.Y("group:N", sort=None, title=None, axis=alt.Axis(labelLimit=320))
    shown = set(frame["comparison"])
    domain = [c for c in COMPARISON_COLOURS if c in shown]
    colour = alt.Color(
        "comparison:N",
        title="Compared with the reference",
        scale=alt.Scale(domain=domain, range=[COMPARISON_COLOURS[c] for c in domain]),
    )
    shape = alt.Shape(
        "comparison:N",
        title="Compared with the reference",
        scale=alt.Scale(domain=domain, range=[COMPARISON_SHAPES[c] for c in domain]),
    )
    tooltip = [
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("value:Q", title=x_title),
        alt.Tooltip("low:Q", title="Lower 95% limit"),
        alt.Tooltip("high:Q", title="Upper 95% limit"),
        alt.Tooltip("comparison:N", title="Compared with the reference"),
    ]
    base = alt.Chart(frame)
    bars = base.mark_rule(color=OKABE_ITO["grey"], strokeWidth=2).encode(
        y=y, x=alt.X("low:Q", title=x_title), x2="high:Q", tooltip=tooltip
    )
    points = base.mark_point(filled=True, size=90, opacity=1).encode(
        y=y, x="value:Q", color=colour, shape=shape, tooltip=tooltip
    )
    layers: list[alt.Chart] = [bars, points]
    if line is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"reference": [line]}))
            .mark_rule(strokeDash=[6, 4], color=OKABE_ITO["black"])
            .encode(x="reference:Q")
        )
    return alt.layer(*layers).properties(
        title=title, description=description, height=plot_height(frame)
    )


def trend_chart(
    plotted: pd.DataFrame, *, order: list[str], chosen: list[str], label: str, title: str
) -> alt.LayerChart:
    """Each chosen group's figure in each period, as lines with points."""
    x = alt.X("Period:N", sort=order, title="Period")
    colour = alt.Color(
        "Group:N",
        scale=alt.Scale(domain=chosen, range=TREND_COLOURS[: len(chosen)]),
        legend=alt.Legend(title="Group", labelLimit=260, orient="right"),
    )
    tooltip = ["Period:N", "Group:N", alt.Tooltip("value:Q", title=label)]
    base = alt.Chart(plotted)
    return alt.layer(
        base.mark_line().encode(x=x, y=alt.Y("value:Q", title=label), color=colour),
        base.mark_point(filled=True, size=60).encode(
            x=x,
            y="value:Q",
            color=colour,
            shape=alt.Shape("Group:N", legend=None),
            tooltip=tooltip,
        ),
    ).properties(
        title=title,
        description=(
            f"Line chart of {label.lower()} for each chosen group in each period. "
            "Periods where a group has too few people are left out. The same figures "
            "are in the table below."
        ),
        height=300,
    )
