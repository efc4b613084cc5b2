"""The Regional Forum's voice: comments on a region's actions, metrics and projects, items
proposed for the next forum meeting, and the decisions a metric can be linked to.

Reads return ``core.forum`` views: a hidden comment's words never leave this module (its
view carries the notice with the regional lead's reason). The writes are registered
(``db.writes``): each checks the permission in the item's region, validates, records its
audit event and commits in one transaction. There is no write that changes what someone
wrote: a comment or an agenda item is answered (once) or, for a comment, hidden with a
reason; never edited.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import forum as rules
from core.entities import Entity
from core.permissions import Action
from db.models import (
    AgendaItem,
    Comment,
    CommunityProject,
    ForumMeeting,
    MeetingDecision,
    Metric,
    PlanAction,
    Region,
    User,
    utcnow,
)
from db.writes import UnitOfWork, WriteRefused, registered_write

COMMENT_AUDIT = ("entity_type", "entity_id", "text")

# --- reads ------------------------------------------------------------------------------


def _comment_views(rows: Sequence[Comment]) -> list[rules.CommentView]:
    return [
        rules.comment_view(
            comment_id=row.id,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            author=row.author_name,
            written_at=row.created_at,
            text=row.text,
            hidden_at=row.hidden_at,
            hidden_reason=row.hidden_reason,
            answer=row.answer,
            answered_by=row.answered_by,
            answered_at=row.answered_at,
            version=row.version,
        )
        for row in rows
    ]


def comments(
    session: Session,
    region_id: int,
    entity_type: str,
    entity_ids: Sequence[int] | None = None,
) -> dict[int, list[rules.CommentView]]:
    """The comments made in a region on items of one kind (all of them, or those of
    ``entity_ids``), by item, oldest first: one query for a whole page of cards."""
    query = select(Comment).where(
        Comment.region_id == region_id, Comment.entity_type == str(entity_type)
    )
    if entity_ids is not None:
        ids = sorted({int(i) for i in entity_ids})
        if not ids:
            return {}
        query = query.where(Comment.entity_id.in_(ids))
    rows = session.scalars(query.order_by(Comment.created_at, Comment.id)).all()
    found: dict[int, list[rules.CommentView]] = {}
    for view in _comment_views(rows):
        found.setdefault(view.entity_id, []).append(view)
    return found


def item_comments(
    session: Session, region_id: int, entity_type: str, entity_id: int
) -> list[rules.CommentView]:
    """The comments made in a region on one item, oldest first."""
    return comments(session, region_id, entity_type, [entity_id]).get(int(entity_id), [])


def _agenda_views(session: Session, rows: Sequence[AgendaItem]) -> list[rules.AgendaItemView]:
    meeting_ids = {r.meeting_id for r in rows if r.meeting_id is not None}
    dates = (
        dict(
            session.execute(
                select(ForumMeeting.id, ForumMeeting.meeting_date).where(
                    ForumMeeting.id.in_(sorted(meeting_ids))
                )
            ).all()
        )
        if meeting_ids
        else {}
    )
    return [
        rules.AgendaItemView(
            id=row.id,
            title=row.title,
            detail=row.detail or "",
            proposed_by=row.proposed_by,
            proposed_at=row.proposed_at,
            meeting_id=row.meeting_id,
            meeting_date=dates.get(row.meeting_id),
            answer=row.answer or "",
            answered_by=row.answered_by or "",
            answered_at=row.answered_at,
            version=row.version,
        )
        for row in rows
    ]


def waiting_agenda_items(session: Session, region_id: int) -> list[rules.AgendaItemView]:
    """Items proposed for the region's next meeting and not yet answered, oldest first."""
    rows = session.scalars(
        select(AgendaItem)
        .where(
            AgendaItem.region_id == region_id,
            AgendaItem.meeting_id.is_(None),
            AgendaItem.answered_at.is_(None),
        )
        .order_by(AgendaItem.proposed_at, AgendaItem.id)
    ).all()
    return _agenda_views(session, rows)


def answered_agenda_items(
    session: Session, region_id: int, limit: int = 10
) -> list[rules.AgendaItemView]:
    """Items the regional lead answered without taking them at a meeting, newest first."""
    rows = session.scalars(
        select(AgendaItem)
        .where(
            AgendaItem.region_id == region_id,
            AgendaItem.meeting_id.is_(None),
            AgendaItem.answered_at.is_not(None),
        )
        .order_by(AgendaItem.answered_at.desc(), AgendaItem.id.desc())
        .limit(limit)
    ).all()
    return _agenda_views(session, rows)


def agenda_items_at_meeting(
    session: Session, region_id: int, meeting_id: int
) -> list[rules.AgendaItemView]:
    """The items of a region taken at one of its meetings, in the order proposed."""
    rows = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.region_id == region_id, AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.proposed_at, AgendaItem.id)
    ).all()
    return _agenda_views(session, rows)


