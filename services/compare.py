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
from core import compare_stats as cs
from core.disclosure import DEFAULT_THRESHOLD, disclose_metric_figure
from core.formatting import format_value
from core.periods import Period, format_period, quarter_start
from core.permissions import Action, can
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


def value_column(unit: str, name: str = "", scale: float | None = None) -> str:
    """The heading of a value column in the metric's unit ("Value (%)", "Value (days)")."""
    return cs.value_heading(unit, scale, name)


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
                "\n".join(
                    textwrap.wrap(
                        f"{cc.STATUS_SYMBOLS[s.code]} {s.label}", 12, break_long_words=False
                    )
                )
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


def shown_figure(
    ctx: RequestContext | None, region_id: int, unit: str, value, numerator, denominator
) -> tuple[float | None, float | None, float | None]:
    """A region's (value, numerator, denominator) as this viewer may see them: exact for
    those with exact rights in the region (and with no viewer given), else under the
    disclosure rule (hidden counts are None, so give no interval)."""
    controlled = ctx is not None and not can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)
    figure = disclose_metric_figure(
        value,
        numerator,
        denominator,
        unit=unit,
        controlled=controlled,
        threshold=ctx.threshold if ctx is not None else DEFAULT_THRESHOLD,
    )
    return figure.value, figure.numerator, figure.denominator


def row_scale(unit: str, value: float | None, numerator, denominator) -> float | None:
    """What a value is "per" (100 for a percentage; 1,000 or 100,000 ... for a rate)."""
    if unit == "percentage":
        return 100.0
    if value is None or numerator is None or denominator is None or not numerator:
        return None
    return cc.scale_for(unit, float(value) * float(denominator) / float(numerator))


def ranking_table(
    latest: pd.DataFrame,
    metric: pd.Series,
    names: dict[int, str],
    signed_off: Collection[tuple[int, date]] = (),
    ctx: RequestContext | None = None,
    period: Period | None = None,
) -> pd.DataFrame:
    """The regions ranked by their latest value, each marked signed off or provisional
    (``signed_off``: the (region, quarter) pairs the Regional Forum has signed off), with
    the value's 95% interval (lower and upper as numbers, and in words) where it has a
    numerator and denominator this viewer may see. With a financial year chosen
    (``period``), the Quarter column names the year and there is no sign-off column
    (sign-off is by quarter)."""
    unit = metric["unit"]
    by_region = {int(r.region_id): r for r in latest.itertuples(index=False)}
    rows = []
    for region_id, name in names.items():
        r = by_region.get(region_id)
        value, numerator, denominator = (
            (None, None, None)
            if r is None
            else shown_figure(ctx, region_id, unit, r.value, r.numerator, r.denominator)
        )
        interval = cs.value_interval(
            unit, numerator, denominator, row_scale(unit, value, numerator, denominator)
        )
        rows.append(
            {
                "Region": name,
                "Value": value,
                "Lower 95%": None if interval is None else round(interval[0], 2),
                "Upper 95%": None if interval is None else round(interval[1], 2),
                "Value (95% interval)": cs.with_interval(value, interval, unit),
                "Quarter": ""
                if r is None
                else (period.label if period else format_period(r.period_start)),
                "Numerator": numerator,
                "Denominator": denominator,
                "Figures": ""
                if r is None
                else (
                    "Signed off"
                    if (region_id, quarter_start(r.period_start)) in signed_off
                    else "Provisional"
                ),
            }
        )
    frame = pd.DataFrame(rows, columns=RANKING_COLUMNS)
    frame.insert(0, "Rank", cc.rank_values(list(frame["Value"]), metric["direction"]))
    frame["Rank"] = frame["Rank"].astype("Int64")
    frame = frame.sort_values(["Rank", "Region"], na_position="last", kind="stable")
    if period is not None and period.kind == "year":
        frame = frame.drop(columns=["Figures"]).rename(columns={"Quarter": "Year"})
    for pair in (["Numerator", "Denominator"], ["Lower 95%", "Upper 95%", "Value (95% interval)"]):
        if frame[pair[:2]].isna().all().all():
            frame = frame.drop(columns=pair)
    return frame.reset_index(drop=True)


RANKING_COLUMNS = [
    "Region",
    "Value",
    "Lower 95%",
    "Upper 95%",
    "Value (95% interval)",
    "Quarter",
    "Numerator",
    "Denominator",
    "Figures",
]


@dataclass(frozen=True)
class MetricComparison:
    """One national core metric across the regions: each region's latest value, the
    national figure and its trend, and the regions ranked."""

    latest: pd.DataFrame
    figure: pd.Series
    national_trend: pd.DataFrame
    ranked: pd.DataFrame


