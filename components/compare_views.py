"""The Compare regions page's pieces with their charts: the status grid (a click on a cell
chooses that region and theme below), the funnel plot and the small-multiple trends, each
chart drawn with its table and downloads beside it."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from components.charts import remembered_spec, show_chart
from components.compare_charts import funnel_chart, grid_chart, trends_chart
from components.downloads import download_buttons, for_viewer
from core.export_about import ExportAbout, metric_about, period_words
from core.formatting import escape_markdown
from core.periods import format_period
from core.theme_words import METHOD_SENTENCES
from services import compare as sc
from services.context import RequestContext

REGION_KEY = "compare-region"
THEME_KEY = "compare-theme"
GRID_KEY = "compare-grid"
GRID_GENERATION_KEY = "compare-grid-generation"
LAST_PICK_KEY = "compare-grid-last-pick"
ADJUST_KEY = "compare-funnel-adjust"
ADJUST_LABEL = "Allow for extra variation between regions"
ADJUST_HELP = (
    "Regions differ for reasons beyond chance (the people they serve, how they count), "
    "so often more regions fall outside the limits than chance alone would put there. "
    "Ticked, the limits are widened by how much more the regions vary than chance would "
    "give (Spiegelhalter's overdispersion adjustment, as NHS funnel plots use), so only "
    "regions that stand out from that wider variation are flagged."
)

#: Small trend charts drawn at once; with more regions than this, people pick which.
TREND_CHARTS = 12


INTERVAL_NOTE = (
    "Intervals are 95% confidence intervals and funnel limits are 95% and 99.8% "
    "control limits, each limit in its own column."
)


def compare_about(
    ctx: RequestContext, metric: pd.Series, title: str, period: str, *notes: str
) -> ExportAbout:
    """What a Compare regions download of one metric says about itself: the metric's
    definition, source and unit, the period, and the rule and audience for this viewer
    (national figures: exact, for national leads and administrators)."""
    about = replace(metric_about(metric, None), title=title, period=period, notes=notes)
    return for_viewer(
        ctx,
        about,
        region_id=None,
        region_name=None,
        people=bool(metric.get("counts_people", True)),
    )


def number_columns() -> dict:
    """Numerators and denominators shown as whole numbers."""
    return {
        "Numerator": st.column_config.NumberColumn("Numerator", format="%d"),
        "Denominator": st.column_config.NumberColumn("Denominator", format="%d"),
    }


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


# ------------------------------------------------------------------ the status grid


def grid_key() -> str:
    return f"{GRID_KEY}-{st.session_state.get(GRID_GENERATION_KEY, 0)}"


def forget_chart_pick() -> None:
    """A region or theme chosen in the boxes clears the cell picked in the chart (a fresh
    chart), so the chart never outlines a different cell from the one shown below."""
    st.session_state[GRID_GENERATION_KEY] = st.session_state.get(GRID_GENERATION_KEY, 0) + 1
    st.session_state.pop(LAST_PICK_KEY, None)


def apply_chart_pick(view: sc.Overview) -> None:
    """A click on a cell of the chart chooses that region and theme below (once per click,
    so the selects stay free to change afterwards)."""
    state = st.session_state.get(grid_key())
    selection = (state or {}).get("selection", {}) if hasattr(state, "get") else {}
    picked = selection.get("cell") if hasattr(selection, "get") else None
    if not picked:
        return
    first = picked[0] if isinstance(picked, list) else picked
    region, theme = first.get("region"), first.get("theme")
    pick = (region, theme)
    if pick == st.session_state.get(LAST_PICK_KEY):
        return
    st.session_state[LAST_PICK_KEY] = pick
    if region in view.ids_by_name and theme in view.theme_names:
        st.session_state[REGION_KEY] = region
        st.session_state[THEME_KEY] = theme


def grid_view(ctx: RequestContext, view: sc.Overview) -> None:
    """Every region's status in every theme: the grid chart and its table."""
    st.header("Progress by region and theme", anchor=False)
    st.caption(
        " ".join(METHOD_SENTENCES)
        + " Each cell shows the status in words with a symbol: ✓ target achieved, "
        "↗ substantial progress, → moderate progress, ! limited progress, ↘ deterioration, "
        "? not enough data yet."
    )
    table = sc.grid_frame(view.statuses, view.names)
    status_table = sc.status_table(view)
    if table.empty:
        st.info("No theme statuses yet: they appear once regions have metric values.")
        return
    apply_chart_pick(view)
    show_chart(
        remembered_spec(grid_chart, table, tuple(view.names.values()), tuple(view.theme_names)),
        width="stretch",
        key=grid_key(),
        on_select="rerun",
        selection_mode="cell",
    )
    st.caption("Click a cell, or use the Region and Theme boxes below, to look closer.")
    st.dataframe(
        status_table,
        hide_index=True,
        width="stretch",
        key="compare-grid-table",
        alt="Progress status of each region (rows) in each theme (columns), in words",
    )
    about = ExportAbout(
        title="Progress status of each region in each monitoring theme",
        definition=" ".join(METHOD_SENTENCES),
        source="The metric values each region enters, and its plan actions.",
        period="Each region's latest values",
    )
    download_buttons(
        status_table,
        "theme-statuses-by-region",
        key="compare-grid-dl",
        about=for_viewer(ctx, about, region_id=None, region_name=None, people=False),
    )


