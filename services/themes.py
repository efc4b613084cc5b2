"""The Themes page: a region's monitoring themes with their statuses, trend and metrics."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.metric_grid import DisclosedFigures
from core.permissions import Action, can
from db import metrics as dbm
from db import theme_progress
from db.plan import theme_tags_note
from services.context import RequestContext, reading


@dataclass(frozen=True)
class ThemesPage:
    """A region's theme statuses, metric statuses and trend, with the figures as this
    person may see them (``disclosed`` None: exact rights for the region)."""

    themes: pd.DataFrame
    metrics: pd.DataFrame
    trend: pd.DataFrame
    tags_note: str | None
    disclosed: DisclosedFigures | None


def themes_page(ctx: RequestContext, region_id: int) -> ThemesPage:
    with reading(ctx) as session:
        themes = theme_progress.theme_statuses(session, [region_id])
        metrics = theme_progress.metric_statuses(session, [region_id])
        trend = theme_progress.theme_trend(session, region_id)
        tags_note = theme_tags_note(session)
        # Statuses come from the exact figures; the figures quoted follow disclosure control
        # for anyone without exact rights for the region.
        disclosed = (
            None
            if can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)
            else dbm.disclosed_figures(session, region_id, ctx.settings.disclosure_threshold)
        )
    return ThemesPage(themes, metrics, trend, tags_note, disclosed)
