"""The audit log as people read it: each record's history, and the whole log filtered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd

from core.permissions import Action, can
from db.audit import audit_log, audit_log_choices
from db.audit import entity_history as _entity_history
from services.context import RequestContext, reading

#: The most changes the audit log shows at once (newest first).
LOG_LIMIT = 500


@dataclass(frozen=True)
class LogChoices:
    """What the log can be filtered by: kinds of record and people (sorted), and the
    first and last moments it covers (None when nothing has been recorded)."""

    entity_types: list[str]
    usernames: list[str]
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class LogPage:
    """The newest changes matching the filters (at most ``LOG_LIMIT``), and whether
    more matched than are shown."""

    events: pd.DataFrame
    more: bool


def entity_history(
    ctx: RequestContext, entity_type: str, entity_ids: Sequence[int]
) -> pd.DataFrame:
    """Who changed these records, when, from what to what and why; oldest first."""

    def hide_figures(region_id: int | None) -> bool:
        # National figures are exact for everyone; a region's only for whoever may see
        # its exact figures (the disclosure rule every page applies).
        return region_id is not None and not can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)

    with reading(ctx) as session:
        return _entity_history(session, entity_type, entity_ids, hide_figures=hide_figures)


def log_choices(ctx: RequestContext) -> LogChoices:
    """What the audit log can be filtered by."""
    with reading(ctx) as session:
        return LogChoices(**audit_log_choices(session))


def recent_changes(
    ctx: RequestContext,
    *,
    region_ids: Sequence[int] | None,
    entity_types: Sequence[str] | None,
    username: str | None,
    since: date,
    until: date,
    limit: int = LOG_LIMIT,
) -> LogPage:
    """The newest changes matching the filters, from the start of ``since`` to the end
    of ``until`` (that day included); newest first."""
    with reading(ctx) as session:
        events = audit_log(
            session,
            region_ids=region_ids,
            entity_types=entity_types,
            username=username,
            since=datetime.combine(since, time.min),
            until=datetime.combine(until + timedelta(days=1), time.min),
            limit=limit + 1,
        )
    if len(events) > limit:
        return LogPage(events.head(limit), more=True)
    return LogPage(events, more=False)
