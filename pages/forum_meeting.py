"""Forum meeting: a region's Regional Forum meeting, opening on what changed since the last
one; a presentation mode for the screen in the room (one agenda section at a time, large
type, no editing controls); decisions and new plan actions recorded during the meeting
(regional leads and administrators); and the meeting pack to circulate (PDF, and the
same pack as an accessible HTML file)."""

from __future__ import annotations

import streamlit as st

from components.agenda import agenda_at_meeting, agenda_proposals
from components.context import current
from components.corrections import meeting_decision_corrections
from components.meeting_forms import (
    WHERE,
    correct_details,
    decision_form,
    new_meeting_key,
    start_meeting_view,
)
from components.meeting_pack_view import community_projects, pack_downloads
from components.meeting_present import PRESENT_KEY, presentation
from components.meeting_view import (
    decisions,
    meeting_details,
    since_last_meeting,
    themes_at_a_glance,
    waiting_feedback,
)
from components.outcome import show_outcome
from components.quarter_views import WHERE as QUARTER_WHERE
from components.quarter_views import attendance_form, review_agenda
from components.region_picker import choose_region
from core.formatting import escape_markdown
from core.permissions import Action, can
from services.context import RequestContext
from services.meetings import MeetingFigures, meeting_figures, meeting_labels


def choose_meeting(ctx: RequestContext, region_id: int, region_name: str, manage: bool) -> int:
    """The meeting to show, newest first (a meeting just started is chosen). When the
    region has none yet, says so, offers to start one and stops the page."""
    labels = meeting_labels(ctx, region_id)
    if not labels:
        st.info(
            f"No Regional Forum meetings are recorded for {escape_markdown(region_name)} yet."
            + (" Start one below." if manage else " The regional lead records them."),
            icon=":material/info:",
        )
        if manage:
            start_meeting_view(ctx, region_id, expanded=True)
        st.stop()
    choice_key = f"forum-meeting-{region_id}"
    if (started := st.session_state.pop(new_meeting_key(region_id), None)) in labels:
        st.session_state[choice_key] = started
    if st.session_state.get(choice_key) not in labels:
        st.session_state.pop(choice_key, None)
    return st.selectbox(
        "Meeting (newest first)", list(labels), format_func=labels.get, key=choice_key
    )


def normal_view(ctx: RequestContext, figures: MeetingFigures, manage: bool) -> None:
    """The meeting for the people preparing and recording it."""
    meeting_details(figures)
    attendance_form(ctx, figures.region_id, figures.meeting_id, figures.record.get("chair") or "")
    pack_downloads(ctx, figures)
    since_last_meeting(ctx, figures)
    review_agenda(ctx, figures)
    agenda_at_meeting(ctx, figures.region_id, figures.meeting_id)
    agenda_proposals(ctx, figures.region_id)
    decisions(ctx, figures)
    meeting_decision_corrections(
        ctx, figures.region_id, figures.meeting_id, figures.decisions, manage
    )
    if manage:
        decision_form(ctx, figures)
    themes_at_a_glance(ctx, figures)
    community_projects(ctx, figures)
    waiting_feedback(ctx, figures)
    if manage:
        correct_details(ctx, figures)


context = current()
st.title("Forum meeting")
chosen_region, chosen_name = choose_region(context)
may_manage = can(context.actor, Action.MANAGE_MEETINGS, chosen_region)
show_outcome(WHERE)
show_outcome(QUARTER_WHERE)
chosen_meeting = choose_meeting(context, chosen_region, chosen_name, may_manage)
present = st.toggle(
    "Present on a shared screen",
    key=PRESENT_KEY,
    help="Fills the screen with one item at a time in large type, with no editing controls. "
    "Move with Previous and Next, the arrow keys or Page Up and Page Down (what "
    "presentation clickers send); “Leave presentation” or Esc brings this page back.",
)
if may_manage and not present:
    start_meeting_view(context, chosen_region, expanded=False)
shown = meeting_figures(context, chosen_region, chosen_meeting)
if present:
    presentation(shown, context.threshold)
else:
    normal_view(context, shown, may_manage)
