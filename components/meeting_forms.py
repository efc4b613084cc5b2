"""The Forum meeting's forms (regional leads and administrators): starting a meeting,
correcting its details and recording a decision with, if wanted, a new plan action.
Each saves through ``components.outcome.run_write``; the page shows the outcome at
:data:`WHERE`."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from components.outcome import run_write
from core import meetings as words
from core import plan_words
from services import meetings
from services.context import RequestContext

#: Where the page shows what a save did (``components.outcome.show_outcome``).
WHERE = "forum"


def new_meeting_key(region_id: int) -> str:
    """Where a meeting just started waits to be chosen on the next run."""
    return f"forum-new-meeting-{region_id}"


def meeting_form(prefix: str, record: dict | None) -> tuple[bool, dict]:
    """The meeting's details as a form; (submitted, values)."""
    with st.form(prefix, clear_on_submit=record is None):
        day = st.date_input(
            "Meeting date",
            value=record["meeting_date"] if record else date.today(),
            format="DD/MM/YYYY",
        )
        attendees = st.number_input(
            "How many people attended (leave blank if not known)",
            min_value=0,
            max_value=words.ATTENDEES_MAX,
            value=record["attendees_count"] if record else None,
            step=1,
        )
        chair = st.text_input(
            "Who chaired the meeting",
            value=record["chair"] if record else "",
            max_chars=words.CHAIR_MAX,
        )
        notes = st.text_area(
            "Notes (optional)",
            value=record["notes"] if record else "",
            max_chars=words.NOTES_MAX,
        )
        label = "Save the meeting's details" if record else "Start the meeting"
        submitted = st.form_submit_button(label, type="primary", icon=":material/save:")
    return submitted, {
        "meeting_date": day,
        "attendees_count": attendees,
        "chair": chair,
        "notes": notes,
    }


def start_meeting_view(ctx: RequestContext, region_id: int, *, expanded: bool) -> None:
    """'Start a new meeting': the form, folded unless the region has no meetings yet."""
    with st.expander("Start a new meeting", icon=":material/add:", expanded=expanded):
        submitted, values = meeting_form(f"forum-new-{region_id}", None)
    if not submitted:
        return

    def start() -> int:
        new_id = meetings.start_meeting(ctx, region_id, values)
        st.session_state[new_meeting_key(region_id)] = new_id  # chosen on the next run
        return new_id

    run_write(
        start,
        success=f"The meeting on {values['meeting_date']:%d %B %Y} has been started.",
        where=WHERE,
    )


def decision_form(ctx: RequestContext, figures: meetings.MeetingFigures) -> None:
    """'Record a decision': its theme and words, and optionally a new plan action."""
    themes = figures.themes
    theme_names = dict(zip(themes["theme_id"], themes["theme"], strict=True))
    area_names = meetings.action_areas(ctx)
    round_key = f"forum-decision-round-{figures.meeting_id}"
    with st.form(f"forum-decision-{figures.meeting_id}-{st.session_state.get(round_key, 0)}"):
        st.markdown("**Record a decision**")
        theme_id = st.selectbox(
            "Theme the decision is about", list(theme_names), format_func=theme_names.get
        )
        text = st.text_area("Decision", max_chars=words.DECISION_MAX)
        create = st.checkbox("Also add a new action to the local plan for this theme")
        st.caption("Only used when a new action is added:")
        title = st.text_input(
            "Action title (the decision's words if left blank)",
            max_chars=plan_words.TITLE_MAX,
        )
        area_id = st.selectbox("Action area", list(area_names), format_func=area_names.get)
        owner = st.text_input("Action owner (optional)", max_chars=plan_words.OWNER_MAX)
        due = st.date_input("Action due date (optional)", value=None, format="DD/MM/YYYY")
        submitted = st.form_submit_button(
            "Record the decision", type="primary", icon=":material/gavel:"
        )
    if not submitted:
        return

    def record() -> meetings.DecisionResult:
        result = meetings.record_decision(
            ctx,
            figures.meeting_id,
            theme_id,
            text,
            create_action=create,
            action_area_id=area_id,
            owner=owner,
            due_date=due,
            action_title=title or None,
        )
        st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
        return result

    run_write(record, success=_decision_words, where=WHERE)


def _decision_words(result: Any) -> str:
    return "The decision has been recorded" + (
        " and the new action added to the local plan." if result.action_id else "."
    )


def correct_details(ctx: RequestContext, figures: meetings.MeetingFigures) -> None:
    """'Correct this meeting's details': refused when someone changed them meanwhile."""
    with st.expander("Correct this meeting's details", icon=":material/edit:"):
        submitted, new = meeting_form(f"forum-edit-{figures.meeting_id}", figures.record)
    if submitted:
        run_write(
            meetings.correct_meeting,
            ctx,
            figures.meeting_id,
            new,
            figures.record,
            success=lambda changed: (
                "The meeting's details have been saved." if changed else "Nothing changed."
            ),
            where=WHERE,
        )
