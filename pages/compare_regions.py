"""Compare regions (national leads and administrators): every region's theme statuses in
one grid with a drill-down, the national core metrics region by region against the
national figure (with a funnel plot for percentages and rates), small-multiple trends and
a ranking table.

Layout only: the figures come from ``services.compare``, the charts from
``components.compare_charts`` and ``components.compare_views``."""

from __future__ import annotations

import contextlib

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from components import url_state
from components.badges import status_markdown
from components.charts import remembered_spec, show_chart
from components.compare_charts import latest_chart
from components.compare_picks import change_view, choose_metric, choose_period
from components.compare_views import (
    INTERVAL_NOTE,
    REGION_KEY,
    THEME_KEY,
    compare_about,
    forget_chart_pick,
    funnel_view,
    grid_view,
    number_columns,
    slug,
    trends_view,
)
from components.context import current
from components.downloads import download_buttons, for_viewer
from core import compare as cc
from core.export_about import ExportAbout
from core.formatting import escape_markdown, format_value
from core.periods import format_period
from core.permissions import Action, can
from core.statuses import PROGRESS_STATUSES
from services import compare as sc
from services.context import RequestContext


def percent(share: float | None) -> str:
    return "no actions" if share is None or pd.isna(share) else f"{share:.0%}"


def actions_text(row: pd.Series, tags_note: str | None) -> str:
    total = int(row["actions_total"])
    if total == 0:
        return "**Actions:** no actions are tagged with this theme yet."
    noun = "action" if total == 1 else "actions"
    return (
        f"**Actions:** {total} {noun}; {int(row['actions_complete'])} complete "
        f"({percent(row['share_complete'])}), {int(row['actions_on_track'])} on track "
        f"({percent(row['share_on_track'])})." + (f"  \n_{tags_note}_" if tags_note else "")
    )


def drill_down(ctx: RequestContext, view: sc.Overview) -> None:
    st.header("Look closer at one region's theme", anchor=False)
    ids_by_name, theme_names, statuses = view.ids_by_name, view.theme_names, view.statuses
    remembered = view.names.get(st.session_state.get("chosen_region_id"))
    if st.session_state.get(REGION_KEY) not in ids_by_name:
        st.session_state[REGION_KEY] = remembered or next(iter(ids_by_name))
    if st.session_state.get(THEME_KEY) not in theme_names:
        st.session_state[THEME_KEY] = theme_names[0]
    left, right = st.columns(2)
    with left:
        region = url_state.pick(
            st.selectbox,
            "Region",
            list(ids_by_name),
            param=url_state.REGION,
            key=REGION_KEY,
            encode=lambda name: str(ids_by_name[name]),
            on_change=forget_chart_pick,
        )
    with right:
        theme = url_state.pick(
            st.selectbox,
            "Theme",
            theme_names,
            param=url_state.THEME,
            key=THEME_KEY,
            on_change=forget_chart_pick,
        )
    region_id = ids_by_name[region]
    st.session_state["chosen_region_id"] = region_id  # the Themes page opens on it
    match = statuses[(statuses["region_id"] == region_id) & (statuses["theme"] == theme)]
    st.subheader(escape_markdown(f"{region} · {theme}"), anchor=False)
    if match.empty:
        st.info("No status yet for this theme in this region.")
        return
    row = match.iloc[0]
    lines = [status_markdown(PROGRESS_STATUSES[row["status"]])]  # one element, not four
    if row["score"] is not None and not pd.isna(row["score"]):
        lines.append(
            f"**Score:** {float(row['score']):.1f} on a scale of -5 to 5, from "
            f"{int(row['metrics_counted'])} of {int(row['metrics_total'])} metrics."
        )
    lines += [escape_markdown(row["explanation"]), actions_text(row, view.tags_note)]
    st.markdown("\n\n".join(lines))
    shown = sc.metrics_behind(ctx, region_id, row["theme_id"])
    if shown.empty:
        st.write("No metrics are set up for this theme yet.")
    else:
        noun = "metric" if len(shown) == 1 else "metrics"
        st.markdown(f"**The {len(shown)} {noun} behind this status**")
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            key="compare-drill-table",
            alt=f"The metrics behind {theme} in {region}, with their statuses",
        )
        about = ExportAbout(
            title=f"The metrics behind {theme} in {region}, with their statuses",
            source="The metric values the region enters.",
            period="Each metric's latest values",
        )
        download_buttons(
            shown,
            f"metrics-{slug(region)}-{slug(theme)}",
            key="compare-drill-dl",
            about=for_viewer(ctx, about, region_id=region_id, region_name=region),
        )
    with contextlib.suppress(StreamlitPageNotFoundError):
        st.page_link(
            "pages/themes.py",
            label=f"Open the Themes page for {escape_markdown(region)}",
            icon=":material/category:",
        )


