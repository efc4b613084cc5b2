"""The first run of a new install: how far the national core metrics are set up.

A production database starts with no metric (seed/load.py). National leads then set up
the first national core metric in three steps: define it, record its coproduction (who
it was agreed with, where and when) and set its target. :func:`first_run_state` reads
which steps are done, for the guide on Overview and Metrics (components/first_run.py).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.first_run import FirstRunState
from db.models import Metric


def first_run_state(session: Session) -> FirstRunState:
    rows = session.execute(
        select(
            Metric.id,
            Metric.coproduced_with,
            Metric.coproduced_at,
            Metric.coproduced_on,
            Metric.target_value,
            Metric.target_date,
        )
        .where(Metric.scope == "national", Metric.active.is_(True))
        .order_by(Metric.id)
    ).all()
    coproduced = [
        bool((r.coproduced_with or "").strip())
        and bool((r.coproduced_at or "").strip())
        and r.coproduced_on is not None
        for r in rows
    ]
    targeted = [r.target_value is not None and r.target_date is not None for r in rows]
    return FirstRunState(
        national_metrics=len(rows),
        coproduced=any(coproduced),
        target_set=any(targeted),
        to_coproduce=next(
            (r.id for r, done in zip(rows, coproduced, strict=True) if not done), None
        ),
        to_target=next((r.id for r, done in zip(rows, targeted, strict=True) if not done), None),
    )
