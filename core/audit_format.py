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


def describe_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """``status: On track → At risk; owner: (blank) → Sam`` for the fields that differ."""
    before = before or {}
    after = after or {}
    parts = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        label = key.replace("_", " ")
        if key not in before:
            parts.append(f"{label}: {_show(new, key)}")
        else:
            parts.append(f"{label}: {_show(old, key)} → {_show(new, key)}")
    return "; ".join(parts)
