"""Putting mistakes right: the reads and the registered writes of corrections.

Each write checks the permission of whoever makes the thing it corrects (a regional
lead in their own region, a national lead for national items, an administrator; never
a forum member), asks for a reason, removes the row (a metric is retired instead) and
records a :class:`~db.models.Correction` and an audit event, all in one transaction:
a refused write changes nothing. Wording and rules are in ``core.corrections``.

What depends on a corrected row is handled in the same transaction: a project's
partners, themes and comments go with it (each comment's deletion audited, so its
words stay in the log); a progress update that set its action's status gives the
action back its earlier status; a decision that is a metric's coproduction record is
refused until the metric names another (or none).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import corrections as rules
from core.corrections import ACTION_UPDATE, CorrectionView, Kind
from core.entities import Entity
from core.formatting import format_value
from core.periods import format_period
from core.permissions import Action
from core.quarterly import locked_message, long_date
from db.feedback import FEEDBACK_FIELDS
from db.meeting_access import meeting_permission
from db.models import (
    ActionUpdate,
    Comment,
    CommunityProject,
    Correction,
    FeedbackItem,
    ForumMeeting,
    MeetingDecision,
    Metric,
    MetricValue,
    PlanAction,
    Theme,
    User,
    utcnow,
)
from db.quarterly import signed_off_quarters
from db.writes import UnitOfWork, WriteRefused, registered_write, snapshot

GONE = "That {what} is no longer there: someone may have changed or removed it. Reload the page."

# --- reads ------------------------------------------------------------------------------


def corrections(
    session: Session,
    kinds: Sequence[str],
    *,
    region_id: int | None = None,
    parent_ids: Sequence[int] | None = None,
    entity_ids: Sequence[int] | None = None,
) -> list[CorrectionView]:
    """Corrections of some kinds, oldest first: those made in ``region_id`` (national
    ones too when it is given), of the records under ``parent_ids`` (a value's metric,
    an update's action, a decision's meeting) or of the records ``entity_ids``."""
    query = select(Correction).where(Correction.kind.in_([str(k) for k in kinds]))
    if region_id is not None:
        query = query.where((Correction.region_id == region_id) | Correction.region_id.is_(None))
    if parent_ids is not None:
        query = query.where(Correction.parent_id.in_(sorted({int(i) for i in parent_ids})))
    if entity_ids is not None:
        query = query.where(Correction.entity_id.in_(sorted({int(i) for i in entity_ids})))
    rows = session.scalars(query.order_by(Correction.made_at, Correction.id)).all()
    return [
        CorrectionView(
            kind=r.kind,
            entity_id=r.entity_id,
            parent_id=r.parent_id,
            region_id=r.region_id,
            period_start=r.period_start,
            summary=r.summary,
            made_by=r.made_by,
            made_by_role=r.made_by_role,
            made_at=r.made_at,
            reason=r.reason,
        )
        for r in rows
    ]


RETIRED_COLUMNS = ["id", "code", "name", "scope", "theme_name", "retired_at"]


def retired_metrics(session: Session, region_id: int) -> pd.DataFrame:
    """The retired metrics a region's page lists (national ones and its own), by code."""
    rows = session.execute(
        select(Metric.id, Metric.code, Metric.name, Metric.scope, Theme.name, Metric.retired_at)
        .join(Theme, Theme.id == Metric.theme_id)
        .where(
            Metric.active.is_(False),
            (Metric.scope == "national") | (Metric.region_id == region_id),
        )
        .order_by(Metric.code)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=RETIRED_COLUMNS)


# --- writes -----------------------------------------------------------------------------


def _reason(reason: str) -> str:
    problems = rules.reason_problems(reason)
    if problems:
        raise WriteRefused(" ".join(problems))
    return reason.strip()


