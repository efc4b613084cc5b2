"""Audit events in words: what changed, from what, to what."""

from __future__ import annotations

from typing import Any

from core.statuses import (
    ACTION_STATUSES,
    FEEDBACK_STATUSES,
    PROGRESS_STATUSES,
    PROJECT_STATUSES,
)

#: Status codes in words, for any kind of record (the codes do not clash in meaning).
STATUS_WORDS = {
    code: style.label
    for vocabulary in (PROJECT_STATUSES, FEEDBACK_STATUSES, PROGRESS_STATUSES, ACTION_STATUSES)
    for code, style in vocabulary.items()
}
STATUS_FIELDS = frozenset({"status", "status_from", "status_to", "manual_status"})

ACTION_WORDS = {
    "create": "Added",
    "update": "Changed",
    "delete": "Removed",
    "import": "Imported",
    "status_change": "Status changed",
    "progress_update": "Progress update",
    "reset_password": "Password reset",
    "adopt": "Adopted from the national plan",
    "respond": "Responded",
    "submit": "Submitted for sign-off",
    "sign off": "Signed off by the Regional Forum",
    "questions": "Questions from the Regional Forum",
    "reopen": "Reopened",
    "attendance": "Attendance recorded",
    "answer": "Answered",
    "share": "Shared with other regions",
    "unshare": "Kept in the region (no longer shared)",
    "withdraw": "Withdrawn",
    "retire": "Retired",
    "delete_progress_update": "Progress update deleted",
}


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


def _show(value: Any, key: str = "") -> str:
    if key in STATUS_FIELDS and isinstance(value, str):
        return STATUS_WORDS.get(value, value)
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


#: The fields of a record's history that hold figures about people, by kind of record:
#: people without exact access to the region's figures (forum members, leads of another
#: region) read that such a figure changed, never the figure.
FIGURE_FIELDS: dict[str, frozenset[str]] = {
    "metric_value": frozenset({"value", "numerator", "denominator"}),
    "equity_count": frozenset({"numerator", "denominator"}),
    "population_count": frozenset({"population"}),
    "community_project": frozenset({"people_reached"}),
}
FIGURE_NOT_SHOWN = "changed (the figure is not shown here: see the chart and table)"


def describe_changes(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    hidden: frozenset[str] = frozenset(),
) -> str:
    """``status: On track → At risk; owner: (blank) → Sam`` for the fields that differ;
    a ``hidden`` field says only that it changed."""
    before = before or {}
    after = after or {}
    parts = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        label = key.replace("_", " ")
        if key in hidden:
            parts.append(f"{label}: {FIGURE_NOT_SHOWN}")
        elif key not in before:
            parts.append(f"{label}: {_show(new, key)}")
        else:
            parts.append(f"{label}: {_show(old, key)} → {_show(new, key)}")
    return "; ".join(parts)