# ------------------------------------------------------------------ the funnel plot


def funnel_view(
    ctx: RequestContext,
    comparison: sc.MetricComparison,
    metric: pd.Series,
    names: dict[int, str],
    period_label: str | None = None,
) -> None:
    st.subheader("Funnel plot: which differences are more than chance?", anchor=False)
    unit, figure = metric["unit"], comparison.figure
    adjust = bool(st.session_state.get(ADJUST_KEY, False))
    found = sc.funnel(comparison, metric, names, adjust=adjust)
    if found.why == "unit":
        kind = {"count": "a count", "score": "a score"}.get(unit, "not a share of a group")
        st.info(
            f"A funnel plot is drawn for percentages and rates with numerators and "
            f"denominators. This metric is {kind}, so compare it with the chart above.",
            icon=":material/info:",
        )
        return
    if found.why == "pairs":
        st.info(
            "A funnel plot needs every region's numerator and denominator for "
            f"{format_period(figure['period_start'])}, and "
            + ("no region gave them." if found.given == 0 else "some are missing.")
            + " They can be entered on the Metrics page.",
            icon=":material/info:",
        )
        return
    if found.why == "problem":
        st.info(
            f"No funnel plot for this metric: {escape_markdown(found.problem)}",
            icon=":material/info:",
        )
        return
    sentences = found.sentences
    sentence = " ".join(sentences)
    when = period_label or format_period(found.period)
    st.caption(
        f"Each region's value for {when} against how many it counted. "
        "The lines show how far from the national figure a region of each size could be by "
        "chance alone: a small region is expected to vary more. About 1 region in 20 falls "
        "outside the 95% limits by chance; outside the 99.8% limits, chance is very unlikely."
    )
    if len(sentences) == 1:
        st.info(escape_markdown(sentence), icon=":material/insights:")
    else:
        st.info(
            "\n".join(f"- {escape_markdown(line)}" for line in sentences),
            icon=":material/insights:",
        )
    st.checkbox(ADJUST_LABEL, key=ADJUST_KEY, help=ADJUST_HELP)
    st.caption(ADJUST_HELP)
    for note in found.notes:
        if found.adjusted:
            st.info(escape_markdown(note), icon=":material/tune:")
        else:
            st.warning(escape_markdown(note), icon=":material/warning:")
    show_chart(
        remembered_spec(
            funnel_chart,
            found.placed,
            found.curve,
            metric,
            sentence,
            found.scale,
            found.adjusted,
        ),
        width="stretch",
        key="compare-funnel",
    )
    st.dataframe(
        found.table,
        hide_index=True,
        width="stretch",
        key="compare-funnel-table",
        alt=f"Funnel plot figures for {metric['code']}: each region's limits and where it falls",
        column_config=number_columns(),
    )
    about = compare_about(
        ctx,
        metric,
        f"Funnel plot of {metric['code']} {metric['name']}: each region against the limits",
        period_label or "Each region's latest quarter",
        INTERVAL_NOTE,
        *found.notes,
    )
    download_buttons(
        found.table, f"funnel-{slug(metric['code'])}", key="compare-funnel-dl", about=about
    )
    if found.missing:
        st.caption(
            "Not on the plot, because they have no value for "
            f"{when}: {escape_markdown(', '.join(found.missing))}."
        )


# ------------------------------------------------------------------------ the trends


def trend_regions(names: dict[int, str]) -> list[int]:
    """The regions whose trends are drawn: every region when there are few, else those
    chosen (the first twelve to begin with): seventy small charts are too many to read,
    and to draw on every run."""
    if len(names) <= TREND_CHARTS:
        return list(names)
    chosen = st.multiselect(
        "Regions to show",
        list(names),
        default=list(names)[:TREND_CHARTS],
        format_func=names.get,
        max_selections=TREND_CHARTS,
        key="compare-trend-regions",
        help=f"Up to {TREND_CHARTS} regions at a time.",
    )
    st.caption(f"Showing the trends of {len(chosen)} of {len(names)} regions.")
    return chosen


def trends_view(
    ctx: RequestContext, national: pd.DataFrame, metric: pd.Series, names: dict[int, str]
) -> None:
    st.subheader("Trend in each region", anchor=False)
    chosen = trend_regions(names)
    if not chosen:
        st.info("Choose at least one region to see its trend.", icon=":material/info:")
        return
    frame = sc.region_trends(ctx, chosen, national, metric, names)
    if frame.empty:
        st.info("No values yet for this metric.", icon=":material/info:")
        return
    chart = remembered_spec(trends_chart, frame, metric, tuple(names.values()))
    show_chart(chart, key="compare-trends")
    # Made only while open: a table's grid and its downloads cost the browser time.
    with st.expander("Trend figures", key="compare-trend-figures", on_change="rerun") as box:
        if not box.open:
            return
        table = sc.trend_table(frame, names)
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key="compare-trend-table",
            alt=f"{metric['code']} in each region by quarter, and the national figure",
        )
        about = compare_about(
            ctx,
            metric,
            f"{metric['code']} {metric['name']} in each region by quarter, and nationally",
            period_words(frame),
            INTERVAL_NOTE,
        )
        download_buttons(
            table, f"trend-{slug(metric['code'])}", key="compare-trend-dl", about=about
        )