def _record(
    uow: UnitOfWork,
    kind: Kind,
    entity_type: str,
    entity_id: int,
    reason: str,
    *,
    region_id: int | None,
    summary: str,
    parent: tuple[str, int] | None = None,
    period_start: Any = None,
) -> Correction:
    """The correction record, beside the audit event the write makes."""
    name = None
    if uow.actor.user_id is not None:
        name = uow.session.scalar(select(User.display_name).where(User.id == uow.actor.user_id))
    correction = Correction(
        kind=str(kind),
        entity_type=str(entity_type),
        entity_id=int(entity_id),
        parent_type=str(parent[0]) if parent else None,
        parent_id=int(parent[1]) if parent else None,
        region_id=region_id,
        period_start=period_start,
        summary=summary,
        made_by_id=uow.actor.user_id,
        made_by=name or uow.actor.username,
        made_by_role=str(uow.actor.role),
        made_at=utcnow(),
        reason=reason,
    )
    uow.session.add(correction)
    return correction


@registered_write(Action.EDIT_METRIC_VALUES, entity=Entity.METRIC_VALUE)
def withdraw_value(
    uow: UnitOfWork, value_id: int, reason: str, expected_version: int | None = None
) -> None:
    """Withdraw a metric value entered by mistake: it leaves every figure (the row is
    deleted); the correction and the audit event keep what it was, who, when and why.
    Refused in a signed-off (locked) quarter, and when the value changed since
    ``expected_version`` (the version the page showed)."""
    row = uow.session.get(MetricValue, value_id)
    if row is None:
        raise WriteRefused(GONE.format(what="value"))
    uow.require(Action.EDIT_METRIC_VALUES, row.region_id)
    text = _reason(reason)
    locked = signed_off_quarters(uow.session, [row.region_id])
    if (row.region_id, row.period_start) in locked:
        signed = locked[(row.region_id, row.period_start)]
        raise WriteRefused(locked_message(row.period_start, signed.date() if signed else None))
    if expected_version is not None:
        uow.expect_version(
            row,
            expected_version,
            "Someone else changed this value since you opened it. Nothing was withdrawn: "
            "reload the page to see their change, then try again.",
        )
    metric = uow.session.get(Metric, row.metric_id)
    code = metric.code if metric else f"metric {row.metric_id}"
    unit = metric.unit if metric else None
    before = {
        "metric": code,
        "quarter": format_period(row.period_start),
        **({"group": row.group_name} if row.group_name else {}),
        **snapshot(row, ("value", "numerator", "denominator", "note")),
    }
    summary = rules.value_summary(
        code, row.period_start, format_value(row.value, unit), row.group_name
    )
    _record(
        uow,
        Kind.VALUE_WITHDRAWN,
        Entity.METRIC_VALUE,
        row.id,
        text,
        region_id=row.region_id,
        summary=summary,
        parent=(Entity.METRIC, row.metric_id),
        period_start=row.period_start,
    )
    uow.audit(
        Entity.METRIC_VALUE, row.id, "withdraw", before=before, reason=text, region_id=row.region_id
    )
    uow.session.delete(row)
    uow.session.flush()


@registered_write(Action.DEFINE_LOCAL_METRIC, Action.DEFINE_NATIONAL_METRIC, entity=Entity.METRIC)
def retire_metric(uow: UnitOfWork, metric_id: int, expected_version: int, reason: str) -> None:
    """Retire a metric: it is no longer asked for (not in the grid, the quarterly
    submission or new periods) but its values and history stay, labelled retired."""
    metric = uow.session.get(Metric, metric_id)
    if metric is None:
        raise WriteRefused(GONE.format(what="metric"))
    if metric.scope == "national":
        uow.require(Action.DEFINE_NATIONAL_METRIC)
    else:
        uow.require(Action.DEFINE_LOCAL_METRIC, metric.region_id)
    text = _reason(reason)
    if not metric.active:
        raise WriteRefused(f"{metric.code} is already retired.")
    uow.expect_version(
        metric,
        expected_version,
        f"Someone else changed {metric.code} since you opened it. Nothing was retired: "
        "open it again to see their changes, then try again.",
    )
    now = utcnow()
    metric.active = False
    metric.retired_at = now
    metric.version += 1
    _record(
        uow,
        Kind.METRIC_RETIRED,
        Entity.METRIC,
        metric.id,
        text,
        region_id=metric.region_id,
        summary=f"{metric.code} {metric.name}",
    )
    uow.session.flush()
    uow.audit(
        Entity.METRIC,
        metric.id,
        "retire",
        before={"active": True},
        after={"active": False, "retired_at": now},
        reason=text,
        region_id=metric.region_id,
    )


