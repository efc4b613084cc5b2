"""Reads shared by several pages. They aggregate in SQL and return small frames."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from db.audit import distinct_values
from db.models import Metric, MetricValue, PlanAction, Region, Theme, plan_action_theme
from db.plan import in_regional_plan


def regions(session: Session, region_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Active regions (id, code, name), optionally only those given, by name."""
    query = select(Region.id, Region.code, Region.name).where(Region.active.is_(True))
    if region_ids is not None:
        query = query.where(Region.id.in_(list(region_ids)))
    rows = session.execute(query.order_by(Region.name)).all()
    return pd.DataFrame(rows, columns=["id", "code", "name"])


def monitoring_themes(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(Theme.id, Theme.code, Theme.name, Theme.definition)
        .where(Theme.monitoring.is_(True))
        .order_by(Theme.sort_order)
    ).all()
    return pd.DataFrame(rows, columns=["id", "code", "name", "definition"])


def action_status_counts(session: Session, region_ids: Sequence[int]) -> pd.DataFrame:
    """Number of a region's actions in each status, per theme the actions serve (the
    region's own plan: organisation-wide actions are national, and a region's earlier
    copies of them are not counted)."""
    rows = session.execute(
        select(
            PlanAction.region_id,
            plan_action_theme.c.theme_id,
            PlanAction.status,
            func.count().label("actions"),
        )
        .join(plan_action_theme, plan_action_theme.c.action_id == PlanAction.id)
        .where(PlanAction.region_id.in_(list(region_ids)), in_regional_plan())
        .group_by(PlanAction.region_id, plan_action_theme.c.theme_id, PlanAction.status)
    ).all()
    return pd.DataFrame(rows, columns=["region_id", "theme_id", "status", "actions"])


def action_status_totals(session: Session, region_ids: Sequence[int]) -> pd.DataFrame:
    """Number of each region's actions in each status (each action counted once)."""
    rows = session.execute(
        select(PlanAction.region_id, PlanAction.status, func.count().label("actions"))
        .where(PlanAction.region_id.in_(list(region_ids)), in_regional_plan())
        .group_by(PlanAction.region_id, PlanAction.status)
    ).all()
    return pd.DataFrame(rows, columns=["region_id", "status", "actions"])


def latest_metric_values(session: Session, region_ids: Sequence[int]) -> pd.DataFrame:
    """Each metric's latest overall (not disaggregated) value in each region, with its
    numerator and denominator and whether it counts people (for disclosure control)."""
    latest = (
        select(
            MetricValue.metric_id,
            MetricValue.region_id,
            func.max(MetricValue.period_start).label("period_start"),
        )
        .where(
            MetricValue.region_id.in_(list(region_ids)),
            MetricValue.characteristic == "",
            MetricValue.value.is_not(None),
        )
        .group_by(MetricValue.metric_id, MetricValue.region_id)
        .subquery()
    )
    rows = session.execute(
        select(
            MetricValue.region_id,
            Metric.id,
            Metric.code,
            Metric.name,
            Metric.theme_id,
            Metric.unit,
            Metric.scope,
            Metric.frequency,
            MetricValue.period_start,
            MetricValue.value,
            MetricValue.numerator,
            MetricValue.denominator,
            Metric.counts_people,
        )
        .join(
            latest,
            and_(
                latest.c.metric_id == MetricValue.metric_id,
                latest.c.region_id == MetricValue.region_id,
                latest.c.period_start == MetricValue.period_start,
            ),
        )
        .join(Metric, Metric.id == MetricValue.metric_id)
        .where(MetricValue.characteristic == "", Metric.active.is_(True))
        .order_by(MetricValue.region_id, Metric.code)
    ).all()
    return pd.DataFrame(
        rows,
        columns=[
            "region_id",
            "metric_id",
            "code",
            "name",
            "theme_id",
            "unit",
            "scope",
            "frequency",
            "period_start",
            "value",
            "numerator",
            "denominator",
            "counts_people",
        ],
    )


def value_periods(session: Session) -> list[date]:
    """Every period that has a metric value, oldest first: a few index lookups (along
    ix_metric_value_period), where SELECT DISTINCT reads every value."""
    return distinct_values(session, MetricValue.period_start)


def metric_definitions(session: Session, region_id: int) -> pd.DataFrame:
    """The national core metrics and this region's local metrics, by theme and code."""
    table = Metric.__table__
    rows = session.execute(
        select(*table.columns, Theme.name.label("theme_name"))
        .join(Theme, Theme.id == Metric.theme_id)
        .where(
            Metric.active.is_(True),
            (Metric.scope == "national") | (Metric.region_id == region_id),
        )
        .order_by(Theme.sort_order, Metric.scope, Metric.code)
    ).all()
    return pd.DataFrame(rows, columns=[*(c.key for c in table.columns), "theme_name"])


def metric_series(
    session: Session, region_ids: Sequence[int], metric_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Overall (not disaggregated) values by region, metric and period, oldest first."""
    return pd.DataFrame(
        metric_series_rows(session, region_ids, metric_ids),
        columns=["region_id", "metric_id", "period_start", "value"],
    )


def metric_series_rows(
    session: Session, region_ids: Sequence[int], metric_ids: Sequence[int] | None = None
) -> list[Any]:
    """:func:`metric_series` as rows (region_id, metric_id, period_start, value): for
    callers that walk them once, where building a frame would cost more than the query."""
    query = select(
        MetricValue.region_id, MetricValue.metric_id, MetricValue.period_start, MetricValue.value
    ).where(MetricValue.region_id.in_(list(region_ids)), MetricValue.characteristic == "")
    if metric_ids is not None:
        query = query.where(MetricValue.metric_id.in_(list(metric_ids)))
    return session.execute(
        query.order_by(MetricValue.region_id, MetricValue.metric_id, MetricValue.period_start)
    ).all()
