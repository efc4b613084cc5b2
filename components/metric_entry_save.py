"""Saving the Metrics page's data-entry grids: the problems found (a table naming each
refused cell's row and column), the save and reload buttons, what happens on a save (a
conflict reloads the other person's values and keeps this person's other changes in the
grid, unsaved) and the Undo of the last save for a few minutes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from components.outcome import keep_outcome
from core.errors import StaleWrite, WriteRefused
from core.formatting import escape_markdown as plain
from core.formatting import format_value
from core.metric_grid import CellProblem, ValueChange, ValueConflict, with_pending
from core.metric_undo import UNDO_MINUTES, SavedValues, may_still_undo, undone_message
from core.metric_words import direction_words, unit_words
from core.periods import format_period
from core.permissions import PermissionDenied
from core.quarterly import early_message, has_ended
from services.context import RequestContext
from services.metrics import MetricsPage, save_values, undo_values
from services.quarterly import today

#: Where the Metrics page shows a save's outcome after the rerun (components/outcome.py).
OUTCOME = "metrics"
#: The last save of the grid, while it may be undone (a core.metric_undo.SavedValues).
UNDO_KEY = "metrics:grid:undo"


def snapshot_key(*parts: object) -> str:
    return "metrics:grid:" + ":".join(str(p) for p in parts)


def generation(key: str) -> int:
    return int(st.session_state.get(key + ":gen", 0))


def reset_grid(key: str) -> None:
    """Forget the loaded values and the grid's edits: the next run loads afresh."""
    st.session_state.pop(key, None)
    st.session_state[key + ":gen"] = generation(key) + 1


def describe_saved(by_id: Mapping[int, Mapping[str, Any]], changes: list[ValueChange]) -> str:
    parts = []
    for change in changes[:8]:
        row = by_id[change.metric_id]
        where = f"{format_period(change.period_start)} · {row['code']}"
        if change.group_name:
            where += f" · {change.group_name}"
        parts.append(f"{where}: {format_value(change.value, row['unit'])}")
    more = len(changes) - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "") + "."


def save(
    ctx: RequestContext,
    page: MetricsPage,
    key: str,
    changes: list[ValueChange],
    reload: Callable[..., dict[str, Any]],
) -> None:
    """Save the grid's changes; on a conflict, reload with the other person's values and
    keep this person's other changes in the grid (unsaved)."""
    try:
        result = save_values(ctx, page.region_id, changes)
    except ValueConflict as exc:
        # Keep the rows the person was working on; show the other person's values there.
        fresh = reload(st.session_state[key])
        clashing = {(c.metric_code, c.period_start, c.group_name) for c in exc.conflicts}
        pending = [
            c
            for c in changes
            if (page.by_id[c.metric_id]["code"], c.period_start, c.group_name) not in clashing
        ]
        fresh["display"] = with_pending(fresh["cells"], pending)
        reset_grid(key)
        st.session_state[key] = fresh
        keep_outcome(
            str(exc)
            + " The grid now shows their values; your other changes are still in the grid, "
            "not saved yet.",
            kind="error",
            where=OUTCOME,
        )
        st.rerun()
    except (WriteRefused, PermissionDenied, StaleWrite) as exc:
        st.error(plain(str(exc)), icon=":material/error:")
        return
    # Keep the rows shown (the quarters do not move on because a value was entered).
    kept = st.session_state[key]
    reset_grid(key)
    st.session_state[key] = reload(kept)
    count = result.saved
    early = sorted({c.period_start for c in changes if not has_ended(c.period_start, today())})
    keep_outcome(
        f"Saved {count} value{'s' if count != 1 else ''}: {describe_saved(page.by_id, changes)}"
        + "".join(f" {early_message(p)}" for p in early)
        if count
        else "Nothing needed saving: the values were already there.",
        where=OUTCOME,
    )
    if result.undo is not None:
        st.session_state[UNDO_KEY] = result.undo
    st.rerun()


