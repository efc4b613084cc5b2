"""The Overview page: each region's themes, actions by status and latest metric values."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.periods import quarter_start
from core.permissions import Action, can
from core.progress import ProgressResult
from db import quarterly, queries
from db.plan import theme_tags_note
from services.context import RequestContext, reading
from services.metrics import metrics_progress


@dataclass(frozen=True)
class Overview:
    """The regions this person sees (all, or their own) with their action totals."""

    names: dict[int, str]
    themes: pd.DataFrame
    region_ids: list[int]
    totals: pd.DataFrame


@dataclass(frozen=True)
class RegionThemes:
    """One region's action counts and latest metric values by theme."""

    counts: pd.DataFrame
    latest: pd.DataFrame
    tags_note: str | None


def overview(ctx: RequestContext) -> Overview:
    with reading(ctx) as session:
        all_regions = queries.regions(session)
        themes = queries.monitoring_themes(session)
        if can(ctx.actor, Action.VIEW_ALL_REGIONS):
            region_ids = all_regions["id"].tolist()
        else:
            region_ids = [ctx.actor.region_id]
        totals = queries.action_status_totals(session, region_ids)
    names = dict(zip(all_regions["id"], all_regions["name"], strict=True))
    return Overview(names, themes, region_ids, totals)


def region_themes(ctx: RequestContext, region_id: int) -> RegionThemes:
    """One region's six theme cards' figures (read for that region alone)."""
    with reading(ctx) as session:
        counts = queries.action_status_counts(session, [region_id])
        latest = queries.latest_metric_values(session, [region_id])
        tags_note = theme_tags_note(session)
        signed = quarterly.signed_off_quarters(session, [region_id])
    # Whether each value's quarter is signed off by the Regional Forum (else provisional).
    latest = latest.assign(
        signed_off=[
            (int(r), quarter_start(p)) in signed
            for r, p in zip(latest["region_id"], latest["period_start"], strict=True)
        ]
    )
    return RegionThemes(counts, latest, tags_note)


def sees_exact_figures(ctx: RequestContext, region_id: int) -> bool:
    """Whether this person sees a region's figures exactly (else under disclosure control)."""
    return can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)


def latest_statuses(ctx: RequestContext, region_id: int) -> dict[int, ProgressResult | str]:
    """Each of the region's metrics' progress status (metric id: result), as the
    Metrics page works it out (from the exact figures; only the status is shown here)."""
    with reading(ctx) as session:
        definitions = queries.metric_definitions(session, region_id)
    if definitions.empty:
        return {}
    return metrics_progress(ctx, region_id, definitions).results
