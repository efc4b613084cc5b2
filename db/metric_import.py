"""Importing metric values: the lookups a dry run needs, and the all-or-nothing write.

A dry run (:func:`preview_metric_values`) reads the file, builds the lookups once,
checks every row (:mod:`core.metric_import`) and compares the rows with the stored
values in one query per region. Nothing is written. The commit
(:func:`import_metric_values`) checks the permissions again for every region in the
file, refuses if any value changed since the dry run, then writes every new or changed
value with one audit event each, in bulk, in one transaction: all rows or none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.entities import Entity
from core.formatting import UNIT_LABELS
from core.importer import ImportCounts, ImportPreview, read_table, uses_decimal_comma
from core.metric_import import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CharacteristicInfo,
    ExistingValue,
    Lookups,
    MetricInfo,
    RegionInfo,
    ValueKey,
    build_preview,
    check_rows,
    describe_key,
    value_keys,
)
from core.periods import format_period, quarter_start
from core.permissions import Action, Actor
from core.validation import Problem
from db import quarterly as db_quarterly
from db.models import (
    AuditEvent,
    Characteristic,
    CharacteristicGroup,
    Metric,
    MetricValue,
    Region,
    utcnow,
)
from db.quarterly import period_problems
from db.writes import StaleWrite, UnitOfWork, WriteRefused, jsonable, registered_write

#: The largest file the import accepts (the server's own upload limit is higher).
IMPORT_MAX_BYTES = 5_000_000
#: Rows written per batch; progress is reported after each batch.
CHUNK = 500
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

ProgressCallback = Callable[[float], None]


# ------------------------------------------------------------------------ lookups


def load_lookups(session: Session) -> Lookups:
    """Regions, metrics and characteristics with their groups: four small queries."""
    regions = [
        RegionInfo(id=r.id, code=r.code, name=r.name)
        for r in session.execute(
            select(Region.id, Region.code, Region.name).where(Region.active.is_(True))
        )
    ]
    metrics = [
        MetricInfo(
            id=m.id,
            code=m.code,
            name=m.name,
            unit=m.unit,
            scope=m.scope,
            region_id=m.region_id,
            frequency=m.frequency,
            disaggregated_by=m.disaggregated_by,
            start_period=m.start_period,
            end_period=m.end_period,
            active=m.active,
        )
        for m in session.execute(
            select(
                Metric.id,
                Metric.code,
                Metric.name,
                Metric.unit,
                Metric.scope,
                Metric.region_id,
                Metric.frequency,
                Metric.disaggregated_by,
                Metric.start_period,
                Metric.end_period,
                Metric.active,
            )
        )
    ]
    return Lookups.build(regions, metrics, characteristics_info(session))


def characteristics_info(session: Session) -> list[CharacteristicInfo]:
    """Every characteristic with the groups a file may name: two small queries."""
    groups: dict[int, list[tuple[str, str, str | None]]] = defaultdict(list)
    for g in session.execute(
        select(
            CharacteristicGroup.characteristic_id,
            CharacteristicGroup.code,
            CharacteristicGroup.name,
            CharacteristicGroup.parent_code,
        ).order_by(CharacteristicGroup.characteristic_id, CharacteristicGroup.sort_order)
    ):
        groups[g.characteristic_id].append((g.code, g.name, g.parent_code))
    characteristics = []
    for c in session.execute(select(Characteristic.id, Characteristic.code, Characteristic.name)):
        mine = groups[c.id]
        parents = {parent for _code, _name, parent in mine if parent}
        entered = [(code, name) for code, name, _parent in mine if code not in parents]
        by_text: dict[str, str] = {}
        for code, name in entered:
            by_text.setdefault(code.strip().lower(), name)
        for _code, name in entered:
            by_text[name.strip().lower()] = name  # a name wins over another group's code
        totals = {
            text.strip().lower()
            for code, name, _parent in mine
            if code in parents
            for text in (code, name)
        }
        characteristics.append(
            CharacteristicInfo(
                code=c.code,
                name=c.name,
                groups=by_text,
                group_names=tuple(name for _code, name in entered),
                totals=frozenset(totals - set(by_text)),
            )
        )
    return characteristics


def existing_values(
    session: Session, keys: Iterable[ValueKey], *, lock: bool = False
) -> dict[ValueKey, ExistingValue]:
    """The stored values for ``keys``: one query per region (its metrics and the span
    of periods in the file), never one per row. ``lock`` takes row locks on PostgreSQL
    so nobody changes them before the transaction ends (on SQLite a write's transaction
    already holds the database's write lock: it begins IMMEDIATE)."""
    wanted = set(keys)
    by_region: dict[int, set[int]] = defaultdict(set)
    spans: dict[int, tuple[date, date]] = {}
    for metric_id, region_id, period, _char, _group in wanted:
        by_region[region_id].add(metric_id)
        first, last = spans.get(region_id, (period, period))
        spans[region_id] = (min(first, period), max(last, period))
    found: dict[ValueKey, ExistingValue] = {}
    for region_id, metric_ids in by_region.items():
        first, last = spans[region_id]
        query = select(
            MetricValue.id,
            MetricValue.metric_id,
            MetricValue.region_id,
            MetricValue.period_start,
            MetricValue.characteristic,
            MetricValue.group_name,
            MetricValue.value,
            MetricValue.numerator,
            MetricValue.denominator,
            MetricValue.note,
            MetricValue.version,
        ).where(
            MetricValue.region_id == region_id,
            MetricValue.metric_id.in_(sorted(metric_ids)),
            MetricValue.period_start.between(first, last),
        )
        if lock:
            query = query.with_for_update()
        for v in session.execute(query):
            key = (v.metric_id, v.region_id, v.period_start, v.characteristic, v.group_name)
            if key in wanted:
                found[key] = ExistingValue(
                    v.id, v.value, v.numerator, v.denominator, v.note or "", v.version
                )
    return found


# ------------------------------------------------------------------------ dry run


def _period_problems(session: Session, rows: Sequence[dict[str, Any]]) -> list[Problem]:
    """A problem for each row in a quarter that has not begun or is signed off."""
    blocked = period_problems(session, {(r["region_id"], r["period_start"]) for r in rows})
    return [
        Problem("period", blocked[key], int(row.get("row", 0)))
        for row in rows
        if (key := (row["region_id"], quarter_start(row["period_start"]))) in blocked
    ]


def preview_metric_values(
    engine: Engine,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    max_bytes: int = IMPORT_MAX_BYTES,
) -> ImportPreview:
    """Check an uploaded file without writing anything."""
    rows, problems = read_table(
        data, filename, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS, max_bytes=max_bytes
    )
    if not rows:
        return ImportPreview(problems=problems, source=filename)
    with Session(engine) as session:
        lookups = load_lookups(session)
        clean, row_problems = check_rows(
            rows, lookups, actor, decimal_comma=uses_decimal_comma(data, filename)
        )
        problems += row_problems + _period_problems(session, clean)
        existing = {} if problems else existing_values(session, value_keys(clean))
    preview = build_preview(clean, problems, existing, today=db_quarterly.today())
    preview.source = filename
    return preview


# ------------------------------------------------------------------------- commit


def _audit_params(
    uow: UnitOfWork,
    row: dict[str, Any],
    entity_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    reason: str,
    at: Any,
) -> dict[str, Any]:
    params = {
        "occurred_at": at,
        "user_id": uow.actor.user_id,
        "username": uow.actor.username,
        "entity_type": Entity.METRIC_VALUE,
        "entity_id": entity_id,
        "region_id": row["region_id"],
        "action": "update" if before is not None else "create",
        "after": jsonable(after),
        "reason": reason,
    }
    if before is not None:
        params["before"] = jsonable(before)
    return params


def _check_metrics(uow: UnitOfWork, rows: Sequence[dict[str, Any]]) -> None:
    """Every metric still exists, is in use and belongs to the row's region."""
    metric_ids = sorted({r["metric_id"] for r in rows})
    metrics = {
        m.id: m
        for m in uow.session.execute(
            select(Metric.id, Metric.code, Metric.scope, Metric.region_id, Metric.active).where(
                Metric.id.in_(metric_ids)
            )
        )
    }
    for row in rows:
        metric = metrics.get(row["metric_id"])
        if metric is None or not metric.active:
            raise WriteRefused(
                f"Metric {row['metric_code']} is no longer in use. Nothing was saved. "
                "Upload the file again to check it."
            )
        if metric.scope == "local" and metric.region_id != row["region_id"]:
            raise WriteRefused(
                f"{metric.code} is not a metric of {row['region']}. Nothing was saved."
            )


@registered_write(Action.EDIT_METRIC_VALUES, entity=Entity.METRIC_VALUE)
def import_metric_values(
    uow: UnitOfWork, preview: ImportPreview, progress: ProgressCallback | None = None
) -> ImportCounts:
    """Write a clean dry run: every row or none, one audit event per new or changed value.

    Refused when the preview has problems, when the actor may not edit a region in it,
    and (``StaleWrite``) when a value changed since the dry run. ``progress`` is called
    with the share done (0 to 1) after each batch of rows.
    """
    if preview.problems:
        raise WriteRefused(
            "The file still has problems. Fix them and upload it again; nothing was saved."
        )
    rows = preview.rows
    if not rows:
        raise WriteRefused("The file has no values to save.")
    for region_id in sorted({r["region_id"] for r in rows}):
        uow.require(Action.EDIT_METRIC_VALUES, region_id)
    _check_metrics(uow, rows)
    blocked = _period_problems(uow.session, rows)
    if blocked:
        raise WriteRefused(
            f"Row {blocked[0].row}: {blocked[0].message} Nothing was saved. Upload the file "
            "again to check it."
        )

    session = uow.session
    existing = existing_values(session, value_keys(rows), lock=True)
    stale = []
    for row, key in zip(rows, value_keys(rows), strict=True):
        stored = existing.get(key)
        seen = (stored.id, stored.version) if stored else (None, None)
        if seen != (row.get("existing_id"), row.get("existing_version")):
            stale.append(row)
    if stale:
        raise StaleWrite(
            f"{len(stale):,} of these values were changed by someone else after you checked "
            f"the file (the first: {describe_key(stale[0])}). Nothing was saved. Upload the "
            "file again to check it against the latest figures."
        )

    reason = f"Imported from {preview.source}" if preview.source else "Imported from a file"
    changed = [r for r in rows if r.get("change") != "unchanged"]
    inserts = [r for r in changed if r.get("existing_id") is None]
    updates = [r for r in changed if r.get("existing_id") is not None]
    now = utcnow()
    user_id = uow.actor.user_id
    # Two steps per changed row (its write, then its audit event), reported as one share.
    steps = max(2 * len(changed), 1)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done / steps)

    for batch in _batches(updates):
        params = []
        for row in batch:
            old = existing[_key(row)]
            note = old.note if row["note"] is None else row["note"]
            params.append(
                {
                    "row_id": old.id,
                    "value": row["value"],
                    "numerator": row["numerator"],
                    "denominator": row["denominator"],
                    "note": note,
                    "entered_by_id": user_id,
                    "entered_at": now,
                    "version": old.version + 1,
                }
            )
        # A plain UPDATE: the rows are locked and checked above, and the ORM's bulk
        # UPDATE would take the new version for the one to compare (db.models.versioned).
        table = MetricValue.__table__
        session.execute(update(table).where(table.c.id == bindparam("row_id")), params)
        advance(len(batch))
    for batch in _batches(inserts):
        # Without RETURNING, which makes PostgreSQL insert row by row; the new ids are
        # read back below in one query per region.
        try:
            session.execute(
                insert(MetricValue).execution_options(render_nulls=True),
                [
                    {
                        "metric_id": r["metric_id"],
                        "region_id": r["region_id"],
                        "period_start": r["period_start"],
                        "characteristic": r["characteristic"],
                        "group_name": r["group_name"],
                        "value": r["value"],
                        "numerator": r["numerator"],
                        "denominator": r["denominator"],
                        "note": r["note"] or "",
                        "entered_by_id": user_id,
                        "entered_at": now,
                        "version": 1,
                    }
                    for r in batch
                ],
            )
        except IntegrityError:  # someone else added one of these values meanwhile
            raise StaleWrite(
                "Someone else added some of these values while you were saving. Nothing "
                "was saved. Upload the file again to check it against the latest figures."
            ) from None
        advance(len(batch))
    new_ids = existing_values(session, value_keys(inserts)) if inserts else {}

    for batch in _batches(changed):
        events: list[dict[str, Any]] = []
        for row in batch:
            context = {
                "metric": row["metric_code"],
                row["period_kind"]: format_period(row["period_start"], row["period_kind"]),
            }
            if row["group_name"]:
                context["group"] = row["group_name"]
            if row.get("existing_id") is None:
                payload = _payload(row["value"], row["numerator"], row["denominator"], row["note"])
                after = {**context, **{k: v for k, v in payload.items() if v not in (None, "")}}
                entity_id = new_ids[_key(row)].id
                events.append(_audit_params(uow, row, entity_id, None, after, reason, now))
                continue
            old = existing[_key(row)]
            note = old.note if row["note"] is None else row["note"]
            before = _payload(old.value, old.numerator, old.denominator, old.note)
            after = {
                **context,
                **_payload(row["value"], row["numerator"], row["denominator"], note),
            }
            events.append(_audit_params(uow, row, old.id, before, after, reason, now))
        # One statement per kind of event, so every row of a statement has the same
        # keys and is sent as one batch (an event for a new value has no "before").
        for kind in ("create", "update"):
            same_kind = [e for e in events if e["action"] == kind]
            if same_kind:
                session.execute(insert(AuditEvent), same_kind)
        advance(len(batch))
    if progress is not None and not changed:
        progress(1.0)
    return ImportCounts(new=len(inserts), updated=len(updates), unchanged=len(rows) - len(changed))


