"""Compare regions (national leads and administrators): every region's theme statuses in
one grid with a drill-down, the national core metrics region by region against the
national figure (with a funnel plot for percentages and rates), small-multiple trends and
a ranking table."""

from __future__ import annotations

import contextlib
import json
import textwrap

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session
from streamlit.errors import StreamlitPageNotFoundError

from components.badges import status_badge
from components.charts import remembered_spec, show_chart
from components.context import current
from components.downloads import download_buttons
from core import compare as cc
from core.formatting import escape_markdown, format_value
from core.periods import format_period
from core.permissions import Action, can
from core.statuses import OKABE_ITO, PROGRESS_STATUSES
from db import compare as dbc
from db import queries, theme_progress
from db.plan import theme_tags_note

REGION_KEY = "compare-region"
THEME_KEY = "compare-theme"
METRIC_KEY = "compare-metric"
GRID_KEY = "compare-grid"
GRID_GENERATION_KEY = "compare-grid-generation"
LAST_PICK_KEY = "compare-grid-last-pick"
LABEL_ALL_UP_TO = 15  # label every point on the funnel plot up to this many regions

ctx = current()
st.title("Compare regions")
if not can(ctx.actor, Action.VIEW_ALL_REGIONS):
    st.error("Comparing regions is for national leads and administrators.")
    st.stop()

with Session(ctx.engine) as session:
    regions = queries.regions(session)
    themes = queries.monitoring_themes(session)
    region_ids = [int(i) for i in regions["id"]]
    statuses = theme_progress.theme_statuses(session, region_ids)
    metrics = dbc.national_metrics(session)
    tags_note = theme_tags_note(session)

names: dict[int, str] = dict(zip(regions["id"].astype(int), regions["name"], strict=True))
ids_by_name = {name: region_id for region_id, name in names.items()}
theme_names: list[str] = list(themes["name"])

if not names or not theme_names:
    st.info(
        "There is nothing to compare yet: an administrator needs to set up the regions and "
        "the monitoring themes."
    )
    st.stop()

st.write(
    "Every region side by side: how each of the six monitoring themes is going, and the "
    "national core metrics region by region against the national figure."
)


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def percent(share: float | None) -> str:
    return "no actions" if share is None or pd.isna(share) else f"{share:.0%}"


def axis_title(unit: str) -> str:
    return {
        "percentage": "Percentage (%)",
        "count": "Number",
        "rate": "Rate",
        "score": "Score",
    }.get(unit, "Value")


def value_column(unit: str) -> str:
    return "Value (%)" if unit == "percentage" else "Value"


# ------------------------------------------------------------------ the status grid


def grid_frame() -> pd.DataFrame:
    frame = statuses.assign(region=statuses["region_id"].map(names))
    frame = frame[frame["region"].notna()]
    styles = [PROGRESS_STATUSES[s] for s in frame["status"]]
    return pd.DataFrame(
        {
            "region": frame["region"].to_numpy(),
            "theme": frame["theme"].to_numpy(),
            "status": [s.label for s in styles],
            "cell_text": [
                "\n".join(textwrap.wrap(f"{cc.STATUS_SYMBOLS[s.code]} {s.label}", 16))
                for s in styles
            ],
            "text_colour": [cc.text_colour(s.colour) for s in styles],
            "score": [None if pd.isna(v) else round(float(v), 1) for v in frame["score"]],
        }
    )


def theme_label_expr(theme_order: tuple[str, ...]) -> str:
    """Theme names over two lines or so on the axis (a Vega expression)."""
    expr = "datum.label"
    for name in reversed(theme_order):
        lines = json.dumps(textwrap.wrap(name, 16) or [name])
        expr = f"datum.label == {json.dumps(name)} ? {lines} : ({expr})"
    return expr


