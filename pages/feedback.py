"""Feedback: "You said, we did". The patient and carer feedback mechanism (PCREF part 3).

Forum members and regional leads add feedback for their region; regional leads answer it.
Everyone sees the share answered, the time it takes to respond and what is still waiting.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components import file_abouts
from components.context import current
from components.corrections import delete_feedback, deleted_feedback
from components.feedback_forms import WHERE, add_form, respond_forms
from components.feedback_list import (
    every_region,
    filters,
    headline,
    item_card,
    status_meanings,
    the_list,
)
from components.history import history_view
from components.outcome import show_outcome
from components.region_picker import choose_region
from components.scroll import scroll_to
from components.search_results import requested
from core.entities import Entity
from core.feedback_rules import item_label
from core.permissions import Action, can
from services import feedback, quarterly
from services.context import RequestContext


def one_item(
    ctx: RequestContext,
    items: pd.DataFrame,
    actions: pd.DataFrame | None,
    *,
    may_respond: bool,
    today: date,
) -> None:
    """One item in detail: its card, the forms to respond (regional leads), its history."""
    st.header("Respond to feedback" if may_respond else "One item in detail", anchor=False)
    if items.empty:
        st.write("No feedback to look at: none matches the filters above.")
        return
    labels = {int(r["id"]): item_label(r, today) for _, r in items.iterrows()}
    if st.session_state.get("feedback-chosen") not in (None, *labels):
        st.session_state["feedback-chosen"] = next(iter(labels))
    chosen = st.selectbox(
        "Feedback item", list(labels), format_func=labels.get, key="feedback-chosen"
    )
    row = items[items["id"] == chosen].iloc[0]
    if st.session_state.pop("feedback-scroll", False):
        scroll_to(f"feedback-detail-{chosen}")  # a search result's ?feedback=7
    item_card(row, "detail", today)
    if may_respond and actions is not None:
        respond_forms(ctx, row, actions)
    history_view(
        ctx,
        Entity.FEEDBACK_ITEM,
        [int(chosen)],
        key=f"history-feedback-{chosen}",
        title="History of this item",
        extra=delete_feedback(ctx, int(chosen)) if may_respond else None,
    )


def feedback_page(ctx: RequestContext, today: date) -> None:
    """The page: headline figures, adding, the filtered list, one item, every region."""
    st.title("Feedback: you said, we did")
    st.write(
        "Feedback from service users, carers, Experts by Experience, the advisory boards, "
        "Regional Forums and partners, and what we did about it."
    )
    asked = requested("feedback")  # a search result's ?feedback=7
    region_id, region_name = choose_region(ctx, key="feedback-region")
    if asked is not None:
        st.session_state["feedback-chosen"] = asked
        st.session_state["feedback-scroll"] = True
    may_add = can(ctx.actor, Action.ADD_FEEDBACK, region_id)
    may_respond = can(ctx.actor, Action.RESPOND_FEEDBACK, region_id)
    see_all = can(ctx.actor, Action.VIEW_ALL_REGIONS)
    theme_names = feedback.theme_names(ctx)
    by_region = feedback.every_region(ctx, today) if see_all else None

    show_outcome(WHERE)
    headline(feedback.headline(ctx, region_id, today), region_name)
    if may_add:
        add_form(ctx, region_id, theme_names, today)

    st.header("You said, we did", anchor=False)
    status_meanings()
    statuses, theme_ids, sources = filters(theme_names)
    items = feedback.items(ctx, region_id, statuses=statuses, theme_ids=theme_ids, sources=sources)
    actions = feedback.linkable_actions(ctx, region_id) if may_respond else None
    the_list(
        items,
        filtered=bool(statuses or theme_ids or sources),
        region_name=region_name,
        today=today,
        about=file_abouts.feedback_list(
            ctx,
            region_name,
            statuses=statuses,
            themes=[theme_names[t] for t in theme_ids or ()],
            sources=sources,
            today=today,
        ),
    )
    deleted_feedback(ctx, region_id)
    one_item(ctx, items, actions, may_respond=may_respond, today=today)
    if by_region is not None:
        every_region(by_region, file_abouts.feedback_by_region(ctx, today))


feedback_page(current(), quarterly.today())
