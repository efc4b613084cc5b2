"""Equity counts and local population: reads (summed in SQL) and the writes that keep them.

Counts are aggregates for a region (optionally an area), never records about a person.
The page analyses region-wide figures (``area_id_key`` 0); a national view sums the
regions. Every write checks ``Action.EDIT_EQUITY`` for the record's region, records an
audit event and runs in one transaction, so an import is all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, fields
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.entities import Entity
from core.equity import (
    MEASURES,
    CharacteristicInfo,
    GroupInfo,
    Population,
    pick_population_year,
)
from core.equity_import import (
    COUNT_OPTIONAL,
    COUNT_REQUIRED,
    POPULATION_OPTIONAL,
    POPULATION_REQUIRED,
    EquityReference,
    EquityRow,
    PopulationRow,
    change_word,
    check_count_rows,
    check_population_rows,
    count_display,
    count_problems,
    not_begun_problems,
    population_display,
    timing,
)
from core.equity_import import refuse_unclean as _refuse_unclean
from core.equity_import import refuse_unless_whole as _whole
from core.importer import ImportCounts, ImportPreview, read_table, uses_decimal_comma
from core.permissions import Action, Actor
from core.quarterly import early_notices
from db import quarterly as db_quarterly
from db.models import (
    Area,
    Characteristic,
    CharacteristicGroup,
    EquityCount,
    PopulationCount,
    Region,
)
from db.writes import StaleWrite, UnitOfWork, WriteRefused, registered_write, snapshot

COUNT_FIELDS = (
    "region_id",
    "area_id",
    "period_start",
    "measure",
    "characteristic",
    "group_name",
    "numerator",
    "denominator",
)
POPULATION_FIELDS = (
    "region_id",
    "area_id",
    "characteristic",
    "group_name",
    "year",
    "population",
    "source",
)

Progress = Callable[[float], None]
#: The largest file the import accepts.
IMPORT_MAX_BYTES = 5_000_000


# -- reference -------------------------------------------------------------------------


def characteristics(session: Session) -> dict[str, CharacteristicInfo]:
    """Every characteristic with its groups (parents by name), in reference order."""
    rows = session.execute(
        select(
            Characteristic.id,
            Characteristic.code,
            Characteristic.name,
            CharacteristicGroup.code,
            CharacteristicGroup.name,
            CharacteristicGroup.parent_code,
            CharacteristicGroup.is_missing,
            CharacteristicGroup.sort_order,
        )
        .join(CharacteristicGroup, CharacteristicGroup.characteristic_id == Characteristic.id)
        .order_by(Characteristic.id, CharacteristicGroup.sort_order)
    ).all()
    names_by_code: dict[tuple[str, str], str] = {(r[1], r[3]): r[4] for r in rows}
    out: dict[str, CharacteristicInfo] = {}
    for _id, code, name, _gcode, gname, parent, missing, order in rows:
        info = out.setdefault(code, CharacteristicInfo(code, name, []))
        info.groups.append(
            GroupInfo(
                gname,
                bool(missing),
                names_by_code.get((code, parent)) if parent else None,
                order,
            )
        )
    return out


def equity_reference(session: Session) -> EquityReference:
    """The lookups the import checks need (regions, characteristics, group names)."""
    regions: dict[str, tuple[int, str]] = {}
    for region_id, code, name in session.execute(
        select(Region.id, Region.code, Region.name).where(Region.active.is_(True))
    ):
        regions[code.lower()] = regions[name.lower()] = (region_id, name)
    chars: dict[str, str] = {}
    names: dict[str, str] = {}
    groups: dict[str, dict[str, str]] = {}
    for c_code, c_name, g_code, g_name, nhs in session.execute(
        select(
            Characteristic.code,
            Characteristic.name,
            CharacteristicGroup.code,
            CharacteristicGroup.name,
            CharacteristicGroup.nhs_code,
        ).join(CharacteristicGroup, CharacteristicGroup.characteristic_id == Characteristic.id)
    ):
        chars[c_code.lower()] = chars[c_name.lower()] = c_code
        names[c_code] = c_name
        lookup = groups.setdefault(c_code, {})
        for key in (g_code, g_name, nhs):
            if key:
                lookup.setdefault(" ".join(key.split()).lower(), g_name)
    return EquityReference(regions, chars, groups, names)


def _region_ids(session: Session, region_ids: Sequence[int] | None) -> list[int]:
    if region_ids is not None:
        return list(region_ids)
    return list(session.scalars(select(Region.id).where(Region.active.is_(True))))


# -- reads -----------------------------------------------------------------------------


def equity_catalogue(session: Session, region_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Which measure, characteristic and period have figures: one row each, with how
    many group rows (region-wide figures only)."""
    ids = _region_ids(session, region_ids)
    rows = session.execute(
        select(
            EquityCount.measure,
            EquityCount.characteristic,
            EquityCount.period_start,
            func.count().label("rows"),
        )
        .where(EquityCount.region_id.in_(ids), EquityCount.area_id_key == 0)
        .group_by(EquityCount.measure, EquityCount.characteristic, EquityCount.period_start)
        .order_by(EquityCount.measure, EquityCount.characteristic, EquityCount.period_start)
    ).all()
    return pd.DataFrame(rows, columns=["measure", "characteristic", "period_start", "rows"])


