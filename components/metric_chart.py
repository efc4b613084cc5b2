"""One metric's values over time, with its baseline, target and the straight line
between them, and the data table beside the chart.

:func:`build_metric_chart` and :func:`metric_table` are pure (no Streamlit), so the
meeting pack and the Themes page can reuse them; :func:`metric_chart` draws both, the
chart through :func:`metric_chart_spec`, which remembers charts it has built.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from components.charts import remembered_spec, show_chart
from components.downloads import download_buttons
from core.formatting import format_value
from core.periods import format_period, quarter_start, quarters_between
from core.statuses import OKABE_ITO

RECORDED = "Recorded value"
BASELINE = "Baseline"
TARGET = "Target"
TRAJECTORY = "Straight line from baseline to target"

#: Series, in legend order, with an Okabe-Ito colour, a point shape and a line dash.
SERIES: tuple[tuple[str, str, str, list[int]], ...] = (
    (RECORDED, OKABE_ITO["blue"], "circle", [1, 0]),
    (BASELINE, OKABE_ITO["black"], "square", [1, 0]),
    (TARGET, OKABE_ITO["bluish_green"], "diamond", [1, 0]),
    (TRAJECTORY, OKABE_ITO["orange"], "stroke", [6, 4]),
)
LEGEND_TITLE = "What the lines show"
TABLE_COLUMNS = ["Quarter", "Value", "Numerator", "Denominator", "Note"]


def _get(row: Mapping[str, Any], name: str) -> Any:
    value = row.get(name) if hasattr(row, "get") else None
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return value


def _overall(values: pd.DataFrame) -> pd.DataFrame:
    """The overall (not disaggregated) values with a number, oldest first."""
    if values is None or values.empty:
        return pd.DataFrame(columns=["period_start", "value"])
    frame = values
    if "characteristic" in frame.columns:
        frame = frame[frame["characteristic"].fillna("") == ""]
    frame = frame[frame["value"].notna()]
    return frame.sort_values("period_start")


def _baseline(definition: Mapping[str, Any], overall: pd.DataFrame) -> tuple[date, float] | None:
    period = _get(definition, "baseline_period")
    if period is None:
        return None
    period = quarter_start(period)
    value = _get(definition, "baseline_value")
    if value is None:
        at = overall[overall["period_start"] == period]
        if at.empty:
            return None
        value = float(at["value"].iloc[0])
    return period, float(value)


def _target(definition: Mapping[str, Any]) -> tuple[date, float] | None:
    day, value = _get(definition, "target_date"), _get(definition, "target_value")
    if day is None or value is None:
        return None
    return quarter_start(day), float(value)


def chart_frame(definition: Mapping[str, Any], values: pd.DataFrame) -> pd.DataFrame:
    """The points the chart draws: one row per (series, quarter)."""
    unit = _get(definition, "unit")
    overall = _overall(values)
    pairs = zip(overall["period_start"], overall["value"], strict=True)
    rows = [(RECORDED, p, float(v)) for p, v in pairs]
    baseline, target = _baseline(definition, overall), _target(definition)
    if baseline:
        rows.append((BASELINE, *baseline))
    if target:
        rows.append((TARGET, *target))
    if baseline and target and target[0] > baseline[0]:
        rows += [(TRAJECTORY, *baseline), (TRAJECTORY, *target)]
    frame = pd.DataFrame(rows, columns=["series", "period_start", "value"])
    frame["quarter"] = [format_period(p) for p in frame["period_start"]]
    frame["shown"] = [format_value(v, unit) for v in frame["value"]]
    return frame


def axis_title(unit: str | None) -> str:
    return {
        "percentage": "Percentage (%)",
        "count": "Number",
        "rate": "Rate",
        "score": "Score",
    }.get(unit or "", "Value")


def describe_chart(definition: Mapping[str, Any], values: pd.DataFrame) -> str:
    """The chart in words, for screen readers (the chart's ``description``)."""
    unit = _get(definition, "unit")
    name = _get(definition, "name") or "The metric"
    overall = _overall(values)
    parts = []
    if overall.empty:
        parts.append(f"{name}: no values recorded yet.")
    else:
        first, last = overall.iloc[0], overall.iloc[-1]
        parts.append(
            f"Line chart of {name} by quarter, from {format_period(first['period_start'])} "
            f"({format_value(float(first['value']), unit)}) to "
            f"{format_period(last['period_start'])} ({format_value(float(last['value']), unit)})."
        )
    baseline, target = _baseline(definition, overall), _target(definition)
    if baseline:
        parts.append(f"Baseline {format_value(baseline[1], unit)} in {format_period(baseline[0])}.")
    if target:
        parts.append(f"Target {format_value(target[1], unit)} by {format_period(target[0])}.")
    if baseline and target:
        parts.append("A dashed line shows the straight path from the baseline to the target.")
    return " ".join(parts)


def build_metric_chart(
    definition: Mapping[str, Any],
    values: pd.DataFrame,
    *,
    title: str | None = None,
    height: int = 240,
) -> alt.LayerChart:
    """The chart of one metric: its recorded values over quarters (x labelled like
    ``Q1 2024/25``), the baseline, the target at its date and the dashed straight line
    from baseline to target. Pure: returns the chart, draws nothing.

    ``definition``: a metric's row (code, name, unit, baseline_period, baseline_value,
    target_value, target_date); ``values``: rows with ``period_start`` and ``value``
    (``characteristic`` too, when the frame holds group values: only overall ones count).
    """
    frame = chart_frame(definition, values)
    unit = _get(definition, "unit")
    if frame.empty:
        domain: list[str] = []
    else:
        domain = [
            format_period(q)
            for q in quarters_between(min(frame["period_start"]), max(frame["period_start"]))
        ]
    shown = set(frame["series"])
    present = [s for s in SERIES if s[0] in shown] or [SERIES[0]]
    names = [s[0] for s in present]
    legend = alt.Legend(
        title=LEGEND_TITLE,
        orient="top",
        direction="horizontal",
        columns=2,
        labelLimit=400,
        symbolStrokeWidth=2,
        symbolSize=120,
    )
    color = alt.Color(
        "series:N", scale=alt.Scale(domain=names, range=[s[1] for s in present]), legend=legend
    )
    shape = alt.Shape(
        "series:N", scale=alt.Scale(domain=names, range=[s[2] for s in present]), legend=legend
    )
    dash = alt.StrokeDash(
        "series:N", scale=alt.Scale(domain=names, range=[s[3] for s in present]), legend=legend
    )
    x = alt.X(
        "quarter:O",
        sort=domain,
        scale=alt.Scale(domain=domain),
        axis=alt.Axis(title="Quarter (financial year)", labelAngle=-45),
    )
    y = alt.Y("value:Q", title=axis_title(unit), scale=alt.Scale(zero=True))
    tooltip = [
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("quarter:N", title="Quarter"),
        alt.Tooltip("shown:N", title="Value"),
    ]
    code = _get(definition, "code") or ""
    name = _get(definition, "name") or "Metric"
    base = alt.Chart(frame.drop(columns=["period_start"]))
    lines = base.mark_line(strokeWidth=2).encode(x=x, y=y, color=color, strokeDash=dash)
    # The straight line has no points of its own: its ends are the baseline and target.
    points = (
        base.transform_filter(alt.datum.series != TRAJECTORY)
        .mark_point(filled=True, size=70, opacity=1)
        .encode(x=x, y=y, color=color, shape=shape, tooltip=tooltip)
    )
    text = title or (f"{code}: {name}" if code else name)
    return alt.layer(lines, points).properties(
        title=alt.TitleParams(textwrap.wrap(text, 60) or [text], anchor="start"),
        description=describe_chart(definition, values),
        height=height,
        # The width fits the container; the height is the plotting area's, so the
        # legend and the axis labels never squash the lines.
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


#: What a metric's chart shows of its definition (the rest of the chart is its values).
CHART_FIELDS = (
    "code",
    "name",
    "unit",
    "baseline_period",
    "baseline_value",
    "target_date",
    "target_value",
)


def metric_chart_spec(
    definition: Mapping[str, Any],
    values: pd.DataFrame,
    *,
    title: str | None = None,
    height: int = 240,
) -> dict[str, Any]:
    """The page spec of :func:`build_metric_chart`, remembered for the same definition,
    values, title and height (``components.charts.remembered_spec``)."""
    overall = _overall(values)
    points = tuple(zip(overall["period_start"], overall["value"].astype(float), strict=True))
    fields = tuple((name, _get(definition, name)) for name in CHART_FIELDS)
    return remembered_spec(_chart_of_points, fields, points, title, height)


def _chart_of_points(
    fields: tuple[tuple[str, Any], ...],
    points: tuple[tuple[Any, float], ...],
    title: str | None,
    height: int,
) -> alt.LayerChart:
    values = pd.DataFrame(list(points), columns=["period_start", "value"])
    return build_metric_chart(dict(fields), values, title=title, height=height)


def metric_table(values: pd.DataFrame) -> pd.DataFrame:
    """The overall values as a table, newest first: quarter, value, numerator,
    denominator, note."""
    overall = values
    if overall is not None and not overall.empty and "characteristic" in overall.columns:
        overall = overall[overall["characteristic"].fillna("") == ""]
    if overall is None or overall.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    overall = overall.sort_values("period_start", ascending=False)
    return pd.DataFrame(
        {
            "Quarter": [format_period(p) for p in overall["period_start"]],
            "Value": overall["value"].astype("float64").to_numpy(),
            "Numerator": overall.get("numerator", pd.Series([None] * len(overall)))
            .astype("float64")
            .to_numpy(),
            "Denominator": overall.get("denominator", pd.Series([None] * len(overall)))
            .astype("float64")
            .to_numpy(),
            "Note": overall.get("note", pd.Series([""] * len(overall))).fillna("").to_numpy(),
        }
    )


def metric_chart(
    definition: Mapping[str, Any],
    values: pd.DataFrame,
    *,
    key: str,
    title: str | None = None,
    file_stem: str | None = None,
) -> None:
    """Draw the chart with its data table beside it (and downloads under the table)."""
    table = metric_table(values)
    unit = _get(definition, "unit")
    left, right = st.columns([3, 2], gap="medium")
    with left:
        if table.empty and _baseline(definition, _overall(values)) is None:
            st.info("No values have been recorded for this metric yet.", icon=":material/info:")
        else:
            show_chart(
                metric_chart_spec(definition, values, title=title),
                width="stretch",
                key=f"{key}-chart",
            )
    with right:
        if table.empty:
            st.write("No values yet.")
            return
        value_label = "Value (%)" if unit == "percentage" else "Value"
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key=f"{key}-table",
            placeholder="",
            column_config={
                "Value": st.column_config.NumberColumn(value_label),
                "Numerator": st.column_config.NumberColumn("Numerator", format="%d"),
                "Denominator": st.column_config.NumberColumn("Denominator", format="%d"),
            },
        )
        download_buttons(
            table, file_stem or f"metric-{_get(definition, 'code') or 'values'}", key=f"{key}-dl"
        )
