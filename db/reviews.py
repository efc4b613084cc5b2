"""The bi-annual review (SD4) in the database: each region's review of a half-year,
its good practice, the shared good-practice library, and the registered writes that
record a review, add good practice and share it with other regions.

The rules and wording are in ``core.reviews``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import reviews as rules
from core.entities import Entity
from core.permissions import Action
from db import quarterly as dbq
from db.models import BiannualReview, GoodPractice, Region, utcnow
from db.writes import UnitOfWork, WriteRefused, registered_write, snapshot

REVIEW_FIELDS = ("went_well", "not_well", "evaluation")
PRACTICE_FIELDS = ("title", "what_was_done", "shared")

REVIEW_COLUMNS = [
    "id",
    "region_id",
    "half_start",
    "went_well",
    "not_well",
    "evaluation",
    "recorded_by",
    "recorded_at",
    "updated_by",
    "updated_at",
    "version",
]
PRACTICE_COLUMNS = [
    "id",
    "review_id",
    "title",
    "what_was_done",
    "shared",
    "added_by",
    "added_at",
    "version",
]
LIBRARY_COLUMNS = ["id", "title", "what_was_done", "region_id", "region", "half_start", "added_at"]


def today() -> date:
    """Today, by the same clock as the quarterly cycle (tests move it there)."""
    return dbq.today()


# --- reads ------------------------------------------------------------------------------


def reviews(
    session: Session, region_ids: Iterable[int], half_starts: Iterable[date] | None = None
) -> pd.DataFrame:
    """The recorded reviews of some regions (and half-years), one row per region and
    half-year, oldest first."""
    query = select(*(getattr(BiannualReview, c) for c in REVIEW_COLUMNS)).where(
        BiannualReview.region_id.in_(list(region_ids))
    )
    if half_starts is not None:
        query = query.where(BiannualReview.half_start.in_(list(half_starts)))
    rows = session.execute(query.order_by(BiannualReview.region_id, BiannualReview.half_start))
    return pd.DataFrame(rows.all(), columns=REVIEW_COLUMNS)


def good_practice(session: Session, review_ids: Iterable[int]) -> pd.DataFrame:
    """The good practice of some reviews, in the order it was added."""
    rows = session.execute(
        select(*(getattr(GoodPractice, c) for c in PRACTICE_COLUMNS))
        .where(GoodPractice.review_id.in_(list(review_ids)))
        .order_by(GoodPractice.added_at, GoodPractice.id)
    ).all()
    return pd.DataFrame(rows, columns=PRACTICE_COLUMNS)


def shared_good_practice(session: Session) -> pd.DataFrame:
    """Every good-practice item shared with other regions, with the region and
    half-year it came from: newest half-year first, then by region and title."""
    rows = session.execute(
        select(
            GoodPractice.id,
            GoodPractice.title,
            GoodPractice.what_was_done,
            BiannualReview.region_id,
            Region.name,
            BiannualReview.half_start,
            GoodPractice.added_at,
        )
        .join(BiannualReview, BiannualReview.id == GoodPractice.review_id)
        .join(Region, Region.id == BiannualReview.region_id)
        .where(GoodPractice.shared.is_(True))
        .order_by(
            BiannualReview.half_start.desc(), Region.name, GoodPractice.title, GoodPractice.id
        )
    ).all()
    return pd.DataFrame(rows, columns=LIBRARY_COLUMNS)


# --- writes -----------------------------------------------------------------------------


def _refused(exc: rules.ReviewRefused) -> WriteRefused:
    return WriteRefused(str(exc))


def _review_row(session: Session, region_id: int, half_start: date) -> BiannualReview | None:
    return session.scalar(
        select(BiannualReview).where(
            BiannualReview.region_id == region_id, BiannualReview.half_start == half_start
        )
    )


def _audit_review(
    uow: UnitOfWork, review: BiannualReview, action: str, before: dict[str, Any] | None
) -> None:
    uow.audit(
        Entity.BIANNUAL_REVIEW,
        review.id,
        action,
        before=before,
        after=snapshot(review, REVIEW_FIELDS)
        | {"half_year": rules.format_half_year(review.half_start)},
        region_id=review.region_id,
    )


def _add_practice(uow: UnitOfWork, review: BiannualReview, draft: rules.GoodPracticeDraft) -> int:
    try:
        title, done = rules.check_good_practice(draft.title, draft.what_was_done)
    except rules.ReviewRefused as exc:
        raise _refused(exc) from exc
    item = GoodPractice(
        review_id=review.id,
        title=title,
        what_was_done=done,
        shared=bool(draft.shared),
        added_by=uow.actor.username,
        added_at=utcnow(),
    )
    uow.session.add(item)
    uow.session.flush()
    uow.audit(
        Entity.GOOD_PRACTICE,
        item.id,
        "create",
        after=snapshot(item, PRACTICE_FIELDS)
        | {"half_year": rules.format_half_year(review.half_start)},
        region_id=review.region_id,
    )
    return item.id


@registered_write(Action.RECORD_REVIEW, entity=Entity.BIANNUAL_REVIEW)
def record_review(
    uow: UnitOfWork,
    region_id: int,
    half_start: date,
    went_well: str,
    not_well: str,
    evaluation: str = "",
    good_practice: Iterable[rules.GoodPracticeDraft] = (),
    *,
    expected_version: int | None = None,
    on: date | None = None,
) -> int:
    """Record (or, given the version the page showed, change) a region's review of a
    half-year that has ended, with any good practice found. The review's id."""
    uow.require(Action.RECORD_REVIEW, region_id)
    half = rules.half_year_of(half_start)
    if not rules.has_ended(half.start, on or today()):
        raise WriteRefused(
            f"{half.label} has not ended yet: its review can be recorded from "
            f"{rules.long_date(half.end)}."
        )
    try:
        texts = rules.check_review(went_well, not_well, evaluation)
    except rules.ReviewRefused as exc:
        raise _refused(exc) from exc
    drafts = [d for d in good_practice if not d.is_blank]
    session = uow.session
    review = _review_row(session, region_id, half.start)
    if review is not None and expected_version is None:
        raise WriteRefused(
            f"The review of {half.label} was recorded meanwhile (by {review.recorded_by}). "
            "Nothing was saved: reload the page to see it."
        )
    if review is not None:
        uow.expect_version(
            review,
            int(expected_version or 0),
            "Someone else changed this review while you were editing it. Nothing was saved: "
            "reload the page to see their change.",
        )
    before = snapshot(review, REVIEW_FIELDS) if review else None
    if review is None:
        review = BiannualReview(
            region_id=region_id,
            half_start=half.start,
            recorded_by=uow.actor.username,
            recorded_at=utcnow(),
        )
        session.add(review)
    review.went_well, review.not_well, review.evaluation = texts
    if before is not None:
        if snapshot(review, REVIEW_FIELDS) == before and not drafts:
            raise WriteRefused("Nothing was changed, so nothing was saved.")
        review.version += 1
        review.updated_by = uow.actor.username
        review.updated_at = utcnow()
    session.flush()
    _audit_review(uow, review, "update" if before else "create", before)
    for draft in drafts:
        _add_practice(uow, review, draft)
    return review.id