def equity_counts(
    session: Session,
    region_ids: Sequence[int] | None,
    measure: str,
    characteristic: str,
    period_start: date | None = None,
) -> pd.DataFrame:
    """Numerators and denominators by period and group, summed over the regions given
    (None: every active region). Columns ``period_start, group, numerator, denominator``."""
    ids = _region_ids(session, region_ids)
    query = (
        select(
            EquityCount.period_start,
            EquityCount.group_name,
            func.sum(EquityCount.numerator),
            func.sum(EquityCount.denominator),
        )
        .where(
            EquityCount.region_id.in_(ids),
            EquityCount.area_id_key == 0,
            EquityCount.measure == measure,
            EquityCount.characteristic == characteristic,
        )
        .group_by(EquityCount.period_start, EquityCount.group_name)
        .order_by(EquityCount.period_start, EquityCount.group_name)
    )
    if period_start is not None:
        query = query.where(EquityCount.period_start == period_start)
    rows = session.execute(query).all()
    frame = pd.DataFrame(rows, columns=["period_start", "group", "numerator", "denominator"])
    frame["numerator"] = pd.array([int(v) for v in frame["numerator"]], dtype="Int64")
    frame["denominator"] = pd.array(
        [None if v is None else int(v) for v in frame["denominator"]], dtype="Int64"
    )
    return frame


def equity_counts_by_region(session: Session, measure: str, characteristic: str) -> pd.DataFrame:
    """:func:`equity_counts` of each region on its own, for every region at once (one
    query): columns ``region_id, period_start, group, numerator, denominator``, ordered
    by region, then as :func:`equity_counts` orders them."""
    rows = session.execute(
        select(
            EquityCount.region_id,
            EquityCount.period_start,
            EquityCount.group_name,
            func.sum(EquityCount.numerator),
            func.sum(EquityCount.denominator),
        )
        .where(
            EquityCount.area_id_key == 0,
            EquityCount.measure == measure,
            EquityCount.characteristic == characteristic,
        )
        .group_by(EquityCount.region_id, EquityCount.period_start, EquityCount.group_name)
        .order_by(EquityCount.region_id, EquityCount.period_start, EquityCount.group_name)
    ).all()
    frame = pd.DataFrame(
        rows, columns=["region_id", "period_start", "group", "numerator", "denominator"]
    )
    frame["numerator"] = pd.array([int(v) for v in frame["numerator"]], dtype="Int64")
    frame["denominator"] = pd.array(
        [None if v is None else int(v) for v in frame["denominator"]], dtype="Int64"
    )
    return frame