def grid_description(table: pd.DataFrame, themes_across: int) -> str:
    counts = table["status"].value_counts()
    parts = [f"{number} {label.lower()}" for label, number in counts.items()]
    return (
        f"Grid of progress statuses: {table['region'].nunique()} regions down, "
        f"{themes_across} themes across, each cell coloured and labelled with its status "
        f"in words. Of the {len(table)} cells: " + ", ".join(parts) + "."
    )


def grid_chart(
    table: pd.DataFrame, region_names: tuple[str, ...], theme_order: tuple[str, ...]
) -> alt.LayerChart:
    """The grid, rows in the order of ``region_names`` and columns of ``theme_order``
    (arguments, not read from the page, since the chart is remembered by its arguments)."""
    statuses_shown, regions_shown = set(table["status"]), set(table["region"])
    present = [s for s in PROGRESS_STATUSES.values() if s.label in statuses_shown]
    region_order = [n for n in region_names if n in regions_shown]
    pick = alt.selection_point(name="cell", fields=["region", "theme"], on="click", empty=False)
    x = alt.X(
        "theme:N",
        sort=list(theme_order),
        axis=alt.Axis(
            title=None,
            orient="top",
            labelAngle=0,
            labelExpr=theme_label_expr(theme_order),
            labelLimit=0,
        ),
    )
    y = alt.Y("region:N", sort=region_order, axis=alt.Axis(title=None, labelLimit=260))
    tooltip = [
        alt.Tooltip("region:N", title="Region"),
        alt.Tooltip("theme:N", title="Theme"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("score:Q", title="Score (-5 to 5)"),
    ]
    base = alt.Chart(table)
    cells = (
        base.mark_rect(stroke=OKABE_ITO["black"])
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "status:N",
                scale=alt.Scale(
                    domain=[s.label for s in present], range=[s.colour for s in present]
                ),
                legend=alt.Legend(title="Status", orient="bottom", columns=3, labelLimit=300),
            ),
            strokeWidth=alt.condition(pick, alt.value(4), alt.value(0.5)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    words = base.mark_text(fontSize=12, lineBreak="\n").encode(
        x=x,
        y=y,
        text="cell_text:N",
        color=alt.Color("text_colour:N", scale=None),
        tooltip=tooltip,
    )
    return alt.layer(cells, words).properties(
        title=alt.TitleParams("Progress by region and theme", anchor="start"),
        description=grid_description(table, len(theme_order)),
        height=alt.Step(46),
    )


def grid_key() -> str:
    return f"{GRID_KEY}-{st.session_state.get(GRID_GENERATION_KEY, 0)}"


def forget_chart_pick() -> None:
    """A region or theme chosen in the boxes clears the cell picked in the chart (a fresh
    chart), so the chart never outlines a different cell from the one shown below."""
    st.session_state[GRID_GENERATION_KEY] = st.session_state.get(GRID_GENERATION_KEY, 0) + 1
    st.session_state.pop(LAST_PICK_KEY, None)


def apply_chart_pick() -> None:
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
    if region in ids_by_name and theme in theme_names:
        st.session_state[REGION_KEY] = region
        st.session_state[THEME_KEY] = theme


st.header("Progress by region and theme", anchor=False)
st.caption(
    " ".join(theme_progress.METHOD_SENTENCES)
    + " Each cell shows the status in words with a symbol: ✓ target achieved, "
    "↗ substantial progress, → moderate progress, ! limited progress, ↘ deterioration, "
    "? not enough data yet."
)
table = grid_frame()
status_table = cc.status_table(statuses, names, theme_names)
if table.empty:
    st.info("No theme statuses yet: they appear once regions have metric values.")
else:
    apply_chart_pick()
    show_chart(
        remembered_spec(grid_chart, table, tuple(names.values()), tuple(theme_names)),
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
    download_buttons(status_table, "theme-statuses-by-region", key="compare-grid-dl")


# ------------------------------------------------------------------- the drill-down


def actions_text(row: pd.Series) -> str:
    total = int(row["actions_total"])
    if total == 0:
        return "**Actions:** no actions are tagged with this theme yet."
    noun = "action" if total == 1 else "actions"
    return (
        f"**Actions:** {total} {noun}; {int(row['actions_complete'])} complete "
        f"({percent(row['share_complete'])}), {int(row['actions_on_track'])} on track "
        f"({percent(row['share_on_track'])})." + (f"  \n_{tags_note}_" if tags_note else "")
    )


def metrics_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Metric": frame["name"],
            "Code": frame["code"],
            "National or local": [
                "National" if s == "national" else "Local" for s in frame["scope"]
            ],
            "Status": frame["status_label"],
            "Latest value": [
                format_value(None if pd.isna(v) else float(v), u)
                for v, u in zip(frame["latest_value"], frame["unit"], strict=True)
            ],
            "Quarter": [
                "" if p is None or pd.isna(p) else format_period(p) for p in frame["latest_period"]
            ],
            "Why": frame["explanation"],
        }
    )


def drill_down() -> None:
    st.header("Look closer at one region's theme", anchor=False)
    remembered = names.get(st.session_state.get("chosen_region_id"))
    if st.session_state.get(REGION_KEY) not in ids_by_name:
        st.session_state[REGION_KEY] = remembered or next(iter(ids_by_name))
    if st.session_state.get(THEME_KEY) not in theme_names:
        st.session_state[THEME_KEY] = theme_names[0]
    left, right = st.columns(2)
    region = left.selectbox(
        "Region", list(ids_by_name), key=REGION_KEY, on_change=forget_chart_pick
    )
    theme = right.selectbox("Theme", theme_names, key=THEME_KEY, on_change=forget_chart_pick)
    region_id = ids_by_name[region]
    st.session_state["chosen_region_id"] = region_id  # the Themes page opens on it
    match = statuses[(statuses["region_id"] == region_id) & (statuses["theme"] == theme)]
    st.subheader(escape_markdown(f"{region} · {theme}"), anchor=False)
    if match.empty:
        st.info("No status yet for this theme in this region.")
        return
    row = match.iloc[0]
    status_badge(PROGRESS_STATUSES[row["status"]])
    if row["score"] is not None and not pd.isna(row["score"]):
        st.markdown(
            f"**Score:** {float(row['score']):.1f} on a scale of -5 to 5, from "
            f"{int(row['metrics_counted'])} of {int(row['metrics_total'])} metrics."
        )
    st.write(escape_markdown(row["explanation"]))
    st.markdown(actions_text(row))
    with Session(ctx.engine) as session:
        behind = theme_progress.metric_statuses(session, [region_id])
    behind = behind[behind["theme_id"] == row["theme_id"]]
    if behind.empty:
        st.write("No metrics are set up for this theme yet.")
    else:
        noun = "metric" if len(behind) == 1 else "metrics"
        st.markdown(f"**The {len(behind)} {noun} behind this status**")
        shown = metrics_table(behind)
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            key="compare-drill-table",
            alt=f"The metrics behind {theme} in {region}, with their statuses",
        )
        download_buttons(shown, f"metrics-{slug(region)}-{slug(theme)}", key="compare-drill-dl")
    with contextlib.suppress(StreamlitPageNotFoundError):
        st.page_link(
            "pages/themes.py",
            label=f"Open the Themes page for {escape_markdown(region)}",
            icon=":material/category:",
        )


