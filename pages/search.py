"""Search: one box that finds the region's metrics, plan actions, community projects and
feedback by code, title or words, each result a link to the page that shows it."""

from __future__ import annotations

import streamlit as st

from components.context import current
from components.search_results import result_line
from core.formatting import escape_markdown as plain
from core.permissions import Action, can
from services.regions import regions as all_regions
from services.search import find

EVERY_REGION = 0

ctx = current()
st.title("Search")
st.write(
    "Find a metric, a plan action, a community project or a piece of feedback by its "
    "code (such as CA1), its title or the words in it. Each result opens the page that "
    "shows it."
)
regions = all_regions(ctx)
names = dict(zip(regions["id"].astype(int), regions["name"], strict=True))
if can(ctx.actor, Action.VIEW_ALL_REGIONS):
    remembered = st.session_state.get("chosen_region_id")
    options = [EVERY_REGION, *names]
    where = st.selectbox(
        "Search in",
        options,
        index=options.index(remembered) if remembered in options else 0,
        format_func=lambda r: "Every region" if r == EVERY_REGION else names[r],
        key="search-region",
    )
    region_ids = list(names) if where == EVERY_REGION else [where]
else:
    region_ids = [ctx.actor.region_id]
    st.caption(f"Searching {plain(names.get(ctx.actor.region_id, 'your region'))}.")
query = st.text_input(
    "Search for", key="search-query", placeholder="A code, a title or some words", max_chars=200
)
if query.strip():
    results = find(ctx, query, region_ids)
    if not results:
        st.info(
            f"Nothing matches \u201c{plain(query.strip())}\u201d. Try fewer words, or the "
            "start of a word.",
            icon=":material/search_off:",
        )
    else:
        st.markdown(f"**{len(results)} result{'s' if len(results) != 1 else ''}**")
        with st.container(key="search-results"):
            for found in results:
                result_line(found, names if len(region_ids) > 1 else None)
