"""components.charts: a chart drawn without the per-run schema check is the same chart."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from components.charts import page_spec


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
    with pytest.raises(alt.utils.schemapi.SchemaValidationError, match="not-a-mark"):
        page_spec(broken)
    monkeypatch.setenv("AMHE_VALIDATE_CHARTS", "0")
    assert page_spec(broken)["mark"] == {"type": "not-a-mark"}