def undo_offer(
    ctx: RequestContext, page: MetricsPage, key: str, reload: Callable[..., dict[str, Any]]
) -> None:
    """The Undo button of this person's last save in this region, for a few minutes."""
    saved: SavedValues | None = st.session_state.get(UNDO_KEY)
    if saved is None or saved.region_id != page.region_id:
        return
    if not may_still_undo(saved, _utcnow()):
        st.session_state.pop(UNDO_KEY, None)
        return
    count = len(saved.values)
    if not st.button(
        f"Undo the last save ({count} value{'s' if count != 1 else ''})",
        icon=":material/undo:",
        key=key + ":undo",
        help=f"Put the values back as they were before your last save. Possible for "
        f"{UNDO_MINUTES} minutes after saving, while nobody has changed them since.",
    ):
        return
    try:
        restored = undo_values(ctx, saved)
    except (WriteRefused, PermissionDenied, StaleWrite) as exc:
        st.session_state.pop(UNDO_KEY, None)
        keep_outcome(str(exc), kind="error", where=OUTCOME)
        st.rerun()
        return
    st.session_state.pop(UNDO_KEY, None)
    kept = st.session_state.get(key)
    reset_grid(key)
    st.session_state[key] = reload(kept)
    keep_outcome(undone_message(restored), where=OUTCOME)
    st.rerun()


def _utcnow() -> datetime:
    """Now in UTC without a time zone, as the database records the save."""
    return datetime.now(UTC).replace(tzinfo=None)


def problems_and_save(
    ctx: RequestContext,
    page: MetricsPage,
    key: str,
    changes: list[ValueChange],
    problems: list[CellProblem],
    reload: Callable[..., dict[str, Any]],
) -> None:
    if problems:
        st.error(
            f"{len(problems)} value{'s' if len(problems) != 1 else ''} cannot be saved: "
            "see the table below. Nothing is saved while a problem remains.",
            icon=":material/error:",
        )
        st.table(
            pd.DataFrame(
                {
                    "Row": [p.row_label for p in problems],
                    "Column": [p.column_label for p in problems],
                    "Problem": [p.message for p in problems],
                }
            ),
            hide_index=True,
        )
    elif changes:
        st.caption(f"{len(changes)} changed value{'s' if len(changes) != 1 else ''} ready to save.")
    else:
        st.caption("No changes yet. Click a cell, type the value and press Enter.")
    row = st.container(horizontal=True, gap="small")  # wraps on narrow screens
    if row.button(
        "Save changes",
        type="primary",
        icon=":material/save:",
        disabled=bool(problems) or not changes,
        key=key + ":save",
    ):
        save(ctx, page, key, changes, reload)
    if row.button(
        "Discard changes and reload",
        icon=":material/refresh:",
        key=key + ":reload",
        help="Load the latest saved values. Changes you have not saved are lost.",
    ):
        reset_grid(key)
        st.rerun()
    undo_offer(ctx, page, key, reload)


def number_column(row: Mapping[str, Any], title: str) -> Any:
    """A column of numbers typed as text, so that whatever is typed reaches the checks
    (core.validation.parse_number) and a refusal says why, instead of vanishing."""
    return st.column_config.TextColumn(
        title,
        help=f"{plain(row['name'])}. {unit_words(row['unit'])}; "
        f"{direction_words(row['direction']).lower()}. Type a number, like 12.5 or 1,250.",
        width=120,
        max_chars=40,
    )


def status_column() -> Any:
    return st.column_config.TextColumn(
        "Status",
        disabled=True,
        width=150,
        help="Whether the quarter has ended. Figures for a quarter that has not ended are "
        "early: they can be entered, but the quarter is submitted only once it ends.",
    )


def early_note(periods: Sequence[date]) -> None:
    """Say which quarters shown have not ended (their figures are early)."""
    for period in periods:
        if not has_ended(period, today()):
            st.caption(early_message(period))
