"""What every page needs: settings, the database engine and the signed-in actor.

The engine is a cached resource (one per process); the actor lives in the session.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy import Engine

from core.config import Settings, load_settings
from core.permissions import Actor
from db.engine import get_engine, has_schema, upgrade_schema
from seed.load import ensure_reference_data


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    engine: Engine
    actor: Actor
    display_name: str


@st.cache_resource(show_spinner="Opening the database...")
def prepared_engine(database_url: str, demo_mode: bool) -> Engine:
    """The engine, with the schema upgraded, the plan's reference data loaded into an
    empty database (no metric: seed/load.py) and, in demo mode only, the demo data with
    its illustrative national metrics (seed/demo.py)."""
    engine = get_engine(database_url)
    upgrade_schema(engine)
    ensure_reference_data(engine)
    if demo_mode:
        from seed.demo import seed_demo_if_empty

        seed_demo_if_empty(engine)
    assert has_schema(engine)
    return engine


def current() -> AppContext:
    """The context for this run (app.py signed the person in); pages call this first.

    Only plain values live in the session state; the engine is a cached resource.
    """
    actor = st.session_state.get("actor")
    if actor is None:
        st.error("Please sign in first.")
        st.stop()
    config = load_settings()
    return AppContext(
        config,
        prepared_engine(config.database_url, config.demo_mode),
        actor,
        st.session_state.get("display_name", actor.username),
    )
