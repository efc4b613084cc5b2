"""Reads for comparing regions: the national core metrics, each region's latest value of
them (with numerator and denominator), and the national figure.

Everything is aggregated in SQL: one row per region and metric, or per metric and period,
whatever the number of values. How the national figure is worked out (pooled proportion,
total or mean) is decided in ``core.compare.national_figure``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from core.compare import (
    NationalFigure,
    PeriodTotals,
    method_sentence,
    national_figure,
    national_period,
)
from db.models import Metric, MetricValue, Theme

__all__ = [
    "LATEST_COLUMNS",
    "NATIONAL_COLUMNS",
    "latest_values",
    "metrics_with_values",
    "national_figures",
    "national_metrics",
    "national_series",
    "national_series_by_metric",
    "period_totals",
    "period_values",
    "region_period_totals",
]

METRIC_COLUMNS = [
    "id",
    "code",
    "name",
    "definition",
    "unit",
    "direction",
    "theme_id",
    "theme",
    "target_value",
    "frequency",
    "data_source",
    "counts_people",
]
LATEST_COLUMNS = ["region_id", "metric_id", "period_start", "value", "numerator", "denominator"]
#: The added-up columns (:func:`_summed`) after the grouping ones.
SUMMED_COLUMNS = [
    "regions",
    "value_sum",
    "value_mean",
    "paired",
    "numerator_sum",
    "denominator_sum",
    "ratio_mean",
]
TOTAL_COLUMNS = ["metric_id", "period_start", *SUMMED_COLUMNS]
NATIONAL_COLUMNS = [
    "metric_id",
    "period_start",
    "value",
    "method",
    "proportion",
    "scale",
    "numerator",
    "denominator",
    "regions_counted",
    "regions_total",
    "sentence",
]


def national_metrics(session: Session) -> pd.DataFrame:
    """The active national core metrics, by theme order then code."""
    rows = session.execute(
        select(
            Metric.id,
            Metric.code,
            Metric.name,
            Metric.definition,
            Metric.unit,
            Metric.direction,
            Metric.theme_id,
            Theme.name,
            Metric.target_value,
            Metric.frequency,
            Metric.data_source,
            Metric.counts_people,
        )
        .join(Theme, Theme.id == Metric.theme_id)
        .where(Metric.active.is_(True), Metric.scope == "national")
        .order_by(Theme.sort_order, Metric.code)
    ).all()
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def _overall(region_ids: Sequence[int], metric_ids: Sequence[int] | None) -> list:
    conditions = [
        MetricValue.region_id.in_(list(region_ids)),
        MetricValue.characteristic == "",
        MetricValue.value.is_not(None),
    ]
    if metric_ids is None:
        national = select(Metric.id).where(Metric.scope == "national", Metric.active.is_(True))
        conditions.append(MetricValue.metric_id.in_(national.scalar_subquery()))
    else:
        conditions.append(MetricValue.metric_id.in_(list(metric_ids)))
    return conditions


def latest_values(
    session: Session, region_ids: Sequence[int], metric_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Each region's latest overall value of each metric (the national core metrics, or
    those given; only metrics with a value), with its quarter, numerator and
    denominator. One row per region and metric."""
    if not region_ids:
        return pd.DataFrame(columns=LATEST_COLUMNS)
    latest = (
        select(
            MetricValue.metric_id,
            MetricValue.region_id,
            func.max(MetricValue.period_start).label("period_start"),
        )
        .where(*_overall(region_ids, metric_ids))
        .group_by(MetricValue.metric_id, MetricValue.region_id)
        .subquery()
    )
    rows = session.execute(
        select(
            MetricValue.region_id,
            MetricValue.metric_id,
            MetricValue.period_start,
            MetricValue.value,
            MetricValue.numerator,
            MetricValue.denominator,
        )
        .join(
            latest,
            and_(
                latest.c.metric_id == MetricValue.metric_id,
                latest.c.region_id == MetricValue.region_id,
                latest.c.period_start == MetricValue.period_start,
            ),
        )
        .where(MetricValue.characteristic == "", MetricValue.value.is_not(None))
        .order_by(MetricValue.metric_id, MetricValue.region_id)
    ).all()
    return pd.DataFrame(rows, columns=LATEST_COLUMNS)


