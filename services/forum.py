"""The Regional Forum's voice: comments on a region's actions, metrics and projects, items
proposed for the next meeting, and the forum decisions a local metric can be linked to.

Reads return ``core.forum`` views (a hidden comment only as the notice with its reason);
writes are the registered writes of ``db.forum``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.forum import AgendaItemView, CommentView, DecisionChoice
from core.permissions import Action, can
from db import forum as dbf
from db import meetings as dbmeetings
from services.context import RequestContext, reading


@dataclass(frozen=True)
class CommentRights:
    """What this person may do with the comments of a region."""

    comment: bool
    answer: bool
    hide: bool


def comment_rights(ctx: RequestContext, region_id: int) -> CommentRights:
    return CommentRights(
        comment=can(ctx.actor, Action.COMMENT, region_id),
        answer=can(ctx.actor, Action.ANSWER_FORUM, region_id),
        hide=can(ctx.actor, Action.HIDE_COMMENT, region_id),
    )


def comments_by_item(
    ctx: RequestContext,
    region_id: int,
    entity_type: str,
    entity_ids: Sequence[int] | None = None,
) -> dict[int, list[CommentView]]:
    """The comments made in a region on items of one kind, by item, oldest first (one
    query for a page of cards)."""
    with reading(ctx) as session:
        return dbf.comments(session, region_id, entity_type, entity_ids)


@dataclass(frozen=True)
class PageComments:
    """The comments of a page's items of one kind, read at once, and what this person
    may do with them (each item's panel takes its own from here)."""

    region_id: int
    entity_type: str
    by_item: dict[int, list[CommentView]]
    rights: CommentRights

    def of(self, entity_id: int) -> list[CommentView]:
        return self.by_item.get(int(entity_id), [])


def page_comments(
    ctx: RequestContext,
    region_id: int,
    entity_type: str,
    entity_ids: Sequence[int] | None = None,
) -> PageComments:
    """:func:`comments_by_item` with this person's rights, for a page of cards."""
    return PageComments(
        region_id,
        str(entity_type),
        comments_by_item(ctx, region_id, entity_type, entity_ids),
        comment_rights(ctx, region_id),
    )


def item_comments(
    ctx: RequestContext, region_id: int, entity_type: str, entity_id: int
) -> list[CommentView]:
    """The comments made in a region on one item, oldest first."""
    with reading(ctx) as session:
        return dbf.item_comments(session, region_id, entity_type, entity_id)


def add_comment(
    ctx: RequestContext, region_id: int, entity_type: str, entity_id: int, text: str
) -> int:
    return dbf.add_comment(ctx.engine, ctx.actor, region_id, entity_type, entity_id, text)


def hide_comment(ctx: RequestContext, comment_id: int, reason: str) -> None:
    dbf.hide_comment(ctx.engine, ctx.actor, comment_id, reason)


def answer_comment(ctx: RequestContext, comment_id: int, answer: str) -> None:
    dbf.answer_comment(ctx.engine, ctx.actor, comment_id, answer)


@dataclass(frozen=True)
class AgendaSetting:
    """A region's items waiting for its next meeting, those answered without a meeting,
    and its meetings (newest first: id and date), for the lead's answer."""

    waiting: list[AgendaItemView]
    answered: list[AgendaItemView]
    meetings: list[tuple[int, date]]
    may_propose: bool
    may_answer: bool


def agenda_setting(ctx: RequestContext, region_id: int) -> AgendaSetting:
    may_answer = can(ctx.actor, Action.ANSWER_FORUM, region_id)
    with reading(ctx) as session:
        waiting = dbf.waiting_agenda_items(session, region_id)
        answered = dbf.answered_agenda_items(session, region_id)
        meetings = dbmeetings.region_meetings(session, region_id) if may_answer else None
    listed: list[tuple[int, date]] = []
    if meetings is not None:  # newest first
        listed = [
            (int(i), d) for i, d in zip(meetings["id"], meetings["meeting_date"], strict=True)
        ]
    return AgendaSetting(
        waiting=waiting,
        answered=answered,
        meetings=listed,
        may_propose=can(ctx.actor, Action.PROPOSE_AGENDA, region_id),
        may_answer=may_answer,
    )


def agenda_at_meeting(ctx: RequestContext, region_id: int, meeting_id: int) -> list[AgendaItemView]:
    """The items of a region taken at one of its meetings."""
    with reading(ctx) as session:
        return dbf.agenda_items_at_meeting(session, region_id, meeting_id)


def propose_agenda_item(ctx: RequestContext, region_id: int, title: str, detail: str) -> int:
    return dbf.propose_agenda_item(ctx.engine, ctx.actor, region_id, title, detail)


def answer_agenda_item(
    ctx: RequestContext, item_id: int, answer: str, meeting_id: int | None
) -> None:
    dbf.answer_agenda_item(ctx.engine, ctx.actor, item_id, answer, meeting_id)


# --- the coproduction record -----------------------------------------------------------


def region_decisions(ctx: RequestContext, region_id: int) -> list[DecisionChoice]:
    """The decisions of a region's forum meetings, newest first (the metric form)."""
    with reading(ctx) as session:
        return dbf.region_decisions(session, region_id)


def agreements(ctx: RequestContext, decision_ids: Sequence[int]) -> dict[int, DecisionChoice]:
    """The forum decisions some metrics were agreed at, by id (the metric cards)."""
    with reading(ctx) as session:
        return dbf.decisions_by_id(session, decision_ids)
