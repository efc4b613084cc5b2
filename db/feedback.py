"""Feedback ("You said, we did"): reads and the writes that add and answer feedback.

Forum members and regional leads add feedback for their own region
(``Action.ADD_FEEDBACK``); regional leads respond (``Action.RESPOND_FEEDBACK``). Every
write checks permission with the item's region, bumps ``version`` (optimistic
concurrency) and records an audit event for entity ``feedback_item``.

The invariant kept here: ``responded_on`` is set exactly when the status is answered
(responded or closed), so the time to respond is always measured the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.entities import Entity
from core.feedback_rules import (
    ANSWERED_STATUSES,
    FeedbackFigures,
    feedback_figures,
    response_problems,
    source_problem,
    summary_problems,
)
from core.metric_words import none_if_blank
from core.permissions import Action
from core.statuses import FEEDBACK_STATUSES
from db.cache import cached_by_region
from db.models import FeedbackItem, PlanAction, Region, Theme
from db.writes import UnitOfWork, WriteRefused, registered_write, snapshot

ENTITY = Entity.FEEDBACK_ITEM
FEEDBACK_FIELDS = (
    "region_id",
    "source",
    "received_on",
    "theme_id",
    "summary",
    "response",
    "action_taken",
    "status",
    "responded_on",
    "action_id",
)
ITEM_COLUMNS = [
    "id",
    "region_id",
    "source",
    "received_on",
    "theme_id",
    "theme_name",
    "summary",
    "response",
    "action_taken",
    "status",
    "responded_on",
    "action_id",
    "action_code",
    "action_title",
    "version",
]
STALE_MESSAGE = (
    "Someone else changed this feedback item since you opened it. The page now shows "
    "their changes: please check them and save again."
)


# --- reads ------------------------------------------------------------------------


def feedback_items(
    session: Session,
    region_id: int,
    *,
    statuses: Sequence[str] | None = None,
    theme_ids: Sequence[int] | None = None,
    sources: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A region's feedback, newest first, with its theme and linked action; filters
    left as None do not filter."""
    query = (
        select(
            FeedbackItem.id,
            FeedbackItem.region_id,
            FeedbackItem.source,
            FeedbackItem.received_on,
            FeedbackItem.theme_id,
            Theme.name,
            FeedbackItem.summary,
            FeedbackItem.response,
            FeedbackItem.action_taken,
            FeedbackItem.status,
            FeedbackItem.responded_on,
            FeedbackItem.action_id,
            PlanAction.code,
            PlanAction.title,
            FeedbackItem.version,
        )
        .outerjoin(Theme, Theme.id == FeedbackItem.theme_id)
        .outerjoin(PlanAction, PlanAction.id == FeedbackItem.action_id)
        .where(FeedbackItem.region_id == region_id)
    )
    if statuses is not None:
        query = query.where(FeedbackItem.status.in_(list(statuses)))
    if theme_ids is not None:
        query = query.where(FeedbackItem.theme_id.in_(list(theme_ids)))
    if sources is not None:
        query = query.where(FeedbackItem.source.in_(list(sources)))
    rows = session.execute(
        query.order_by(FeedbackItem.received_on.desc(), FeedbackItem.id.desc())
    ).all()
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def feedback_timings(
    session: Session,
    region_ids: Sequence[int],
    *,
    received_from: date | None = None,
    received_before: date | None = None,
) -> pd.DataFrame:
    """Only what the figures need (region, status, received and responded dates) for
    the regions given, and received in the dates given: the input of
    ``core.feedback_rules.feedback_figures``."""
    query = select(
        FeedbackItem.region_id,
        FeedbackItem.status,
        FeedbackItem.received_on,
        FeedbackItem.responded_on,
    ).where(FeedbackItem.region_id.in_(list(region_ids)))
    if received_from is not None:
        query = query.where(FeedbackItem.received_on >= received_from)
    if received_before is not None:
        query = query.where(FeedbackItem.received_on < received_before)
    rows = session.execute(query).all()
    return pd.DataFrame(rows, columns=["region_id", "status", "received_on", "responded_on"])


FIGURE_FIELDS = [f.name for f in fields(FeedbackFigures)]


def feedback_figures_by_region(
    session: Session, region_ids: Sequence[int], today: date
) -> dict[int, FeedbackFigures]:
    """Each region's headline figures (``core.feedback_rules.feedback_figures``) on
    ``today``, in the order of ``region_ids``. Kept per region (see
    ``db.cache.cached_by_region``), so the national summary is quick after a write."""
    frame = _figures_by_region(session, region_ids, today)
    return {
        int(row.pop("region_id")): FeedbackFigures(**{k: none_if_blank(v) for k, v in row.items()})
        for row in frame.to_dict("records")
    }


@cached_by_region(Entity.FEEDBACK_ITEM)
def _figures_by_region(session: Session, region_ids: Sequence[int], today: date) -> pd.DataFrame:
    timings = feedback_timings(session, region_ids)
    by_region = {int(r): part for r, part in timings.groupby("region_id")}
    empty = timings.iloc[0:0]
    rows = [
        {"region_id": r}
        | asdict(feedback_figures(by_region.get(int(r), empty).to_dict("records"), today))
        for r in region_ids
    ]
    return pd.DataFrame(rows, columns=["region_id", *FIGURE_FIELDS])


