"""The Local plan: a region's actions, the organisation-wide ones, the national
templates, and the writes that keep them (each through ``db.writes``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, ParamSpec, TypeVar

import pandas as pd

from core.plan_words import ThemeConfirmation, today
from db import plan
from services.context import RequestContext, reading

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class PlanSetting:
    """What the Local plan page needs for a region before any filter is chosen."""

    region_id: int
    region_name: str
    today: date
    themes: pd.DataFrame
    areas: pd.DataFrame
    owners: list[str]
    total: int
    organisation_wide: pd.DataFrame
    superseded: pd.DataFrame
    confirmation: ThemeConfirmation
    national_actions: pd.DataFrame

    @property
    def theme_names(self) -> dict[int, str]:
        return {int(i): n for i, n in zip(self.themes["id"], self.themes["name"], strict=True)}

    @property
    def area_names(self) -> dict[int, str]:
        return {int(i): n for i, n in zip(self.areas["id"], self.areas["name"], strict=True)}

    @cached_property
    def unconfirmed_templates(self) -> set[int]:
        """The national actions whose themes are still only proposed (worked out once:
        every card asks)."""
        national = self.national_actions
        return set(national.loc[national["themes_confirmed_at"].isna(), "id"].astype(int))


def plan_setting(ctx: RequestContext, region_id: int, region_name: str) -> PlanSetting:
    """The region's plan as the page first needs it: themes, action areas, owners, the
    count of its actions, the organisation-wide actions and the national templates."""
    with reading(ctx) as session:
        return PlanSetting(
            region_id=region_id,
            region_name=region_name,
            today=today(),
            themes=plan.themes(session),
            areas=plan.action_areas(session),
            owners=plan.region_owners(session, region_id),
            total=plan.action_total(session, region_id),
            organisation_wide=plan.organisation_wide_actions(session),
            superseded=plan.superseded_copies(session, region_id),
            confirmation=plan.theme_confirmation(session),
            national_actions=plan.national_templates(session),
        )


@dataclass(frozen=True)
class ActionFilters:
    """The filters a person chose above the list of actions (empty: any)."""

    theme_ids: Sequence[int] = ()
    action_area_ids: Sequence[int] = ()
    statuses: Sequence[str] = ()
    owners: Sequence[str] = ()
    overdue_only: bool = False

    @property
    def any(self) -> bool:
        return bool(
            self.theme_ids
            or self.action_area_ids
            or self.statuses
            or self.owners
            or self.overdue_only
        )


@dataclass(frozen=True)
class RegionActions:
    """A region's actions that match the filters, and their progress updates."""

    actions: pd.DataFrame
    updates: pd.DataFrame


def region_actions(
    ctx: RequestContext, region_id: int, filters: ActionFilters, *, on: date
) -> RegionActions:
    """The region's actions matching ``filters`` (overdue as of ``on``), with updates."""
    with reading(ctx) as session:
        actions = plan.region_actions(
            session,
            region_id,
            theme_ids=filters.theme_ids,
            action_area_ids=filters.action_area_ids,
            statuses=filters.statuses,
            owners=filters.owners,
            overdue_only=filters.overdue_only,
            on=on,
        )
        return RegionActions(actions, plan.action_updates(session, actions["id"].tolist()))


def action_updates(ctx: RequestContext, action_ids: Sequence[int]) -> pd.DataFrame:
    """The progress updates of these actions, oldest first, with who posted each."""
    with reading(ctx) as session:
        return plan.action_updates(session, action_ids)


def templates_not_adopted(
    ctx: RequestContext, region_id: int, national: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The national actions the region may still adopt; ``national``: the national
    actions as read already (``PlanSetting.national_actions``)."""
    with reading(ctx) as session:
        return plan.templates_not_adopted(session, region_id, national)


def regions_with_copies(ctx: RequestContext, template_id: int) -> list[str]:
    """The names of the regions with their own copy of a national action."""
    with reading(ctx) as session:
        return plan.regions_with_copies(session, template_id)


# --- writes (each a registered write in db/plan.py) ----------------------------------


def post_action_update(ctx: RequestContext, action_id: int, *args: Any, **kwargs: Any) -> int:
    """A dated progress update, perhaps with a new status; the update's id."""
    return plan.post_action_update(ctx.engine, ctx.actor, action_id, *args, **kwargs)


def update_action(ctx: RequestContext, action_id: int, version: int, **changes: Any) -> int:
    """Edit a region's action read at ``version``; its new version."""
    return plan.update_action(ctx.engine, ctx.actor, action_id, version, **changes)


def add_action(ctx: RequestContext, region_id: int, *args: Any, **kwargs: Any) -> int:
    """Add a local action to the region's plan; its id."""
    return plan.add_action(ctx.engine, ctx.actor, region_id, *args, **kwargs)


def adopt_template(ctx: RequestContext, region_id: int, template_id: int, **kwargs: Any) -> int:
    """Adopt a national action into the region's plan; the copy's id."""
    return plan.adopt_template(ctx.engine, ctx.actor, region_id, template_id, **kwargs)


def update_template(ctx: RequestContext, template_id: int, version: int, **changes: Any) -> int:
    """Edit a national template action read at ``version``; its new version."""
    return plan.update_template(ctx.engine, ctx.actor, template_id, version, **changes)


def confirm_action_themes(
    ctx: RequestContext, template_id: int, version: int, theme_ids: Sequence[int], **kwargs: Any
) -> int:
    """Confirm (or correct and confirm) a national action's themes; its new version."""
    return plan.confirm_action_themes(
        ctx.engine, ctx.actor, template_id, version, theme_ids, **kwargs
    )


def set_organisation_wide(
    ctx: RequestContext, template_id: int, version: int, wide: bool, **kwargs: Any
) -> int:
    """Mark a national action organisation-wide, or take the mark off; its new version."""
    return plan.set_organisation_wide(ctx.engine, ctx.actor, template_id, version, wide, **kwargs)
