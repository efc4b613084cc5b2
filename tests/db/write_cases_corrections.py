"""The corrections' writes (db/corrections.py) for the role-by-region test
(test_write_matrix.py): each case makes its own value, metric, project, feedback item,
progress update or decision to correct, so every allowed call changes the database.
The national paths (retiring a national core metric, deleting a progress update of an
organisation-wide action) are added to that test's MORE_CASES."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from core.permissions import Action
from db import corrections  # noqa: F401 - registers the writes these cases run
from db import models as m
from tests.db.test_write_matrix import (
    MORE_CASES,
    Call,
    World,
    london_action,
    london_meeting,
    national_action,
)

REASON = "Entered by mistake"


def _add(w: World, row: m.Base) -> int:
    """Add a row as test set-up (not a write); its id."""
    with Session(w.engine) as session, session.begin():
        session.add(row)
        session.flush()
        return row.id


def new_value(w: World) -> int:
    """A London value in a quarter that is not signed off."""
    metric = w.get(m.Metric, code="CA01")
    return _add(
        w,
        m.MetricValue(
            metric_id=metric.id,
            region_id=w.london,
            period_start=date(2026, 7, 1),
            value=float(w.n()),
            characteristic="matrix",
            group_name=f"Group {w.n()}",
            note="",
            version=1,
        ),
    )


def new_metric(w: World, region_id: int | None) -> int:
    code = f"LON-X{w.n()}" if region_id else f"NAT-X{w.n()}"
    return _add(
        w,
        m.Metric(
            code=code,
            name=f"Metric {code}",
            theme_id=w.theme,
            unit="count",
            direction="increase",
            scope="local" if region_id else "national",
            region_id=region_id,
            active=True,
            version=1,
        ),
    )


def new_project(w: World) -> int:
    return _add(w, m.CommunityProject(region_id=w.london, title=f"Project {w.n()}", version=1))


def new_feedback(w: World) -> int:
    return _add(
        w,
        m.FeedbackItem(
            region_id=w.london,
            source="Carer",
            received_on=date(2026, 1, 5),
            summary=f"Feedback {w.n()}",
            version=1,
        ),
    )


def new_update(w: World, action_id: int) -> int:
    return _add(
        w, m.ActionUpdate(action_id=action_id, update_date=date(2026, 1, 1), note=f"Note {w.n()}")
    )


def new_decision(w: World) -> int:
    return _add(
        w,
        m.MeetingDecision(meeting_id=london_meeting(w).id, theme_id=w.theme, text=f"D {w.n()}"),
    )


def _metric_version(w: World, metric_id: int) -> int:
    return w.get(m.Metric, id=metric_id).version


def _retire(w: World, region_id: int | None, action: Action) -> Call:
    metric_id = new_metric(w, region_id)
    return Call((metric_id, _metric_version(w, metric_id), REASON), {}, region_id, action)


CASES: dict[str, Callable[[World], Call]] = {
    "withdraw_value": lambda w: Call(
        (new_value(w), REASON), {}, w.london, Action.EDIT_METRIC_VALUES
    ),
    "retire_metric": lambda w: _retire(w, w.london, Action.DEFINE_LOCAL_METRIC),
    "delete_project": lambda w: Call((new_project(w), REASON), {}, w.london, Action.EDIT_PROJECTS),
    "delete_feedback": lambda w: Call(
        (new_feedback(w), REASON), {}, w.london, Action.RESPOND_FEEDBACK
    ),
    "delete_progress_update": lambda w: Call(
        (new_update(w, london_action(w).id), REASON), {}, w.london, Action.EDIT_PLAN
    ),
    "delete_decision": lambda w: Call(
        (new_decision(w), REASON), {}, w.london, Action.MANAGE_MEETINGS
    ),
}

MORE_CASES.setdefault("retire_metric", []).append(
    lambda w: _retire(w, None, Action.DEFINE_NATIONAL_METRIC)
)
MORE_CASES.setdefault("delete_progress_update", []).append(
    lambda w: Call(
        (new_update(w, national_action(w, "LG1").id), REASON),
        {},
        None,
        Action.EDIT_NATIONAL_TEMPLATES,
    )
)
