"""Quarterly sign-off: where each quarter of a region is in the cycle (due, submitted,
signed off by the Regional Forum, reopened), the regional lead's submission and
reopening, the forum's questions and the region's answers; for national leads, where
every region is."""

from __future__ import annotations

import streamlit as st

from components.context import current
from components.outcome import show_outcome
from components.quarter_views import WHERE, national_grid, quarter_cards
from components.region_picker import choose_region
from core.formatting import escape_markdown
from core.permissions import Action, Role, can
from core.quarterly import PROVISIONAL_NOTE
from services.quarterly import region_quarters

context = current()
st.title("Quarterly sign-off")
st.write(
    "Each quarter, the regional lead submits the region's figures, and the Regional Forum "
    "reviews them at a meeting and signs them off. " + PROVISIONAL_NOTE
)
show_outcome(WHERE)
if can(context.actor, Action.VIEW_ALL_REGIONS):
    national_grid(context)
    st.divider()
chosen_region, chosen_name = choose_region(context)
st.header(f"{escape_markdown(chosen_name)}: the last six quarters", anchor=False)
if context.actor.role == Role.FORUM_MEMBER:
    st.info(
        "The forum reviews a submitted quarter on the Forum meeting page, where the person "
        "chairing the meeting records the forum's outcome.",
        icon=":material/co_present:",
    )
quarter_cards(context, region_quarters(context, chosen_region))
