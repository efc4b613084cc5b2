"""Governance bodies: the national bodies the AMHE plan reports to (LG1) — the AMHE
Practice Forum, the Equity and Inclusion Board, the Board of Trustees and the Race
Equality Programme Board. Their meetings, attendance and decisions, and the board report
(prepared, issued and kept exactly as issued), for national leads and administrators."""

from __future__ import annotations

import streamlit as st

from components.board_report_view import board_report_view
from components.body_meetings import choose_body, choose_meeting, meeting_view, start_meeting_view
from components.context import current
from components.meeting_forms import WHERE
from components.outcome import show_outcome
from core.permissions import Action, can
from services import bodies
from services.quarterly import today

context = current()
st.title("Governance bodies")
if not can(context.actor, Action.MANAGE_BODIES):
    st.error("This page is for national leads and administrators.")
    st.stop()
body = choose_body(context)
# One part at a time (tabs would build the report on every run of the meetings part).
part = st.radio("Show", ["Meetings", "Board report"], horizontal=True, key="governance-part")
if part == "Meetings":
    show_outcome(WHERE)
    chosen = choose_meeting(context, body)
    start_meeting_view(context, body, expanded=chosen is None)
    if chosen is not None:
        meeting_view(context, body, chosen)
else:
    board_report_view(context, body, bodies.meeting_labels(context, body.id), today())