def population_for(
    session: Session, region_ids: Sequence[int] | None, characteristic: str, period_year: int
) -> Population:
    """Each region's population for the year nearest before ``period_year`` (see
    :func:`core.equity.pick_population_year`), summed over the regions."""
    ids = _region_ids(session, region_ids)
    rows = session.execute(
        select(
            PopulationCount.region_id,
            PopulationCount.year,
            PopulationCount.group_name,
            PopulationCount.population,
            PopulationCount.source,
        ).where(
            PopulationCount.region_id.in_(ids),
            PopulationCount.area_id_key == 0,
            PopulationCount.characteristic == characteristic,
        )
    ).all()
    years_by_region: dict[int, set[int]] = {}
    for region_id, year, *_ in rows:
        years_by_region.setdefault(region_id, set()).add(year)
    chosen = {r: pick_population_year(ys, period_year) for r, ys in years_by_region.items()}
    totals: dict[str, int] = {}
    sources: set[str] = set()
    for region_id, year, group, population, source in rows:
        if chosen[region_id] == year:
            totals[group] = totals.get(group, 0) + int(population)
            if source:
                sources.add(source)
    frame = pd.DataFrame(
        {"group": list(totals), "population": pd.array(list(totals.values()), dtype="Int64")}
    )
    used = tuple(sorted({y for y in chosen.values() if y is not None}))
    return Population(frame, used, tuple(sorted(sources)))


def region_counts(
    session: Session, region_id: int, measure: str, characteristic: str, period_start: date
) -> pd.DataFrame:
    """One region's stored counts for one cell set (for the lead's editing view)."""
    rows = session.execute(
        select(
            EquityCount.id,
            EquityCount.group_name,
            EquityCount.numerator,
            EquityCount.denominator,
            EquityCount.version,
            EquityCount.entered_at,
        )
        .where(
            EquityCount.region_id == region_id,
            EquityCount.area_id_key == 0,
            EquityCount.measure == measure,
            EquityCount.characteristic == characteristic,
            EquityCount.period_start == period_start,
        )
        .order_by(EquityCount.group_name)
    ).all()
    return pd.DataFrame(
        rows, columns=["id", "group", "numerator", "denominator", "version", "entered_at"]
    )


def region_population(session: Session, region_id: int, characteristic: str) -> pd.DataFrame:
    """One region's stored population figures for a characteristic, newest year first."""
    rows = session.execute(
        select(
            PopulationCount.id,
            PopulationCount.year,
            PopulationCount.group_name,
            PopulationCount.population,
            PopulationCount.source,
            PopulationCount.version,
        )
        .where(
            PopulationCount.region_id == region_id,
            PopulationCount.area_id_key == 0,
            PopulationCount.characteristic == characteristic,
        )
        .order_by(PopulationCount.year.desc(), PopulationCount.group_name)
    ).all()
    return pd.DataFrame(rows, columns=["id", "year", "group", "population", "source", "version"])


def count_cell(
    session: Session,
    region_id: int,
    period_start: date,
    measure: str,
    characteristic: str,
    group_name: str,
) -> EquityCount | None:
    return session.scalar(
        select(EquityCount).where(
            EquityCount.region_id == region_id,
            EquityCount.area_id_key == 0,
            EquityCount.period_start == period_start,
            EquityCount.measure == measure,
            EquityCount.characteristic == characteristic,
            EquityCount.group_name == group_name,
        )
    )


def population_cell(
    session: Session, region_id: int, characteristic: str, group_name: str, year: int
) -> PopulationCount | None:
    return session.scalar(
        select(PopulationCount).where(
            PopulationCount.region_id == region_id,
            PopulationCount.area_id_key == 0,
            PopulationCount.characteristic == characteristic,
            PopulationCount.group_name == group_name,
            PopulationCount.year == year,
        )
    )


def _existing_counts(session: Session, rows: Sequence[EquityRow]) -> dict[tuple, EquityCount]:
    if not rows:
        return {}
    regions = {r.region_id for r in rows}
    measures = {r.measure for r in rows}
    chars = {r.characteristic for r in rows}
    periods = {r.period_start for r in rows}
    found = session.scalars(
        select(EquityCount).where(
            EquityCount.region_id.in_(regions),
            EquityCount.area_id_key == 0,
            EquityCount.measure.in_(measures),
            EquityCount.characteristic.in_(chars),
            EquityCount.period_start.in_(periods),
        )
    )
    return {
        (c.region_id, c.period_start, c.measure, c.characteristic, c.group_name): c for c in found
    }


