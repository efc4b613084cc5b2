"""The Variation (SPC) view of a metric card (components/spc_chart.py): the chart is
drawn from core.spc's figures, with its table, icons in words and one sentence; with
fewer than twelve quarters it says why and shows the run chart."""

from __future__ import annotations

from datetime import date

import pandas as pd
from streamlit.testing.v1 import AppTest

from components import spc_chart
from components.charts import page_spec
from core import spc


def quarters(count: int) -> pd.DataFrame:
    starts = [date(2021 + (3 + 3 * i) // 12, (3 + 3 * i) % 12 + 1, 1) for i in range(count)]
    values = [4, 6, 4, 6, 4, 6, 7, 8, 7, 8, 7, 8, 7][:count]
    return pd.DataFrame({"period_start": starts, "value": values, "characteristic": ""})


DEFINITION = {"code": "CA1", "name": "Staff trained", "unit": "count", "direction": "increase"}


def run_panel(count: int) -> AppTest:
    def script(count: int) -> None:
        from components.spc_chart import spc_panel
        from tests.app.test_spc_view import DEFINITION, quarters

        spc_panel(DEFINITION, quarters(count), key="m")

    at = AppTest.from_function(script, kwargs={"count": count})
    return at.run()


def test_twelve_or_more_quarters_draw_the_xmr_chart_with_its_words() -> None:
    at = run_panel(13)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Special cause of improvement" in text
    assert "seven quarters in a row above the average" in text
    table = at.dataframe[0].value
    assert table["Quarter"].iloc[0] == "Q1 2024/25"  # newest first, as every table
    assert set(table.columns) >= {"Average", "Lower process limit", "Upper process limit"}


def test_fewer_than_twelve_quarters_say_why_and_draw_the_run_chart() -> None:
    at = run_panel(7)
    assert not at.exception
    assert "needs at least 12 quarters" in at.info[0].value
    assert "has 7" in at.info[0].value
    assert "Median" in at.dataframe[0].value.columns


def test_the_chart_has_a_title_and_description_and_valid_spec(monkeypatch) -> None:
    monkeypatch.setenv("AMHE_VALIDATE_CHARTS", "1")
    frame = quarters(13)
    labels, numbers = spc_chart.series_of(frame)
    view = spc.spc_view(labels, numbers, direction="increase")
    rows = tuple(tuple(r.items()) for r in spc.spc_rows(view, numbers))
    spec = page_spec(
        spc_chart.build_spc_chart(
            "CA1: Staff trained", "count", rows, spc_chart.describe(view, "x")
        )
    )
    assert spec["title"]["text"] == "CA1: Staff trained"
    assert "process limits" in spec["description"]
    data = next(iter(spec["datasets"].values()))
    assert [row["Quarter"] for row in data] == labels  # oldest first on the axis


def test_a_hidden_quarter_means_no_spc_chart() -> None:
    frame = quarters(13)
    frame.loc[3, "value"] = None  # hidden under disclosure control
    assert spc_chart.hidden_quarters(frame) == 1

    def script() -> None:
        from components.spc_chart import spc_panel
        from tests.app.test_spc_view import DEFINITION, quarters

        shown = quarters(13)
        shown.loc[3, "value"] = None
        spc_panel(DEFINITION, shown, key="m")

    at = AppTest.from_function(script).run()
    assert "disclosure control" in at.info[0].value
    assert not at.dataframe
