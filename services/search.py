"""Search: find a region's metrics, plan actions, community projects and feedback."""

from __future__ import annotations

from collections.abc import Sequence

from core.permissions import visible_region_ids
from core.search import Found, search
from db import queries
from db import search as db_search
from services.context import RequestContext, reading


def find(ctx: RequestContext, query: str, region_ids: Sequence[int]) -> list[Found]:
    """What matches ``query`` in the regions asked for, of those this person may see
    (a regional role sees only their own region, whatever is asked), best first."""
    if not query.strip():
        return []
    with reading(ctx) as session:
        every = queries.regions(session)["id"].astype(int).tolist()
        allowed = set(visible_region_ids(ctx.actor, every))
        regions = [r for r in region_ids if r in allowed]
        if not regions:
            return []
        items = db_search.findable(session, regions)
    return search(items, query)
