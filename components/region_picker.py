"""Which region a page shows: a regional role's own, or the one a national lead picks.

The region is kept in the address (``?region=<id>``, :mod:`components.url_state`), so a
reload or a pasted link shows the same region to anyone who may see it."""

from __future__ import annotations

import streamlit as st

from components import url_state
from core.permissions import Action, can
from services.context import RequestContext
from services.regions import regions as all_regions


def _other_region(names: dict[int, str], own: str) -> str:
    """The words for a link to another region's page opened by a regional role."""
    asked = url_state.find(st.query_params.get(url_state.REGION, ""), names)
    mine = own or "your own region"
    if asked is None:
        return f"The link you opened names a region that does not exist. This page shows {mine}."
    return (
        f"The link you opened is for {names[asked]}. Your account shows {mine} only, so "
        "this page shows your own region's figures."
    )


def choose_region(ctx: RequestContext, *, key: str = "region") -> tuple[int, str]:
    """The region id and name; national roles get a picker remembered across pages."""
    regions = all_regions(ctx)
    names = dict(zip(regions["id"], regions["name"], strict=True))
    if not can(ctx.actor, Action.VIEW_ALL_REGIONS):
        region_id = ctx.actor.region_id
        own = names.get(region_id, "")
        refused = _other_region(names, own)
        url_state.adopt(url_state.REGION, [region_id], key=None, refused=refused)
        url_state.remember(url_state.REGION, region_id)
        return region_id, own
    ids = list(names)
    asked = st.session_state.pop("requested_region_id", None)  # a search result's link
    if asked in ids:
        st.session_state[key] = asked
    elif url_state.adopt(url_state.REGION, ids, key=key) is None and key not in st.session_state:
        remembered = st.session_state.get("chosen_region_id")
        if remembered in ids:
            st.session_state[key] = remembered
    region_id = st.selectbox("Region", ids, format_func=names.get, key=key)
    st.session_state["chosen_region_id"] = region_id
    url_state.remember(url_state.REGION, region_id)
    return region_id, names[region_id]
