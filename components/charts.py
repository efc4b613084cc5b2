"""Drawing an Altair chart on a page.

``st.altair_chart`` checks the chart against the whole Vega-Lite schema on every run,
which costs more than building the chart (about 15 ms a chart, so 0.1 s on a page of
charts). Our charts are built by code, and the test suite sets AMHE_VALIDATE_CHARTS=1
so that every chart a page test draws is checked; pages draw them through
:func:`show_chart`, which otherwise hands Streamlit the chart's spec without the check.
Everything else is what ``st.altair_chart`` does.
"""

from __future__ import annotations

import os
from typing import Any

import altair as alt
import streamlit as st

#: Altair's default theme sizes a chart 300 by 300; Streamlit fits it to its container.
_DEFAULT_VIEW = {"continuousWidth": 300, "continuousHeight": 300}


def page_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart as a Vega-Lite dict for a page, without Altair's default size (checked
    against the schema only under AMHE_VALIDATE_CHARTS=1). Reports have their own
    reports.pdf.chart_spec, which sizes a chart for paper instead."""
    spec = chart.to_dict(validate=os.environ.get("AMHE_VALIDATE_CHARTS") == "1")
    view = spec.get("config", {}).get("view")
    if isinstance(view, dict):
        for name, size in _DEFAULT_VIEW.items():
            if view.get(name) == size:
                view.pop(name)
        if not view:
            spec["config"].pop("view")
        if not spec["config"]:
            spec.pop("config")
    return spec


def show_chart(chart: alt.TopLevelMixin, **options: Any) -> Any:
    """``st.altair_chart(chart, **options)`` without the schema check on every run."""
    return st.vega_lite_chart(page_spec(chart), **options)
