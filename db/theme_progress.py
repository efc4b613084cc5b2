"""Progress by monitoring theme: each theme's status from its metrics and its actions.

A metric's status is the Open SDG progress measure of its overall series
(``core.metric_progress.metric_progress``); a theme combines the statuses of the region's
metrics of that theme (the national core metrics and the region's local ones) with
``core.progress.combine``: the mean score gives the status, and the target counts as
achieved only if every scored metric achieved it. Actions count through the themes they
are tagged with, so an action serving two themes counts in both.

Everything is read in four queries for all the regions asked for (themes, metric
definitions, values, action counts) and worked out in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.entities import Entity
from core.metric_progress import MetricSpec, metric_progress
from core.periods import format_period
from core.progress import STATUS_LABELS, ProgressResult, combine
from core.theme_words import METHOD_SENTENCES, TREND_METHOD, theme_explanation
from db import queries
from db.cache import cached_by_region, cached_read
from db.models import Metric, Theme

__all__ = [
    "METHOD_SENTENCES",
    "METRIC_STATUS_COLUMNS",
    "THEME_STATUS_COLUMNS",
    "THEME_TREND_COLUMNS",
    "TREND_METHOD",
    "metric_statuses",
    "theme_statuses",
    "theme_trend",
]

METRIC_STATUS_COLUMNS = [
    "region_id",
    "metric_id",
    "code",
    "name",
    "theme_id",
    "scope",
    "unit",
    "status",
    "status_label",
    "score",
    "explanation",
    "latest_period",
    "latest_value",
]

THEME_STATUS_COLUMNS = [
    "region_id",
    "theme_id",
    "theme_code",
    "theme",
    "status",
    "status_label",
    "score",
    "explanation",
    "metrics_counted",
    "metrics_total",
    "actions_total",
    "actions_complete",
    "actions_on_track",
    "share_complete",
    "share_on_track",
]

THEME_TREND_COLUMNS = [
    "theme_id",
    "theme",
    "period_start",
    "period",
    "score",
    "status",
    "status_label",
    "metrics_counted",
]


@dataclass(frozen=True)
class _Metric:
    id: int
    code: str
    name: str
    theme_id: int
    scope: str
    region_id: int | None
    unit: str
    direction: str
    row: dict[str, Any]

    @property
    def spec(self) -> MetricSpec:
        return MetricSpec.from_mapping(self.row)


@dataclass(frozen=True)
class _Data:
    themes: pd.DataFrame
    metrics: list[_Metric]
    series: dict[tuple[int, int], list[tuple[date, float | None]]]

    def metrics_of(self, region_id: int) -> list[_Metric]:
        """The national core metrics and this region's local metrics."""
        return [m for m in self.metrics if m.scope == "national" or m.region_id == region_id]


_SPEC_FIELDS = (
    "direction",
    "unit",
    "baseline_period",
    "target_value",
    "target_date",
    "limit_value",
    "manual_status",
    "manual_status_reason",
)


@cached_read(Entity.METRIC, Entity.METRIC_VALUE)
def _load(session: Session, region_ids: Sequence[int], until: date | None = None) -> _Data:
    """Themes, metric definitions (national first) and overall values: three queries.
    Cached, since theme and metric statuses both start from it; callers only read it.

    ``until``: leave out values of periods starting on or after this day (a status as it
    stood at the end of a past year)."""
    ids = list(region_ids)
    themes = queries.monitoring_themes(session)
    columns = [getattr(Metric, name) for name in ("id", "code", "name", "theme_id", "scope")]
    rows = session.execute(
        select(*columns, Metric.region_id, *(getattr(Metric, f) for f in _SPEC_FIELDS))
        .join(Theme, Theme.id == Metric.theme_id)
        .where(
            Metric.active.is_(True),
            Theme.monitoring.is_(True),
            (Metric.scope == "national") | Metric.region_id.in_(ids),
        )
    ).all()
    rows = sorted(rows, key=lambda r: (r.scope != "national", r.code))
    metrics = [
        _Metric(
            id=r.id,
            code=r.code,
            name=r.name,
            theme_id=r.theme_id,
            scope=r.scope,
            region_id=r.region_id,
            unit=r.unit,
            direction=r.direction,
            row={f: getattr(r, f) for f in _SPEC_FIELDS},
        )
        for r in rows
    ]
    series: dict[tuple[int, int], list[tuple[date, float | None]]] = defaultdict(list)
    if metrics and ids:
        wanted = {m.id for m in metrics}
        # Every overall value of the regions, filtered here: a list of thousands of
        # metric ids in the query costs the database more than the extra rows.
        for region_id, metric_id, period_start, value in queries.metric_series_rows(session, ids):
            day = _as_date(period_start)
            if metric_id not in wanted or (until is not None and day >= until):
                continue
            clean = None if value is None or value != value else float(value)  # NaN
            series[(region_id, metric_id)].append((day, clean))
    return _Data(themes, metrics, dict(series))


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _metric_result(metric: _Metric, points: list[tuple[date, float | None]]) -> ProgressResult:
    """The metric's progress; a definition the measure refuses becomes 'not available'."""
    try:
        return metric_progress(metric.spec, points)
    except ValueError as exc:
        reason = str(exc)
        return ProgressResult(
            status="not_available",
            score=None,
            explanation=f"Progress cannot be worked out: {reason[:1].lower()}{reason[1:]}",
        )


def _latest(points: Iterable[tuple[date, float | None]]) -> tuple[date | None, float | None]:
    known = [(d, v) for d, v in points if v is not None]
    return known[-1] if known else (None, None)