@registered_write(Action.EDIT_PROJECTS, entity=Entity.COMMUNITY_PROJECT)
def delete_project(
    uow: UnitOfWork, project_id: int, reason: str, expected_version: int | None = None
) -> None:
    """Delete a community project entered by mistake, with its partners, themes and the
    comments on it (each comment's deletion audited, so its words stay in the log)."""
    project = uow.session.get(CommunityProject, project_id)
    if project is None:
        raise WriteRefused(GONE.format(what="project"))
    uow.require(Action.EDIT_PROJECTS, project.region_id)
    text = _reason(reason)
    if expected_version is not None:
        uow.expect_version(
            project,
            expected_version,
            "Someone else changed this project since you opened it. Nothing was deleted: "
            "reload the page to see their change, then try again.",
        )
    region_id = project.region_id
    comments = uow.session.scalars(
        select(Comment).where(
            Comment.entity_type == Entity.COMMUNITY_PROJECT.value,
            Comment.entity_id == project.id,
        )
    ).all()
    for comment in comments:
        uow.audit(
            Entity.COMMENT,
            comment.id,
            "delete",
            before={"text": comment.text, "author": comment.author_name},
            reason=f"Deleted with its project: {text}",
            region_id=comment.region_id,
        )
        uow.session.delete(comment)
    before = snapshot(project, ("title", "place", "status", "start_date", "people_reached"))
    _record(
        uow,
        Kind.PROJECT_DELETED,
        Entity.COMMUNITY_PROJECT,
        project.id,
        text,
        region_id=region_id,
        summary=rules.short(project.title),
    )
    uow.audit(
        Entity.COMMUNITY_PROJECT,
        project.id,
        "delete",
        before=before,
        reason=text,
        region_id=region_id,
    )
    uow.session.delete(project)
    uow.session.flush()


@registered_write(Action.RESPOND_FEEDBACK, entity=Entity.FEEDBACK_ITEM)
def delete_feedback(
    uow: UnitOfWork, feedback_id: int, reason: str, expected_version: int | None = None
) -> None:
    """Delete a feedback item entered by mistake (the regional lead, who answers the
    region's feedback; forum members add feedback but do not delete it)."""
    item = uow.session.get(FeedbackItem, feedback_id)
    if item is None:
        raise WriteRefused(GONE.format(what="feedback"))
    uow.require(Action.RESPOND_FEEDBACK, item.region_id)
    text = _reason(reason)
    if expected_version is not None:
        uow.expect_version(
            item,
            expected_version,
            "Someone else changed this feedback since you opened it. Nothing was deleted: "
            "reload the page to see their change, then try again.",
        )
    _record(
        uow,
        Kind.FEEDBACK_DELETED,
        Entity.FEEDBACK_ITEM,
        item.id,
        text,
        region_id=item.region_id,
        summary=f"received {long_date(item.received_on)} ({item.source}): "
        + rules.short(item.summary),
    )
    uow.audit(
        Entity.FEEDBACK_ITEM,
        item.id,
        "delete",
        before=snapshot(item, FEEDBACK_FIELDS),
        reason=text,
        region_id=item.region_id,
    )
    uow.session.delete(item)
    uow.session.flush()


