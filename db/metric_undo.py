"""Undoing a save of the data-entry grid (the registered write :func:`undo_values`).

It restores exactly the values before the save that ``db.metrics.save_values`` reported
(:class:`core.metric_undo.SavedValues`): a changed value gets its earlier figures,
numerator, denominator, note and who entered it back; a value the save created is
removed. Refused, changing nothing, when the time to undo has passed, when any of the
values has changed since the save, or when its quarter has been signed off since.
Each restored value is audited.
"""

from __future__ import annotations

from core.entities import Entity
from core.metric_undo import (
    SavedValues,
    changed_since_message,
    may_still_undo,
    too_late_message,
)
from core.periods import format_period
from core.permissions import Action
from db.models import MetricValue, utcnow
from db.quarterly import period_problems
from db.writes import StaleWrite, UnitOfWork, WriteRefused, registered_write

REASON = "Undo of a save in the data-entry grid"


def _payload(row: MetricValue) -> dict:
    return {
        "value": row.value,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "note": row.note or "",
    }


@registered_write(Action.EDIT_METRIC_VALUES, entity=Entity.METRIC_VALUE)
def undo_values(uow: UnitOfWork, saved: SavedValues) -> int:
    """Put back the values as they were before ``saved``; returns how many."""
    uow.require(Action.EDIT_METRIC_VALUES, saved.region_id)
    if not may_still_undo(saved, utcnow()):
        raise WriteRefused(too_late_message())
    session = uow.session
    rows = {v.value_id: session.get(MetricValue, v.value_id) for v in saved.values}
    changed = [
        v
        for v in saved.values
        if rows[v.value_id] is None
        or rows[v.value_id].region_id != saved.region_id
        or rows[v.value_id].version != v.version_after
    ]
    if changed:
        raise StaleWrite(changed_since_message(changed))
    blocked = period_problems(session, {(saved.region_id, v.period_start) for v in saved.values})
    if blocked:
        raise WriteRefused(" ".join(sorted(set(blocked.values()))))
    for item in saved.values:
        row = rows[item.value_id]
        context = {"metric": item.metric_code, "quarter": format_period(item.period_start)}
        if item.group_name:
            context["group"] = item.group_name
        before = _payload(row)
        if item.before is None:
            uow.audit(
                Entity.METRIC_VALUE,
                row.id,
                "delete",
                before={**context, **before},
                reason=REASON,
                region_id=saved.region_id,
            )
            session.delete(row)
            continue
        prior = item.before
        row.value, row.numerator, row.denominator = prior.value, prior.numerator, prior.denominator
        row.note = prior.note
        row.version = row.version + 1
        row.entered_by_id = prior.entered_by_id
        if prior.entered_at is not None:
            row.entered_at = prior.entered_at
        uow.audit(
            Entity.METRIC_VALUE,
            row.id,
            "update",
            before=before,
            after={**context, **_payload(row)},
            reason=REASON,
            region_id=saved.region_id,
        )
    session.flush()
    return len(saved.values)
