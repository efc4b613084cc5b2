"""The forum's writes (db/forum.py) for the role-by-region test (test_write_matrix.py):
each case makes its own comment or agenda item, so every allowed call changes the
database."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from core.entities import Entity
from core.permissions import Action
from db import forum  # noqa: F401 - registers the writes these cases run
from db import models as m
from tests.db.test_write_matrix import Call, World, london_action, london_meeting


def new_comment(w: World) -> int:
    """A London comment nobody has answered or hidden (test set-up, not a write)."""
    with Session(w.engine) as session, session.begin():
        comment = m.Comment(
            region_id=w.london,
            entity_type=Entity.PLAN_ACTION.value,
            entity_id=london_action(w).id,
            text=f"Comment {w.n()}",
            author_name="Someone",
            answer="",
            answered_by="",
            hidden_by="",
            hidden_reason="",
            version=1,
        )
        session.add(comment)
        session.flush()
        return comment.id


def new_item(w: World) -> int:
    """A London agenda item waiting for the next meeting (test set-up, not a write)."""
    with Session(w.engine) as session, session.begin():
        item = m.AgendaItem(
            region_id=w.london,
            title=f"Item {w.n()}",
            detail="",
            proposed_by="Someone",
            answer="",
            answered_by="",
            version=1,
        )
        session.add(item)
        session.flush()
        return item.id


CASES: dict[str, Callable[[World], Call]] = {
    "add_comment": lambda w: Call(
        (w.london, Entity.PLAN_ACTION, london_action(w).id, f"Comment {w.n()}"),
        {},
        w.london,
        Action.COMMENT,
    ),
    "hide_comment": lambda w: Call(
        (new_comment(w), f"Reason {w.n()}"), {}, w.london, Action.HIDE_COMMENT
    ),
    "answer_comment": lambda w: Call(
        (new_comment(w), f"Answer {w.n()}"), {}, w.london, Action.ANSWER_FORUM
    ),
    "propose_agenda_item": lambda w: Call(
        (w.london, f"Item {w.n()}", "Some detail"), {}, w.london, Action.PROPOSE_AGENDA
    ),
    "answer_agenda_item": lambda w: Call(
        (new_item(w), f"Answer {w.n()}"),
        {"meeting_id": london_meeting(w).id},
        w.london,
        Action.ANSWER_FORUM,
    ),
}
