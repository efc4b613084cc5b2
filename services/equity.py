"""Equity figures for a page: who may see what, the counts and populations, and the writes.

The disclosure rule is applied once, in :func:`equity_scope` (its ``view``); every
figure the page draws is worked out by :mod:`core.equity` under that view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from core import equity as eq
from core.equity import CharacteristicInfo, Population
from core.importer import ImportCounts, ImportPreview
from core.periods import financial_year_of
from core.permissions import Action, can
from db import equity as db_equity
from services.context import RequestContext, reading

#: The largest file the imports accept.
IMPORT_MAX_BYTES = db_equity.IMPORT_MAX_BYTES

Progress = Callable[[float], None]


@dataclass(frozen=True)
class EquityScope:
    """What the page shows: one region (or all), how exactly, and what is recorded."""

    region_id: int | None
    region_name: str
    view: eq.View
    may_edit: bool
    characteristics: dict[str, CharacteristicInfo]
    catalogue: pd.DataFrame

    @property
    def region_ids(self) -> list[int] | None:
        return None if self.region_id is None else [self.region_id]

    @property
    def threshold(self) -> int:
        return self.view.threshold


def equity_scope(ctx: RequestContext, region_id: int | None, region_name: str) -> EquityScope:
    """The scope for this viewer: their view of the figures (exact or under disclosure
    control), whether they may edit, the characteristics and which figures exist."""
    view = eq.view_for(ctx.actor, region_id, ctx.threshold)
    may_edit = region_id is not None and can(ctx.actor, Action.EDIT_EQUITY, region_id)
    with reading(ctx) as session:
        characteristics = db_equity.characteristics(session)
        catalogue = db_equity.equity_catalogue(session, None if region_id is None else [region_id])
    return EquityScope(region_id, region_name, view, may_edit, characteristics, catalogue)


@dataclass(frozen=True)
class EquityFigures:
    """Every period's counts for a measure and characteristic, and each period's population."""

    counts: pd.DataFrame
    populations: dict[date, Population]


def equity_figures(
    ctx: RequestContext,
    scope: EquityScope,
    measure: str,
    characteristic: str,
    periods: list[date],
) -> EquityFigures:
    """The counts (summed over the scope's regions) and the population for each period."""
    with reading(ctx) as session:
        counts = db_equity.equity_counts(session, scope.region_ids, measure, characteristic)
        populations = {
            p: db_equity.population_for(
                session, scope.region_ids, characteristic, financial_year_of(p)
            )
            for p in periods
        }
    return EquityFigures(counts, populations)


@dataclass(frozen=True)
class StoredCount:
    """A count as saved now, with the version a correction must name."""

    numerator: int
    denominator: int | None
    version: int


def stored_count(
    ctx: RequestContext,
    region_id: int,
    period: date,
    measure: str,
    characteristic: str,
    group: str,
) -> StoredCount | None:
    """The region-wide count saved for this cell, if any."""
    with reading(ctx) as session:
        row = db_equity.count_cell(session, region_id, period, measure, characteristic, group)
        if row is None:
            return None
        return StoredCount(row.numerator, row.denominator, row.version)


def count_ids(
    ctx: RequestContext, region_id: int, measure: str, characteristic: str, period: date
) -> list[int]:
    """The ids of a region's saved counts for one measure, characteristic and period."""
    with reading(ctx) as session:
        rows = db_equity.region_counts(session, region_id, measure, characteristic, period)
    return rows["id"].tolist()


@dataclass(frozen=True)
class StoredPopulation:
    """A population figure as saved now, with the version a correction must name."""

    population: int
    source: str
    version: int


def stored_population(
    ctx: RequestContext, region_id: int, characteristic: str, group: str, year: int
) -> StoredPopulation | None:
    """The region-wide population figure saved for this group and year, if any."""
    with reading(ctx) as session:
        row = db_equity.population_cell(session, region_id, characteristic, group, year)
        if row is None:
            return None
        return StoredPopulation(row.population, row.source, row.version)


def region_population(ctx: RequestContext, region_id: int, characteristic: str) -> pd.DataFrame:
    """A region's saved population figures for a characteristic, newest year first."""
    with reading(ctx) as session:
        return db_equity.region_population(session, region_id, characteristic)


def save_count(
    ctx: RequestContext,
    region_id: int,
    period: date,
    measure: str,
    characteristic: str,
    group: str,
    numerator: int,
    denominator: int | None,
    *,
    expected_version: int | None,
    reason: str = "",
) -> int:
    """Add or correct one count (a registered write)."""
    return db_equity.save_equity_count(
        ctx.engine,
        ctx.actor,
        region_id,
        period,
        measure,
        characteristic,
        group,
        numerator,
        denominator,
        expected_version=expected_version,
        reason=reason,
    )


def save_population(
    ctx: RequestContext,
    region_id: int,
    characteristic: str,
    group: str,
    year: int,
    population: int,
    source: str,
    *,
    expected_version: int | None,
) -> int:
    """Add or correct one local population figure (a registered write)."""
    return db_equity.save_population_count(
        ctx.engine,
        ctx.actor,
        region_id,
        characteristic,
        group,
        year,
        population,
        source,
        expected_version=expected_version,
    )


def preview_counts(ctx: RequestContext, data: bytes, filename: str) -> ImportPreview:
    """Check a file of counts; nothing is written."""
    return db_equity.preview_equity_counts(ctx.engine, ctx.actor, data, filename)


def import_counts(ctx: RequestContext, preview: ImportPreview, progress: Progress) -> ImportCounts:
    """Save a clean dry run of counts: every row or none."""
    return db_equity.import_equity_counts(ctx.engine, ctx.actor, preview, progress)


def preview_population(ctx: RequestContext, data: bytes, filename: str) -> ImportPreview:
    """Check a file of local population figures; nothing is written."""
    return db_equity.preview_population_counts(ctx.engine, ctx.actor, data, filename)


def import_population(
    ctx: RequestContext, preview: ImportPreview, progress: Progress
) -> ImportCounts:
    """Save a clean dry run of local population figures: every row or none."""
    return db_equity.import_population_counts(ctx.engine, ctx.actor, preview, progress)
