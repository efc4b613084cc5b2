"""The Compare regions page's charts (Altair builders, no Streamlit): the status grid,
the latest value in each region, the funnel plot and the small-multiple trends. Each
chart carries its title and a description of what it shows; the page draws each with its
table beside it."""

from __future__ import annotations

import json
import textwrap

import altair as alt
import pandas as pd

from core import compare as cc
from core.compare_stats import unit_title
from core.formatting import format_value
from core.metric_series import quarter_axis
from core.periods import format_period
from core.statuses import OKABE_ITO, PROGRESS_STATUSES

LABEL_ALL_UP_TO = 15  # label every point on the funnel plot up to this many regions
#: The small trend charts: two across, each narrow enough that two fit a 683 px window
#: (200% zoom on a laptop) beside the axis titles, so none is cut off.
TREND_COLUMNS = 2
TREND_WIDTH = 160


def axis_title(unit: str, scale: float | None = None, name: str = "") -> str:
    """The value axis's title in the metric's unit (``core.compare_stats.unit_title``)."""
    return unit_title(unit, scale, name)


def _scale(figure: pd.Series) -> float | None:
    scale = figure.get("scale")
    return None if scale is None or pd.isna(scale) else float(scale)


def theme_label_expr(theme_order: tuple[str, ...]) -> str:
    """Theme names over two lines or so on the axis (a Vega expression)."""
    expr = "datum.label"
    for name in reversed(theme_order):
        lines = json.dumps(textwrap.wrap(name, 11, break_long_words=False) or [name])
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
            labelOverlap=False,
            labelFontSize=11,
        ),
    )
    y = alt.Y(
        "region:N", sort=region_order, axis=alt.Axis(title=None, labelLimit=150, labelFontSize=11)
    )
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
                legend=alt.Legend(title="Status", orient="bottom", columns=2, labelLimit=0),
            ),
            strokeWidth=alt.condition(pick, alt.value(4), alt.value(0.5)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    words = base.mark_text(fontSize=11, lineBreak="\n").encode(
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


def latest_chart(ranked: pd.DataFrame, metric: pd.Series, figure: pd.Series) -> alt.LayerChart:
    unit = metric["unit"]
    data = ranked[ranked["Value"].notna()].rename(columns={"Region": "region", "Value": "value"})
    data = data.assign(shown=[format_value(v, unit) for v in data["value"]])
    order = list(data["region"])
    y = alt.Y("region:N", sort=order, axis=alt.Axis(title=None, labelLimit=150))
    x = alt.X("value:Q", title=axis_title(unit, _scale(figure), metric["name"]))
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
            textwrap.wrap(f"{metric['code']}: latest value in each region", 44), anchor="start"
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
    adjusted: bool = False,
) -> alt.LayerChart:
    """The funnel plot (``adjusted``: the limits are widened for overdispersion)."""
    unit = metric["unit"]
    lines = curve.melt(id_vars="denominator", var_name="line", value_name="value")
    lines["series"] = [
        "National figure"
        if name == "national"
        else ("99.8% limits" if "99" in name else "95% limits")
        for name in lines["line"]
    ]
    x = alt.X("denominator:Q", title="Denominator (how many were counted)")
    y = alt.Y("value:Q", title=axis_title(unit, scale, metric["name"]), scale=alt.Scale(zero=False))
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
                legend=alt.Legend(title="Lines", orient="top", columns=1, labelLimit=0),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(
                    domain=[s[0] for s in FUNNEL_SERIES], range=[s[2] for s in FUNNEL_SERIES]
                ),
                legend=alt.Legend(title="Lines", orient="top", columns=1, labelLimit=0),
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
        title="Regions", orient="top", columns=1, symbolSize=180, symbolStrokeWidth=1, labelLimit=0
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
        f"limits, which narrow as the denominator grows"
        + (", widened to allow for extra variation between regions" if adjusted else "")
        + f". {sentence}"
    )
    heading = f"{metric['code']}: funnel plot against the national figure" + (
        " (limits widened for extra variation)" if adjusted else ""
    )
    return alt.layer(line_layer, point_layer, *label_layers).properties(
        title=alt.TitleParams(
            textwrap.wrap(heading, 50),
            anchor="start",
        ),
        description=description,
        height=380,
    )


def trends_chart(
    frame: pd.DataFrame, metric: pd.Series, region_names: tuple[str, ...]
) -> alt.FacetChart:
    unit = metric["unit"]
    series = (("Region's value", OKABE_ITO["blue"], [1, 0]), ("National figure", "#000000", [5, 3]))
    shown = set(frame["series"])
    present = [s for s in series if s[0] in shown]
    legend = alt.Legend(title="Lines", orient="top", columns=1, labelLimit=0)
    quarters = quarter_axis(frame["period_start"])
    chart = (
        alt.Chart(frame)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X(
                "quarter:O",
                title="Quarter",
                sort=quarters,
                scale=alt.Scale(domain=quarters),
                axis=alt.Axis(labelAngle=-45, labelOverlap=True),
            ),
            y=alt.Y("value:Q", title=axis_title(unit, None, metric["name"])),
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
        .properties(width=TREND_WIDTH, height=120)
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
        columns=TREND_COLUMNS,
        title=alt.TitleParams(
            textwrap.wrap(f"{metric['code']}: trend in each region", 44), anchor="start"
        ),
        description=description,
    )