def region_decisions(session: Session, region_id: int) -> list[rules.DecisionChoice]:
    """The decisions of a region's forum meetings, newest meeting first (the metric
    form's picker "Agreed at a Regional Forum meeting")."""
    rows = session.execute(
        select(
            MeetingDecision.id,
            MeetingDecision.meeting_id,
            ForumMeeting.meeting_date,
            MeetingDecision.text,
        )
        .join(ForumMeeting, ForumMeeting.id == MeetingDecision.meeting_id)
        .where(ForumMeeting.region_id == region_id)
        .order_by(ForumMeeting.meeting_date.desc(), MeetingDecision.id.desc())
    ).all()
    return [rules.DecisionChoice(r.id, r.meeting_id, r.meeting_date, r.text) for r in rows]


def decisions_by_id(
    session: Session, decision_ids: Sequence[int]
) -> dict[int, rules.DecisionChoice]:
    """Some decisions with their meeting's date (the metric cards' "Agreed at ...")."""
    ids = sorted({int(i) for i in decision_ids})
    if not ids:
        return {}
    rows = session.execute(
        select(
            MeetingDecision.id,
            MeetingDecision.meeting_id,
            ForumMeeting.meeting_date,
            MeetingDecision.text,
        )
        .join(ForumMeeting, ForumMeeting.id == MeetingDecision.meeting_id)
        .where(MeetingDecision.id.in_(ids))
    ).all()
    return {r.id: rules.DecisionChoice(r.id, r.meeting_id, r.meeting_date, r.text) for r in rows}


def decision_problem(session: Session, decision_id: int | None, region_id: int | None) -> str:
    """Empty when a metric of ``region_id`` (None: national) may be linked to the
    decision ``decision_id`` (None: agreed elsewhere, always allowed)."""
    if decision_id is None:
        return ""
    if region_id is None:
        return (
            "A national core metric is not agreed at one region's forum: record where it "
            "was agreed in the coproduction fields instead."
        )
    meeting_region = session.scalar(
        select(ForumMeeting.region_id)
        .join(MeetingDecision, MeetingDecision.meeting_id == ForumMeeting.id)
        .where(MeetingDecision.id == decision_id)
    )
    if meeting_region is None:
        return "That forum decision no longer exists. Choose another, or none."
    if meeting_region != region_id:
        return "That decision was made at another region's forum. Choose one of this region's."
    return ""


# --- writes -----------------------------------------------------------------------------


def _refuse_if(problems: list[str]) -> None:
    if problems:
        raise WriteRefused(" ".join(problems))


def _display_name(uow: UnitOfWork) -> str:
    """The name people read beside what this person wrote."""
    if uow.actor.user_id is not None:
        name = uow.session.scalar(select(User.display_name).where(User.id == uow.actor.user_id))
        if name:
            return name
    return uow.actor.username


def _item_title(session: Session, region_id: int, entity_type: str, entity_id: int) -> str:
    """The item's code or title, when it may be commented on in ``region_id``: a
    region's own action, metric or project, or a national one shown in every region
    (an organisation-wide action, a national core metric). Refused otherwise."""
    missing = "That item is not part of this region's plan, metrics or projects."
    if entity_type == Entity.PLAN_ACTION:
        action = session.get(PlanAction, entity_id)
        if action is None or not (
            action.region_id == region_id or (action.region_id is None and action.organisation_wide)
        ):
            raise WriteRefused(missing)
        return f"{action.code} {action.title}".strip()
    if entity_type == Entity.METRIC:
        metric = session.get(Metric, entity_id)
        if metric is None or not metric.active:
            raise WriteRefused(missing)
        if not (metric.scope == "national" or metric.region_id == region_id):
            raise WriteRefused(missing)
        return metric.code
    project = session.get(CommunityProject, entity_id)
    if project is None or project.region_id != region_id:
        raise WriteRefused(missing)
    return project.title


def _load_comment(uow: UnitOfWork, comment_id: int, action: Action) -> Comment:
    comment = uow.session.get(Comment, comment_id)
    if comment is None:
        raise WriteRefused("That comment no longer exists.")
    uow.require(action, comment.region_id)
    return comment


@registered_write(Action.COMMENT, entity=Entity.COMMENT)
def add_comment(
    uow: UnitOfWork, region_id: int, entity_type: str, entity_id: int, text: str
) -> int:
    """Comment on an action, metric or project as seen in ``region_id`` (a national one
    shown there included: the comment belongs to that region). Returns its id."""
    uow.require(Action.COMMENT, region_id)
    if uow.session.get(Region, region_id) is None:
        raise WriteRefused("There is no such region.")
    kind = str(entity_type)
    if problem := rules.entity_problem(kind):
        raise WriteRefused(problem)
    title = _item_title(uow.session, region_id, kind, int(entity_id))
    _refuse_if(rules.comment_problems(text))
    comment = Comment(
        region_id=region_id,
        entity_type=kind,
        entity_id=int(entity_id),
        text=text.strip(),
        author_id=uow.actor.user_id,
        author_name=_display_name(uow),
        created_at=utcnow(),
        answer="",
        answered_by="",
        hidden_by="",
        hidden_reason="",
        version=1,
    )
    uow.session.add(comment)
    uow.session.flush()
    uow.audit(
        Entity.COMMENT,
        comment.id,
        "create",
        after={"on": rules.COMMENTABLE[kind], "item": title, **_snapshot(comment)},
        region_id=region_id,
    )
    return comment.id


