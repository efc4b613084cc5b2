"""Bi-annual reviews in the demo (SD4): every region's review of H1 2026/27 (April to
September 2026, the last half-year the demo's figures cover), each with one piece of
good practice shared with other regions (London also keeps one in the region), and
H2 2025/26's review for every region but London and North West, whose reviews of that
half-year are left overdue so the national table shows the difference.

Clearly synthetic. Rows are added directly (as the rest of the demo is), each with its
audit event, and follow the same rules as the writes in ``db.reviews``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import reviews as rules
from core.entities import Entity
from db import models as m
from seed.demo_forum import audit_event

LAST_HALF = date(2026, 4, 1)  # H1 2026/27
EARLIER_HALF = date(2025, 10, 1)  # H2 2025/26
LEFT_OVERDUE = frozenset({"london", "north_west"})

WENT_WELL = (
    "Forum attendance grew, with more carers joining the evening meetings.",
    "Two new partnership agreements with ethnically led community groups.",
    "Staff completed the cultural awareness sessions ahead of plan.",
    "Feedback was answered faster, most of it within a month.",
)
NOT_WELL = (
    "Interpreting was still not offered at some first appointments.",
    "Figures for two local metrics arrived late from one service.",
    "Young men remain hard to reach; outreach sessions were poorly attended.",
    "Staff turnover slowed the workforce actions.",
)
EVALUATION = (
    "Independent evaluation by a university partner (synthetic): the forum's "
    "coproduction is genuine but depends on two volunteers; plan for succession."
)
GOOD_PRACTICE = (
    (
        "Evening forum meetings for carers",
        "Moved one forum meeting in three to the evening, with food and travel costs paid.",
    ),
    (
        "Barbershop conversations",
        "Trained barbers to start conversations about mental health and signpost support.",
    ),
    (
        "Community language wellbeing cafe",
        "A monthly cafe run with a community centre, in Bengali and Urdu, with a peer worker.",
    ),
    (
        "Faith leaders' mental health network",
        "Quarterly sessions with mosques, gurdwaras and churches on spotting distress early.",
    ),
    (
        "Plain-English plan updates",
        "A one-page update on the plan after each forum meeting, read aloud at the start.",
    ),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0))


def _review(
    session: Session, region: m.Region, lead: m.User, half_start: date, n: int
) -> m.BiannualReview:
    half = rules.half_year_of(half_start)
    at = _at(rules.due_date(half.start, 3), 11)
    review = m.BiannualReview(
        region_id=region.id,
        half_start=half.start,
        went_well=WENT_WELL[n % len(WENT_WELL)],
        not_well=NOT_WELL[n % len(NOT_WELL)],
        evaluation=EVALUATION if n % 2 == 0 else "",
        recorded_by=lead.username,
        recorded_at=at,
        updated_by="",
    )
    session.add(review)
    session.flush()
    audit_event(
        session,
        lead,
        Entity.BIANNUAL_REVIEW,
        review.id,
        "create",
        region.id,
        at,
        {
            "went_well": review.went_well,
            "not_well": review.not_well,
            "evaluation": review.evaluation,
            "half_year": half.label,
        },
    )
    title, done = GOOD_PRACTICE[n % len(GOOD_PRACTICE)]
    _practice(session, review, lead, title, done, shared=True, at=at)
    return review


def _practice(
    session: Session,
    review: m.BiannualReview,
    lead: m.User,
    title: str,
    done: str,
    *,
    shared: bool,
    at: datetime,
) -> None:
    item = m.GoodPractice(
        review_id=review.id,
        title=title,
        what_was_done=done,
        shared=shared,
        added_by=lead.username,
        added_at=at,
    )
    session.add(item)
    session.flush()
    audit_event(
        session,
        lead,
        Entity.GOOD_PRACTICE,
        item.id,
        "create",
        review.region_id,
        at,
        {
            "title": title,
            "what_was_done": done,
            "shared": shared,
            "half_year": rules.format_half_year(review.half_start),
        },
    )


def add_review_demo(session: Session, users: Mapping[str, m.User]) -> None:
    """Every region's bi-annual reviews, recorded by its lead (the national lead for a
    region without a demo lead)."""
    session.flush()
    regions = list(session.scalars(select(m.Region).order_by(m.Region.id)))
    leads = {u.region_id: u for u in users.values() if u.role == "regional_lead"}
    for n, region in enumerate(regions):
        lead = leads.get(region.id, users["national.lead"])
        if region.code not in LEFT_OVERDUE:
            _review(session, region, lead, EARLIER_HALF, n + 1)
        review = _review(session, region, lead, LAST_HALF, n)
        if region.code == "london":
            _practice(
                session,
                review,
                lead,
                "Peer supporters at the drop-in",
                "Two peer supporters now greet people at the drop-in; still being tried.",
                shared=False,
                at=_at(rules.due_date(LAST_HALF, 4), 15),
            )
