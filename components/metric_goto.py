"""Which metric cards the Metrics page draws: "Go to a metric" (a picker by code and
name) or, for browsing, a page of them ("9 to 12 of 17"); and a search result's
``?metric=CA1`` opening that metric's card and scrolling to it. The metric chosen is
kept in the address (``?metric=<id>``), so a reload or a pasted link opens it again."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import url_state
from components.scroll import scroll_to

CARDS_PER_PAGE = 4
GOTO_KEY = "metrics-goto"
_SCROLL = "metrics-scroll"


def card_key(metric_id: int) -> str:
    """The key of a metric card's container (what the page scrolls to)."""
    return f"metric-card-{metric_id}"


def open_metric(code: str | None, definitions: pd.DataFrame, view_key: str, view: str) -> None:
    """Put the metric ``code`` (from a link: its code, as a search result gives, or its
    id, as this page writes in its address) in view: the progress view, every theme, the
    metric chosen in "Go to a metric", scrolled to. Before those widgets are drawn."""
    if not code or definitions.empty:
        return
    wanted = code.strip().lower()
    match = definitions[
        (definitions["code"].str.lower() == wanted)
        | (definitions["id"].astype(int).astype(str) == wanted)
    ]
    if match.empty:
        st.warning("That metric is not among this region's metrics.", icon=":material/search_off:")
        return
    st.session_state[view_key] = view
    st.session_state["metrics-theme"] = None
    st.session_state[GOTO_KEY] = int(match.iloc[0]["id"])
    st.session_state[_SCROLL] = True


def _picked() -> None:
    st.session_state[_SCROLL] = True


def cards_to_show(ordered: pd.DataFrame) -> pd.DataFrame:
    """The metrics whose cards are drawn: the one chosen in "Go to a metric", else all
    of them up to CARDS_PER_PAGE, else the chosen page of them (a card with its chart
    and history costs time on every run)."""
    ids = ordered["id"].astype(int).tolist()
    if st.session_state.get(GOTO_KEY) not in (None, *ids):
        st.session_state[GOTO_KEY] = None  # a metric of another theme or region
    if len(ordered) > CARDS_PER_PAGE or st.session_state.get(GOTO_KEY) is not None:
        labels = {int(r["id"]): f"{r['code']} · {r['name']}" for _, r in ordered.iterrows()}
        picked = st.selectbox(
            "Go to a metric",
            ids,
            index=None,
            format_func=labels.get,
            placeholder="Type a code or a name",
            key=GOTO_KEY,
            on_change=_picked,
            help="Shows that metric's card: its chart, groups and history.",
        )
        url_state.remember(url_state.METRIC, picked)
        if picked is not None:
            if st.session_state.pop(_SCROLL, False):
                scroll_to(card_key(picked))
            st.caption("Clear the choice above to browse the metrics page by page.")
            return ordered[ordered["id"] == picked]
    st.session_state.pop(_SCROLL, None)
    url_state.remember(url_state.METRIC, None)
    if len(ordered) <= CARDS_PER_PAGE:
        return ordered
    starts = list(range(0, len(ordered), CARDS_PER_PAGE))

    def describe(start: int) -> str:
        end = min(start + CARDS_PER_PAGE, len(ordered))
        first, last = ordered.iloc[start], ordered.iloc[end - 1]
        return f"{start + 1} to {end} of {len(ordered)}: {first['code']} to {last['code']}"

    start = st.selectbox(
        "Metric details to show",
        starts,
        format_func=describe,
        key="metrics-card-page",
        help="Each metric's chart, groups and history. The table above lists them all.",
    )
    return ordered.iloc[start : start + CARDS_PER_PAGE]