def linkable_actions(session: Session, region_id: int) -> pd.DataFrame:
    """The region's own plan actions (id, code, title), which feedback may lead to."""
    rows = session.execute(
        select(PlanAction.id, PlanAction.code, PlanAction.title)
        .where(PlanAction.region_id == region_id)
        .order_by(PlanAction.code, PlanAction.title)
    ).all()
    return pd.DataFrame(rows, columns=["id", "code", "title"])


# --- writes -----------------------------------------------------------------------


def _load(uow: UnitOfWork, feedback_id: int, expected_version: int) -> FeedbackItem:
    """The item, after the permission check (with its region), to be saved only if it is
    still at ``expected_version`` (checked as it is written)."""
    item = uow.session.get(FeedbackItem, feedback_id)
    if item is None:
        raise WriteRefused("This feedback item no longer exists. Please reload the page.")
    uow.require(Action.RESPOND_FEEDBACK, item.region_id)
    uow.expect_version(item, expected_version, STALE_MESSAGE)
    return item


def _refuse_if(problems: list[str]) -> None:
    if problems:
        raise WriteRefused(" ".join(problems))


def _check_action(uow: UnitOfWork, action_id: int | None, region_id: int) -> None:
    if action_id is None:
        return
    action = uow.session.get(PlanAction, action_id)
    if action is None or action.region_id != region_id:
        raise WriteRefused(
            "Feedback can only be linked to one of this region's own plan actions. "
            "Please pick one from the list."
        )


def _set_status(item: FeedbackItem, status: str, responded_on: date | None) -> None:
    """Change the status, keeping ``responded_on`` set exactly when answered. The first
    response date is kept when an answered item is edited again."""
    if status in ANSWERED_STATUSES:
        when = item.responded_on or responded_on or date.today()
        if when < item.received_on:
            raise WriteRefused(
                "The response date cannot be before the feedback was received "
                f"({item.received_on:%d %B %Y})."
            )
        item.responded_on = when
    else:
        item.responded_on = None
    item.status = status


@registered_write(Action.ADD_FEEDBACK, entity=ENTITY)
def add_feedback(
    uow: UnitOfWork,
    region_id: int,
    source: str,
    received_on: date,
    summary: str,
    theme_id: int | None = None,
) -> int:
    """Add a piece of feedback (status Received) and return its id."""
    uow.require(Action.ADD_FEEDBACK, region_id)
    if uow.session.get(Region, region_id) is None:
        raise WriteRefused("There is no such region.")
    problems = summary_problems(summary)
    if problem := source_problem(source):
        problems.insert(0, problem)
    if received_on > date.today():
        problems.append("The date received cannot be in the future.")
    if theme_id is not None and uow.session.get(Theme, theme_id) is None:
        problems.append("There is no such theme. Please pick one from the list.")
    _refuse_if(problems)
    item = FeedbackItem(
        region_id=region_id,
        source=source,
        received_on=received_on,
        theme_id=theme_id,
        summary=summary.strip(),
        response="",
        action_taken="",
        status="received",
        responded_on=None,
        action_id=None,
        created_by_id=uow.actor.user_id,
        version=1,
    )
    uow.session.add(item)
    uow.session.flush()
    uow.audit(ENTITY, item.id, "create", after=snapshot(item, FEEDBACK_FIELDS), region_id=region_id)
    return item.id


@registered_write(Action.RESPOND_FEEDBACK, entity=ENTITY)
def respond_to_feedback(
    uow: UnitOfWork,
    feedback_id: int,
    expected_version: int,
    response: str,
    action_taken: str = "",
    status: str = "responded",
    action_id: int | None = None,
    responded_on: date | None = None,
) -> int:
    """Record what we did: the response, the action taken, the status and the plan
    action it led to. Answering (responded or closed) sets the response date (today
    unless given). Returns the new version."""
    item = _load(uow, feedback_id, expected_version)
    _refuse_if(response_problems(response, action_taken, status))
    _check_action(uow, action_id, item.region_id)
    if responded_on is not None and responded_on > date.today():
        raise WriteRefused("The response date cannot be in the future.")
    before = snapshot(item, FEEDBACK_FIELDS)
    item.response = response.strip()
    item.action_taken = action_taken.strip()
    item.action_id = action_id
    _set_status(item, status, responded_on)
    item.version += 1
    uow.session.flush()
    uow.audit(
        ENTITY,
        item.id,
        "respond",
        before=before,
        after=snapshot(item, FEEDBACK_FIELDS),
        region_id=item.region_id,
    )
    return item.version


@registered_write(Action.RESPOND_FEEDBACK, entity=ENTITY)
def update_feedback_status(
    uow: UnitOfWork, feedback_id: int, expected_version: int, status: str, reason: str = ""
) -> int:
    """Change only the status (with an optional reason). Returns the new version."""
    item = _load(uow, feedback_id, expected_version)
    _refuse_if(response_problems(item.response, "", status))
    if status == item.status:
        raise WriteRefused(
            f"This feedback is already '{FEEDBACK_STATUSES[status].label}'. Nothing to change."
        )
    before = snapshot(item, FEEDBACK_FIELDS)
    _set_status(item, status, None)
    item.version += 1
    uow.session.flush()
    uow.audit(
        ENTITY,
        item.id,
        "status_change",
        before=before,
        after=snapshot(item, FEEDBACK_FIELDS),
        reason=reason.strip(),
        region_id=item.region_id,
    )
    return item.version
