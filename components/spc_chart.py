"""A metric's "Variation (SPC)" view: the Making Data Count XmR chart (values, average,
process limits, special-cause points by colour and shape), the variation and assurance
icons in words, one plain sentence, and the chart's table beside it. With fewer than
twelve quarters, the run chart and why.

The figures come from ``core.spc`` (the one place they are worked out); this module only
draws them. :func:`metric_chart_views` lets a card offer "Progress to target" (the
existing chart) and "Variation (SPC)".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from components.charts import remembered_spec, show_chart
from components.metric_chart import metric_chart
from core import spc
from core.formatting import escape_markdown as plain
from core.metric_series import axis_title, field_value, overall_values
from core.periods import format_period

PROGRESS = "Progress to target"
VARIATION = "Variation (SPC)"

_VARIATION_ICONS = {
    spc.COMMON_CAUSE: ":gray-badge[:material/horizontal_rule: Common cause variation]",
    spc.IMPROVEMENT: ":blue-badge[:material/trending_up: Special cause of improvement]",
    spc.CONCERN: ":orange-badge[:material/warning: Special cause of concern]",
    spc.NEUTRAL_HIGH: ":violet-badge[:material/arrow_upward: Higher than usual]",
    spc.NEUTRAL_LOW: ":violet-badge[:material/arrow_downward: Lower than usual]",
}
_ASSURANCE_ICONS = {
    "pass": ":blue-badge[:material/check_circle: Target consistently met]",
    "fail": ":orange-badge[:material/cancel: Target consistently missed]",
    "inconsistent": ":gray-badge[:material/sync_alt: Target met only some of the time]",
    None: ":gray-badge[:material/remove: No target to assure against]",
}


def series_of(values: pd.DataFrame) -> tuple[list[str], list[float]]:
    """The overall values, oldest first, as quarter labels and numbers."""
    overall = overall_values(values)
    quarters = [format_period(p) for p in overall["period_start"]]
    return quarters, [float(v) for v in overall["value"]]


def hidden_quarters(values: pd.DataFrame) -> int:
    """How many quarters' overall values are empty: hidden from this person under
    disclosure control (a hidden figure becomes empty) or recorded without a value."""
    if values is None or values.empty or "value" not in values.columns:
        return 0
    overall = values
    if "characteristic" in overall.columns:
        overall = overall[overall["characteristic"].fillna("") == ""]
    if "hidden" in overall.columns:
        return int(overall["hidden"].fillna(False).astype(bool).sum())
    return int(overall["value"].isna().sum())


def build_spc_chart(
    title: str, unit: str | None, rows: tuple[tuple[tuple[str, Any], ...], ...], description: str
) -> alt.LayerChart:
    """The XmR chart (or the run chart, when the rows carry a median) of the table rows."""
    frame = pd.DataFrame([dict(r) for r in rows])
    order = list(frame["Quarter"])
    x = alt.X(
        "Quarter:O",
        sort=order,
        scale=alt.Scale(domain=order),
        axis=alt.Axis(title="Quarter (financial year)", labelAngle=-45),
    )
    y = alt.Y("Value:Q", title=axis_title(unit), scale=alt.Scale(zero=False))
    base = alt.Chart(frame)
    layers: list[alt.Chart] = [
        base.mark_line(color="#7B7D7D", strokeWidth=1.5).encode(x=x, y=y),
    ]
    if "Median" in frame.columns:
        layers.append(
            base.mark_line(color="#000000", strokeDash=[6, 4]).encode(
                x=x, y=alt.Y("Median:Q", title=axis_title(unit))
            )
        )
        layers.append(base.mark_point(filled=True, size=70, color="#0072B2").encode(x=x, y=y))
    else:
        for column, dash in (
            ("Average", [1, 0]),
            ("Lower process limit", [6, 4]),
            ("Upper process limit", [6, 4]),
        ):
            layers.append(
                base.mark_line(color="#000000", strokeDash=dash, strokeWidth=1).encode(
                    x=x, y=alt.Y(f"{column}:Q", title=axis_title(unit))
                )
            )
        present = set(frame["Point"])
        kinds = [style[0] for style in spc.POINT_STYLES.values()]
        unique = [k for k in dict.fromkeys(kinds) if k in present]
        colours = [dict((s[0], s[1]) for s in spc.POINT_STYLES.values())[k] for k in unique]
        shapes = [dict((s[0], s[2]) for s in spc.POINT_STYLES.values())[k] for k in unique]
        legend = alt.Legend(title="Points", orient="top", direction="horizontal", labelLimit=300)
        layers.append(
            base.mark_point(filled=True, size=90, opacity=1).encode(
                x=x,
                y=y,
                color=alt.Color(
                    "Point:N", scale=alt.Scale(domain=unique, range=colours), legend=legend
                ),
                shape=alt.Shape(
                    "Point:N", scale=alt.Scale(domain=unique, range=shapes), legend=legend
                ),
                tooltip=["Quarter:N", "Value:Q", "Point:N"],
            )
        )
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, anchor="start"),
        description=description,
        height=240,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


def describe(view: spc.SpcView, name: str) -> str:
    """The chart in words, for screen readers (its table is beside it)."""
    if view.result is None:
        return f"Run chart of {name}: {len(view.quarters)} quarters of values with their median."
    r = view.result
    return (
        f"SPC chart of {name} over {len(view.quarters)} quarters: average {r.mean:.3g}, "
        f"process limits {r.lower:.3g} to {r.upper:.3g}. {view.sentence} "
        f"{view.assurance_words}."
    )


def spc_panel(definition: Mapping[str, Any], values: pd.DataFrame, *, key: str) -> None:
    """The Variation (SPC) view of one metric's values (as the viewer may see them)."""
    quarters, numbers = series_of(values)
    if hidden_quarters(values):
        st.info(
            "Some quarters have no figure to show here (hidden under disclosure control "
            "because they rest on too few people, or not recorded), so a variation chart "
            "cannot be drawn honestly. The Progress to target chart shows the figures "
            "there are.",
            icon=":material/visibility_off:",
        )
        return
    if not numbers:
        st.info("No values have been recorded for this metric yet.", icon=":material/info:")
        return
    target = field_value(definition, "target_value")
    view = spc.spc_view(
        quarters,
        numbers,
        direction=field_value(definition, "direction"),
        target=None if target is None else float(target),
    )
    rows = spc.spc_rows(view, numbers)
    name = str(field_value(definition, "name") or "this metric")
    code = field_value(definition, "code")
    title = f"{code}: {name}" if code else name
    if view.result is None:
        st.info(plain(view.reason), icon=":material/info:")
    else:
        st.markdown(
            f"{_VARIATION_ICONS[view.result.variation]} {_ASSURANCE_ICONS[view.result.assurance]}"
        )
        st.write(plain(view.sentence))
    frozen = tuple(tuple(row.items()) for row in rows)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        spec = remembered_spec(
            build_spc_chart,
            f"{title} ({'SPC' if view.result else 'run chart'})",
            field_value(definition, "unit"),
            frozen,
            describe(view, name),
        )
        show_chart(spec, width="stretch", key=f"{key}-spc-chart")
    with right:
        st.dataframe(
            pd.DataFrame(rows).iloc[::-1],
            hide_index=True,
            width="stretch",
            key=f"{key}-spc-table",
            placeholder="",
        )


def metric_chart_views(definition: Mapping[str, Any], values: pd.DataFrame, *, key: str) -> None:
    """The card's chart: "Progress to target" (the chart of values, baseline and target)
    or "Variation (SPC)"."""
    chosen = st.segmented_control(
        "Chart",
        [PROGRESS, VARIATION],
        default=PROGRESS,
        key=f"{key}-view",
    )
    if chosen == VARIATION:
        spc_panel(definition, values, key=key)
    else:
        metric_chart(definition, values, key=key)
