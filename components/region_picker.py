"""Which region a page shows: a regional role's own, or the one a national lead picks."""

from __future__ import annotations

import streamlit as st

from core.permissions import Action, can
from services.context import RequestContext
from services.regions import regions as all_regions


def choose_region(ctx: RequestContext, *, key: str = "region") -> tuple[int, str]:
    """The region id and name; national roles get a picker remembered across pages."""
    regions = all_regions(ctx)
    names = dict(zip(regions["id"], regions["name"], strict=True))
    if not can(ctx.actor, Action.VIEW_ALL_REGIONS):
        region_id = ctx.actor.region_id
        return region_id, names.get(region_id, "")
    ids = list(names)
    asked = st.session_state.pop("requested_region_id", None)  # a search result's link
    if asked in ids:
        st.session_state[key] = asked
    remembered = st.session_state.get("chosen_region_id")
    index = ids.index(remembered) if remembered in ids else 0
    region_id = st.selectbox("Region", ids, index=index, format_func=names.get, key=key)
    st.session_state["chosen_region_id"] = region_id
    return region_id, names[region_id]