@registered_write(Action.EDIT_PLAN, Action.EDIT_NATIONAL_TEMPLATES, entity=Entity.PLAN_ACTION)
def delete_progress_update(uow: UnitOfWork, update_id: int, reason: str) -> None:
    """Delete a progress update posted by mistake. When it set the action's status and
    no later update has changed it since, the action goes back to its earlier status."""
    update = uow.session.get(ActionUpdate, update_id)
    if update is None:
        raise WriteRefused(GONE.format(what="progress update"))
    action = uow.session.get(PlanAction, update.action_id)
    if action.region_id is None:
        uow.require(Action.EDIT_NATIONAL_TEMPLATES)
    else:
        uow.require(Action.EDIT_PLAN, action.region_id)
    text = _reason(reason)
    later_change = uow.session.scalar(
        select(ActionUpdate.id).where(
            ActionUpdate.action_id == action.id,
            ActionUpdate.id != update.id,
            ActionUpdate.status_to.is_not(None),
            (ActionUpdate.update_date > update.update_date)
            | ((ActionUpdate.update_date == update.update_date) & (ActionUpdate.id > update.id)),
        )
    )
    status_back = (
        update.status_to is not None
        and update.status_from is not None
        and action.status == update.status_to
        and later_change is None
    )
    before: dict[str, Any] = {
        "update_date": update.update_date,
        "note": update.note,
        **({"status": action.status} if status_back else {}),
    }
    if status_back:
        action.status = update.status_from
        action.version += 1
    action.updated_at = utcnow()
    _record(
        uow,
        Kind.UPDATE_DELETED,
        ACTION_UPDATE,
        update.id,
        text,
        region_id=action.region_id,
        summary=f"of {long_date(update.update_date)} on {action.code or action.title}: "
        + rules.short(update.note),
        parent=(Entity.PLAN_ACTION, action.id),
    )
    uow.audit(
        Entity.PLAN_ACTION,
        action.id,
        "delete_progress_update",
        before=before,
        after={"status": action.status} if status_back else None,
        reason=text,
        region_id=action.region_id,
    )
    uow.session.delete(update)
    uow.session.flush()


@registered_write(Action.MANAGE_MEETINGS, Action.MANAGE_BODIES, entity=Entity.MEETING_DECISION)
def delete_decision(uow: UnitOfWork, decision_id: int, reason: str) -> None:
    """Delete a meeting decision recorded by mistake. Refused while a metric names it as
    the forum decision that agreed it (its coproduction record). A plan action made from
    the decision stays in the plan (it is a record of its own)."""
    decision = uow.session.get(MeetingDecision, decision_id)
    if decision is None:
        raise WriteRefused(GONE.format(what="decision"))
    meeting = uow.session.get(ForumMeeting, decision.meeting_id)
    uow.require(*meeting_permission(meeting, Action.MANAGE_MEETINGS))
    text = _reason(reason)
    linked = uow.session.scalars(
        select(Metric.code).where(Metric.agreed_decision_id == decision.id).order_by(Metric.code)
    ).all()
    if linked:
        raise WriteRefused(
            f'This decision is the coproduction record of {", ".join(linked)} ("Agreed at a '
            'Regional Forum meeting" on the metric form). Change that first, then delete '
            "the decision. Nothing was deleted."
        )
    _record(
        uow,
        Kind.DECISION_DELETED,
        Entity.MEETING_DECISION,
        decision.id,
        text,
        region_id=meeting.region_id,
        summary=f"of {long_date(meeting.meeting_date)}: " + rules.short(decision.text),
        parent=(Entity.FORUM_MEETING, meeting.id),
    )
    uow.audit(
        Entity.MEETING_DECISION,
        decision.id,
        "delete",
        before={
            "meeting_date": meeting.meeting_date,
            "text": decision.text,
            "action_id": decision.action_id,
        },
        reason=text,
        region_id=meeting.region_id,
    )
    uow.session.delete(decision)
    uow.session.flush()
