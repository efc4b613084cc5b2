"""One metric's values over time, with its baseline, target and the straight line
between them, and the data table beside the chart.

The series model (which points are drawn, the chart in words, the table) is pure and
lives in ``core.metric_series``, shared with the paper chart; here are the Altair chart
(:func:`build_metric_chart`, which draws nothing) and :func:`metric_chart`, which draws
the chart through :func:`metric_chart_spec` (remembering charts it has built) with the
table beside it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from components.charts import remembered_spec, show_chart
from components.downloads import download_buttons
from core.compare_stats import value_heading
from core.export_about import ExportAbout
from core.metric_series import (
    CHART_FIELDS,
    LEGEND_TITLE,
    SERIES,
    TRAJECTORY,
    axis_title,
    baseline_point,
    chart_frame,
    describe_chart,
    field_value,
    metric_table,
    overall_values,
    quarter_axis,
)


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
    unit = field_value(definition, "unit")
    domain = quarter_axis(frame["period_start"])
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
    y = alt.Y(
        "value:Q",
        title=axis_title(unit, field_value(definition, "name")),
        scale=alt.Scale(zero=True),
    )
    tooltip = [
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("quarter:N", title="Quarter"),
        alt.Tooltip("shown:N", title="Value"),
    ]
    code = field_value(definition, "code") or ""
    name = field_value(definition, "name") or "Metric"
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


def metric_chart_spec(
    definition: Mapping[str, Any],
    values: pd.DataFrame,
    *,
    title: str | None = None,
    height: int = 240,
) -> dict[str, Any]:
    """The page spec of :func:`build_metric_chart`, remembered for the same definition,
    values, title and height (``components.charts.remembered_spec``)."""
    overall = overall_values(values)
    points = tuple(zip(overall["period_start"], overall["value"].astype(float), strict=True))
    fields = tuple((name, field_value(definition, name)) for name in CHART_FIELDS)
    return remembered_spec(_chart_of_points, fields, points, title, height)


def _chart_of_points(
    fields: tuple[tuple[str, Any], ...],
    points: tuple[tuple[Any, float], ...],
    title: str | None,
    height: int,
) -> alt.LayerChart:
    values = pd.DataFrame(list(points), columns=["period_start", "value"])
    return build_metric_chart(dict(fields), values, title=title, height=height)


def metric_chart(
    definition: Mapping[str, Any],
    values: pd.DataFrame,
    *,
    key: str,
    title: str | None = None,
    file_stem: str | None = None,
    about: ExportAbout | None = None,
) -> None:
    """Draw the chart with its data table beside it (and downloads under the table).

    ``about``: what the downloads say about themselves (``core.export_about.metric_about``
    made for the viewer by ``components.downloads.for_viewer``)."""
    table = metric_table(values)
    unit = field_value(definition, "unit")
    left, right = st.columns([3, 2], gap="medium")
    with left:
        if table.empty and baseline_point(definition, overall_values(values)) is None:
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
        value_label = value_heading(unit or "", None, field_value(definition, "name") or "")
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
            table,
            file_stem or f"metric-{field_value(definition, 'code') or 'values'}",
            key=f"{key}-dl",
            about=about,
        )