def _snapshot(comment: Comment) -> dict[str, object]:
    return {name: getattr(comment, name) for name in COMMENT_AUDIT}


@registered_write(Action.HIDE_COMMENT, entity=Entity.COMMENT)
def hide_comment(uow: UnitOfWork, comment_id: int, reason: str) -> None:
    """Hide a comment, with a reason everyone in the region reads in its place. The
    comment is kept (the audit log has it); it is never shown again, and never changed."""
    comment = _load_comment(uow, comment_id, Action.HIDE_COMMENT)
    if comment.hidden_at is not None:
        raise WriteRefused("That comment is already hidden.")
    _refuse_if(rules.hide_reason_problems(reason))
    comment.hidden_at = utcnow()
    comment.hidden_by = _display_name(uow)
    comment.hidden_reason = reason.strip()
    comment.version += 1
    uow.session.flush()
    uow.audit(
        Entity.COMMENT,
        comment.id,
        "hide",
        before={"hidden": False},
        after={"hidden": True, "hidden_reason": comment.hidden_reason},
        reason=comment.hidden_reason,
        region_id=comment.region_id,
    )


@registered_write(Action.ANSWER_FORUM, entity=Entity.COMMENT)
def answer_comment(uow: UnitOfWork, comment_id: int, answer: str) -> None:
    """The regional lead's answer to a comment, shown under it. Given once: an answer is
    someone's words too, so nobody changes it afterwards."""
    comment = _load_comment(uow, comment_id, Action.ANSWER_FORUM)
    if comment.hidden_at is not None:
        raise WriteRefused("That comment is hidden, so it cannot be answered.")
    if comment.answered_at is not None:
        raise WriteRefused("That comment has already been answered.")
    _refuse_if(rules.answer_problems(answer))
    comment.answer = answer.strip()
    comment.answered_by = _display_name(uow)
    comment.answered_at = utcnow()
    comment.version += 1
    uow.session.flush()
    uow.audit(
        Entity.COMMENT,
        comment.id,
        "answer",
        after={"answer": comment.answer, "answered_by": comment.answered_by},
        region_id=comment.region_id,
    )


@registered_write(Action.PROPOSE_AGENDA, entity=Entity.AGENDA_ITEM)
def propose_agenda_item(uow: UnitOfWork, region_id: int, title: str, detail: str = "") -> int:
    """Propose an item for the region's next Regional Forum meeting; returns its id."""
    uow.require(Action.PROPOSE_AGENDA, region_id)
    if uow.session.get(Region, region_id) is None:
        raise WriteRefused("There is no such region.")
    _refuse_if(rules.agenda_problems(title, detail))
    item = AgendaItem(
        region_id=region_id,
        title=title.strip(),
        detail=(detail or "").strip(),
        proposed_by_id=uow.actor.user_id,
        proposed_by=_display_name(uow),
        proposed_at=utcnow(),
        meeting_id=None,
        answer="",
        answered_by="",
        version=1,
    )
    uow.session.add(item)
    uow.session.flush()
    uow.audit(
        Entity.AGENDA_ITEM,
        item.id,
        "create",
        after={"title": item.title, "detail": item.detail},
        region_id=region_id,
    )
    return item.id


@registered_write(Action.ANSWER_FORUM, entity=Entity.AGENDA_ITEM)
def answer_agenda_item(
    uow: UnitOfWork, item_id: int, answer: str, meeting_id: int | None = None
) -> None:
    """The regional lead's answer to a proposed item, and (``meeting_id``) the meeting of
    the region it was taken at. Given once, while the item is waiting."""
    item = uow.session.get(AgendaItem, item_id)
    if item is None:
        raise WriteRefused("That agenda item no longer exists.")
    uow.require(Action.ANSWER_FORUM, item.region_id)
    if item.answered_at is not None or item.meeting_id is not None:
        raise WriteRefused("That item has already been answered.")
    _refuse_if(rules.answer_problems(answer))
    meeting_date = None
    if meeting_id is not None:
        meeting = uow.session.get(ForumMeeting, meeting_id)
        if meeting is None or meeting.region_id != item.region_id:
            raise WriteRefused("Choose one of this region's forum meetings, or none.")
        meeting_date = meeting.meeting_date
    item.answer = answer.strip()
    item.answered_by = _display_name(uow)
    item.answered_at = utcnow()
    item.meeting_id = meeting_id
    item.version += 1
    uow.session.flush()
    uow.audit(
        Entity.AGENDA_ITEM,
        item.id,
        "answer",
        after={"answer": item.answer, "meeting_id": meeting_id, "meeting_date": meeting_date},
        region_id=item.region_id,
    )