def _summed() -> tuple:
    """The added-up columns of :data:`TOTAL_COLUMNS` after the grouping ones: the sum and
    mean of the values, how many have a numerator and denominator, their sums, and the
    mean multiplier from a value back to its proportion."""
    paired = and_(
        MetricValue.numerator.is_not(None),
        MetricValue.denominator.is_not(None),
        MetricValue.denominator > 0,
    )
    return (
        func.sum(MetricValue.value),
        func.avg(MetricValue.value),
        func.sum(case((paired, 1), else_=0)),
        func.sum(case((paired, MetricValue.numerator))),
        func.sum(case((paired, MetricValue.denominator))),
        func.avg(
            case(
                (
                    and_(paired, MetricValue.numerator > 0),
                    MetricValue.value * MetricValue.denominator / MetricValue.numerator,
                )
            )
        ),
    )


def period_totals(
    session: Session, region_ids: Sequence[int], metric_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Per metric (the national core metrics, or those given) and period, the regions'
    overall values added up (see ``core.compare.PeriodTotals``), oldest period first."""
    if not region_ids:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    rows = session.execute(
        select(
            MetricValue.metric_id,
            MetricValue.period_start,
            func.count(func.distinct(MetricValue.region_id)),
            *_summed(),
        )
        .where(*_overall(region_ids, metric_ids))
        .group_by(MetricValue.metric_id, MetricValue.period_start)
        .order_by(MetricValue.metric_id, MetricValue.period_start)
    ).all()
    return pd.DataFrame(rows, columns=TOTAL_COLUMNS)


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _totals(row, period: date | None = None) -> PeriodTotals:
    """A row of TOTAL_COLUMNS (or, with ``period``, of REGION_PERIOD_COLUMNS) as totals."""
    return PeriodTotals(
        period=row.period_start if period is None else period,
        regions=int(row.regions),
        value_sum=float(row.value_sum),
        value_mean=float(row.value_mean),
        paired=int(row.paired or 0),
        numerator_sum=_float(row.numerator_sum),
        denominator_sum=_float(row.denominator_sum),
        ratio_mean=_float(row.ratio_mean),
    )


def _figure_row(metric_id: int, figure: NationalFigure) -> dict:
    return {
        "metric_id": metric_id,
        "period_start": figure.period,
        "value": figure.value,
        "method": figure.method,
        "proportion": figure.proportion,
        "scale": figure.scale,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "regions_counted": figure.regions_counted,
        "regions_total": figure.regions_total,
        "sentence": method_sentence(figure),
    }


def _units(session: Session, metric_ids: Sequence[int] | None) -> dict[int, str]:
    query = select(Metric.id, Metric.unit)
    if metric_ids is None:
        query = query.where(Metric.scope == "national", Metric.active.is_(True))
    else:
        query = query.where(Metric.id.in_(list(metric_ids)))
    return dict(session.execute(query).all())


def national_figures(
    session: Session, region_ids: Sequence[int], metric_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """For each metric (the national core metrics, or those given): the national figure
    of the latest period in which most of ``region_ids`` have a value
    (``core.compare.national_period``), how it was worked out (``method``, and
    ``sentence`` in words) and from how many regions.

    A metric without values gets a row with method ``none``."""
    units = _units(session, metric_ids)
    totals = period_totals(session, region_ids, list(units))
    periods: dict[int, list[PeriodTotals]] = {}
    for row in totals.itertuples(index=False):
        periods.setdefault(int(row.metric_id), []).append(_totals(row))
    by_metric = {metric_id: national_period(found) for metric_id, found in periods.items()}
    rows = [
        _figure_row(
            metric_id, national_figure(unit, by_metric.get(metric_id), len(list(region_ids)))
        )
        for metric_id, unit in sorted(units.items())
    ]
    return pd.DataFrame(rows, columns=NATIONAL_COLUMNS)


def national_series(
    session: Session, region_ids: Sequence[int], metric_id: int, unit: str
) -> pd.DataFrame:
    """The national figure of one metric in every period with a value, oldest first."""
    return national_series_by_metric(session, region_ids, {metric_id: unit})[metric_id]


def national_series_by_metric(
    session: Session, region_ids: Sequence[int], units: Mapping[int, str]
) -> dict[int, pd.DataFrame]:
    """:func:`national_series` of several metrics (metric id -> unit) in one query."""
    totals = period_totals(session, region_ids, list(units))
    rows: dict[int, list[dict]] = {metric_id: [] for metric_id in units}
    regions = len(list(region_ids))
    for row in totals.itertuples(index=False):
        metric_id = int(row.metric_id)
        figure = national_figure(units[metric_id], _totals(row), regions)
        rows[metric_id].append(_figure_row(metric_id, figure))
    return {m: pd.DataFrame(found, columns=NATIONAL_COLUMNS) for m, found in rows.items()}


def metrics_with_values(session: Session, region_ids: Sequence[int]) -> set[int]:
    """The national core metrics with at least one overall value in ``region_ids``."""
    if not region_ids:
        return set()
    has_value = (
        select(MetricValue.id)
        .where(
            MetricValue.metric_id == Metric.id,
            MetricValue.region_id.in_(list(region_ids)),
            MetricValue.characteristic == "",
            MetricValue.value.is_not(None),
        )
        .exists()
    )
    rows = session.scalars(
        select(Metric.id).where(Metric.scope == "national", Metric.active.is_(True), has_value)
    )
    return set(rows)


REGION_PERIOD_COLUMNS = ["region_id", *SUMMED_COLUMNS]


def region_period_totals(
    session: Session, region_ids: Sequence[int], metric_id: int, start: date, end: date
) -> pd.DataFrame:
    """Per region, one metric's overall values from ``start`` up to (not including)
    ``end`` added up (a quarter, or a financial year's quarters): ``regions`` is the
    number of quarters with a value, the rest as :func:`period_totals`."""
    if not region_ids:
        return pd.DataFrame(columns=REGION_PERIOD_COLUMNS)
    rows = session.execute(
        select(
            MetricValue.region_id,
            func.count(func.distinct(MetricValue.period_start)),
            *_summed(),
        )
        .where(
            *_overall(region_ids, [metric_id]),
            MetricValue.period_start >= start,
            MetricValue.period_start < end,
        )
        .group_by(MetricValue.region_id)
        .order_by(MetricValue.region_id)
    ).all()
    return pd.DataFrame(rows, columns=REGION_PERIOD_COLUMNS)


def period_values(
    session: Session,
    region_ids: Sequence[int],
    metric_id: int,
    unit: str,
    start: date,
    end: date,
) -> tuple[pd.DataFrame, pd.Series]:
    """Each region's value of one metric in a chosen period (``LATEST_COLUMNS``, the
    period's start as ``period_start``) and the national figure of that period (a
    ``NATIONAL_COLUMNS`` row). A quarter is the region's value; a year pools the
    quarters' numerators and denominators when every quarter has both (else the mean of
    a percentage or rate, the total of a count, the mean of a score), the same rule as
    the national figure. The national figure pools the regions the same way."""
    totals = region_period_totals(session, region_ids, metric_id, start, end)
    latest, national = [], []
    for row in totals.itertuples(index=False):
        own = national_figure(unit, _totals(row, start), 1)
        pooled = own.method == "pooled"
        latest.append(
            {
                "region_id": int(row.region_id),
                "metric_id": metric_id,
                "period_start": start,
                "value": own.value,
                "numerator": own.numerator if pooled else None,
                "denominator": own.denominator if pooled else None,
            }
        )
        national.append(own)
    frame = pd.DataFrame(latest, columns=LATEST_COLUMNS)
    paired = [f for f in national if f.method == "pooled"]
    combined = PeriodTotals(
        period=start,
        regions=len(national),
        value_sum=sum(float(f.value or 0) for f in national),
        value_mean=(sum(float(f.value or 0) for f in national) / len(national))
        if national
        else 0.0,
        paired=len(paired),
        numerator_sum=sum(float(f.numerator or 0) for f in paired) if paired else None,
        denominator_sum=sum(float(f.denominator or 0) for f in paired) if paired else None,
        ratio_mean=(sum(float(f.scale or 0) for f in paired) / len(paired)) if paired else None,
    )
    figure = national_figure(unit, combined if national else None, len(list(region_ids)))
    return frame, pd.Series(_figure_row(metric_id, figure))
