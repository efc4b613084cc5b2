"""The History view every metric, value, action and project has."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.audit import entity_history


def history_view(
    engine: Engine, entity_type: str, entity_ids: Sequence[int], *, title: str = "History"
) -> None:
    """An expander listing who changed what, when, from what to what, and why."""
    with st.expander(title):
        with Session(engine) as session:
            history = entity_history(session, entity_type, entity_ids)
        if history.empty:
            st.write("No changes recorded yet.")
        else:
            st.dataframe(history, hide_index=True, width="stretch")
