"""The bi-annual review's writes for the role-by-region matrix (test_write_matrix.py):
each case records, as an administrator, what its write needs, on an old half-year of
London's of its own, so every allowed call changes something."""

from __future__ import annotations

from datetime import date

import db.reviews as dbr
from core.permissions import Action
from core.reviews import GoodPracticeDraft
from db import models as m
from tests.db.test_write_matrix import Call, World, actor


def _old_half(w: World) -> date:
    """A half-year of its own for each call, long before the demo's reviews."""
    n = w.n()
    return date(1990 + n // 2, 4 if n % 2 else 10, 1)


def _recorded(w: World) -> int:
    return dbr.record_review(
        w.engine,
        actor(w, "admin"),
        w.london,
        _old_half(w),
        "Attendance grew",
        "Figures were late",
    )


def _item(w: World) -> tuple[int, int]:
    item_id = dbr.add_good_practice(
        w.engine, actor(w, "admin"), _recorded(w), "Evening meetings", "Moved to evenings"
    )
    return item_id, w.get(m.GoodPractice, id=item_id).version


CASES = {
    "record_review": lambda w: Call(
        (w.london, _old_half(w), "Attendance grew", "Figures were late", ""),
        {"good_practice": [GoodPracticeDraft("Peer support", "Two peer supporters", True)]},
        w.london,
        Action.RECORD_REVIEW,
    ),
    "add_good_practice": lambda w: Call(
        (_recorded(w), f"Practice {w.n()}", "What was done here", True),
        {},
        w.london,
        Action.RECORD_REVIEW,
    ),
    "share_good_practice": lambda w: (
        lambda item: Call(
            (item[0], True), {"expected_version": item[1]}, w.london, Action.RECORD_REVIEW
        )
    )(_item(w)),
}
