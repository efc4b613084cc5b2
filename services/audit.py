"""The audit log as people read it: each record's history."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from db.audit import entity_history as _entity_history
from services.context import RequestContext, reading


def entity_history(
    ctx: RequestContext, entity_type: str, entity_ids: Sequence[int]
) -> pd.DataFrame:
    """Who changed these records, when, from what to what and why; oldest first."""
    with reading(ctx) as session:
        return _entity_history(session, entity_type, entity_ids)
