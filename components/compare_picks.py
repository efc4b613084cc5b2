"""The Compare regions page's pickers and the two-period comparison: the metric (with a
theme filter), the period (the latest values, any quarter or a financial year) and one
region's value in two periods with whether the change is more than chance.

Each pick lives in one widget with a named key and in the page's address
(components/url_state), so a reload or a pasted link opens the same view."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import url_state
from components.compare_views import INTERVAL_NOTE, compare_about
from components.downloads import download_buttons
from core import compare_stats as cs
from core.formatting import escape_markdown
from core.periods import Period
from services import compare as sc
from services.context import RequestContext

METRIC_KEY = "compare-metric"
METRIC_THEME_KEY = "compare-metric-theme"
PERIOD_KEY = "compare-period"
CHANGE_REGION_KEY = "compare-change-region"
CHANGE_FROM_KEY = "compare-change-from"
CHANGE_TO_KEY = "compare-change-to"
ALL_THEMES = "All themes"


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _metric_param(metric_id: int) -> str:
    """A metric in the address: its id."""
    return str(int(metric_id))


def choose_metric(ctx: RequestContext, view: sc.Overview) -> pd.Series:
    """The Theme filter and the Metric box (only the chosen theme's metrics), opening on
    the first metric that has values."""
    themes = [ALL_THEMES, *dict.fromkeys(view.metrics["theme"])]
    if st.session_state.get(METRIC_THEME_KEY) not in themes:
        st.session_state[METRIC_THEME_KEY] = ALL_THEMES
    linked = url_state.requested(url_state.METRIC)
    if linked is not None and url_state.find(linked, view.metrics["id"], _metric_param):
        st.session_state[METRIC_THEME_KEY] = ALL_THEMES  # a link's metric is listed
    left, right = st.columns([1, 2])
    theme = left.selectbox(
        "Theme of the metric",
        themes,
        key=METRIC_THEME_KEY,
        help="List only the metrics of one monitoring theme.",
    )
    listed = view.metrics if theme == ALL_THEMES else view.metrics[view.metrics["theme"] == theme]
    metrics_by_id = {int(r["id"]): r for _, r in listed.iterrows()}
    with_values = sc.metrics_with_values(ctx, view.region_ids)

    def metric_label(metric_id: int) -> str:
        row = metrics_by_id[metric_id]
        label = f"{row['code']}: {row['name']}"
        return label if metric_id in with_values else f"{label} (no values yet)"

    if st.session_state.get(METRIC_KEY) not in metrics_by_id:
        st.session_state[METRIC_KEY] = next(
            (i for i in metrics_by_id if i in with_values), next(iter(metrics_by_id))
        )
    metric_id = url_state.pick(
        right.selectbox,
        "Metric",
        list(metrics_by_id),
        param=url_state.METRIC,
        key=METRIC_KEY,
        encode=_metric_param,
        refused="The link you opened asked for a metric that is not a national core "
        "metric, so the page shows another metric instead.",
        format_func=metric_label,
    )
    return metrics_by_id[metric_id]


def choose_period(choices: list[str]) -> Period | None:
    """The Period box: "Latest" (each region's latest quarter, as before), any quarter
    with values, or a financial year (April to March)."""
    if st.session_state.get(PERIOD_KEY) not in choices:
        st.session_state[PERIOD_KEY] = cs.LATEST
    label = url_state.pick(
        st.selectbox,
        "Period",
        choices,
        param=url_state.PERIOD,
        key=PERIOD_KEY,
        help="Latest: each region's latest quarter. A year (such as 2024/25) runs from "
        "April to March and adds up its quarters.",
    )
    return cs.chosen_period(label)


def change_view(
    ctx: RequestContext, view: sc.Overview, metric: pd.Series, choices: list[str]
) -> None:
    """One region's value in two periods, each with its 95% interval, and whether the
    change is larger than chance alone would explain."""
    st.subheader("Compare two periods for a region", anchor=False)
    periods = [c for c in choices if c != cs.LATEST]
    if len(periods) < 2:
        st.info("This metric needs values for two periods to compare them.")
        return
    regions = list(view.ids_by_name)
    defaults = {
        CHANGE_REGION_KEY: (regions, regions[0]),
        CHANGE_FROM_KEY: (periods, periods[1]),
        CHANGE_TO_KEY: (periods, periods[0]),
    }
    for key, (allowed, default) in defaults.items():
        if st.session_state.get(key) not in allowed:
            st.session_state[key] = default
    region = st.selectbox("Region to compare", regions, key=CHANGE_REGION_KEY)
    left, right = st.columns(2)
    first = left.selectbox("From", periods, key=CHANGE_FROM_KEY)
    second = right.selectbox("To", periods, key=CHANGE_TO_KEY)
    start, end = cs.chosen_period(first), cs.chosen_period(second)
    assert start is not None and end is not None
    found = sc.period_change(ctx, view.ids_by_name[region], metric, start, end)
    if found.change is not None and found.change.beyond_chance is not None:
        icon = ":material/trending_up:" if found.change.beyond_chance else ":material/info:"
    else:
        icon = ":material/info:"
    st.info(escape_markdown(f"{region}: {found.sentence}"), icon=icon)
    st.dataframe(
        found.table.dropna(axis=1, how="all"),
        hide_index=True,
        width="stretch",
        key="compare-change-table",
        alt=f"{metric['code']} in {region} in {first} and {second}, with 95% intervals",
    )
    download_buttons(
        found.table,
        f"change-{_slug(metric['code'])}-{_slug(region)}",
        key="compare-change-dl",
        about=compare_about(
            ctx,
            metric,
            f"{metric['code']} {metric['name']} in {region}: {first} and {second}",
            f"{first} and {second}",
            INTERVAL_NOTE,
        ),
    )
