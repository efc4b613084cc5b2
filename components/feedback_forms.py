"""The Feedback page's forms: adding feedback (forum members and leads) and responding to
it or changing only its status (regional leads). Each saves through
``components.outcome.run_write``; the page shows the outcome at :data:`WHERE`."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components.outcome import forgetting, run_write
from core.feedback_rules import (
    NEXT_STATUS,
    NO_PERSONAL_DETAILS,
    NO_THEME,
    RESPONSE_MAX_CHARS,
    SUMMARY_MAX_CHARS,
    we_did,
)
from core.statuses import FEEDBACK_SOURCES, FEEDBACK_STATUSES
from services import feedback
from services.context import RequestContext

#: Where the page shows what a save did (``components.outcome.show_outcome``).
WHERE = "feedback"
ADD_FORM_ROUND = "feedback-add-round"
NO_ACTION = 0


def add_form(ctx: RequestContext, region_id: int, theme_names: dict[int, str], today: date) -> None:
    """'Add feedback', folded: who it came from, when, its theme and what they said."""
    with st.expander("Add feedback", icon=":material/add_comment:"):
        st.info(NO_PERSONAL_DETAILS, icon=":material/privacy_tip:")
        round_ = st.session_state.get(ADD_FORM_ROUND, 0)
        with st.form(f"feedback-add-{round_}"):
            source = st.selectbox("Who the feedback came from", FEEDBACK_SOURCES)
            received = st.date_input(
                "Date received", value=today, max_value=today, format="DD/MM/YYYY"
            )
            theme = st.selectbox(
                "Theme", [None, *theme_names], format_func=lambda t: theme_names.get(t, NO_THEME)
            )
            summary = st.text_area(
                "What they said (a short summary)",
                max_chars=SUMMARY_MAX_CHARS,
                help=f"Up to {SUMMARY_MAX_CHARS} characters. {NO_PERSONAL_DETAILS}",
            )
            submitted = st.form_submit_button("Add feedback", type="primary")
        if submitted:

            def add() -> int:
                added = feedback.add(ctx, region_id, source, received, summary, theme)
                st.session_state[ADD_FORM_ROUND] = round_ + 1  # a fresh form
                return added

            run_write(add, success="Thank you. The feedback has been added.", where=WHERE)


def respond_forms(ctx: RequestContext, row: pd.Series, actions: pd.DataFrame) -> None:
    """'Respond: what we did' and 'Change only the status', for one item."""
    feedback_id = int(row["id"])
    loaded_key = f"feedback-loaded-{feedback_id}"
    # The version this person first saw, so a change made meanwhile by someone else is
    # caught (the page rereads the database on every run, including the save's).
    loaded = st.session_state.setdefault(loaded_key, int(row["version"]))
    action_titles = {NO_ACTION: "No linked plan action"} | {
        int(a.id): f"{a.code} {a.title}".strip() for a in actions.itertuples()
    }
    current_action = int(row["action_id"]) if pd.notna(row["action_id"]) else NO_ACTION
    statuses = list(FEEDBACK_STATUSES)
    default_status = "responded" if row["status"] == "received" else row["status"]

    with st.form(f"feedback-respond-{feedback_id}-{loaded}"):
        st.markdown("**Respond: what we did**")
        # One field: what was kept apart as "Action taken" is shown within it and saved
        # with the response (core.feedback_rules.we_did), leaving that old column empty.
        said = we_did(row["response"], row["action_taken"])
        response = st.text_area(
            "We did (the response people will see)",
            value=said,
            max_chars=RESPONSE_MAX_CHARS if len(said) <= RESPONSE_MAX_CHARS else None,
            help="What was done about the feedback, including any action taken.",
        )
        status = st.selectbox(
            "Status",
            statuses,
            index=statuses.index(default_status),
            format_func=lambda s: FEEDBACK_STATUSES[s].label,
        )
        action_id = st.selectbox(
            "Plan action it led to",
            list(action_titles),
            index=list(action_titles).index(current_action)
            if current_action in action_titles
            else 0,
            format_func=action_titles.get,
        )
        st.caption(
            "Marking it Responded or Closed records today as the response date (the first "
            "response date is kept if it was answered before). " + NO_PERSONAL_DETAILS
        )
        save = st.form_submit_button("Save response", type="primary")
    if save:
        run_write(
            forgetting(feedback.respond, loaded_key),
            ctx,
            feedback_id,
            loaded,
            response,
            "",  # "Action taken" is part of "We did" now
            status,
            None if action_id == NO_ACTION else action_id,
            success="The response has been saved.",
            where=WHERE,
        )

    with st.form(f"feedback-status-{feedback_id}-{loaded}"):
        st.markdown("**Change only the status**")
        others = [s for s in statuses if s != row["status"]]
        new_status = st.selectbox(
            "New status",
            others,
            index=others.index(NEXT_STATUS[row["status"]]),
            format_func=lambda s: FEEDBACK_STATUSES[s].label,
        )
        reason = st.text_input("Reason (optional)", max_chars=200)
        change = st.form_submit_button("Change status")
    if change:
        run_write(
            forgetting(feedback.change_status, loaded_key),
            ctx,
            feedback_id,
            loaded,
            new_status,
            reason,
            success=f"The status is now {FEEDBACK_STATUSES[new_status].label}.",
            where=WHERE,
        )
