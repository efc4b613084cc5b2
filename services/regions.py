"""The regions, as every page's region picker lists them."""

from __future__ import annotations

import pandas as pd

from db import queries
from services.context import RequestContext, reading


def regions(ctx: RequestContext) -> pd.DataFrame:
    """Every region's id and name, in the order the pickers show them."""
    with reading(ctx) as session:
        return queries.regions(session)
