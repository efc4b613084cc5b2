"""The audit log as people read it: each record's history, and the whole log filtered,
searched and downloaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd

from core.permissions import Action, can, require
from core.spreadsheet import to_csv_bytes, to_xlsx_bytes
from db.audit import HideFigures, LogFilters, audit_log_choices, log_frame, read_log
from db.audit import entity_history as _entity_history
from services.context import RequestContext, reading

#: The most changes the audit log shows at once (newest first).
LOG_LIMIT = 500
#: The most changes a download holds (newest first). An Excel workbook is built whole in
#: memory (core.spreadsheet): 20,000 rows take about 3 seconds and 100 MB.
EXPORT_LIMIT = 20_000
#: Events read at a time for a download (each chunk's names are read in bulk).
EXPORT_CHUNK = 2_000
#: How many events a search looks through, at most, for the page and for a download.
SEARCH_SCAN = 20_000
EXPORT_SCAN = 100_000
#: The download's time column: the log keeps times in UTC.
EXPORT_WHEN = "When (UTC)"


@dataclass(frozen=True)
class LogChoices:
    """What the log can be filtered by: kinds of record and people (sorted, with the
    names of those who have an account), and the first and last moments it covers
    (None when nothing has been recorded)."""

    entity_types: list[str]
    usernames: list[str]
    names: dict[str, str]
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class LogQuery:
    """The filters of the log as the page sets them: regions (None: all, and national
    records), kinds of record, a person's username, the days from ``since`` to
    ``until`` (both included) and text to search for."""

    region_ids: Sequence[int] | None
    entity_types: Sequence[str] | None
    username: str | None
    since: date
    until: date
    search: str = ""

    def filters(self) -> LogFilters:
        return LogFilters(
            region_ids=self.region_ids,
            entity_types=self.entity_types,
            username=self.username or None,
            since=datetime.combine(self.since, time.min),
            until=datetime.combine(self.until + timedelta(days=1), time.min),
            search=self.search,
        )


@dataclass(frozen=True)
class LogPage:
    """The newest changes matching the filters (at most ``LOG_LIMIT``), whether more
    matched than are shown, and whether a search stopped before the start of the log
    (``cut``: it looked through ``SEARCH_SCAN`` changes)."""

    events: pd.DataFrame
    more: bool
    cut: bool = False


@dataclass(frozen=True)
class LogExport:
    """Every change matching the filters (at most ``EXPORT_LIMIT``), newest first, and
    whether more matched (or a search stopped early)."""

    events: pd.DataFrame
    more: bool


def _hide_figures(ctx: RequestContext) -> HideFigures:
    def hide(region_id: int | None) -> bool:
        # National figures are exact for everyone; a region's only for whoever may see
        # its exact figures (the disclosure rule every page applies).
        return region_id is not None and not can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)

    return hide


def entity_history(
    ctx: RequestContext, entity_type: str, entity_ids: Sequence[int]
) -> pd.DataFrame:
    """Who changed these records, when, from what to what and why; oldest first."""
    with reading(ctx) as session:
        return _entity_history(session, entity_type, entity_ids, hide_figures=_hide_figures(ctx))


def log_choices(ctx: RequestContext) -> LogChoices:
    """What the audit log can be filtered by."""
    require(ctx.actor, Action.VIEW_AUDIT_LOG)
    with reading(ctx) as session:
        return LogChoices(**audit_log_choices(session))


def recent_changes(ctx: RequestContext, query: LogQuery, limit: int = LOG_LIMIT) -> LogPage:
    """The newest changes matching the filters, in words, newest first; figures about
    people only for whoever may see them exactly."""
    require(ctx.actor, Action.VIEW_AUDIT_LOG)
    with reading(ctx) as session:
        read = read_log(
            session,
            query.filters(),
            limit=limit,
            hide_figures=_hide_figures(ctx),
            scan_limit=SEARCH_SCAN,
        )
    return LogPage(log_frame(read.entries), more=read.more, cut=read.cut)


def export_changes(ctx: RequestContext, query: LogQuery, limit: int = EXPORT_LIMIT) -> LogExport:
    """Every change matching the filters (newest first, at most ``limit``), read in
    chunks, for a download; the same words and the same hiding of figures as the page."""
    require(ctx.actor, Action.VIEW_AUDIT_LOG)
    with reading(ctx) as session:
        read = read_log(
            session,
            query.filters(),
            limit=limit,
            hide_figures=_hide_figures(ctx),
            chunk=EXPORT_CHUNK,
            scan_limit=EXPORT_SCAN,
        )
    frame = log_frame(read.entries).rename(columns={"When": EXPORT_WHEN})
    return LogExport(frame, more=read.more or read.cut)


def export_csv(ctx: RequestContext, query: LogQuery) -> bytes:
    """The download as CSV: times in ISO 8601 (``2026-11-12T16:00:00``, UTC)."""
    frame = export_changes(ctx, query).events
    frame[EXPORT_WHEN] = frame[EXPORT_WHEN].map(lambda t: t.isoformat(timespec="seconds"))
    return to_csv_bytes(frame)


def export_xlsx(
    ctx: RequestContext, query: LogQuery, *, about: Sequence[tuple[str, str]] | None = None
) -> bytes:
    """The download as an Excel workbook: times as date-time cells (UTC); ``about``: the
    rows of its second sheet, "About" (``core.export_about.about_rows``)."""
    return to_xlsx_bytes(export_changes(ctx, query).events, "Audit log", about=about)
