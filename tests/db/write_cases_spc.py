"""The SPC recalculation writes (db/spc.py) for the role-by-region test
(test_write_matrix.py): each case uses its own quarter of London's local metric, so
every allowed call changes the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from core.permissions import Action
from db import models as m
from db import spc  # noqa: F401 - registers the writes these cases run
from tests.db.test_write_matrix import Call, World, london_metric


def a_quarter(w: World) -> date:
    """A quarter no other case has used (one per call)."""
    n = w.n()
    return date(2000 + n // 4, 1 + 3 * (n % 4), 1)


def new_point(w: World) -> int:
    """A recalculation point of London's local metric (test set-up, not a write)."""
    with Session(w.engine) as session, session.begin():
        point = m.SpcRecalculation(
            metric_id=london_metric(w).id,
            period_start=a_quarter(w),
            reason="Collected differently",
            recorded_by="Someone",
        )
        session.add(point)
        session.flush()
        return point.id


CASES: dict[str, Callable[[World], Call]] = {
    "record_recalculation": lambda w: Call(
        (london_metric(w).id, a_quarter(w), "New referral form"),
        {},
        w.london,
        Action.DEFINE_LOCAL_METRIC,
    ),
    "remove_recalculation": lambda w: Call(
        (new_point(w),), {}, w.london, Action.DEFINE_LOCAL_METRIC
    ),
}
