"""The reads behind the Search page: what can be found in some regions (metrics, plan
actions, community projects, feedback), as :class:`core.search.Findable` items.

Only the words each page already shows to anyone who can see the region are read: a
metric's code, name and definition; an action's code, title, description and owner; a
project's title, place, communities, outcomes and next steps; feedback's summary and
response ("We did"). No figures are read, so nothing here needs disclosure control.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.search import ACTION, FEEDBACK, METRIC, PROJECT, Findable
from db.models import CommunityProject, FeedbackItem, Metric, PlanAction
from db.plan import in_regional_plan


def _joined(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def findable(session: Session, region_ids: Sequence[int]) -> list[Findable]:
    """Everything findable in ``region_ids``: each region's metrics (the national core
    metrics once a region), its own plan actions, its projects and its feedback."""
    ids = list(region_ids)
    found: list[Findable] = []
    metrics = session.execute(
        select(
            Metric.id, Metric.code, Metric.name, Metric.definition, Metric.scope, Metric.region_id
        )
        .where(Metric.active.is_(True))
        .where(or_(Metric.scope == "national", Metric.region_id.in_(ids)))
        .order_by(Metric.code)
    ).all()
    for region_id in ids:
        found += [
            Findable(METRIC, m.id, region_id, m.code, m.name, m.definition or "")
            for m in metrics
            if m.scope == "national" or m.region_id == region_id
        ]
    found += [
        Findable(ACTION, a.id, a.region_id, a.code, a.title, _joined(a.description, a.owner))
        for a in session.execute(
            select(
                PlanAction.id,
                PlanAction.region_id,
                PlanAction.code,
                PlanAction.title,
                PlanAction.description,
                PlanAction.owner,
            ).where(PlanAction.region_id.in_(ids), in_regional_plan())
        ).all()
    ]
    found += [
        Findable(
            PROJECT,
            p.id,
            p.region_id,
            "",
            p.title,
            _joined(p.place, p.communities_engaged, p.outcomes, p.next_steps),
        )
        for p in session.execute(
            select(
                CommunityProject.id,
                CommunityProject.region_id,
                CommunityProject.title,
                CommunityProject.place,
                CommunityProject.communities_engaged,
                CommunityProject.outcomes,
                CommunityProject.next_steps,
            ).where(CommunityProject.region_id.in_(ids))
        ).all()
    ]
    found += [
        Findable(
            FEEDBACK,
            f.id,
            f.region_id,
            "",
            f.summary,
            _joined(f.source, f.response, f.action_taken),
        )
        for f in session.execute(
            select(
                FeedbackItem.id,
                FeedbackItem.region_id,
                FeedbackItem.source,
                FeedbackItem.summary,
                FeedbackItem.response,
                FeedbackItem.action_taken,
            ).where(FeedbackItem.region_id.in_(ids))
        ).all()
    ]
    return found
