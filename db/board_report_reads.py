"""The board report's own small reads (issue 14): the governance body it goes to and the
overdue actions of every region, read in bulk. Everything else it shows is read through the
reads the other reports use (``services.board_report``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.statuses import ACTION_STATUSES
from db.models import GovernanceBody, PlanAction
from db.plan import in_regional_plan


def body_name(session: Session, body_id: int) -> str:
    """The governance body's name; ``LookupError`` when there is no such body."""
    name = session.scalar(select(GovernanceBody.name).where(GovernanceBody.id == body_id))
    if name is None:
        raise LookupError("There is no such governance body.")
    return str(name)


OVERDUE_COLUMNS = [
    "id",
    "code",
    "region_id",
    "title",
    "due_date",
    "status",
    "status_label",
    "days_overdue",
]


def overdue_actions(session: Session, region_ids: Sequence[int], on: date) -> pd.DataFrame:
    """Every action overdue on ``on`` in one query, by the rule of
    ``db.plan.region_actions(..., overdue_only=True)`` (due before ``on`` and not
    complete): those in the regions' plans, and the organisation-wide national ones
    (``region_id`` missing). Oldest due first."""
    rows = session.execute(
        select(
            PlanAction.id,
            PlanAction.code,
            PlanAction.region_id,
            PlanAction.title,
            PlanAction.due_date,
            PlanAction.status,
        )
        .where(
            PlanAction.due_date.is_not(None),
            PlanAction.due_date < on,
            PlanAction.status != "complete",
            or_(
                and_(PlanAction.region_id.in_(list(region_ids)), in_regional_plan()),
                and_(PlanAction.region_id.is_(None), PlanAction.organisation_wide.is_(True)),
            ),
        )
        .order_by(PlanAction.due_date, PlanAction.id)
    ).all()
    records = [
        (
            *row,
            ACTION_STATUSES[row.status].label if row.status in ACTION_STATUSES else row.status,
            (on - row.due_date).days,
        )
        for row in rows
    ]
    frame = pd.DataFrame(records, columns=OVERDUE_COLUMNS)
    frame["region_id"] = frame["region_id"].astype("Int64")
    return frame
