"""SPC recalculation points of a metric (issue 14): the quarters from which its mean
and process limits are worked out afresh, who may record them, and the writes that
record and remove them.

A national core metric's points apply to every region's series (how it is collected is
decided nationally, by national leads); a local metric's to its region's (its lead).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.periods import format_period
from core.permissions import Action, can
from db import spc as dbs
from services.context import RequestContext, reading


@dataclass(frozen=True)
class Recalculation:
    id: int
    period_start: date
    reason: str
    recorded_by: str

    @property
    def quarter(self) -> str:
        return format_period(self.period_start)


def may_recalculate(ctx: RequestContext, metric_region_id: int | None) -> bool:
    """Whether the viewer may record or remove a metric's recalculation points: whoever
    may define the metric (``metric_region_id`` None: a national core metric)."""
    if metric_region_id is None:
        return can(ctx.actor, Action.DEFINE_NATIONAL_METRIC)
    return can(ctx.actor, Action.DEFINE_LOCAL_METRIC, metric_region_id)


def recalculations(ctx: RequestContext, metric_id: int) -> list[Recalculation]:
    """A metric's recalculation points, oldest quarter first."""
    with reading(ctx) as session:
        rows = dbs.recalculations(session, [metric_id])
    return [
        Recalculation(int(r.id), r.period_start, str(r.reason), str(r.recorded_by))
        for r in rows.itertuples()
    ]


def record(ctx: RequestContext, metric_id: int, period_start: date, reason: str) -> int:
    return dbs.record_recalculation(ctx.engine, ctx.actor, metric_id, period_start, reason)


def remove(ctx: RequestContext, point_id: int) -> None:
    dbs.remove_recalculation(ctx.engine, ctx.actor, point_id)
