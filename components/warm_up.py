"""Warm a new app process up in the background, so that nobody's first page pays for it.

A page's first visit in a new process used to cost several times its later visits
(Overview about 7 to 8 times the benchmark's floor page): Python imported the modules
that page and its services use, and Altair loaded and compiled the Vega-Lite schema to
check its first chart. None of that depends on who is signed in. The first run of the
process (usually the sign-in form) starts one background thread that does it while the
person is still reading the form or typing their password.

The thread imports every module of ``components`` (and so the services, reads, rules and
reports under them, as the pages would) and checks one small chart. It reads nothing
from the database and keeps nothing about anyone. A failure there costs only the time it
would have saved: the page then pays it, as before.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import threading

import altair as alt
import pandas as pd
import streamlit as st

import components

LOG = logging.getLogger(__name__)

#: The name of the background thread (tests look for it).
THREAD_NAME = "amhe-warm-up"


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread:
    """Start the process's one warm-up thread (later calls return the same thread)."""
    thread = threading.Thread(target=warm_up, name=THREAD_NAME, daemon=True)
    thread.start()
    return thread


def warm_up() -> list[str]:
    """Import every component module and check a small chart; the modules imported."""
    imported: list[str] = []
    for info in pkgutil.iter_modules(components.__path__):
        name = f"{components.__name__}.{info.name}"
        try:
            importlib.import_module(name)
        except Exception:  # pylint: disable=broad-exception-caught  # see the module's doc
            LOG.exception("Warming up: importing %s failed", name)
            continue
        imported.append(name)
    try:
        _check_a_chart()
    except Exception:  # pylint: disable=broad-exception-caught
        LOG.exception("Warming up: checking a chart failed")
    return imported


def _check_a_chart() -> None:
    # Altair loads the Vega-Lite schema and builds its validator on the first to_dict().
    frame = pd.DataFrame({"Quarter": ["Q1", "Q2"], "Value": [1.0, 2.0]})
    alt.Chart(frame, title="Warm-up").mark_line(point=True).encode(
        x="Quarter:N", y="Value:Q"
    ).to_dict()
