"""Saving the Metrics page's data-entry grids: the problems found, the save and reload
buttons, and what happens on a save (a conflict reloads the other person's values and
keeps this person's other changes in the grid, unsaved)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from components.outcome import keep_outcome
from core.errors import StaleWrite, WriteRefused
from core.formatting import escape_markdown as plain
from core.formatting import format_value
from core.metric_grid import CellProblem, ValueChange, ValueConflict, with_pending
from core.metric_words import direction_words, unit_words
from core.periods import format_period
from core.permissions import PermissionDenied
from services.context import RequestContext
from services.metrics import MetricsPage, save_values

#: Where the Metrics page shows a save's outcome after the rerun (components/outcome.py).
OUTCOME = "metrics"


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
    reset_grid(key)
    count = result.saved
    keep_outcome(
        f"Saved {count} value{'s' if count != 1 else ''}: {describe_saved(page.by_id, changes)}"
        if count
        else "Nothing needed saving: the values were already there.",
        where=OUTCOME,
    )
    st.rerun()


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
            "Some values need fixing. Nothing is saved while a problem remains.",
            icon=":material/error:",
        )
        st.table(
            pd.DataFrame(
                {"Where": [p.where for p in problems], "Problem": [p.message for p in problems]}
            ),
            hide_index=True,
        )
    elif changes:
        st.caption(f"{len(changes)} changed value{'s' if len(changes) != 1 else ''} ready to save.")
    else:
        st.caption("No changes yet. Click a cell, type the value and press Enter.")
    left, right = st.columns(2, width=560)
    if left.button(
        "Save changes",
        type="primary",
        icon=":material/save:",
        disabled=bool(problems) or not changes,
        key=key + ":save",
    ):
        save(ctx, page, key, changes, reload)
    if right.button(
        "Discard changes and reload",
        icon=":material/refresh:",
        key=key + ":reload",
        help="Load the latest saved values. Changes you have not saved are lost.",
    ):
        reset_grid(key)
        st.rerun()


def number_column(row: Mapping[str, Any], title: str) -> Any:
    return st.column_config.NumberColumn(
        title,
        help=f"{plain(row['name'])}. {unit_words(row['unit'])}; "
        f"{direction_words(row['direction']).lower()}.",
        width=120,
    )
