"""A metric's "Variation (SPC)" view: the Making Data Count XmR chart (values, average,
process limits, special-cause points by colour and shape), the variation and assurance
icons in words, one plain sentence, and the chart's table beside it. With fewer than
twelve quarters, the run chart and why.

The figures come from ``core.spc`` (the one place they are worked out); this module only
draws them. :func:`metric_chart_views` lets a card offer "Progress to target" (the
existing chart) and "Variation (SPC)".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from components.charts import remembered_spec, show_chart
from components.metric_chart import metric_chart
from components.outcome import run_write, show_outcome
from core import spc
from core.export_about import ExportAbout
from core.formatting import escape_markdown as plain
from core.metric_series import axis_title, field_value, overall_values
from core.periods import format_period
from services import spc as spc_service
from services.context import RequestContext

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


def periods_of(values: pd.DataFrame) -> list[date]:
    """The first days of the overall values' quarters, oldest first."""
    return [pd.Timestamp(p).date() for p in overall_values(values)["period_start"]]


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
    y = alt.Y("Value:Q", title=axis_title(unit, title), scale=alt.Scale(zero=False))
    base = alt.Chart(frame)
    layers: list[alt.Chart] = [
        base.mark_line(color="#7B7D7D", strokeWidth=1.5).encode(x=x, y=y),
    ]
    if "Median" in frame.columns:
        layers.append(
            base.mark_line(color="#000000", strokeDash=[6, 4]).encode(
                x=x, y=alt.Y("Median:Q", title=axis_title(unit, title))
            )
        )
        layers.append(base.mark_point(filled=True, size=70, color="#0072B2").encode(x=x, y=y))
    else:
        # Each segment's lines are drawn apart, so they break at a recalculation point.
        segment = {"detail": "Limits from:N"} if "Limits from" in frame.columns else {}
        for column, dash in (
            ("Average", [1, 0]),
            ("Lower process limit", [6, 4]),
            ("Upper process limit", [6, 4]),
        ):
            layers.append(
                base.mark_line(color="#000000", strokeDash=dash, strokeWidth=1).encode(
                    x=x, y=alt.Y(f"{column}:Q", title=axis_title(unit, title)), **segment
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
    afresh = (
        f" Limits worked out afresh from {view.quarters[view.segments[-1].start]}."
        if len(view.segments) > 1
        else ""
    )
    return (
        f"SPC chart of {name} over {len(view.quarters)} quarters: average {r.mean:.3g}, "
        f"process limits {r.lower:.3g} to {r.upper:.3g}.{afresh} {view.sentence} "
        f"{view.assurance_words}."
    )


def recalculation_notes(
    view: spc.SpcView, points: Sequence[spc_service.Recalculation], breaks: Sequence[int]
) -> list[str]:
    """One plain line per recalculation point (used, or waiting for enough quarters),
    and whether the latest limits are provisional (fewer than 12 quarters)."""
    used = {s.start for s in view.segments[1:]}
    notes = []
    for point, index in zip(points, breaks, strict=True):
        reason = plain(point.reason)
        if index in used:
            notes.append(f"Limits worked out afresh from {view.quarters[index]}: {reason}")
        elif index > 0:
            notes.append(
                f"Limits will be worked out afresh from {view.quarters[index]} once "
                f"{spc.MIN_SEGMENT} quarters have been recorded from then "
                f"(there are {len(view.quarters) - index} so far): {reason}"
            )
        else:
            notes.append(
                f"Recalculation from {plain(point.quarter)} falls outside these values: {reason}"
            )
    last = view.segments[-1] if view.segments else None
    if last is not None and last.start > 0 and last.end - last.start < spc.MIN_POINTS:
        notes.append(
            f"The latest limits rest on {last.end - last.start} quarters, so they are "
            f"provisional; they firm up once there are {spc.MIN_POINTS}."
        )
    return notes


def recalculation_form(
    ctx: RequestContext,
    metric_id: int,
    quarters: Sequence[str],
    periods: Sequence[date],
    points: Sequence[spc_service.Recalculation],
    *,
    key: str,
) -> None:
    """Record a recalculation point (a quarter of the series and why), or remove one."""
    where = f"{key}-recalc"
    show_outcome(where)
    with st.expander("Work the limits out afresh from a quarter"):
        st.caption(
            "For example after a change in how this metric is collected. The new limits "
            f"are drawn once {spc.MIN_SEGMENT} quarters have been recorded from the "
            "chosen quarter. Everyone who sees this metric sees the reason."
        )
        with st.form(f"{key}-recalc-form", clear_on_submit=False, border=False):
            chosen = st.selectbox(
                "From quarter",
                list(range(1, len(quarters))),
                format_func=lambda i: quarters[i],
                index=None,
                placeholder="Choose a quarter",
            )
            reason = st.text_area("Why the limits are worked out afresh", max_chars=1000)
            if st.form_submit_button("Record the recalculation point"):
                if chosen is None:
                    st.error(
                        "Choose the quarter the new limits start from.", icon=":material/error:"
                    )
                else:
                    run_write(
                        spc_service.record,
                        ctx,
                        metric_id,
                        periods[chosen],
                        reason,
                        success=f"Recalculation point recorded from {quarters[chosen]}.",
                        where=where,
                    )
        for point in points:
            if st.button(
                f"Remove the recalculation point from {plain(point.quarter)}",
                key=f"{key}-recalc-remove-{point.id}",
                icon=":material/delete:",
            ):
                run_write(
                    spc_service.remove,
                    ctx,
                    point.id,
                    success=f"Recalculation point from {point.quarter} removed.",
                    where=where,
                )


def spc_panel(
    ctx: RequestContext,
    definition: Mapping[str, Any],
    values: pd.DataFrame,
    *,
    region_id: int,
    key: str,
) -> None:
    """The Variation (SPC) view of one metric's values (as the viewer may see them) in
    ``region_id``, with its recalculation points (and, for whoever may define the
    metric, the form to record or remove one)."""
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
    metric_id = int(definition["id"])
    points = spc_service.recalculations(ctx, metric_id)
    periods = periods_of(values)
    breaks = [spc.break_indexes(periods, [p.period_start]) or (0,) for p in points]
    view = spc.spc_view(
        quarters,
        numbers,
        direction=field_value(definition, "direction"),
        target=None if target is None else float(target),
        breaks=[b[0] for b in breaks],
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
        # Each line is the app's words with the reason already escaped.
        for line in recalculation_notes(view, points, [b[0] for b in breaks]):
            st.markdown(f":material/restart_alt: {line}")
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
    metric_region = None if definition.get("scope") == "national" else region_id
    if view.result is not None and spc_service.may_recalculate(ctx, metric_region):
        recalculation_form(ctx, metric_id, quarters, periods, points, key=key)


def metric_chart_views(
    ctx: RequestContext,
    definition: Mapping[str, Any],
    values: pd.DataFrame,
    *,
    region_id: int,
    key: str,
    about: ExportAbout | None = None,
) -> None:
    """The card's chart: "Progress to target" (the chart of values, baseline and target)
    or "Variation (SPC)" (of the series in ``region_id``). ``about``: what the values'
    downloads say about themselves."""
    chosen = st.segmented_control(
        "Chart",
        [PROGRESS, VARIATION],
        default=PROGRESS,
        key=f"{key}-view",
    )
    if chosen == VARIATION:
        spc_panel(ctx, definition, values, region_id=region_id, key=key)
    else:
        metric_chart(definition, values, key=key, about=about)
