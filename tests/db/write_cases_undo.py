"""The undo of a grid save (db/metric_undo.py) for the role-by-region test
(test_write_matrix.py): each case first saves a new London value as the admin (test
set-up), so every allowed undo changes the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.metric_grid import ValueChange
from core.metric_undo import SavedValues
from core.permissions import Action
from db import metric_undo  # noqa: F401 - registers the write these cases run
from db import metrics as dbm
from db import models as m
from tests.db.test_write_matrix import Call, World, actor

QUARTER = date(2026, 7, 1)


def london_save(w: World) -> SavedValues:
    """A save of CA01 for London as the admin (test set-up, not the write tried)."""
    with Session(w.engine) as session:
        metric_id, version = session.execute(
            select(m.Metric.id, m.MetricValue.version)
            .join(m.MetricValue, m.MetricValue.metric_id == m.Metric.id)
            .where(
                m.Metric.code == "CA01",
                m.MetricValue.region_id == w.london,
                m.MetricValue.period_start == QUARTER,
                m.MetricValue.characteristic == "",
            )
        ).one()
    change = ValueChange(metric_id, QUARTER, value=float(w.n() % 90), expected_version=version)
    result = dbm.save_values(w.engine, actor(w, "admin"), w.london, [change])
    assert result.undo is not None
    return result.undo


CASES: dict[str, Callable[[World], Call]] = {
    "undo_values": lambda w: Call((london_save(w),), {}, w.london, Action.EDIT_METRIC_VALUES),
}
