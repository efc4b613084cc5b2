"""SPC recalculation points in the database: the quarters from which a metric's mean
and process limits are worked out afresh (``core.spc.xmr_segments``), with the reason,
and the registered writes that record and remove one.

Who may: whoever may define or edit the metric, that is national leads for a national
core metric (its point applies to every region's series, since how it is collected is
decided nationally) and the region's lead for a local metric.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.entities import Entity
from core.periods import format_period, quarter_start
from core.permissions import Action
from db.models import Metric, SpcRecalculation, utcnow
from db.writes import UnitOfWork, WriteRefused, registered_write, snapshot

FIELDS = ("metric_id", "period_start", "reason")
COLUMNS = ["id", "metric_id", "period_start", "reason", "recorded_by", "recorded_at"]
#: The longest reason kept.
REASON_LIMIT = 1000


def recalculations(session: Session, metric_ids: Iterable[int]) -> pd.DataFrame:
    """The recalculation points of some metrics, oldest quarter first."""
    rows = session.execute(
        select(*(getattr(SpcRecalculation, c) for c in COLUMNS))
        .where(SpcRecalculation.metric_id.in_(list(metric_ids)))
        .order_by(SpcRecalculation.metric_id, SpcRecalculation.period_start)
    ).all()
    return pd.DataFrame(rows, columns=COLUMNS)


def _metric(uow: UnitOfWork, metric_id: int) -> Metric:
    metric = uow.session.get(Metric, metric_id)
    if metric is None:
        raise WriteRefused("That metric no longer exists. Reload the page.")
    if metric.region_id is None:
        uow.require(Action.DEFINE_NATIONAL_METRIC)
    else:
        uow.require(Action.DEFINE_LOCAL_METRIC, metric.region_id)
    return metric


def _audit(uow: UnitOfWork, point: SpcRecalculation, metric: Metric, action: str) -> None:
    after = snapshot(point, FIELDS) | {"quarter": format_period(point.period_start)}
    uow.audit(
        Entity.SPC_RECALCULATION,
        point.id,
        action,
        before=after if action == "delete" else None,
        after=None if action == "delete" else after,
        reason=point.reason,
        region_id=metric.region_id,
    )


@registered_write(
    Action.DEFINE_LOCAL_METRIC, Action.DEFINE_NATIONAL_METRIC, entity=Entity.SPC_RECALCULATION
)
def record_recalculation(uow: UnitOfWork, metric_id: int, period_start: date, reason: str) -> int:
    """Record that a metric's SPC limits are worked out afresh from a quarter, and why;
    the point's id."""
    metric = _metric(uow, metric_id)
    text = " ".join(str(reason or "").split())
    if not text:
        raise WriteRefused("Say why the limits are worked out afresh from this quarter.")
    if len(text) > REASON_LIMIT:
        raise WriteRefused(f"Keep the reason under {REASON_LIMIT} characters.")
    start = quarter_start(period_start)
    existing = uow.session.scalar(
        select(SpcRecalculation).where(
            SpcRecalculation.metric_id == metric_id, SpcRecalculation.period_start == start
        )
    )
    if existing is not None:
        raise WriteRefused(
            f"The limits are already worked out afresh from {format_period(start)} "
            f"(recorded by {existing.recorded_by})."
        )
    point = SpcRecalculation(
        metric_id=metric_id,
        period_start=start,
        reason=text,
        recorded_by=uow.actor.username,
        recorded_at=utcnow(),
    )
    uow.session.add(point)
    uow.session.flush()
    _audit(uow, point, metric, "create")
    return point.id


@registered_write(
    Action.DEFINE_LOCAL_METRIC, Action.DEFINE_NATIONAL_METRIC, entity=Entity.SPC_RECALCULATION
)
def remove_recalculation(uow: UnitOfWork, point_id: int) -> None:
    """Remove a recalculation point: the limits run on across that quarter again."""
    point = uow.session.get(SpcRecalculation, point_id)
    if point is None:
        raise WriteRefused("That recalculation point was removed meanwhile. Reload the page.")
    metric = _metric(uow, point.metric_id)
    _audit(uow, point, metric, "delete")
    uow.session.delete(point)
