"""The first run of a new install: how far the first national core metric is set up."""

from __future__ import annotations

from core.first_run import FirstRunState
from db.first_run import first_run_state as _first_run_state
from services.context import RequestContext, reading


def first_run_state(ctx: RequestContext) -> FirstRunState:
    """Which of the three steps (define, coproduce, target) are done."""
    with reading(ctx) as session:
        return _first_run_state(session)