def _existing_population(
    session: Session, rows: Sequence[PopulationRow]
) -> dict[tuple, PopulationCount]:
    if not rows:
        return {}
    found = session.scalars(
        select(PopulationCount).where(
            PopulationCount.region_id.in_({r.region_id for r in rows}),
            PopulationCount.area_id_key == 0,
            PopulationCount.characteristic.in_({r.characteristic for r in rows}),
            PopulationCount.year.in_({r.year for r in rows}),
        )
    )
    return {(p.region_id, p.characteristic, p.group_name, p.year): p for p in found}


# -- writes ----------------------------------------------------------------------------


def _check_reference(
    uow: UnitOfWork, region_id: int, characteristic: str, group_name: str, area_id: int | None
) -> None:
    if uow.session.get(Region, region_id) is None:
        raise WriteRefused("That region does not exist.")
    known = uow.session.scalar(
        select(CharacteristicGroup.id)
        .join(Characteristic, Characteristic.id == CharacteristicGroup.characteristic_id)
        .where(Characteristic.code == characteristic, CharacteristicGroup.name == group_name)
    )
    if known is None:
        raise WriteRefused(f"'{group_name}' is not a group of '{characteristic}'.")
    if area_id is not None:
        area = uow.session.get(Area, area_id)
        if area is None or area.region_id != region_id:
            raise WriteRefused("That area is not in this region.")


def _apply_count(
    uow: UnitOfWork,
    region_id: int,
    period_start: date,
    measure: str,
    characteristic: str,
    group_name: str,
    numerator: int,
    denominator: int | None,
    *,
    area_id: int | None = None,
    expected_version: int | None = None,
    existing: EquityCount | None = None,
    reason: str = "",
    check: bool = True,
) -> tuple[int, str | None]:
    """Create or update one count; returns (id, "create" / "update" / None if unchanged)."""
    uow.require(Action.EDIT_EQUITY, region_id)
    spec = MEASURES.get(measure)
    if spec is None:
        raise WriteRefused(f"'{measure}' is not a measure.")
    _whole("numerator", numerator)
    _whole("denominator", denominator, allow_none=True)
    problems = count_problems(spec, numerator, denominator)
    if problems:
        raise WriteRefused(f"{problems[0].column.capitalize()}: {problems[0].message}")
    if check:
        _check_reference(uow, region_id, characteristic, group_name, area_id)
    area_key = area_id or 0
    row = existing
    if row is None and check:
        row = uow.session.scalar(
            select(EquityCount).where(
                EquityCount.region_id == region_id,
                EquityCount.area_id_key == area_key,
                EquityCount.period_start == period_start,
                EquityCount.measure == measure,
                EquityCount.characteristic == characteristic,
                EquityCount.group_name == group_name,
            )
        )
    if row is not None and expected_version is not None:
        uow.expect_version(
            row,
            expected_version,
            "Someone else changed this figure while you were editing. "
            "Reload the page to see their change, then try again.",
        )
    if row is None:
        if expected_version is not None:
            raise StaleWrite("This figure was deleted while you were editing. Reload the page.")
        row = EquityCount(
            region_id=region_id,
            area_id=area_id,
            area_id_key=area_key,
            period_start=period_start,
            measure=measure,
            characteristic=characteristic,
            group_name=group_name,
            numerator=numerator,
            denominator=denominator,
            entered_by_id=uow.actor.user_id,
            version=1,
        )
        uow.session.add(row)
        uow.session.flush()
        uow.audit(
            Entity.EQUITY_COUNT,
            row.id,
            "create",
            after=snapshot(row, COUNT_FIELDS),
            reason=reason,
            region_id=region_id,
        )
        return row.id, "create"
    if (row.numerator, row.denominator) == (numerator, denominator):
        return row.id, None
    before = snapshot(row, COUNT_FIELDS)
    row.numerator = numerator
    row.denominator = denominator
    row.entered_by_id = uow.actor.user_id
    row.version += 1
    uow.session.flush()
    uow.audit(
        Entity.EQUITY_COUNT,
        row.id,
        "update",
        before=before,
        after=snapshot(row, COUNT_FIELDS),
        reason=reason,
        region_id=region_id,
    )
    return row.id, "update"


