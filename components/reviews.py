"""The bi-annual review on screen: a half-year's card (its stage, the review's words,
its good practice), the forms that record and change a review and add or share good
practice, the national table of where every region is, and the good-practice library.
Each form saves through ``run_write``; the page shows the outcome at :data:`WHERE`."""

from __future__ import annotations

import streamlit as st

from components.outcome import run_write
from core import reviews as rules
from core.formatting import escape_markdown
from services import reviews as svc
from services.context import RequestContext

WHERE = "reviews"

#: The review's parts: key, the question the form asks, the heading the card shows.
PARTS = (
    ("went_well", "What went well", "What went well"),
    ("not_well", "What did not go well", "What did not go well"),
    (
        "evaluation",
        "Independent evaluation notes (if there was one)",
        "Independent evaluation",
    ),
)


def _words(heading: str, body: str) -> None:
    """A heading of the app's own and text someone typed, shown exactly as typed."""
    st.markdown(f"**{heading}**")
    st.markdown(escape_markdown(body))


def review_card(ctx: RequestContext, state: svc.ReviewState) -> None:
    """One half-year: its stage in words and symbol, the review, its good practice, and
    the forms the person may use."""
    style = rules.STAGES[state.stage]
    may_record = svc.may_record(ctx, state.region_id)
    with st.container(border=True, key=f"review-{state.half_start:%Y-%m}"):
        st.subheader(
            escape_markdown(f"{state.long_label}: {style.symbol} {style.label}"), anchor=False
        )
        st.caption(escape_markdown(state.sentence))
        for line in state.history():
            st.caption(escape_markdown(line))
        if state.review:
            for key, _question, heading in PARTS:
                if state.text(key):
                    _words(heading, state.text(key))
            practice_list(ctx, state, may_share=may_record)
        if not may_record:
            return
        if state.review:
            with st.expander(f"Change the review of {state.label}"):
                review_form(ctx, state)
            with st.expander(f"Add good practice to {state.label}"):
                practice_form(ctx, state)
        elif state.stage in (rules.Stage.DUE, rules.Stage.OVERDUE):
            review_form(ctx, state)


def practice_list(ctx: RequestContext, state: svc.ReviewState, *, may_share: bool) -> None:
    st.markdown("**Good practice to share**")
    if not state.practice:
        st.write("No good practice recorded for this half-year.")
        return
    for item in state.practice:
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(item.title)}**")
            st.markdown(escape_markdown(item.what_was_done))
            in_library = " (in the good-practice library)" if item.shared else ""
            st.caption(
                escape_markdown(f"{'✓' if item.shared else '·'} {item.share_words}{in_library}")
            )
            if may_share:
                label = "Keep in the region" if item.shared else "Share with other regions"
                if st.button(label, key=f"share-{item.id}"):
                    run_write(
                        svc.share,
                        ctx,
                        item,
                        not item.shared,
                        success="Good practice shared with other regions."
                        if not item.shared
                        else "Good practice kept in the region: it has left the library.",
                        where=WHERE,
                    )


def _practice_fields(key: str) -> rules.GoodPracticeDraft:
    title = st.text_input(
        "Good practice: title", max_chars=rules.MAX_TITLE_LENGTH, key=f"{key}-title"
    )
    done = st.text_area(
        "Good practice: what was done", max_chars=rules.MAX_TEXT_LENGTH, key=f"{key}-done"
    )
    shared = st.checkbox(
        "Share with other regions (it appears in the good-practice library)",
        value=True,
        key=f"{key}-shared",
    )
    return rules.GoodPracticeDraft(title, done, shared)


def review_form(ctx: RequestContext, state: svc.ReviewState) -> None:
    """Record the review (with one piece of good practice, if any), or change it."""
    key = f"review-form-{state.half_start:%Y-%m}"
    with st.form(key):
        texts = {
            part: st.text_area(
                question,
                value=state.text(part),
                max_chars=rules.MAX_TEXT_LENGTH,
                key=f"{key}-{part}",
            )
            for part, question, _heading in PARTS
        }
        drafts = []
        if not state.review:
            st.markdown("**Good practice to share** (optional; add more once it is recorded)")
            drafts.append(_practice_fields(key))
        verb = "Save the changes to" if state.review else "Record the review of"
        sent = st.form_submit_button(f"{verb} {state.label}", type="primary")
    if sent:
        run_write(
            svc.record,
            ctx,
            state,
            texts,
            drafts,
            success=f"The review of {state.label} is "
            + ("changed." if state.review else "recorded."),
            where=WHERE,
        )


def practice_form(ctx: RequestContext, state: svc.ReviewState) -> None:
    key = f"practice-form-{state.half_start:%Y-%m}"
    with st.form(key, clear_on_submit=True):
        draft = _practice_fields(key)
        sent = st.form_submit_button("Add the good practice")
    if sent and state.review_id is not None:
        run_write(
            svc.add_practice,
            ctx,
            state.review_id,
            draft,
            success="Good practice added" + (" and shared." if draft.shared else "."),
            where=WHERE,
        )


def national_table(ctx: RequestContext) -> None:
    """Where every region's reviews are, with the legend and the reviews waiting."""
    st.header("Where each region is", anchor=False)
    found = svc.national_reviews(ctx)
    st.dataframe(found.table, hide_index=True, width="stretch", key="review-table")
    legend = " · ".join(
        f"{style.symbol} {style.label}: {style.meaning}" for style in rules.STAGES.values()
    )
    st.caption(escape_markdown(legend))
    if not found.waiting:
        st.write("No region has a review due or overdue.")
        return
    st.markdown(f"**Reviews due or overdue ({len(found.waiting)})**")
    st.markdown("\n".join(f"- {escape_markdown(line)}" for line in found.waiting))


def library(ctx: RequestContext) -> None:
    """Good practice every region has shared, with a simple text filter."""
    st.header("Good-practice library", anchor=False)
    st.write(
        "Good practice the regions have shared from their bi-annual reviews. Every region "
        "can read it."
    )
    query = st.text_input(
        "Search the good practice",
        placeholder="For example: carers, barbershop, London",
        key="library-search",
    )
    shown = svc.library(ctx, query)
    if shown.empty:
        st.write(
            "Nothing matches that search." if query.strip() else "No good practice shared yet."
        )
        return
    st.caption(f"{len(shown)} piece{'s' if len(shown) != 1 else ''} of good practice.")
    st.dataframe(shown, hide_index=True, width="stretch", key="library-table")