drill_down()


# ------------------------------------------------------------- national core metrics


def metric_label(metric_id: int) -> str:
    row = metrics_by_id[metric_id]
    label = f"{row['code']}: {row['name']}"
    return label if metric_id in with_values else f"{label} (no values yet)"


def ranking_table(latest: pd.DataFrame, metric: pd.Series) -> pd.DataFrame:
    by_region = {int(r.region_id): r for r in latest.itertuples(index=False)}
    rows = []
    for region_id, name in names.items():
        r = by_region.get(region_id)
        rows.append(
            {
                "Region": name,
                "Value": None if r is None else float(r.value),
                "Quarter": "" if r is None else format_period(r.period_start),
                "Numerator": None if r is None or pd.isna(r.numerator) else float(r.numerator),
                "Denominator": (
                    None if r is None or pd.isna(r.denominator) else float(r.denominator)
                ),
            }
        )
    frame = pd.DataFrame(rows, columns=["Region", "Value", "Quarter", "Numerator", "Denominator"])
    frame.insert(0, "Rank", cc.rank_values(list(frame["Value"]), metric["direction"]))
    frame["Rank"] = frame["Rank"].astype("Int64")
    frame = frame.sort_values(["Rank", "Region"], na_position="last", kind="stable")
    if frame["Numerator"].isna().all() and frame["Denominator"].isna().all():
        frame = frame.drop(columns=["Numerator", "Denominator"])
    return frame.reset_index(drop=True)


