"""Comparing regions (national leads and administrators): every figure the Compare regions
page shows, read once here: each region's theme statuses, the metrics behind one of them,
the national core metrics region by region against the national figure, the funnel plot's
figures and each region's trend. Pure reshaping of those figures into the page's tables
is here too, so the page only lays them out."""

from __future__ import annotations

import textwrap
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from core import compare as cc
from core.formatting import format_value
from core.periods import format_period, quarter_start
from core.statuses import PROGRESS_STATUSES
from db import compare as dbc
from db import quarterly as dbq
from db import queries, theme_progress
from db.plan import theme_tags_note
from services.context import RequestContext, reading


@dataclass(frozen=True)
class Overview:
    """What the page shows first: the regions, the themes, each region's theme statuses,
    the national core metrics and the note on the actions' proposed themes."""

    names: dict[int, str]
    theme_names: list[str]
    statuses: pd.DataFrame
    metrics: pd.DataFrame
    tags_note: str | None

    @property
    def region_ids(self) -> list[int]:
        return list(self.names)

    @cached_property
    def ids_by_name(self) -> dict[str, int]:
        return {name: region_id for region_id, name in self.names.items()}


def overview(ctx: RequestContext) -> Overview:
    """The regions, themes, theme statuses and national core metrics, in one session."""
    with reading(ctx) as session:
        regions = queries.regions(session)
        themes = queries.monitoring_themes(session)
        region_ids = [int(i) for i in regions["id"]]
        statuses = theme_progress.theme_statuses(session, region_ids)
        metrics = dbc.national_metrics(session)
        tags_note = theme_tags_note(session)
    names: dict[int, str] = dict(zip(regions["id"].astype(int), regions["name"], strict=True))
    return Overview(names, list(themes["name"]), statuses, metrics, tags_note)


def value_column(unit: str) -> str:
    return "Value (%)" if unit == "percentage" else "Value"


# ------------------------------------------------------------------ the status grid


def grid_frame(statuses: pd.DataFrame, names: dict[int, str]) -> pd.DataFrame:
    """The grid chart's cells: each region's status in each theme, in words."""
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


def status_table(view: Overview) -> pd.DataFrame:
    """Regions down, themes across, each cell the status in words."""
    return cc.status_table(view.statuses, view.names, view.theme_names)


# ------------------------------------------------------------------- the drill-down


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


def metrics_behind(ctx: RequestContext, region_id: int, theme_id: int) -> pd.DataFrame:
    """The metrics behind one region's theme status, as the drill-down's table (empty
    when the theme has no metrics)."""
    with reading(ctx) as session:
        behind = theme_progress.metric_statuses(session, [region_id])
    return metrics_table(behind[behind["theme_id"] == theme_id])


# ------------------------------------------------------------- national core metrics


def metrics_with_values(ctx: RequestContext, region_ids: list[int]) -> set[int]:
    """The national core metrics with at least one value in these regions."""
    with reading(ctx) as session:
        return dbc.metrics_with_values(session, region_ids)


def ranking_table(
    latest: pd.DataFrame,
    metric: pd.Series,
    names: dict[int, str],
    signed_off: Collection[tuple[int, date]] = (),
) -> pd.DataFrame:
    """The regions ranked by their latest value, each marked signed off or provisional
    (``signed_off``: the (region, quarter) pairs the Regional Forum has signed off)."""
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
                "Figures": ""
                if r is None
                else (
                    "Signed off"
                    if (region_id, quarter_start(r.period_start)) in signed_off
                    else "Provisional"
                ),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["Region", "Value", "Quarter", "Numerator", "Denominator", "Figures"]
    )
    frame.insert(0, "Rank", cc.rank_values(list(frame["Value"]), metric["direction"]))
    frame["Rank"] = frame["Rank"].astype("Int64")
    frame = frame.sort_values(["Rank", "Region"], na_position="last", kind="stable")
    if frame["Numerator"].isna().all() and frame["Denominator"].isna().all():
        frame = frame.drop(columns=["Numerator", "Denominator"])
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class MetricComparison:
    """One national core metric across the regions: each region's latest value, the
    national figure and its trend, and the regions ranked."""

    latest: pd.DataFrame
    figure: pd.Series
    national_trend: pd.DataFrame
    ranked: pd.DataFrame