def national_metrics(ctx: RequestContext, view: sc.Overview) -> None:
    st.header("National core metrics across regions", anchor=False)
    if view.metrics.empty:
        st.info("No national core metrics are set up yet. A national lead can add them.")
        return
    names = view.names
    metric = choose_metric(ctx, view)
    choices = sc.metric_periods(ctx, names, metric)
    period = choose_period(choices)
    comparison = sc.metric_comparison(ctx, names, metric, period)
    latest, figure = comparison.latest, comparison.figure
    if metric["definition"]:
        st.caption(escape_markdown(f"{metric['theme']}. {metric['definition']}"))
    if figure["method"] == "none":
        when = "yet" if period is None else f"for {period.label}"
        st.info(f"No region has a value for this metric {when}.", icon=":material/info:")
        return
    when = period.label if period else format_period(figure["period_start"])
    st.markdown(
        f"**National figure for {when}:** "
        f"{format_value(float(figure['value']), metric['unit'])}. "
        f"{escape_markdown(figure['sentence'])}"
    )
    later = latest[latest["period_start"] > figure["period_start"]]
    if not later.empty:
        st.caption(
            "Not in the national figure yet, because most regions have not reported that "
            "quarter: "
            + "; ".join(
                f"{escape_markdown(names[int(r.region_id)])} ({format_period(r.period_start)})"
                for r in later.itertuples(index=False)
                if int(r.region_id) in names
            )
            + "."
        )
    st.subheader(
        "Latest value in each region" if period is None else f"Value in {period.label}",
        anchor=False,
    )
    ranked = comparison.ranked
    show_chart(
        remembered_spec(latest_chart, ranked, metric, figure),
        width="stretch",
        key="compare-latest",
    )
    st.markdown(f"**Ranking.** {cc.direction_sentence(metric['direction'])}")
    ranking = ranked.rename(columns={"Value": sc.value_column(metric["unit"], metric["name"])})
    st.dataframe(
        ranking,
        hide_index=True,
        width="stretch",
        key="compare-ranking",
        alt=f"Regions ranked by their latest value of {metric['code']}",
        column_config=number_columns(),
    )
    about = compare_about(
        ctx,
        metric,
        f"{metric['code']} {metric['name']}: regions ranked",
        period.label if period else "Each region's latest quarter",
        INTERVAL_NOTE,
    )
    download_buttons(
        ranking, f"ranking-{slug(metric['code'])}", key="compare-ranking-dl", about=about
    )
    funnel_view(ctx, comparison, metric, names, period.label if period else None)
    change_view(ctx, view, metric, choices)
    trends_view(ctx, comparison.national_trend, metric, names)


def main() -> None:
    ctx = current()
    st.title("Compare regions")
    if not can(ctx.actor, Action.VIEW_ALL_REGIONS):
        st.error("Comparing regions is for national leads and administrators.")
        st.stop()
    view = sc.overview(ctx)
    if not view.names or not view.theme_names:
        st.info(
            "There is nothing to compare yet: an administrator needs to set up the regions "
            "and the monitoring themes."
        )
        st.stop()
    st.write(
        "Every region side by side: how each of the six monitoring themes is going, and the "
        "national core metrics region by region against the national figure."
    )
    grid_view(ctx, view)
    drill_down(ctx, view)
    national_metrics(ctx, view)


main()