def latest_chart(ranked: pd.DataFrame, metric: pd.Series, figure: pd.Series) -> alt.LayerChart:
    unit = metric["unit"]
    data = ranked[ranked["Value"].notna()].rename(columns={"Region": "region", "Value": "value"})
    data = data.assign(shown=[format_value(v, unit) for v in data["value"]])
    order = list(data["region"])
    y = alt.Y("region:N", sort=order, axis=alt.Axis(title=None, labelLimit=260))
    x = alt.X("value:Q", title=axis_title(unit))
    tooltip = [
        alt.Tooltip("region:N", title="Region"),
        alt.Tooltip("shown:N", title="Value"),
        alt.Tooltip("Quarter:N", title="Quarter"),
        alt.Tooltip("Rank:Q", title="Rank"),
    ]
    bars = alt.Chart(data).mark_bar(color=OKABE_ITO["blue"]).encode(x=x, y=y, tooltip=tooltip)
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, color=OKABE_ITO["black"])
        .encode(x=x, y=y, text="shown:N")
    )
    layers = [bars, labels]
    best, worst = data.iloc[0], data.iloc[-1]
    description = (
        f"Bar chart of {metric['name']}: the latest value in each of {len(data)} regions, "
        f"in rank order. Best: {best['region']} ({best['shown']}); last: "
        f"{worst['region']} ({worst['shown']})."
    )
    if figure["value"] is not None and not pd.isna(figure["value"]):
        national = pd.DataFrame(
            {
                "value": [float(figure["value"])],
                "label": [f"National: {format_value(float(figure['value']), unit)}"],
            }
        )
        layers.append(
            alt.Chart(national)
            .mark_rule(color=OKABE_ITO["black"], strokeDash=[6, 4], strokeWidth=2)
            .encode(x="value:Q", tooltip=alt.Tooltip("label:N", title="National figure"))
        )
        layers.append(
            alt.Chart(national)
            .mark_text(align="left", dx=4, dy=-4, baseline="bottom", fontWeight="bold")
            .encode(x="value:Q", y=alt.value(0), text="label:N")
        )
        description += (
            f" A dashed line marks the national figure, "
            f"{format_value(float(figure['value']), unit)}."
        )
    return alt.layer(*layers).properties(
        title=alt.TitleParams(
            textwrap.wrap(f"{metric['code']}: latest value in each region", 60), anchor="start"
        ),
        description=description,
        height=alt.Step(28),
        padding={"top": 24, "left": 5, "right": 40, "bottom": 5},
    )


FUNNEL_SERIES = (
    ("National figure", OKABE_ITO["black"], [1, 0]),
    ("95% limits", OKABE_ITO["blue"], [6, 4]),
    ("99.8% limits", OKABE_ITO["vermillion"], [2, 2]),
)
POINT_GROUPS = (
    ("Within the expected range", OKABE_ITO["sky_blue"], "circle"),
    ("Outside the 95% limits", OKABE_ITO["orange"], "triangle-up"),
    ("Outside the 99.8% limits", OKABE_ITO["vermillion"], "diamond"),
)


def point_group(position: str) -> str:
    if position == "within":
        return POINT_GROUPS[0][0]
    return POINT_GROUPS[2][0] if "99.8" in position else POINT_GROUPS[1][0]