def metric_comparison(
    ctx: RequestContext, names: dict[int, str], metric: pd.Series
) -> MetricComparison:
    region_ids, metric_id = list(names), int(metric["id"])
    with reading(ctx) as session:
        latest = dbc.latest_values(session, region_ids, [metric_id])
        figure = dbc.national_figures(session, region_ids, [metric_id]).iloc[0]
        national_trend = dbc.national_series(session, region_ids, metric_id, metric["unit"])
        signed = dbq.signed_off_quarters(session, region_ids)
    return MetricComparison(
        latest, figure, national_trend, ranking_table(latest, metric, names, signed)
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


@dataclass(frozen=True)
class Funnel:
    """The funnel plot's figures, or why there is none: ``why`` is "unit" (not a share
    of a group), "pairs" (a region's numerator or denominator missing; ``given`` says
    how many gave both), "problem" (``problem`` in words), or "" when it is drawn."""

    why: str = ""
    given: int = 0
    problem: str = ""
    period: date | None = None
    scale: float = 1.0
    placed: list[cc.FunnelRegion] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    curve: pd.DataFrame | None = None
    table: pd.DataFrame | None = None
    missing: list[str] = field(default_factory=list)


def funnel(comparison: MetricComparison, metric: pd.Series, names: dict[int, str]) -> Funnel:
    """The funnel plot of the comparison's latest national period: each region placed
    against the control limits, the sentences that say so and the table beside it."""
    latest, figure, unit = comparison.latest, comparison.figure, metric["unit"]
    if unit not in cc.FUNNEL_UNITS:
        return Funnel(why="unit")
    if figure["method"] != "pooled":
        when = latest[latest["period_start"] == figure["period_start"]]
        given = (when["numerator"].notna() & when["denominator"].notna()).sum()
        return Funnel(why="pairs", given=int(given))
    period, scale = figure["period_start"], float(figure["scale"])
    current_rows = latest[latest["period_start"] == period]
    problem = cc.funnel_problem(
        zip(current_rows["numerator"], current_rows["denominator"], strict=True)
    )
    if problem:
        return Funnel(why="problem", problem=problem)
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
    curve = cc.funnel_curve(
        float(figure["proportion"]), [p.denominator for p in placed], scale=scale
    )
    return Funnel(
        period=period,
        scale=scale,
        placed=placed,
        sentences=list(sentences),
        curve=curve,
        table=funnel_table(placed, unit, scale),
        missing=sorted(set(names.values()) - {p.region for p in placed}),
    )


# ------------------------------------------------------------------------ the trends


def trend_frame(
    series: pd.DataFrame, national: pd.DataFrame, unit: str, names: dict[int, str]
) -> pd.DataFrame:
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


def region_trends(
    ctx: RequestContext,
    chosen: list[int],
    national: pd.DataFrame,
    metric: pd.Series,
    names: dict[int, str],
) -> pd.DataFrame:
    """The chosen regions' values of one metric by quarter, each beside the national
    figure (the small-multiple trend charts' data)."""
    with reading(ctx) as session:
        series = queries.metric_series(session, chosen, [int(metric["id"])])
    return trend_frame(series, national, metric["unit"], names)


def trend_table(frame: pd.DataFrame, names: dict[int, str]) -> pd.DataFrame:
    own = frame[frame["series"] == "Region's value"]
    wide = own.pivot_table(index="region", columns="period_start", values="value", aggfunc="first")
    nat = frame[frame["series"] == "National figure"].drop_duplicates("period_start")
    wide.loc["National figure"] = nat.set_index("period_start")["value"].reindex(wide.columns)
    order = [n for n in names.values() if n in wide.index] + ["National figure"]
    wide = wide.reindex(order)
    wide.columns = [format_period(p.date()) for p in wide.columns]
    return wide.round(2).reset_index().rename(columns={"region": "Region"})
