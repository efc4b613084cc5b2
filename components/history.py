"""The History view every metric, value, action and project has."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from core.formatting import escape_markdown
from services.audit import entity_history
from services.context import RequestContext


def history_view(
    ctx: RequestContext,
    entity_type: str,
    entity_ids: Sequence[int],
    *,
    key: str,
    title: str = "History",
    notes: Sequence[str] = (),
    extra: Callable[[], None] | None = None,
) -> None:
    """An expander listing who changed what, when, from what to what, and why. The log
    is read only while the expander is open (a page of cards has many histories, and
    each is a few lookups in a log of millions of events). ``title`` is plain text.
    ``notes``: plain sentences shown first (corrections, worded for this person);
    ``extra``: drawn last while it is open (such as the form to correct a mistake)."""
    with st.expander(escape_markdown(title), key=key, on_change="rerun") as box:
        if not box.open:
            return
        for note in notes:
            st.markdown(":material/undo: " + escape_markdown(note))
        history = entity_history(ctx, entity_type, entity_ids)
        if history.empty:
            st.write("No changes recorded yet.")
        else:
            st.dataframe(history, hide_index=True, width="stretch")
        if extra is not None:
            extra()