def label_offsets(points: pd.DataFrame, curve: pd.DataFrame) -> list[int]:
    """Pixels to move each point's label up or down so that labels of nearby points do
    not sit on top of each other (a greedy pass from left to right)."""
    if points.empty:
        return []
    x_span = max(float(curve["denominator"].max() - curve["denominator"].min()), 1.0)
    values = [*points["value"], *curve[["lower_99_8", "upper_99_8"]].to_numpy().ravel()]
    y_span = max(float(max(values) - min(values)), 1e-9)
    placed: list[tuple[float, float, int]] = []
    offsets = [0] * len(points)
    for i in sorted(range(len(points)), key=lambda k: points["denominator"].iloc[k]):
        if not points["label"].iloc[i]:
            continue
        x = float(points["denominator"].iloc[i]) / x_span
        y = float(points["value"].iloc[i]) / y_span
        for dy in (0, 12, -12, 24, -24):
            clash = any(
                abs(x - px) < 0.2 and abs((y - py) * 380 - (dy - pdy)) < 13
                for px, py, pdy in placed
            )
            if not clash:
                break
        offsets[i] = dy
        placed.append((x, y, dy))
    return offsets


def funnel_chart(
    placed: list[cc.FunnelRegion],
    curve: pd.DataFrame,
    metric: pd.Series,
    sentence: str,
    scale: float,
) -> alt.LayerChart:
    unit = metric["unit"]
    lines = curve.melt(id_vars="denominator", var_name="line", value_name="value")
    lines["series"] = [
        "National figure"
        if name == "national"
        else ("99.8% limits" if "99" in name else "95% limits")
        for name in lines["line"]
    ]
    x = alt.X("denominator:Q", title="Denominator (how many were counted)")
    y = alt.Y("value:Q", title=axis_title(unit), scale=alt.Scale(zero=False))
    line_layer = (
        alt.Chart(lines)
        .mark_line(strokeWidth=2)
        .encode(
            x=x,
            y=y,
            detail="line:N",
            stroke=alt.Stroke(
                "series:N",
                scale=alt.Scale(
                    domain=[s[0] for s in FUNNEL_SERIES], range=[s[1] for s in FUNNEL_SERIES]
                ),
                legend=alt.Legend(title="Lines", orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(
                    domain=[s[0] for s in FUNNEL_SERIES], range=[s[2] for s in FUNNEL_SERIES]
                ),
                legend=alt.Legend(title="Lines", orient="top"),
            ),
        )
    )
    points = pd.DataFrame(
        {
            "region": [p.region for p in placed],
            "denominator": [p.denominator for p in placed],
            "value": [p.proportion * scale for p in placed],
            "shown": [format_value(p.proportion * scale, unit) for p in placed],
            "where": [point_group(p.position) for p in placed],
            "words": [p.words for p in placed],
            "label": [
                p.region if len(placed) <= LABEL_ALL_UP_TO or p.outside else "" for p in placed
            ],
        }
    )
    points["label_dy"] = label_offsets(points, curve)
    groups = set(points["where"])
    present = [g for g in POINT_GROUPS if g[0] in groups]
    regions_legend = alt.Legend(
        title="Regions", orient="top", symbolSize=180, symbolStrokeWidth=1, labelLimit=300
    )
    point_layer = (
        alt.Chart(points)
        .mark_point(filled=True, size=110, strokeWidth=1, opacity=1)
        .encode(
            x=x,
            y=y,
            stroke=alt.value(OKABE_ITO["black"]),
            color=alt.Color(
                "where:N",
                scale=alt.Scale(domain=[g[0] for g in present], range=[g[1] for g in present]),
                legend=regions_legend,
            ),
            shape=alt.Shape(
                "where:N",
                scale=alt.Scale(domain=[g[0] for g in present], range=[g[2] for g in present]),
                legend=regions_legend,
            ),
            tooltip=[
                alt.Tooltip("region:N", title="Region"),
                alt.Tooltip("shown:N", title="Value"),
                alt.Tooltip("denominator:Q", title="Denominator", format=",.0f"),
                alt.Tooltip("words:N", title="Where it falls"),
            ],
        )
    )
    label_layers = [
        alt.Chart(points[points["label_dy"] == dy])
        .mark_text(align="left", dx=9, dy=dy, fontSize=11, color=OKABE_ITO["black"])
        .encode(x=x, y=y, text="label:N")
        for dy in sorted(set(points["label_dy"]))
    ]
    national = format_value(float(curve["national"].iloc[0]), unit)
    description = (
        f"Funnel plot of {metric['name']}: each region's value (up) against its denominator "
        f"(across), with the national figure ({national}) and the 95% and 99.8% control "
        f"limits, which narrow as the denominator grows. {sentence}"
    )
    return alt.layer(line_layer, point_layer, *label_layers).properties(
        title=alt.TitleParams(
            textwrap.wrap(f"{metric['code']}: funnel plot against the national figure", 60),
            anchor="start",
        ),
        description=description,
        height=380,
    )


def funnel_table(placed: list[cc.FunnelRegion], unit: str, scale: float) -> pd.DataFrame:
    def band(p: cc.FunnelRegion, level: str) -> str:
        low = format_value(p.limits[f"lower_{level}"] * scale, unit)
        high = format_value(p.limits[f"upper_{level}"] * scale, unit)
        return f"{low} to {high}"

    return pd.DataFrame(
        {
            "Region": [p.region for p in placed],
            "Numerator": [p.numerator for p in placed],
            "Denominator": [p.denominator for p in placed],
            value_column(unit): [round(p.proportion * scale, 2) for p in placed],
            "95% limits": [band(p, "95") for p in placed],
            "99.8% limits": [band(p, "99_8") for p in placed],
            "Where it falls": [p.words.capitalize() for p in placed],
        }
    )


def funnel_view(latest: pd.DataFrame, metric: pd.Series, figure: pd.Series) -> None:
    st.subheader("Funnel plot: which differences are more than chance?", anchor=False)
    unit = metric["unit"]
    if unit not in cc.FUNNEL_UNITS:
        kind = {"count": "a count", "score": "a score"}.get(unit, "not a share of a group")
        st.info(
            f"A funnel plot is drawn for percentages and rates with numerators and "
            f"denominators. This metric is {kind}, so compare it with the chart above.",
            icon=":material/info:",
        )
        return
    if figure["method"] != "pooled":
        when = latest[latest["period_start"] == figure["period_start"]]
        given = (when["numerator"].notna() & when["denominator"].notna()).sum()
        st.info(
            "A funnel plot needs every region's numerator and denominator for "
            f"{format_period(figure['period_start'])}, and "
            + ("no region gave them." if given == 0 else "some are missing.")
            + " They can be entered on the Metrics page.",
            icon=":material/info:",
        )
        return
    period, scale = figure["period_start"], float(figure["scale"])
    current_rows = latest[latest["period_start"] == period]
    problem = cc.funnel_problem(
        zip(current_rows["numerator"], current_rows["denominator"], strict=True)
    )
    if problem:
        st.info(
            f"No funnel plot for this metric: {escape_markdown(problem)}", icon=":material/info:"
        )
        return
    placed = cc.classify_funnel(
        (
            (names[int(r.region_id)], float(r.numerator), float(r.denominator))
            for r in current_rows.itertuples(index=False)
        ),
        float(figure["proportion"]),
    )
    sentences = cc.funnel_sentences(
        placed,
        unit=unit,
        scale=scale,
        national_value=float(figure["value"]),
        direction=metric["direction"],
    )
    sentence = " ".join(sentences)
    st.caption(
        f"Each region's value for {format_period(period)} against how many it counted. The "
        "lines show how far from the national figure a region of each size could be by "
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
    curve = cc.funnel_curve(
        float(figure["proportion"]), [p.denominator for p in placed], scale=scale
    )
    show_chart(
        remembered_spec(funnel_chart, placed, curve, metric, sentence, scale),
        width="stretch",
        key="compare-funnel",
    )
    shown = funnel_table(placed, unit, scale)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="compare-funnel-table",
        alt=f"Funnel plot figures for {metric['code']}: each region's limits and where it falls",
        column_config={
            "Numerator": st.column_config.NumberColumn("Numerator", format="%d"),
            "Denominator": st.column_config.NumberColumn("Denominator", format="%d"),
        },
    )
    download_buttons(shown, f"funnel-{slug(metric['code'])}", key="compare-funnel-dl")
    missing = sorted(set(names.values()) - {p.region for p in placed})
    if missing:
        st.caption(
            "Not on the plot, because they have no value for "
            f"{format_period(period)}: {escape_markdown(', '.join(missing))}."
        )


def trend_frame(series: pd.DataFrame, national: pd.DataFrame, unit: str) -> pd.DataFrame:
    own = series[series["value"].notna()].assign(
        region=series["region_id"].map(names), series="Region's value"
    )
    own = own[own["region"].notna()][["region", "period_start", "value", "series"]]
    nat = national[national["value"].notna()][["period_start", "value"]]
    shown = set(own["region"])
    regions = [name for name in names.values() if name in shown]
    # The national line in every region's small chart: its rows once per region.
    repeated = pd.DataFrame(
        {
            "region": np.repeat(regions, len(nat)),
            "period_start": np.tile(nat["period_start"].to_numpy(), len(regions)),
            "value": np.tile(nat["value"].to_numpy(dtype=float), len(regions)),
            "series": "National figure",
        }
    )
    frame = pd.concat([own, repeated], ignore_index=True) if len(repeated) else own
    frame = frame.assign(
        quarter=[format_period(p) for p in frame["period_start"]],
        shown=[format_value(float(v), unit) for v in frame["value"]],
        period_start=pd.to_datetime(frame["period_start"]),
    )
    return frame


def trends_chart(
    frame: pd.DataFrame, metric: pd.Series, region_names: tuple[str, ...]
) -> alt.FacetChart:
    unit = metric["unit"]
    series = (("Region's value", OKABE_ITO["blue"], [1, 0]), ("National figure", "#000000", [5, 3]))
    shown = set(frame["series"])
    present = [s for s in series if s[0] in shown]
    legend = alt.Legend(title="Lines", orient="top")
    chart = (
        alt.Chart(frame)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X(
                "period_start:T",
                title="Quarter",
                axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0),
            ),
            y=alt.Y("value:Q", title=axis_title(unit)),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=[s[0] for s in present], range=[s[1] for s in present]),
                legend=legend,
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=[s[0] for s in present], range=[s[2] for s in present]),
                legend=legend,
            ),
            tooltip=[
                alt.Tooltip("region:N", title="Region"),
                alt.Tooltip("series:N", title="Line"),
                alt.Tooltip("quarter:N", title="Quarter"),
                alt.Tooltip("shown:N", title="Value"),
            ],
        )
        .properties(width=200, height=120)
    )
    own = frame[frame["series"] == "Region's value"]
    first, last = own["period_start"].min(), own["period_start"].max()
    description = (
        f"Small line charts of {metric['name']}, one for each of {own['region'].nunique()} "
        f"regions, all on the same scale, from {format_period(first.date())} to "
        f"{format_period(last.date())}; a dashed line in each shows the national figure."
    )
    return chart.facet(
        facet=alt.Facet(
            "region:N",
            title=None,
            sort=list(region_names),
            header=alt.Header(labelFontSize=13, labelFontWeight="bold"),
        ),
        columns=4,
        title=alt.TitleParams(
            textwrap.wrap(f"{metric['code']}: trend in each region", 60), anchor="start"
        ),
        description=description,
    )