def _results(data: _Data, region_ids: Sequence[int]) -> list[tuple[int, _Metric, ProgressResult]]:
    out = []
    for region_id in region_ids:
        for metric in data.metrics_of(region_id):
            points = data.series.get((region_id, metric.id), [])
            out.append((region_id, metric, _metric_result(metric, points)))
    return out


@cached_by_region(Entity.METRIC, Entity.METRIC_VALUE, Entity.PLAN_ACTION)
def metric_statuses(
    session: Session, region_ids: Sequence[int], *, until: date | None = None
) -> pd.DataFrame:
    """Each region's metrics (national and its own local ones) with their progress status.

    One row per region and metric, in the order of ``region_ids`` then national metrics
    before local ones, by code. ``until``: only values of periods starting before this
    day count (the status at the end of a past year; a status set by hand still applies).
    """
    data = _load(session, region_ids, until)
    rows = []
    for region_id, metric, result in _results(data, region_ids):
        latest_period, latest_value = _latest(data.series.get((region_id, metric.id), []))
        rows.append(
            {
                "region_id": region_id,
                "metric_id": metric.id,
                "code": metric.code,
                "name": metric.name,
                "theme_id": metric.theme_id,
                "scope": metric.scope,
                "unit": metric.unit,
                "status": result.status,
                "status_label": STATUS_LABELS[result.status],
                "score": result.score,
                "explanation": result.explanation,
                "latest_period": latest_period,
                "latest_value": latest_value,
            }
        )
    return pd.DataFrame(rows, columns=METRIC_STATUS_COLUMNS)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@cached_by_region(Entity.METRIC, Entity.METRIC_VALUE, Entity.PLAN_ACTION)
def theme_statuses(
    session: Session, region_ids: Sequence[int], *, until: date | None = None
) -> pd.DataFrame:
    """One row per region and monitoring theme: its progress status from its metrics and
    the share of its actions complete and on track. ``until``: as for
    :func:`metric_statuses` (the actions are counted as they stand now).

    ``status`` is a ``core.progress`` status code (``status_label`` its words), ``score``
    the mean score (-5 to 5, None when no metric has one), ``explanation`` one plain
    sentence, ``metrics_counted`` how many metrics have a score out of ``metrics_total``,
    and ``share_complete`` / ``share_on_track`` fractions (0 to 1, None without actions).
    """
    ids = list(region_ids)
    data = _load(session, ids, until)
    by_theme: dict[tuple[int, int], list[ProgressResult]] = defaultdict(list)
    for region_id, metric, result in _results(data, ids):
        by_theme[(region_id, metric.theme_id)].append(result)
    actions: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    if ids:
        counts = queries.action_status_counts(session, ids)
        for region_id, theme_id, status, number in counts.itertuples(index=False):
            actions[(int(region_id), int(theme_id))][status] = int(number)
    rows = []
    for region_id in ids:
        for theme in data.themes.itertuples(index=False):
            results = by_theme.get((region_id, theme.id), [])
            combined = combine(results)
            tally = actions.get((region_id, theme.id), {})
            total = sum(tally.values())
            complete, on_track = tally.get("complete", 0), tally.get("on_track", 0)
            rows.append(
                {
                    "region_id": region_id,
                    "theme_id": theme.id,
                    "theme_code": theme.code,
                    "theme": theme.name,
                    "status": combined.status,
                    "status_label": STATUS_LABELS[combined.status],
                    "score": combined.score,
                    "explanation": theme_explanation(results, combined),
                    "metrics_counted": sum(1 for r in results if r.score is not None),
                    "metrics_total": len(results),
                    "actions_total": total,
                    "actions_complete": complete,
                    "actions_on_track": on_track,
                    "share_complete": _share(complete, total),
                    "share_on_track": _share(on_track, total),
                }
            )
    return pd.DataFrame(rows, columns=THEME_STATUS_COLUMNS)


@cached_read(Entity.METRIC, Entity.METRIC_VALUE, Entity.PLAN_ACTION)
def theme_trend(session: Session, region_id: int) -> pd.DataFrame:
    """For one region, per monitoring theme and quarter: the theme's score and status as
    they stood then, from each metric's values up to that quarter (see TREND_METHOD).

    A quarter is listed for a theme when at least one of its metrics has a value in it and
    some metric of the theme has a score by then (a score needs a year of values), oldest
    first. A status set by hand is today's judgement, so it plays no part in the trend.
    """
    data = _load(session, [region_id])
    rows = []
    for theme in data.themes.itertuples(index=False):
        mine = [m for m in data.metrics_of(region_id) if m.theme_id == theme.id]
        series = {m.id: data.series.get((region_id, m.id), []) for m in mine}
        periods = sorted({day for points in series.values() for day, v in points if v is not None})
        for period in periods:
            results = [
                _metric_result(
                    _without_manual_status(metric),
                    [(day, v) for day, v in series[metric.id] if day <= period],
                )
                for metric in mine
            ]
            combined = combine(results)
            if combined.score is None:
                continue
            rows.append(
                {
                    "theme_id": theme.id,
                    "theme": theme.name,
                    "period_start": period,
                    "period": format_period(period),
                    "score": combined.score,
                    "status": combined.status,
                    "status_label": STATUS_LABELS[combined.status],
                    "metrics_counted": sum(1 for r in results if r.score is not None),
                }
            )
    return pd.DataFrame(rows, columns=THEME_TREND_COLUMNS)


def _without_manual_status(metric: _Metric) -> _Metric:
    return replace(metric, row={**metric.row, "manual_status": None})
