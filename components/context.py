"""What every page needs: the request context (settings, engine, signed-in actor).

The engine is a cached resource (one per process); the actor lives in the session.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components import compat
from core.config import load_settings
from services.context import RequestContext
from services.setup import prepare_engine


@st.cache_resource(show_spinner="Opening the database...")
def prepared_engine(database_url: str, demo_mode: bool) -> Any:
    """The engine for these settings, prepared once per process (services/setup.py)."""
    return prepare_engine(database_url, demo_mode)


def _route_through_app() -> None:
    """Run this page through app.py's sign-in and navigation.

    Until some visit has run app.py's ``st.navigation`` in this process, Streamlit runs
    the page file at a visited address directly (its older "pages folder" mode): after a
    restart, a pasted link or a reload would show a bare page list and no sign-in form.
    Leaving that mode and running again goes through app.py, at the same address.
    """
    if compat.leave_pages_folder_mode():
        st.rerun()


def current() -> RequestContext:
    """The context for this run (app.py signed the person in); pages call this first.

    Only plain values live in the session state; the engine is a cached resource.
    """
    _route_through_app()
    actor = st.session_state.get("actor")
    if actor is None:
        st.error("Please sign in first.")
        st.stop()
    config = load_settings()
    return RequestContext(
        config,
        prepared_engine(config.database_url, config.demo_mode),
        actor,
        st.session_state.get("display_name", actor.username),
    )