def trend_table(frame: pd.DataFrame) -> pd.DataFrame:
    own = frame[frame["series"] == "Region's value"]
    wide = own.pivot_table(index="region", columns="period_start", values="value", aggfunc="first")
    nat = frame[frame["series"] == "National figure"].drop_duplicates("period_start")
    wide.loc["National figure"] = nat.set_index("period_start")["value"].reindex(wide.columns)
    order = [n for n in names.values() if n in wide.index] + ["National figure"]
    wide = wide.reindex(order)
    wide.columns = [format_period(p.date()) for p in wide.columns]
    return wide.round(2).reset_index().rename(columns={"region": "Region"})


#: Small trend charts drawn at once; with more regions than this, people pick which.
TREND_CHARTS = 12


def trend_regions() -> list[int]:
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


def trends_view(national: pd.DataFrame, metric: pd.Series) -> None:
    st.subheader("Trend in each region", anchor=False)
    chosen = trend_regions()
    if not chosen:
        st.info("Choose at least one region to see its trend.", icon=":material/info:")
        return
    with Session(ctx.engine) as session:
        series = queries.metric_series(session, chosen, [int(metric["id"])])
    frame = trend_frame(series, national, metric["unit"])
    if frame.empty:
        st.info("No values yet for this metric.", icon=":material/info:")
        return
    chart = remembered_spec(trends_chart, frame, metric, tuple(names.values()))
    show_chart(chart, key="compare-trends")
    with st.expander("Trend figures"):
        table = trend_table(frame)
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key="compare-trend-table",
            alt=f"{metric['code']} in each region by quarter, and the national figure",
        )
        download_buttons(table, f"trend-{slug(metric['code'])}", key="compare-trend-dl")


