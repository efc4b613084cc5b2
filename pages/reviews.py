"""Bi-annual review (SD4 of the AMHE plan): every six months each region records what
went well, what did not, any independent evaluation, and good practice to share. The
region reads its own reviews; national leads see which regions are due or overdue;
every region reads and searches the good practice shared in the library."""

from __future__ import annotations

import streamlit as st

from components.context import current
from components.outcome import show_outcome
from components.region_picker import choose_region
from components.reviews import WHERE, library, national_table, review_card
from core.formatting import escape_markdown
from services.reviews import region_reviews, sees_every_region

context = current()
st.title("Bi-annual review")
st.write(
    "Every six months (April to September, and October to March) each region looks back "
    "with its Regional Forum: what went well, what did not, what an independent "
    "evaluation found, and good practice other regions can learn from. The regional lead "
    "records the review once the half-year has ended."
)
show_outcome(WHERE)
if sees_every_region(context):
    national_table(context)
    st.divider()
chosen_region, chosen_name = choose_region(context, key="review-region")
st.header(f"{escape_markdown(chosen_name)}: its reviews", anchor=False)
for state in region_reviews(context, chosen_region):
    review_card(context, state)
st.divider()
library(context)
