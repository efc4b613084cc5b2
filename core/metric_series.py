"""The series model of a metric's chart: which points it draws (recorded values, the
baseline, the target and the straight line between them), the chart in words and the
data table beside it.

Pure (no Streamlit, no Altair): the screen chart (``components.metric_chart``) and the
paper chart (``reports.paper_chart``) both draw these points, so paper and screen show
the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from core.compare_stats import unit_title
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


def field_value(row: Mapping[str, Any], name: str) -> Any:
    value = row.get(name) if hasattr(row, "get") else None
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return value


def overall_values(values: pd.DataFrame) -> pd.DataFrame:
    """The overall (not disaggregated) values with a number, oldest first."""
    if values is None or values.empty:
        return pd.DataFrame(columns=["period_start", "value"])
    frame = values
    if "characteristic" in frame.columns:
        frame = frame[frame["characteristic"].fillna("") == ""]
    frame = frame[frame["value"].notna()]
    return frame.sort_values("period_start")


def baseline_point(
    definition: Mapping[str, Any], overall: pd.DataFrame
) -> tuple[date, float] | None:
    period = field_value(definition, "baseline_period")
    if period is None:
        return None
    period = quarter_start(period)
    value = field_value(definition, "baseline_value")
    if value is None:
        at = overall[overall["period_start"] == period]
        if at.empty:
            return None
        value = float(at["value"].iloc[0])
    return period, float(value)


def target_point(definition: Mapping[str, Any]) -> tuple[date, float] | None:
    day, value = field_value(definition, "target_date"), field_value(definition, "target_value")
    if day is None or value is None:
        return None
    return quarter_start(day), float(value)


def chart_frame(definition: Mapping[str, Any], values: pd.DataFrame) -> pd.DataFrame:
    """The points the chart draws: one row per (series, quarter)."""
    unit = field_value(definition, "unit")
    overall = overall_values(values)
    pairs = zip(overall["period_start"], overall["value"], strict=True)
    rows = [(RECORDED, p, float(v)) for p, v in pairs]
    baseline, target = baseline_point(definition, overall), target_point(definition)
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


def quarter_axis(starts: Iterable[Any]) -> list[str]:
    """The labels of a chart's quarter axis, in time order: every quarter from the first
    to the last of ``starts`` (dates, datetimes or timestamps), as ``Q1 2024/25``.

    A chart gives this as its ordinal axis's ``sort`` and scale domain, so the quarters
    run left to right as time does (never alphabetically, which would reverse a trend
    across the turn of a year) and a quarter with no value keeps its place.
    """
    days = [pd.Timestamp(s).date() for s in starts if s is not None and not pd.isna(s)]
    if not days:
        return []
    return [format_period(q) for q in quarters_between(min(days), max(days))]


def axis_title(unit: str | None, name: str | None = None) -> str:
    """The value axis's title in the metric's unit, by the one rule Compare regions uses
    too (``core.compare_stats.unit_title``): "Average days to respond ..." reads "Days"."""
    return unit_title(unit or "", None, name or "")


def describe_chart(definition: Mapping[str, Any], values: pd.DataFrame) -> str:
    """The chart in words, for screen readers (the chart's ``description``)."""
    unit = field_value(definition, "unit")
    name = field_value(definition, "name") or "The metric"
    overall = overall_values(values)
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
    baseline, target = baseline_point(definition, overall), target_point(definition)
    if baseline:
        parts.append(f"Baseline {format_value(baseline[1], unit)} in {format_period(baseline[0])}.")
    if target:
        parts.append(f"Target {format_value(target[1], unit)} by {format_period(target[0])}.")
    if baseline and target:
        parts.append("A dashed line shows the straight path from the baseline to the target.")
    return " ".join(parts)


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


def metric_table(values: pd.DataFrame) -> pd.DataFrame:
    """The overall values as a table, newest first: quarter, value, numerator,
    denominator, note (and whether the quarter's figures are signed off or provisional,
    when the values say)."""
    overall = values
    if overall is not None and not overall.empty and "characteristic" in overall.columns:
        overall = overall[overall["characteristic"].fillna("") == ""]
    if overall is None or overall.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    overall = overall.sort_values("period_start", ascending=False)
    table = pd.DataFrame(
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
    if "signed_off" in overall.columns:
        # Figures not yet signed off by the Regional Forum are provisional.
        table["Figures"] = [
            "Signed off" if bool(flag) else "Provisional" for flag in overall["signed_off"]
        ]
    return table
