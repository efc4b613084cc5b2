"""Audit events in words: what changed, from what, to what."""

from __future__ import annotations

from typing import Any

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
}


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


def _show(value: Any) -> str:
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
            parts.append(f"{label}: {_show(new)}")
        else:
            parts.append(f"{label}: {_show(old)} → {_show(new)}")
    return "; ".join(parts)
