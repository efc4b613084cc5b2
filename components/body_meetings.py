"""A national governance body's meetings (national leads and administrators): choosing
one or starting one, its details, attendance and decisions, kept with the same forms and
writes as a Regional Forum's (``components.meeting_forms``, ``components.quarter_views``)."""

from __future__ import annotations

import streamlit as st

from components.corrections import meeting_decision_corrections
from components.meeting_forms import WHERE, meeting_form
from components.outcome import run_write
from components.quarter_views import attendance_form
from core import meetings as words
from core.formatting import escape_markdown
from services import bodies
from services import meetings as forum
from services.context import RequestContext
from services.feedback import theme_names


def _new_key(body_id: int) -> str:
    return f"body-new-meeting-{body_id}"


def choose_body(ctx: RequestContext) -> bodies.Body:
    """The national body to work on, with what it is for."""
    found = bodies.bodies(ctx)
    by_id = {b.id: b for b in found}
    chosen = st.selectbox(
        "Governance body", list(by_id), format_func=lambda i: by_id[i].name, key="body-choice"
    )
    body = by_id[chosen]
    if body.description:
        st.caption(escape_markdown(body.description))
    return body


def start_meeting_view(ctx: RequestContext, body: bodies.Body, *, expanded: bool) -> None:
    """'Start a new meeting' of the body."""
    with st.expander("Start a new meeting", icon=":material/add:", expanded=expanded):
        submitted, values = meeting_form(f"body-new-{body.id}", None)
    if not submitted:
        return

    def start() -> int:
        new_id = bodies.start_meeting(ctx, body.id, values)
        st.session_state[_new_key(body.id)] = new_id
        return new_id

    run_write(
        start,
        success=f"The meeting on {values['meeting_date']:%d %B %Y} has been started.",
        where=WHERE,
    )


def choose_meeting(ctx: RequestContext, body: bodies.Body) -> int | None:
    """The meeting to show, newest first (one just started is chosen); None when the
    body has none yet (the page then offers to start one)."""
    labels = bodies.meeting_labels(ctx, body.id)
    if not labels:
        st.info(
            f"No meetings of the {escape_markdown(body.name)} are recorded yet. Start one below.",
            icon=":material/info:",
        )
        return None
    key = f"body-meeting-{body.id}"
    if (started := st.session_state.pop(_new_key(body.id), None)) in labels:
        st.session_state[key] = started
    if st.session_state.get(key) not in labels:
        st.session_state.pop(key, None)
    return st.selectbox("Meeting (newest first)", list(labels), format_func=labels.get, key=key)


def meeting_view(ctx: RequestContext, body: bodies.Body, meeting_id: int) -> None:
    """The meeting's details, attendance and decisions, with the forms to keep them."""
    shown = bodies.body_meeting(ctx, body, meeting_id)
    record = shown.record
    st.header(escape_markdown(f"{body.name}, {record['meeting_date']:%d %B %Y}"), anchor=False)
    if record.get("chair"):
        st.text(f"Chaired by {record['chair']}")
    if record.get("notes"):
        st.text(record["notes"])
    attendance_form(ctx, None, meeting_id, record.get("chair") or "", may_record=True)
    st.subheader("Decisions", anchor=False)
    if shown.decisions.empty:
        st.write("No decisions have been recorded for this meeting yet.")
    else:
        st.dataframe(words.decisions_table(shown.decisions), hide_index=True, width="stretch")
    meeting_decision_corrections(ctx, None, meeting_id, shown.decisions, True)
    decision_form(ctx, meeting_id)
    with st.expander("Correct this meeting's details", icon=":material/edit:"):
        submitted, new = meeting_form(f"body-edit-{meeting_id}", record)
    if submitted:
        run_write(
            forum.correct_meeting,
            ctx,
            meeting_id,
            new,
            record,
            success=lambda changed: (
                "The meeting's details have been saved." if changed else "Nothing changed."
            ),
            where=WHERE,
        )


def decision_form(ctx: RequestContext, meeting_id: int) -> None:
    """'Record a decision' of the body (the theme is optional: a board's decisions are
    often about the plan as a whole)."""
    themes = theme_names(ctx)
    options = [None, *themes]
    round_key = f"body-decision-round-{meeting_id}"
    with st.form(f"body-decision-{meeting_id}-{st.session_state.get(round_key, 0)}"):
        st.markdown("**Record a decision**")
        theme_id = st.selectbox(
            "Theme the decision is about (optional)",
            options,
            format_func=lambda t: "The plan as a whole" if t is None else themes[t],
        )
        text = st.text_area("Decision", max_chars=words.DECISION_MAX)
        submitted = st.form_submit_button(
            "Record the decision", type="primary", icon=":material/gavel:"
        )
    if not submitted:
        return

    def record() -> forum.DecisionResult:
        result = forum.record_decision(ctx, meeting_id, theme_id, text)
        st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
        return result

    run_write(record, success="The decision has been recorded.", where=WHERE)