@registered_write(Action.EDIT_EQUITY, entity=Entity.EQUITY_COUNT)
def save_equity_count(
    uow: UnitOfWork,
    region_id: int,
    period_start: date,
    measure: str,
    characteristic: str,
    group_name: str,
    numerator: int,
    denominator: int | None = None,
    *,
    area_id: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> int:
    """Add or correct one count. ``expected_version``: the version the page showed (None
    when it showed no figure); a different stored version raises :class:`StaleWrite`."""
    row_id, _ = _apply_count(
        uow,
        region_id,
        period_start,
        measure,
        characteristic,
        group_name,
        numerator,
        denominator,
        area_id=area_id,
        expected_version=expected_version,
        reason=reason,
    )
    return row_id


@registered_write(Action.EDIT_EQUITY, entity=Entity.EQUITY_COUNT)
def delete_equity_count(
    uow: UnitOfWork, count_id: int, expected_version: int, reason: str = ""
) -> None:
    """Remove a count entered by mistake (the audit event keeps what it was)."""
    row = uow.session.get(EquityCount, count_id)
    if row is None:
        raise WriteRefused("That figure no longer exists.")
    uow.require(Action.EDIT_EQUITY, row.region_id)
    uow.expect_version(
        row, expected_version, "Someone else changed this figure. Reload the page and try again."
    )
    before = snapshot(row, COUNT_FIELDS)
    uow.session.delete(row)
    uow.session.flush()
    uow.audit(
        Entity.EQUITY_COUNT,
        count_id,
        "delete",
        before=before,
        reason=reason,
        region_id=row.region_id,
    )


def _apply_population(
    uow: UnitOfWork,
    region_id: int,
    characteristic: str,
    group_name: str,
    year: int,
    population: int,
    source: str,
    *,
    area_id: int | None = None,
    expected_version: int | None = None,
    existing: PopulationCount | None = None,
    reason: str = "",
    check: bool = True,
) -> tuple[int, str | None]:
    uow.require(Action.EDIT_EQUITY, region_id)
    _whole("population", population)
    if not 1990 <= int(year) <= 2100:
        raise WriteRefused(f"{year} is not a plausible year.")
    source = " ".join((source or "").split())[:200]
    if check:
        _check_reference(uow, region_id, characteristic, group_name, area_id)
    area_key = area_id or 0
    row = existing
    if row is None and check:
        row = uow.session.scalar(
            select(PopulationCount).where(
                PopulationCount.region_id == region_id,
                PopulationCount.area_id_key == area_key,
                PopulationCount.characteristic == characteristic,
                PopulationCount.group_name == group_name,
                PopulationCount.year == year,
            )
        )
    if row is not None and expected_version is not None:
        uow.expect_version(
            row,
            expected_version,
            "Someone else changed this population figure while you were editing. "
            "Reload the page to see their change, then try again.",
        )
    if row is None:
        if expected_version is not None:
            raise StaleWrite("This figure was deleted while you were editing. Reload the page.")
        row = PopulationCount(
            region_id=region_id,
            area_id=area_id,
            area_id_key=area_key,
            characteristic=characteristic,
            group_name=group_name,
            year=year,
            population=population,
            source=source,
            version=1,
        )
        uow.session.add(row)
        uow.session.flush()
        uow.audit(
            Entity.POPULATION_COUNT,
            row.id,
            "create",
            after=snapshot(row, POPULATION_FIELDS),
            reason=reason,
            region_id=region_id,
        )
        return row.id, "create"
    if (row.population, row.source) == (population, source):
        return row.id, None
    before = snapshot(row, POPULATION_FIELDS)
    row.population = population
    row.source = source
    row.version += 1
    uow.session.flush()
    uow.audit(
        Entity.POPULATION_COUNT,
        row.id,
        "update",
        before=before,
        after=snapshot(row, POPULATION_FIELDS),
        reason=reason,
        region_id=region_id,
    )
    return row.id, "update"


@registered_write(Action.EDIT_EQUITY, entity=Entity.POPULATION_COUNT)
def save_population_count(
    uow: UnitOfWork,
    region_id: int,
    characteristic: str,
    group_name: str,
    year: int,
    population: int,
    source: str = "",
    *,
    area_id: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> int:
    """Add or correct one local population figure (for example a census count)."""
    row_id, _ = _apply_population(
        uow,
        region_id,
        characteristic,
        group_name,
        year,
        population,
        source,
        area_id=area_id,
        expected_version=expected_version,
        reason=reason,
    )
    return row_id


def _stale_check(rows: Sequence[dict[str, Any]], existing: dict[tuple, Any], noun: str) -> None:
    stale = []
    for row in rows:
        stored = existing.get(_row_key(row))
        seen = (stored.id, stored.version) if stored is not None else (None, None)
        if seen != (row.get("existing_id"), row.get("existing_version")):
            stale.append(row)
    if stale:
        raise StaleWrite(
            f"{len(stale):,} of these {noun} were changed by someone else after you checked "
            f"the file (the first is on row {stale[0]['row']}). Nothing was saved. Upload the "
            "file again to check it against the latest figures."
        )


def _row_key(row: dict[str, Any]) -> tuple:
    if "period_start" in row:
        return (
            row["region_id"],
            row["period_start"],
            row["measure"],
            row["characteristic"],
            row["group_name"],
        )
    return (row["region_id"], row["characteristic"], row["group_name"], row["year"])


def _known_groups(uow: UnitOfWork, rows: Sequence[dict[str, Any]]) -> None:
    reference = equity_reference(uow.session)
    for row in rows:
        if reference.group(row["characteristic"], row["group_name"]) != row["group_name"]:
            raise WriteRefused(
                f"Row {row['row']}: '{row['group_name']}' is no longer a group of "
                f"{row['characteristic']}. Nothing was saved."
            )


@registered_write(Action.EDIT_EQUITY, entity=Entity.EQUITY_COUNT)
def import_equity_counts(
    uow: UnitOfWork, preview: ImportPreview, progress: Progress | None = None
) -> ImportCounts:
    """Write a clean dry run of counts (:func:`preview_equity_counts`): every row or none.

    Refused when the preview has problems, when the actor may not edit a region in it,
    and (``StaleWrite``) when a figure changed since the dry run. One audit event per
    new or changed figure.
    """
    _refuse_unclean(preview, "figures")
    rows = preview.rows
    for region_id in sorted({r["region_id"] for r in rows}):
        uow.require(Action.EDIT_EQUITY, region_id)
    _known_groups(uow, rows)
    checked = [EquityRow(**{f: r[f] for f in EQUITY_ROW_FIELDS}) for r in rows]
    existing = _existing_counts(uow.session, checked)
    _stale_check(rows, existing, "figures")
    reason = f"Imported from {preview.source}" if preview.source else "Imported from a file"
    changes: list[str | None] = []
    for index, row in enumerate(checked):
        _, change = _apply_count(
            uow,
            row.region_id,
            row.period_start,
            row.measure,
            row.characteristic,
            row.group_name,
            row.numerator,
            row.denominator,
            existing=existing.get(row.key),
            reason=reason,
            check=False,
        )
        changes.append(change)
        if progress is not None:
            progress((index + 1) / len(checked))
    return ImportCounts(changes.count("create"), changes.count("update"), changes.count(None))


@registered_write(Action.EDIT_EQUITY, entity=Entity.POPULATION_COUNT)
def import_population_counts(
    uow: UnitOfWork, preview: ImportPreview, progress: Progress | None = None
) -> ImportCounts:
    """Write a clean dry run of local population figures: every row or none."""
    _refuse_unclean(preview, "population figures")
    rows = preview.rows
    for region_id in sorted({r["region_id"] for r in rows}):
        uow.require(Action.EDIT_EQUITY, region_id)
    _known_groups(uow, rows)
    checked = [PopulationRow(**{f: r[f] for f in POPULATION_ROW_FIELDS}) for r in rows]
    existing = _existing_population(uow.session, checked)
    _stale_check(rows, existing, "population figures")
    reason = f"Imported from {preview.source}" if preview.source else "Imported from a file"
    changes: list[str | None] = []
    for index, row in enumerate(checked):
        _, change = _apply_population(
            uow,
            row.region_id,
            row.characteristic,
            row.group_name,
            row.year,
            row.population,
            row.source,
            existing=existing.get(row.key),
            reason=reason,
            check=False,
        )
        changes.append(change)
        if progress is not None:
            progress((index + 1) / len(checked))
    return ImportCounts(changes.count("create"), changes.count("update"), changes.count(None))


# -- dry runs --------------------------------------------------------------------------

EQUITY_ROW_FIELDS = tuple(f.name for f in fields(EquityRow))
POPULATION_ROW_FIELDS = tuple(f.name for f in fields(PopulationRow))


def preview_equity_counts(
    engine: Engine, actor: Actor, data: bytes, filename: str, *, max_bytes: int = IMPORT_MAX_BYTES
) -> ImportPreview:
    """Check an uploaded file of counts without writing anything."""
    raw, problems = read_table(
        data, filename, required=COUNT_REQUIRED, optional=COUNT_OPTIONAL, max_bytes=max_bytes
    )
    if not raw:
        return ImportPreview(problems=problems, source=filename, noun="figure")
    with Session(engine) as session:
        clean, row_problems = check_count_rows(
            raw,
            equity_reference(session),
            actor,
            decimal_comma=uses_decimal_comma(data, filename),
        )
        today = db_quarterly.today()
        problems += row_problems + not_begun_problems(clean, today)
        existing = {} if problems else _existing_counts(session, clean)
    rows, display = [], []
    for row in clean:
        stored = existing.get(row.key)
        same = stored is not None and (stored.numerator, stored.denominator) == (
            row.numerator,
            row.denominator,
        )
        change = change_word(stored, same)
        rows.append(
            {
                **asdict(row),
                "existing_id": stored.id if stored is not None else None,
                "existing_version": stored.version if stored is not None else None,
                "change": change,
            }
        )
        display.append(count_display(row, change, today))
    counts = [r["change"] for r in rows]
    return ImportPreview(
        rows=rows,
        problems=problems,
        new=counts.count("new"),
        updated=counts.count("updated"),
        unchanged=counts.count("unchanged"),
        display=display,
        noun="figure",
        source=filename,
        notices=early_notices([timing(r) for r in clean], today),
    )


def preview_population_counts(
    engine: Engine, actor: Actor, data: bytes, filename: str, *, max_bytes: int = IMPORT_MAX_BYTES
) -> ImportPreview:
    """Check an uploaded file of local population figures without writing anything."""
    raw, problems = read_table(
        data,
        filename,
        required=POPULATION_REQUIRED,
        optional=POPULATION_OPTIONAL,
        max_bytes=max_bytes,
    )
    if not raw:
        return ImportPreview(problems=problems, source=filename, noun="population figure")
    with Session(engine) as session:
        clean, row_problems = check_population_rows(
            raw,
            equity_reference(session),
            actor,
            decimal_comma=uses_decimal_comma(data, filename),
        )
        problems += row_problems
        existing = {} if problems else _existing_population(session, clean)
    rows, display = [], []
    for row in clean:
        stored = existing.get(row.key)
        same = stored is not None and (stored.population, stored.source) == (
            row.population,
            row.source,
        )
        change = change_word(stored, same)
        rows.append(
            {
                **asdict(row),
                "existing_id": stored.id if stored is not None else None,
                "existing_version": stored.version if stored is not None else None,
                "change": change,
            }
        )
        display.append(population_display(row, change))
    counts = [r["change"] for r in rows]
    return ImportPreview(
        rows=rows,
        problems=problems,
        new=counts.count("new"),
        updated=counts.count("updated"),
        unchanged=counts.count("unchanged"),
        display=display,
        noun="population figure",
        source=filename,
    )
