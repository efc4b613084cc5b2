"""The Themes and Compare regions trend charts: an ordinal quarter axis labelled
"Q1 2024/25", in time order (never alphabetical, which would reverse a trend)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from components.compare_charts import trends_chart
from components.theme_trend import trend_chart


def x_encoding(spec: dict) -> dict:
    """The x encoding of the (first) mark of a chart spec."""
    layers = spec.get("layer") or [spec.get("spec", spec)]
    return layers[0]["encoding"]["x"]


def test_the_theme_trend_chart_has_a_quarter_axis_in_time_order():
    starts = pd.to_datetime(["2025-01-01", "2024-10-01", "2025-04-01"]).sort_values()
    data = pd.DataFrame(
        {
            "period_start": starts,
            "period": ["Q3 2024/25", "Q4 2024/25", "Q1 2025/26"],
            "score": [1.0, 2.0, 3.0],
            "status_label": ["On track"] * 3,
            "metrics_counted": [3, 3, 3],
        }
    )
    x = x_encoding(trend_chart("Access", data).to_dict())
    assert x["field"] == "period" and x["type"] == "ordinal"
    assert x["sort"] == x["scale"]["domain"] == ["Q3 2024/25", "Q4 2024/25", "Q1 2025/26"]


def test_the_compare_trend_chart_has_a_quarter_axis_in_time_order():
    starts = pd.to_datetime(["2025-04-01", "2024-10-01", "2025-01-01"])
    frame = pd.DataFrame(
        {
            "region": ["London"] * 3,
            "series": ["Region's value"] * 3,
            "period_start": starts,
            "value": [1.0, 2.0, 3.0],
            "quarter": ["Q1 2025/26", "Q3 2024/25", "Q4 2024/25"],
            "shown": ["1%", "2%", "3%"],
        }
    )
    metric = pd.Series({"code": "CA01", "name": "Interpreters", "unit": "percentage"})
    chart: alt.FacetChart = trends_chart(frame, metric, ("London",))
    x = chart.to_dict()["spec"]["encoding"]["x"]
    assert x["field"] == "quarter" and x["type"] == "ordinal"
    assert x["sort"] == x["scale"]["domain"] == ["Q3 2024/25", "Q4 2024/25", "Q1 2025/26"]
