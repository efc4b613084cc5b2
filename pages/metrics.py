"""Metrics: the region's national core and local coproduced metrics with their progress,
data entry in a grid, and metric definitions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import url_state
from components.context import current
from components.corrections import retired_metrics_panel
from components.downloads import download_buttons, for_viewer
from components.first_run import first_run_notice, requested_definition
from components.metric_card import metric_card, status_words, theme_filter
from components.metric_entry import entry_view
from components.metric_entry_save import OUTCOME
from components.metric_form import define_view
from components.metric_goto import cards_to_show, open_metric
from components.outcome import show_outcome
from components.region_picker import choose_region
from core.disclosure import rule_text
from core.entities import Entity
from core.export_about import ExportAbout
from core.formatting import escape_markdown as plain
from core.formatting import format_value
from core.forum import has_coproduction_record
from core.periods import format_period
from core.permissions import Action, can
from services.context import RequestContext
from services.forum import page_comments
from services.metrics import (
    MetricsPage,
    card_agreements,
    card_values,
    metrics_page,
    metrics_progress,
)

VIEW_PROGRESS = "Metrics and progress"
VIEW_ENTER = "Enter values"
VIEW_DEFINE = "Define or change a metric"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --- view 1: the metrics and their progress ---------------------------------------


def progress_view(ctx: RequestContext, page: MetricsPage) -> None:
    definitions, region_name = page.definitions, page.region_name
    if definitions.empty:
        st.info("This region has no metrics yet.", icon=":material/info:")
        return
    chosen = theme_filter(page, "metrics-theme")
    shown = definitions if chosen is None else definitions[definitions["theme_id"] == chosen]
    progress = metrics_progress(ctx, page.region_id, shown)
    results, figures = progress.results, progress.figures
    if progress.suppressed:
        st.caption(rule_text(ctx.threshold) + " An empty cell is a hidden figure.")
    summary = []
    for _, row in shown.iterrows():
        series = [(p, v) for p, v in figures.get(int(row["id"]), []) if v is not None]
        last = series[-1] if series else None
        if row["scope"] == "national":
            coproduced = "National core metric"
        else:
            coproduced = "Yes" if has_coproduction_record(row) else "Not yet coproduced"
        summary.append(
            {
                "Code": row["code"],
                "Metric": row["name"],
                "Theme": row["theme_name"],
                "Latest quarter": format_period(last[0]) if last else "No values yet",
                "Latest value": format_value(last[1], row["unit"]) if last else "",
                "Progress": status_words(results[int(row["id"])]),
                "Coproduced": coproduced,
            }
        )
    summary_table = pd.DataFrame(summary)
    local = int((shown["scope"] == "local").sum())
    st.write(
        f"{plural(len(shown), 'metric')} for {plain(region_name)}: "
        f"{plural(len(shown) - local, 'national core metric')} (the same in every region, "
        f"so regions can be compared) and {plural(local, 'local metric')} coproduced in the "
        "region. Progress uses the Open SDG method: the growth so far against the growth "
        "needed to reach the target on time."
    )
    if chosen is not None:
        summary_table = summary_table.drop(columns=["Theme"])
    st.dataframe(
        summary_table,
        hide_index=True,
        width="stretch",
        key="metrics-summary",
        column_config={"Metric": st.column_config.TextColumn("Metric", width=320)},
    )
    about = ExportAbout(
        title=f"The metrics of {region_name} and their progress",
        source="The metric values the region enters.",
        period="Each metric's latest values",
        notes=("An empty cell is a hidden figure, or one not entered yet.",),
    )
    download_buttons(
        summary_table,
        f"metrics-{region_name}",
        key="metrics-summary-dl",
        about=for_viewer(ctx, about, region_id=page.region_id, region_name=region_name),
    )
    ordered = pd.concat([shown[shown["theme_id"] == t] for t in page.theme_names])
    on_cards = cards_to_show(ordered)
    values = card_values(ctx, page.region_id, on_cards)
    agreements = card_agreements(ctx, on_cards)
    comments = page_comments(ctx, page.region_id, Entity.METRIC, on_cards["id"].astype(int))
    for theme_id, theme_name in page.theme_names.items():
        in_theme = on_cards[on_cards["theme_id"] == theme_id]
        if in_theme.empty:
            continue
        st.header(plain(theme_name), anchor=False)
        for _, row in in_theme.iterrows():
            metric_id = int(row["id"])
            agreed = agreements.get(metric_id)
            metric_card(ctx, page, row, values, results[metric_id], agreed, comments)


# --- the page -----------------------------------------------------------------------

ctx = current()
st.title("Metrics")
first_run_notice(ctx)
asked_metric = url_state.requested(url_state.METRIC)  # a link's ?metric=CA1 or =12
region_id, region_name = choose_region(ctx, key="metrics-region")
can_enter = can(ctx.actor, Action.EDIT_METRIC_VALUES, region_id)
can_define_local = can(ctx.actor, Action.DEFINE_LOCAL_METRIC, region_id)
can_define_national = can(ctx.actor, Action.DEFINE_NATIONAL_METRIC)
page = metrics_page(ctx, region_id, region_name)

views = [VIEW_PROGRESS]
if can_enter:
    views.append(VIEW_ENTER)
if can_define_local or can_define_national:
    views.append(VIEW_DEFINE)
requested = requested_definition()  # a first-run guide's link (components/first_run.py)
if requested is not None and VIEW_DEFINE in views:
    st.session_state["metrics-view"] = VIEW_DEFINE
    st.session_state["metrics:define-choice"] = requested
open_metric(asked_metric, page.definitions, "metrics-view", VIEW_PROGRESS)
view = st.radio("Show", views, horizontal=True, key="metrics-view") if len(views) > 1 else views[0]

if view == VIEW_ENTER:
    entry_view(ctx, page)
elif view == VIEW_DEFINE:
    define_view(ctx, page, can_define_local, can_define_national)
else:
    show_outcome(OUTCOME)
    progress_view(ctx, page)
    retired_metrics_panel(ctx, region_id)
