"""Comments under an action, a metric or a project: "Comments (3)", each with its author,
date and the regional lead's answer; a form to add one (forum members and the regional
lead of the region); for the regional lead, answering a comment and hiding one with a
reason. A hidden comment shows only "A comment was hidden by the regional lead: <reason>".

The comments of a page's cards are read in one query (``services.forum.comments_by_item``)
and passed to each panel; the forms are made only while the panel is open.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components.outcome import next_round, run_write, show_outcome
from core.formatting import escape_markdown as plain
from core.forum import (
    ANSWER_MAX,
    COMMENT_MAX,
    COMMENTABLE,
    HIDE_REASON_MAX,
    CommentView,
    comments_label,
    written_on,
)
from services import forum
from services.context import RequestContext
from services.forum import CommentRights, PageComments

#: Said beside the comment box: comments are read by everyone who can see the region.
WHO_READS = (
    "Everyone who can see this region reads comments, with your name. Please do not name "
    "or describe anyone (a service user, a carer or a member of staff)."
)


def _reopen_key(key: str) -> str:
    return f"{key}-reopen"


def _keep_open(key: str) -> None:
    """Keep the panel open over the rerun a save makes (its label, with the count,
    changes, which would otherwise close it)."""
    st.session_state[_reopen_key(key)] = True


def comment_lines(comment: CommentView) -> None:
    """One comment (or the notice of a hidden one), with the answer to it."""
    st.markdown(f"**{plain(comment.author)}**, {written_on(comment.written_at)}")
    if comment.hidden:
        st.markdown(f":material/visibility_off: _{plain(comment.text)}_")
        return
    st.markdown(plain(comment.text))
    if comment.answered:
        st.markdown(
            f":material/subdirectory_arrow_right: **Answer from "
            f"{plain(comment.answered_by or 'the regional lead')}**, "
            f"{written_on(comment.answered_at)}: {plain(comment.answer)}"
        )


def comments_panel(
    ctx: RequestContext,
    region_id: int,
    entity_type: str,
    entity_id: int,
    comments: Sequence[CommentView] | None = None,
    rights: CommentRights | None = None,
) -> None:
    """The comments on one item as seen in ``region_id``. ``comments``: the item's
    comments when the page has read them already (else they are read here); ``rights``:
    what this person may do (else worked out here)."""
    key = f"comments-{region_id}-{entity_type}-{entity_id}"
    if comments is None:
        comments = forum.item_comments(ctx, region_id, entity_type, entity_id)
    if st.session_state.pop(_reopen_key(key), False):
        st.session_state[key] = True
    with st.expander(
        comments_label(len(comments)), icon=":material/forum:", key=key, on_change="rerun"
    ) as box:
        if not box.open:
            return
        rights = rights or forum.comment_rights(ctx, region_id)
        show_outcome(key)
        if not comments:
            st.caption(f"No comments on this {COMMENTABLE.get(entity_type, 'item')} yet.")
        for comment in comments:
            comment_lines(comment)
        if rights.comment:
            _add_form(ctx, key, region_id, entity_type, entity_id)
        shown = [c for c in comments if not c.hidden]
        if rights.answer and [c for c in shown if not c.answered]:
            _answer_form(ctx, key, [c for c in shown if not c.answered])
        if rights.hide and shown:
            _hide_form(ctx, key, shown)


def _add_form(
    ctx: RequestContext, key: str, region_id: int, entity_type: str, entity_id: int
) -> None:
    round_key = f"{key}-round"
    round_ = st.session_state.get(round_key, 0)
    with st.form(f"{key}-add-{round_}"):
        text = st.text_area("Your comment", max_chars=COMMENT_MAX, key=f"{key}-text-{round_}")
        st.caption(WHO_READS)
        submitted = st.form_submit_button("Add comment", icon=":material/add_comment:")
    if submitted:
        _keep_open(key)

        def add() -> int:
            added = forum.add_comment(ctx, region_id, entity_type, entity_id, text)
            next_round(round_key, round_)()
            return added

        run_write(add, success="Thank you. Your comment has been added.", where=key)


def _pick(label: str, comments: Sequence[CommentView], key: str) -> int:
    by_id = {c.id: c for c in comments}
    return st.selectbox(label, list(by_id), format_func=lambda i: by_id[i].choice, key=key)


def _answer_form(ctx: RequestContext, key: str, unanswered: Sequence[CommentView]) -> None:
    with st.form(f"{key}-answer"):
        st.markdown("**Answer a comment**")
        # Keys with the count: once one is answered, the form starts afresh.
        comment_id = _pick("Comment", unanswered, f"{key}-answer-which-{len(unanswered)}")
        answer = st.text_area(
            "Your answer (shown under the comment)",
            max_chars=ANSWER_MAX,
            key=f"{key}-answer-text-{len(unanswered)}",
        )
        submitted = st.form_submit_button("Save answer", icon=":material/reply:")
    if submitted:
        _keep_open(key)
        run_write(
            forum.answer_comment,
            ctx,
            comment_id,
            answer,
            success="Your answer has been saved.",
            where=key,
        )


def _hide_form(ctx: RequestContext, key: str, shown: Sequence[CommentView]) -> None:
    with st.form(f"{key}-hide"):
        st.markdown("**Hide a comment**")
        st.caption(
            "A hidden comment is kept, but nobody sees its words again: everyone sees "
            "that it was hidden, and your reason. Nobody can change what someone wrote."
        )
        comment_id = _pick("Comment", shown, f"{key}-hide-which-{len(shown)}")
        reason = st.text_input(
            "Reason (everyone in the region reads it)",
            max_chars=HIDE_REASON_MAX,
            key=f"{key}-hide-reason-{len(shown)}",
        )
        submitted = st.form_submit_button("Hide comment", icon=":material/visibility_off:")
    if submitted:
        _keep_open(key)
        run_write(
            forum.hide_comment,
            ctx,
            comment_id,
            reason,
            success="The comment is hidden; your reason is shown in its place.",
            where=key,
        )


def item_comments_panel(ctx: RequestContext, comments: PageComments, entity_id: int) -> None:
    """:func:`comments_panel` for one card of a page whose comments were read at once."""
    comments_panel(
        ctx,
        comments.region_id,
        comments.entity_type,
        int(entity_id),
        comments.of(entity_id),
        comments.rights,
    )