st.header("National core metrics across regions", anchor=False)
if metrics.empty:
    st.info("No national core metrics are set up yet. A national lead can add them.")
    st.stop()

metrics_by_id = {int(r["id"]): r for _, r in metrics.iterrows()}
with Session(ctx.engine) as session:
    with_values = dbc.metrics_with_values(session, region_ids)
if st.session_state.get(METRIC_KEY) not in metrics_by_id:
    # Open on the first metric that has values.
    st.session_state[METRIC_KEY] = next(
        (i for i in metrics_by_id if i in with_values), next(iter(metrics_by_id))
    )
metric_id = st.selectbox("Metric", list(metrics_by_id), format_func=metric_label, key=METRIC_KEY)
metric = metrics_by_id[metric_id]
with Session(ctx.engine) as session:
    latest = dbc.latest_values(session, region_ids, [metric_id])
    figure = dbc.national_figures(session, region_ids, [metric_id]).iloc[0]
    national_trend = dbc.national_series(session, region_ids, metric_id, metric["unit"])

if metric["definition"]:
    st.caption(escape_markdown(f"{metric['theme']}. {metric['definition']}"))
if figure["method"] == "none":
    st.info("No region has a value for this metric yet.", icon=":material/info:")
    st.stop()

st.markdown(
    f"**National figure for {format_period(figure['period_start'])}:** "
    f"{format_value(float(figure['value']), metric['unit'])}. {escape_markdown(figure['sentence'])}"
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

st.subheader("Latest value in each region", anchor=False)
ranked = ranking_table(latest, metric)
show_chart(
    remembered_spec(latest_chart, ranked, metric, figure), width="stretch", key="compare-latest"
)
st.markdown(f"**Ranking.** {cc.direction_sentence(metric['direction'])}")
ranking = ranked.rename(columns={"Value": value_column(metric["unit"])})
st.dataframe(
    ranking,
    hide_index=True,
    width="stretch",
    key="compare-ranking",
    alt=f"Regions ranked by their latest value of {metric['code']}",
    column_config={
        "Numerator": st.column_config.NumberColumn("Numerator", format="%d"),
        "Denominator": st.column_config.NumberColumn("Denominator", format="%d"),
    },
)
download_buttons(ranking, f"ranking-{slug(metric['code'])}", key="compare-ranking-dl")

funnel_view(latest, metric, figure)
trends_view(national_trend, metric)
