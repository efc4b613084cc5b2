"""Items proposed for a region's next Regional Forum meeting (Forum meeting page): the
"Propose an item for the next meeting" form (forum members and the regional lead), the
items waiting, with the regional lead's answer (and the meeting it was taken at), and the
items taken at a meeting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from components.outcome import next_round, run_write, show_outcome
from core.formatting import escape_markdown as plain
from core.forum import (
    AGENDA_DETAIL_MAX,
    AGENDA_TITLE_MAX,
    ANSWER_MAX,
    AgendaItemView,
    written_on,
)
from core.quarterly import long_date
from services import forum
from services.context import RequestContext

#: Where the agenda's forms show what a save did.
WHERE = "agenda"
PROPOSE_ROUND = "agenda-propose-round"
NOT_AT_A_MEETING = 0


def item_lines(item: AgendaItemView, *, outcome: bool = True) -> None:
    """One item: its title, who proposed it and when, its detail and what became of it."""
    st.markdown(f"**{plain(item.title)}**")
    st.caption(f"Proposed by {plain(item.proposed_by)} on {written_on(item.proposed_at)}")
    if item.detail:
        st.markdown(plain(item.detail))
    if outcome and not item.waiting:
        st.markdown(f":material/reply: {plain(item.outcome())}")


def agenda_proposals(ctx: RequestContext, region_id: int) -> None:
    """The form to propose an item for the next meeting, the items waiting (with the
    regional lead's answer) and those answered without a meeting."""
    setting = forum.agenda_setting(ctx, region_id)
    st.subheader("Items proposed for the next meeting", anchor=False)
    show_outcome(WHERE)
    if setting.may_propose:
        _propose_form(ctx, region_id)
    if not setting.waiting:
        st.caption("No items are waiting for the next meeting.")
    for item in setting.waiting:
        with st.container(border=True):
            item_lines(item)
            if setting.may_answer:
                _answer_form(ctx, item, setting.meetings)
    if setting.answered:
        with st.expander(f"Answered without a meeting ({len(setting.answered)})"):
            for item in setting.answered:
                item_lines(item)


def agenda_at_meeting(ctx: RequestContext, region_id: int, meeting_id: int) -> None:
    """The items proposed by the forum that were taken at this meeting."""
    items = forum.agenda_at_meeting(ctx, region_id, meeting_id)
    st.subheader("Items the forum proposed", anchor=False)
    if not items:
        st.caption("No proposed items were taken at this meeting.")
    for item in items:
        with st.container(border=True):
            item_lines(item)


def _propose_form(ctx: RequestContext, region_id: int) -> None:
    round_ = st.session_state.get(PROPOSE_ROUND, 0)
    with st.form(f"agenda-propose-{round_}"):
        st.markdown("**Propose an item for the next meeting**")
        title = st.text_input("Title", max_chars=AGENDA_TITLE_MAX, key=f"agenda-title-{round_}")
        detail = st.text_area(
            "More detail (optional)", max_chars=AGENDA_DETAIL_MAX, key=f"agenda-detail-{round_}"
        )
        st.caption(
            "Everyone who can see this region reads proposed items, with your name. Please "
            "do not name or describe anyone."
        )
        submitted = st.form_submit_button("Propose item", icon=":material/add:")
    if submitted:

        def propose() -> int:
            added = forum.propose_agenda_item(ctx, region_id, title, detail)
            next_round(PROPOSE_ROUND, round_)()
            return added

        run_write(propose, success="Thank you. Your item has been proposed.", where=WHERE)


def _answer_form(
    ctx: RequestContext, item: AgendaItemView, meetings: Sequence[tuple[int, date]]
) -> None:
    dates = {NOT_AT_A_MEETING: "Not taken at a meeting"} | {
        meeting_id: f"Taken at the meeting on {long_date(day)}" for meeting_id, day in meetings
    }
    with st.form(f"agenda-answer-{item.id}"):
        answer = st.text_area(
            "Answer (shown to everyone in the region)",
            max_chars=ANSWER_MAX,
            key=f"agenda-answer-{item.id}-text",
        )
        meeting_id = st.selectbox(
            "Meeting",
            list(dates),
            format_func=dates.get,
            key=f"agenda-answer-{item.id}-meeting",
        )
        submitted = st.form_submit_button("Save answer", icon=":material/reply:")
    if submitted:
        run_write(
            forum.answer_agenda_item,
            ctx,
            item.id,
            answer,
            None if meeting_id == NOT_AT_A_MEETING else meeting_id,
            success="Your answer has been saved.",
            where=WHERE,
        )
