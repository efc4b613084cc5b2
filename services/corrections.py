"""Putting mistakes right: withdraw a value, retire a metric, delete a project, a
feedback item, a progress update or a decision; and the corrections as this person may
read them (what, who and why for those who see the region's exact figures; that
something was corrected, for everyone else).

Each write is a registered write of ``db.corrections``; the confirmation a page asks
for is checked here, before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.corrections import (
    ACTION_UPDATE,
    NOT_CONFIRMED,
    Kind,
    correction_line,
    retired_label,
)
from core.entities import Entity
from core.errors import WriteRefused
from core.permissions import Action, can
from db import corrections as dbc
from services.context import RequestContext, reading


@dataclass(frozen=True)
class CorrectionRights:
    """Which corrections this person may make in a region."""

    withdraw_values: bool
    retire_local: bool
    retire_national: bool
    delete_projects: bool
    delete_feedback: bool
    delete_updates: bool
    delete_decisions: bool

    def retire(self, scope: str) -> bool:
        return self.retire_national if scope == "national" else self.retire_local


def correction_rights(ctx: RequestContext, region_id: int | None) -> CorrectionRights:
    actor = ctx.actor
    return CorrectionRights(
        withdraw_values=can(actor, Action.EDIT_METRIC_VALUES, region_id),
        retire_local=can(actor, Action.DEFINE_LOCAL_METRIC, region_id),
        retire_national=can(actor, Action.DEFINE_NATIONAL_METRIC),
        delete_projects=can(actor, Action.EDIT_PROJECTS, region_id),
        delete_feedback=can(actor, Action.RESPOND_FEEDBACK, region_id),
        delete_updates=can(actor, Action.EDIT_PLAN, region_id),
        delete_decisions=can(actor, Action.MANAGE_MEETINGS, region_id),
    )


def sees_details(ctx: RequestContext, region_id: int | None) -> bool:
    """Whether this person reads what was corrected and why (the disclosure rule: those
    who may see the region's exact figures), or only that something was."""
    return can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)


def correction_lines(
    ctx: RequestContext,
    region_id: int,
    kinds: Sequence[Kind],
    *,
    parent_ids: Sequence[int] | None = None,
) -> dict[int | None, list[str]]:
    """The corrections of some kinds in a region, worded for this person, by the record
    they belonged to (a value's metric, an update's action, a decision's meeting; None
    for a project or a feedback item); oldest first."""
    with reading(ctx) as session:
        views = dbc.corrections(session, kinds, region_id=region_id, parent_ids=parent_ids)
    full = sees_details(ctx, region_id)
    found: dict[int | None, list[str]] = {}
    for view in views:
        found.setdefault(view.parent_id, []).append(correction_line(view, full=full))
    return found


def withdrawn_value_ids(ctx: RequestContext, region_id: int, metric_id: int) -> list[int]:
    """The ids of a metric's withdrawn values in a region, whose audit events the
    metric's history lists for those who see the details."""
    if not sees_details(ctx, region_id):
        return []
    with reading(ctx) as session:
        views = dbc.corrections(
            session, [Kind.VALUE_WITHDRAWN], region_id=region_id, parent_ids=[metric_id]
        )
    return [v.entity_id for v in views if v.region_id == region_id]


def retired_metrics(ctx: RequestContext, region_id: int) -> list[dict[str, Any]]:
    """The retired metrics of the region's page: code, name, scope, "Retired on ..."
    and the retirement as this person may read it (``notes``)."""
    with reading(ctx) as session:
        frame = dbc.retired_metrics(session, region_id)
        views = dbc.corrections(
            session,
            [Kind.METRIC_RETIRED],
            region_id=region_id,
            entity_ids=frame["id"].astype(int).tolist(),
        )
    full = sees_details(ctx, region_id)
    notes: dict[int, list[str]] = {}
    for view in views:
        notes.setdefault(view.entity_id, []).append(correction_line(view, full=full))
    return [
        {
            "id": int(row["id"]),
            "code": row["code"],
            "name": row["name"],
            "scope": row["scope"],
            "theme": row["theme_name"],
            "label": retired_label(None if pd.isna(row["retired_at"]) else row["retired_at"]),
            "notes": notes.get(int(row["id"]), []),
        }
        for _, row in frame.iterrows()
    ]


def _confirmed(confirmed: bool) -> None:
    if not confirmed:
        raise WriteRefused(NOT_CONFIRMED)


def withdraw_value(
    ctx: RequestContext, value_id: int, reason: str, version: int | None, *, confirmed: bool
) -> None:
    _confirmed(confirmed)
    dbc.withdraw_value(ctx.engine, ctx.actor, value_id, reason, version)


def retire_metric(
    ctx: RequestContext, metric_id: int, version: int, reason: str, *, confirmed: bool
) -> None:
    _confirmed(confirmed)
    dbc.retire_metric(ctx.engine, ctx.actor, metric_id, version, reason)


def delete_record(
    ctx: RequestContext, entity: Entity | str, record_id: int, reason: str, *, confirmed: bool
) -> None:
    """Delete a project, feedback item, progress update (``action_update``) or meeting
    decision entered by mistake."""
    _confirmed(confirmed)
    writes = {
        Entity.COMMUNITY_PROJECT: dbc.delete_project,
        Entity.FEEDBACK_ITEM: dbc.delete_feedback,
        ACTION_UPDATE: dbc.delete_progress_update,
        Entity.MEETING_DECISION: dbc.delete_decision,
    }
    writes[str(entity)](ctx.engine, ctx.actor, record_id, reason)
