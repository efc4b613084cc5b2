"""Feedback ("You said, we did"): the region's feedback and its figures, every region's
figures for national roles, and the writes that add, answer and move feedback on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from core.feedback_rules import FeedbackFigures, feedback_figures
from db import feedback as db_feedback
from db import queries
from services.context import RequestContext, reading


def theme_names(ctx: RequestContext) -> dict[int, str]:
    """The monitoring themes (id: name), in order."""
    with reading(ctx) as session:
        themes = queries.monitoring_themes(session)
    return dict(zip(themes["id"], themes["name"], strict=True))


def headline(ctx: RequestContext, region_id: int, today: date) -> FeedbackFigures:
    """How the region's feedback is answered, on ``today``."""
    with reading(ctx) as session:
        timings = db_feedback.feedback_timings(session, [region_id])
    return feedback_figures(timings.to_dict("records"), today)


def items(
    ctx: RequestContext,
    region_id: int,
    *,
    statuses: Sequence[str] | None = None,
    theme_ids: Sequence[int] | None = None,
    sources: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The region's feedback, newest first, narrowed by the filters given."""
    with reading(ctx) as session:
        return db_feedback.feedback_items(
            session, region_id, statuses=statuses, theme_ids=theme_ids, sources=sources
        )


def linkable_actions(ctx: RequestContext, region_id: int) -> pd.DataFrame:
    """The region's own plan actions (id, code, title), which feedback may lead to."""
    with reading(ctx) as session:
        return db_feedback.linkable_actions(session, region_id)


def every_region(ctx: RequestContext, today: date) -> pd.DataFrame:
    """Each region's figures on ``today``, one row a region, for national roles."""
    with reading(ctx) as session:
        regions = queries.regions(session)
        figures = db_feedback.feedback_figures_by_region(session, regions["id"].tolist(), today)
    names = dict(zip(regions["id"], regions["name"], strict=True))
    return pd.DataFrame(
        [{"Region": names[region]} | shown.as_row() for region, shown in figures.items()]
    )


# --- writes ---------------------------------------------------------------------------


def add(
    ctx: RequestContext,
    region_id: int,
    source: str,
    received: date,
    summary: str,
    theme_id: int | None,
) -> int:
    """Add feedback for the region."""
    return db_feedback.add_feedback(
        ctx.engine, ctx.actor, region_id, source, received, summary, theme_id
    )


def respond(
    ctx: RequestContext,
    feedback_id: int,
    version: int,
    response: str,
    action_taken: str,
    status: str,
    action_id: int | None,
) -> int:
    """Answer feedback ("We did"), refused when it changed since ``version`` was read."""
    return db_feedback.respond_to_feedback(
        ctx.engine, ctx.actor, feedback_id, version, response, action_taken, status, action_id
    )


def change_status(
    ctx: RequestContext, feedback_id: int, version: int, status: str, reason: str
) -> int:
    """Change only the status (with a reason), refused when it changed meanwhile."""
    return db_feedback.update_feedback_status(
        ctx.engine, ctx.actor, feedback_id, version, status, reason
    )
