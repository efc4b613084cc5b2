"""Search results as links (the Search page), and how the pages they open read the
link's query parameters (``?metric=CA1``, ``?action=12``, ``?project=3``,
``?feedback=7``, with ``region=``) to put the item in view."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st
from streamlit.errors import StreamlitAPIException

from core.formatting import escape_markdown
from core.search import KIND_PAGES, KIND_WORDS, Found

ICONS = {
    "metric": ":material/monitoring:",
    "action": ":material/checklist:",
    "project": ":material/groups:",
    "feedback": ":material/forum:",
}


def result_line(found: Found, region_names: Mapping[int, str] | None = None) -> None:
    """One result: a link to the page that shows it, and a line of its words."""
    label = found.label
    if region_names and found.item.region_id in region_names:
        label += f" ({region_names[found.item.region_id]})"
    try:
        st.page_link(
            KIND_PAGES[found.item.kind],  # the app's own page file for the kind
            label=escape_markdown(label),
            icon=ICONS.get(found.item.kind),
            query_params=found.query_params(),
        )
    except StreamlitAPIException:
        st.markdown(escape_markdown(label))
    if found.snippet:
        st.caption(escape_markdown(found.snippet))


def requested(kind: str, convert: Callable[[str], object] = int) -> object | None:
    """The item a link asked this page to show (``?<kind>=...``), once: the parameter
    is removed as it is read, so the person can then move on to other items. A region
    asked for (``?region=``) is remembered for the region picker."""
    if kind not in st.query_params:
        return None
    raw = st.query_params[kind]
    region = st.query_params.get("region")
    del st.query_params[kind]
    if "region" in st.query_params:
        del st.query_params["region"]
    if region and region.isdigit():
        st.session_state["chosen_region_id"] = int(region)
        st.session_state["requested_region_id"] = int(region)
    try:
        return convert(raw)
    except ValueError:
        return None


__all__ = ["KIND_WORDS", "requested", "result_line"]