@registered_write(Action.RECORD_REVIEW, entity=Entity.GOOD_PRACTICE)
def add_good_practice(
    uow: UnitOfWork, review_id: int, title: str, what_was_done: str, shared: bool = False
) -> int:
    """Add a good-practice item to a recorded review; its id."""
    review = uow.session.get(BiannualReview, review_id)
    if review is None:
        raise WriteRefused("That review no longer exists. Reload the page.")
    uow.require(Action.RECORD_REVIEW, review.region_id)
    return _add_practice(uow, review, rules.GoodPracticeDraft(title, what_was_done, shared))


@registered_write(Action.RECORD_REVIEW, entity=Entity.GOOD_PRACTICE)
def share_good_practice(
    uow: UnitOfWork, item_id: int, shared: bool, *, expected_version: int | None = None
) -> None:
    """Share a good-practice item with other regions (it appears in the library), or
    keep it in the region again."""
    item = uow.session.get(GoodPractice, item_id)
    if item is None:
        raise WriteRefused("That good practice no longer exists. Reload the page.")
    review = uow.session.get(BiannualReview, item.review_id)
    assert review is not None
    uow.require(Action.RECORD_REVIEW, review.region_id)
    if expected_version is not None:
        uow.expect_version(
            item,
            expected_version,
            "Someone else changed this good practice meanwhile. Nothing was saved: reload "
            "the page to see it.",
        )
    if bool(item.shared) == bool(shared):
        raise WriteRefused(f"It is already {rules.share_words(shared).lower()}.")
    before = snapshot(item, PRACTICE_FIELDS)
    item.shared = bool(shared)
    item.version += 1
    uow.audit(
        Entity.GOOD_PRACTICE,
        item.id,
        "share" if shared else "unshare",
        before=before,
        after=snapshot(item, PRACTICE_FIELDS)
        | {"half_year": rules.format_half_year(review.half_start)},
        region_id=review.region_id,
    )