def metric_comparison(
    ctx: RequestContext, names: dict[int, str], metric: pd.Series, period: Period | None = None
) -> MetricComparison:
    """One metric across the regions: each region's latest value (``period`` None) or
    its value in the chosen quarter or financial year, with the national figure."""
    region_ids, metric_id = list(names), int(metric["id"])
    with reading(ctx) as session:
        if period is None:
            latest = dbc.latest_values(session, region_ids, [metric_id])
            figure = dbc.national_figures(session, region_ids, [metric_id]).iloc[0]
        else:
            latest, figure = dbc.period_values(
                session, region_ids, metric_id, metric["unit"], period.start, period.end
            )
        national_trend = dbc.national_series(session, region_ids, metric_id, metric["unit"])
        signed = dbq.signed_off_quarters(session, region_ids)
    return MetricComparison(
        latest, figure, national_trend, ranking_table(latest, metric, names, signed, ctx, period)
    )


def metric_periods(ctx: RequestContext, names: dict[int, str], metric: pd.Series) -> list[str]:
    """The period picker's choices for one metric (``core.compare_stats.period_choices``)."""
    with reading(ctx) as session:
        national = dbc.national_series(session, list(names), int(metric["id"]), metric["unit"])
    return cs.period_choices(list(national["period_start"]))


@dataclass(frozen=True)
class PeriodChange:
    """One region's value in two periods, each with its 95% interval, and the change."""

    table: pd.DataFrame
    sentence: str
    change: cs.Change | None


def period_change(
    ctx: RequestContext,
    region_id: int,
    metric: pd.Series,
    first: Period,
    second: Period,
) -> PeriodChange:
    """A region's value of one metric in ``first`` and ``second`` (a quarter or a
    financial year each), with their intervals and whether the change is more than
    chance (the 95% interval of the difference; none where counts are hidden)."""
    unit = metric["unit"]
    figures, rows = [], []
    with reading(ctx) as session:
        for period in (first, second):
            frame, _ = dbc.period_values(
                session, [region_id], int(metric["id"]), unit, period.start, period.end
            )
            r = frame.iloc[0] if not frame.empty else None
            shown = (
                (None, None, None)
                if r is None
                else shown_figure(
                    ctx, region_id, unit, r["value"], r["numerator"], r["denominator"]
                )
            )
            scale = row_scale(unit, *shown)
            interval = cs.value_interval(unit, shown[1], shown[2], scale)
            figures.append((shown, scale))
            rows.append(
                {
                    "Period": period.label,
                    "Value": shown[0],
                    "Lower 95%": None if interval is None else round(interval[0], 2),
                    "Upper 95%": None if interval is None else round(interval[1], 2),
                    "Value (95% interval)": cs.with_interval(shown[0], interval, unit)
                    or "no value",
                    "Numerator": shown[1],
                    "Denominator": shown[2],
                }
            )
    (a, scale_a), (b, scale_b) = figures
    scale = scale_a if scale_a == scale_b else None
    change = cs.change_between(unit, _floats(a), _floats(b), scale)
    sentence = cs.change_sentence(change, unit, first.label, second.label)
    return PeriodChange(pd.DataFrame(rows), sentence, change)


def _floats(figure: tuple) -> tuple[float | None, float | None, float | None]:
    return tuple(None if v is None or pd.isna(v) else float(v) for v in figure)  # type: ignore[return-value]


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
            value_column(unit, scale=scale): [round(p.proportion * scale, 2) for p in placed],
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
    dispersion: cs.Dispersion | None = None
    adjusted: bool = False
    #: Overdispersion in words: more regions outside than chance explains, or what the
    #: widened limits mean (empty when neither applies).
    notes: list[str] = field(default_factory=list)


def funnel(
    comparison: MetricComparison,
    metric: pd.Series,
    names: dict[int, str],
    *,
    adjust: bool = False,
) -> Funnel:
    """The funnel plot of the comparison's national period: each region placed against
    the control limits, the sentences that say so and the table beside it. With
    ``adjust`` the limits allow for extra variation between regions (Spiegelhalter's
    multiplicative overdispersion factor, widened only when above 1)."""
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
    rows = [
        (names[int(r.region_id)], float(r.numerator), float(r.denominator))
        for r in current_rows.itertuples(index=False)
    ]
    proportion = float(figure["proportion"])
    placed = cc.classify_funnel(rows, proportion)
    spread = cs.dispersion([(n, d) for _, n, d in rows], proportion, sum(p.outside for p in placed))
    notes = [] if spread is None else [cs.dispersion_sentence(spread)]
    phi = 1.0
    if adjust and spread is not None:
        phi = spread.phi
        placed = cc.classify_funnel(rows, proportion, phi=phi)
        notes = [cs.adjusted_sentence(phi)]
    sentences = cc.funnel_sentences(
        placed,
        unit=unit,
        scale=scale,
        national_value=float(figure["value"]),
        direction=metric["direction"],
    )
    curve = cc.funnel_curve(proportion, [p.denominator for p in placed], scale=scale, phi=phi)
    return Funnel(
        period=period,
        scale=scale,
        placed=placed,
        sentences=list(sentences),
        curve=curve,
        table=funnel_table(placed, unit, scale),
        missing=sorted(set(names.values()) - {p.region for p in placed}),
        dispersion=spread,
        adjusted=adjust and spread is not None,
        notes=[n for n in notes if n],
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