def _payload(value: Any, numerator: Any, denominator: Any, note: str | None) -> dict[str, Any]:
    """A value's fields as the audit trail keeps them (as db.metrics.save_values does)."""
    return {"value": value, "numerator": numerator, "denominator": denominator, "note": note or ""}


def _key(row: dict[str, Any]) -> ValueKey:
    return (
        row["metric_id"],
        row["region_id"],
        row["period_start"],
        row["characteristic"],
        row["group_name"],
    )


def _batches(rows: Sequence[dict[str, Any]]) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


# ------------------------------------------------------------------- page helpers


def metric_guide(session: Session, region_id: int) -> pd.DataFrame:
    """The metrics a region's file may use, with their units and groups."""
    names = {c.code: c for c in characteristics_info(session)}
    metrics = session.execute(
        select(Metric.code, Metric.name, Metric.unit, Metric.disaggregated_by, Metric.scope)
        .where(
            Metric.active.is_(True),
            (Metric.scope == "national") | (Metric.region_id == region_id),
        )
        .order_by(Metric.scope, Metric.code)
    ).all()
    rows = []
    for m in metrics:
        characteristic = names.get(m.disaggregated_by or "")
        rows.append(
            {
                "Code": m.code,
                "Metric": m.name,
                "Kind": "National" if m.scope == "national" else "Local",
                "Unit": UNIT_LABELS.get(m.unit, m.unit),
                "Characteristic": characteristic.code if characteristic else "",
                "Groups": "; ".join(characteristic.group_names) if characteristic else "",
            }
        )
    return pd.DataFrame(
        rows, columns=["Code", "Metric", "Kind", "Unit", "Characteristic", "Groups"]
    )


def template_frame(session: Session, region_id: int, period: date) -> pd.DataFrame:
    """A template: one row per metric of the region for ``period``, values left blank."""
    region = session.get(Region, region_id)
    metrics = session.execute(
        select(Metric.code, Metric.frequency)
        .where(
            Metric.active.is_(True),
            (Metric.scope == "national") | (Metric.region_id == region_id),
        )
        .order_by(Metric.scope, Metric.code)
    ).all()
    rows = [
        {
            "region": region.name if region else "",
            "metric_code": m.code,
            "period": format_period(period, "year" if m.frequency == "annual" else "quarter"),
            "value": "",
            "numerator": "",
            "denominator": "",
            "characteristic": "",
            "group": "",
            "note": "",
        }
        for m in metrics
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))
