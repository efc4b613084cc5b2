"""The Regional Forum's voice in the demo (London): comments on an action, a metric and a
project (one answered by the regional lead, one hidden with a reason), two items
proposed for the next meeting (one waiting, one taken at the latest meeting and
answered), and a local metric agreed at a forum meeting (its coproduction record).

Clearly synthetic. Rows are added directly (as the rest of the demo is), each with its
audit event, and follow the same rules as the writes in ``db.forum``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import forum as rules
from core.entities import Entity
from db import forum as _registered  # noqa: F401 - registers the forum's writes
from db import models as m
from db.writes import jsonable

REASON = "Synthetic demo data"


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0))


def audit_event(
    session: Session,
    user: m.User,
    entity: Entity,
    entity_id: int,
    action: str,
    region_id: int | None,
    at: datetime,
    after: dict,
) -> None:
    session.add(
        m.AuditEvent(
            occurred_at=at,
            user_id=user.id,
            username=user.username,
            entity_type=entity.value,
            entity_id=entity_id,
            region_id=region_id,
            action=action,
            after=jsonable(after),
            reason=REASON,
        )
    )


def _comment(
    session: Session,
    author: m.User,
    region_id: int,
    entity: Entity,
    entity_id: int,
    text: str,
    at: datetime,
) -> m.Comment:
    assert not rules.comment_problems(text), text
    comment = m.Comment(
        region_id=region_id,
        entity_type=entity.value,
        entity_id=entity_id,
        text=text,
        author_id=author.id,
        author_name=author.display_name,
        created_at=at,
        answer="",
        answered_by="",
        hidden_by="",
        hidden_reason="",
        version=1,
    )
    session.add(comment)
    session.flush()
    audit_event(
        session,
        author,
        Entity.COMMENT,
        comment.id,
        "create",
        region_id,
        at,
        {"on": rules.COMMENTABLE[entity], "text": text},
    )
    return comment


def add_forum_demo(session: Session, users: Mapping[str, m.User]) -> None:
    """London's comments, agenda items and forum-agreed local metric; ``users`` are the
    demo's accounts by username (``london.lead`` and ``london.forum`` are used)."""
    session.flush()
    lead, member = users["london.lead"], users["london.forum"]
    london = lead.region_id
    meetings = list(
        session.scalars(
            select(m.ForumMeeting)
            .where(m.ForumMeeting.region_id == london)
            .order_by(m.ForumMeeting.meeting_date)
        )
    )
    if not meetings:
        return
    latest, earlier = meetings[-1], meetings[-2] if len(meetings) > 1 else meetings[-1]
    day = latest.meeting_date

    # A local metric agreed at an earlier meeting: the decision, and the metric's link.
    metric = session.scalars(
        select(m.Metric).where(m.Metric.region_id == london).order_by(m.Metric.code)
    ).first()
    if metric is not None:
        decision = m.MeetingDecision(
            meeting_id=earlier.id,
            theme_id=metric.theme_id,
            text=f"The forum agreed the local metric {metric.code} ({metric.name}) and its "
            "target, after discussing how it is counted.",
        )
        session.add(decision)
        session.flush()
        at = _at(earlier.meeting_date, 12)
        audit_event(
            session,
            lead,
            Entity.MEETING_DECISION,
            decision.id,
            "create",
            london,
            at,
            {"meeting_date": earlier.meeting_date, "text": decision.text},
        )
        metric.agreed_decision_id = decision.id
        metric.version += 1
        audit_event(
            session,
            lead,
            Entity.METRIC,
            metric.id,
            "update",
            london,
            at,
            {"agreed_decision_id": decision.id},
        )

    # Comments: one answered, one hidden with a reason, one waiting.
    action = session.scalars(
        select(m.PlanAction).where(m.PlanAction.region_id == london).order_by(m.PlanAction.id)
    ).first()
    project = session.scalars(
        select(m.CommunityProject)
        .where(m.CommunityProject.region_id == london)
        .order_by(m.CommunityProject.id)
    ).first()
    if action is not None:
        answered = _comment(
            session,
            member,
            london,
            Entity.PLAN_ACTION,
            action.id,
            "Could the forum see a draft of this before it goes to the Board? Several of us "
            "would like to comment on the wording.",
            _at(day - timedelta(days=20), 11),
        )
        answered.answer = (
            "Yes: the draft will be in the pack for the next meeting, and comments are "
            "welcome here until then."
        )
        answered.answered_by = lead.display_name
        answered.answered_at = _at(day - timedelta(days=18), 9)
        answered.version += 1
        audit_event(
            session,
            lead,
            Entity.COMMENT,
            answered.id,
            "answer",
            london,
            answered.answered_at,
            {"answer": answered.answer},
        )
        hidden = _comment(
            session,
            member,
            london,
            Entity.PLAN_ACTION,
            action.id,
            "Synthetic comment that named a member of staff (hidden in the demo).",
            _at(day - timedelta(days=15), 14),
        )
        hidden.hidden_at = _at(day - timedelta(days=14), 10)
        hidden.hidden_by = lead.display_name
        hidden.hidden_reason = "It named a member of staff. Please raise concerns without names."
        hidden.version += 1
        audit_event(
            session,
            lead,
            Entity.COMMENT,
            hidden.id,
            "hide",
            london,
            hidden.hidden_at,
            {"hidden": True, "hidden_reason": hidden.hidden_reason},
        )
    if metric is not None:
        _comment(
            session,
            member,
            london,
            Entity.METRIC,
            metric.id,
            "Good to see this one going up. Can we also see it for carers?",
            _at(day - timedelta(days=10), 16),
        )
    if project is not None:
        _comment(
            session,
            lead,
            london,
            Entity.COMMUNITY_PROJECT,
            project.id,
            "Forum members are welcome at the next session: ask me for the details.",
            _at(day - timedelta(days=8), 10),
        )

    # Agenda items: one taken at the latest meeting and answered, one waiting.
    taken = m.AgendaItem(
        region_id=london,
        title="Interpreters at first appointments",
        detail="Members asked how often an interpreter is offered, and how we would know.",
        proposed_by_id=member.id,
        proposed_by=member.display_name,
        proposed_at=_at(day - timedelta(days=30), 13),
        meeting_id=latest.id,
        answer="Discussed at the meeting: the team will bring the figures each quarter.",
        answered_by=lead.display_name,
        answered_at=_at(day, 12),
        version=2,
    )
    waiting = m.AgendaItem(
        region_id=london,
        title="Evening sessions for carers",
        detail="Carers who work in the day cannot come to the forum. Could some meetings be "
        "in the evening?",
        proposed_by_id=member.id,
        proposed_by=member.display_name,
        proposed_at=_at(day + timedelta(days=5), 18),
        meeting_id=None,
        answer="",
        answered_by="",
        version=1,
    )
    for item in (taken, waiting):
        assert not rules.agenda_problems(item.title, item.detail), item.title
        session.add(item)
        session.flush()
        audit_event(
            session,
            member,
            Entity.AGENDA_ITEM,
            item.id,
            "create",
            london,
            item.proposed_at,
            {"title": item.title, "detail": item.detail},
        )
    audit_event(
        session,
        lead,
        Entity.AGENDA_ITEM,
        taken.id,
        "answer",
        london,
        taken.answered_at,
        {"answer": taken.answer, "meeting_date": day},
    )
