"""Undoing a save of the data-entry grid, pure: what a save changed (each value as it
was before, or that it did not exist), how long it may be undone, and the words.

``db.metrics.save_values`` returns a :class:`SavedValues`; ``db.metric_undo.undo_values``
restores exactly the values before that save, unless the time has run out or any of
them has changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.metric_grid import place_words

#: How long after a save it may be undone.
UNDO_MINUTES = 10


@dataclass(frozen=True)
class PriorValue:
    """A value as it was before the save."""

    value: float | None
    numerator: float | None
    denominator: float | None
    note: str
    entered_by_id: int | None
    entered_at: datetime | None


@dataclass(frozen=True)
class SavedValue:
    """One value a save created or changed: its record, the version the save left it
    at, and what it was before (None: the save created it)."""

    value_id: int
    metric_code: str
    period_start: date
    group_name: str
    version_after: int
    before: PriorValue | None

    @property
    def where(self) -> str:
        return place_words(self.metric_code, self.period_start, self.group_name)


@dataclass(frozen=True)
class SavedValues:
    """What one save changed, to undo it."""

    region_id: int
    saved_at: datetime
    values: tuple[SavedValue, ...] = ()


def undo_deadline(saved: SavedValues) -> datetime:
    return saved.saved_at + timedelta(minutes=UNDO_MINUTES)


def may_still_undo(saved: SavedValues, now: datetime) -> bool:
    return bool(saved.values) and now <= undo_deadline(saved)


def too_late_message() -> str:
    return (
        f"A save can be undone only for {UNDO_MINUTES} minutes, and that time has passed. "
        "Nothing was changed: correct the values in the grid instead."
    )


def changed_since_message(changed: list[SavedValue]) -> str:
    names = "; ".join(v.where for v in changed[:5]) + ("; ..." if len(changed) > 5 else "")
    return (
        f"The save cannot be undone: since it, {names} "
        f"{'has' if len(changed) == 1 else 'have'} been changed or removed. Nothing was "
        "changed: reload the grid to see the values as they are now."
    )


def undone_message(count: int) -> str:
    return (
        f"Undone: {count} value{'s' if count != 1 else ''} restored to what "
        f"{'it was' if count == 1 else 'they were'} before your save."
    )
