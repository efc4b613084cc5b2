"""components.charts: a chart drawn without the per-run schema check is the same chart."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from components.charts import page_spec
from components.compat import SchemaValidationError


def sample() -> alt.Chart:
    frame = pd.DataFrame({"quarter": ["Q1", "Q2"], "value": [1.0, 2.0]})
    return (
        alt.Chart(frame)
        .mark_line()
        .encode(x="quarter:O", y="value:Q")
        .properties(title="Trend", description="A line")
    )


def test_the_spec_keeps_the_chart_and_drops_only_the_default_size(monkeypatch):
    monkeypatch.delenv("AMHE_VALIDATE_CHARTS", raising=False)
    spec = page_spec(sample())
    assert spec["mark"] == {"type": "line"}
    assert spec["title"] == "Trend" and spec["description"] == "A line"
    assert "view" not in spec.get("config", {})
    assert next(iter(spec["datasets"].values())) == [
        {"quarter": "Q1", "value": 1.0},
        {"quarter": "Q2", "value": 2.0},
    ]


def test_the_test_suite_checks_every_chart_against_the_schema(monkeypatch):
    broken = sample()
    broken.mark = "not-a-mark"  # set after building, as a builder's mistake would be
    monkeypatch.setenv("AMHE_VALIDATE_CHARTS", "1")
    with pytest.raises(SchemaValidationError, match="not-a-mark"):
        page_spec(broken)
    monkeypatch.setenv("AMHE_VALIDATE_CHARTS", "0")
    assert page_spec(broken)["mark"] == {"type": "not-a-mark"}


def test_chart_data_is_the_same_records_as_altairs_own():
    from datetime import date

    import numpy as np
    from altair import to_values

    from components.charts import MAX_ROWS, records

    frame = pd.DataFrame(
        {
            "region": pd.Series(["London", "North West", None], dtype="string"),
            "label": ["a", None, "c"],
            "count": [1, 2, 3],
            "value": [1.5, np.nan, 3.25],
            "when": pd.to_datetime(["2024-04-01", "2024-07-01", None]),
            "day": [date(2024, 4, 1), date(2024, 7, 1), None],
            "group": pd.Categorical(["x", "y", "x"]),
            "flag": [True, False, True],
            "mixed": [np.int64(4), "text", 2.5],
        }
    )
    assert records(frame) == to_values(frame)
    assert records(frame.iloc[0:0]) == to_values(frame.iloc[0:0])
    with pytest.raises(alt.MaxRowsError):
        records(pd.DataFrame({"x": range(MAX_ROWS + 1)}))
    # Every chart built on a page goes through it.
    assert alt.data_transformers.active == "amhe"


built: list[int] = []


def counted_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    built.append(len(frame))
    return alt.Chart(frame, title=title).mark_line().encode(x="quarter:O", y="value:Q")


def test_a_chart_is_remembered_for_the_same_data_and_built_again_for_new_data():
    from components.charts import forget_charts, remembered_spec

    forget_charts()
    built.clear()
    frame = pd.DataFrame({"quarter": ["Q1", "Q2"], "value": [1.0, float("nan")]})
    first = remembered_spec(counted_chart, frame, "Trend")
    # The same values in a new frame (a rerun reads them again): not built again, and a
    # missing value (NaN, which equals nothing) still counts as the same.
    again = remembered_spec(counted_chart, frame.copy(), "Trend")
    assert again == first and built == [2]
    again["title"] = "changed by a caller"
    assert remembered_spec(counted_chart, frame, "Trend") == first
    # A changed value or argument is a new chart.
    remembered_spec(counted_chart, frame.assign(value=[1.0, 2.0]), "Trend")
    remembered_spec(counted_chart, frame, "Other")
    assert built == [2, 2, 2]
    forget_charts()
    remembered_spec(counted_chart, frame, "Trend")
    assert len(built) == 4
