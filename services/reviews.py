"""The bi-annual review (SD4): a region's reviews of its half-years and their good
practice, where every region is (due, overdue, recorded) for national leads, the
good-practice library every region reads, and the writes that record them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from core import reviews as rules
from core.permissions import Action, PermissionDenied, can
from db import queries
from db import reviews as dbr
from services.context import RequestContext, reading

#: The library's columns, as the page shows them.
LIBRARY_COLUMNS = ["Good practice", "Region", "Half-year", "What was done"]


@dataclass(frozen=True)
class GoodPracticeItem:
    id: int
    title: str
    what_was_done: str
    shared: bool
    added_by: str
    version: int

    @property
    def share_words(self) -> str:
        return rules.share_words(self.shared)


@dataclass(frozen=True)
class ReviewState:
    """One region's review of one half-year: its stage and, once recorded, its words
    and good practice."""

    region_id: int
    half_start: date
    stage: rules.Stage
    due: date
    sentence: str
    review: Mapping[str, Any] | None = None
    practice: list[GoodPracticeItem] = field(default_factory=list)

    @property
    def half(self) -> rules.HalfYear:
        return rules.half_year_of(self.half_start)

    @property
    def label(self) -> str:
        return self.half.label

    @property
    def long_label(self) -> str:
        return self.half.long_label

    @property
    def version(self) -> int | None:
        return int(self.review["version"]) if self.review else None

    @property
    def review_id(self) -> int | None:
        return int(self.review["id"]) if self.review else None

    def text(self, key: str) -> str:
        """One of the review's texts (``went_well``, ``not_well``, ``evaluation``)."""
        value = (self.review or {}).get(key)
        return "" if value is None or pd.isna(value) else str(value)

    def history(self) -> list[str]:
        """Who recorded the review and when, and its last change, in plain words."""
        if not self.review:
            return []
        lines = [
            f"Recorded by {self.review['recorded_by']} on "
            f"{rules.long_date(self.review['recorded_at'])}."
        ]
        changed = self.review.get("updated_at")
        if changed is not None and not pd.isna(changed):
            lines.append(
                f"Last changed by {self.review['updated_by']} on {rules.long_date(changed)}."
            )
        return lines


def today() -> date:
    """Today, by the review's clock."""
    return dbr.today()


def may_record(ctx: RequestContext, region_id: int) -> bool:
    return can(ctx.actor, Action.RECORD_REVIEW, region_id)


def sees_every_region(ctx: RequestContext) -> bool:
    return can(ctx.actor, Action.VIEW_ALL_REGIONS)


def _states(
    reviews: pd.DataFrame,
    practice: pd.DataFrame,
    region_ids: Iterable[int],
    half_starts: list[date],
    day: date,
    weeks: int,
) -> dict[tuple[int, date], ReviewState]:
    by_key = {(int(r["region_id"]), r["half_start"]): r for r in reviews.to_dict("records")}
    items: dict[int, list[GoodPracticeItem]] = {}
    for row in practice.itertuples():
        items.setdefault(int(row.review_id), []).append(
            GoodPracticeItem(
                int(row.id),
                row.title,
                row.what_was_done,
                bool(row.shared),
                row.added_by,
                int(row.version),
            )
        )
    out = {}
    for region_id in region_ids:
        for start in half_starts:
            review = by_key.get((region_id, start))
            recorded = review is not None
            out[(region_id, start)] = ReviewState(
                region_id,
                start,
                rules.stage(start, day, recorded, weeks),
                rules.due_date(start, weeks),
                rules.stage_sentence(start, day, recorded, weeks),
                review,
                items.get(int(review["id"]), []) if review else [],
            )
    return out


def region_reviews(
    ctx: RequestContext, region_id: int, day: date | None = None, count: int = 2
) -> list[ReviewState]:
    """The region's current half-year and the ``count`` before it (the half-years of the
    national table), newest first, with
    their reviews and good practice (shared or not: the region reads all of its own)."""
    if not can(ctx.actor, Action.VIEW_REGION, region_id):
        raise PermissionDenied("You do not have permission to see this region's reviews.")
    day = day or today()
    halves = rules.table_half_years(day, count)
    with reading(ctx) as session:
        reviews = dbr.reviews(session, [region_id], halves)
        practice = dbr.good_practice(session, [int(i) for i in reviews["id"]])
    states = _states(reviews, practice, [region_id], halves, day, ctx.settings.figures_due_weeks)
    return sorted(states.values(), key=lambda s: s.half_start, reverse=True)


@dataclass(frozen=True)
class NationalReviews:
    """Where every region's reviews are: the table (region by half-year, symbol and
    words) and a line for each review due or overdue."""

    table: pd.DataFrame
    waiting: list[str]


def national_reviews(
    ctx: RequestContext, day: date | None = None, count: int = 2
) -> NationalReviews:
    """Region by half-year, oldest half-year first: whether each region's review is not
    due yet, due, overdue or recorded; for national leads."""
    if not sees_every_region(ctx):
        raise PermissionDenied("Only national leads see every region's reviews.")
    day = day or today()
    halves = rules.table_half_years(day, count)
    with reading(ctx) as session:
        regions = queries.regions(session)
        ids = [int(i) for i in regions["id"]]
        reviews = dbr.reviews(session, ids, halves)
    states = _states(
        reviews,
        pd.DataFrame(columns=["review_id"]),
        ids,
        halves,
        day,
        ctx.settings.figures_due_weeks,
    )
    rows, waiting = [], []
    for region_id, name in zip(ids, regions["name"], strict=True):
        row = {"Region": name}
        for start in halves:
            state = states[(region_id, start)]
            row[state.label] = rules.stage_text(state.stage)
            if state.stage in (rules.Stage.DUE, rules.Stage.OVERDUE):
                waiting.append(f"{name}: {state.sentence}")
        rows.append(row)
    columns = ["Region", *(rules.format_half_year(h) for h in halves)]
    return NationalReviews(pd.DataFrame(rows, columns=columns), waiting)


def library(ctx: RequestContext, query: str = "") -> pd.DataFrame:
    """Good practice shared by every region (read by everyone signed in), filtered by
    ``query`` (every word in its title, what was done, region or half-year)."""
    with reading(ctx) as session:
        shared = dbr.shared_good_practice(session)
    rows = []
    for item in shared.to_dict("records"):
        half = rules.half_year_of(item["half_start"])
        fields = [item["title"], item["what_was_done"], item["region"], half.label, half.months]
        if rules.matches(query, fields):
            shown = [item["title"], item["region"], half.long_label, item["what_was_done"]]
            rows.append(dict(zip(LIBRARY_COLUMNS, shown, strict=True)))
    return pd.DataFrame(rows, columns=LIBRARY_COLUMNS)


# --- writes ---------------------------------------------------------------------------


def record(
    ctx: RequestContext,
    state: ReviewState,
    texts: Mapping[str, str],
    good_practice: Iterable[rules.GoodPracticeDraft] = (),
) -> int:
    """Record (or change) the review of ``state``'s half-year: ``texts`` holds
    ``went_well``, ``not_well`` and ``evaluation``."""
    return dbr.record_review(
        ctx.engine,
        ctx.actor,
        state.region_id,
        state.half_start,
        texts.get("went_well", ""),
        texts.get("not_well", ""),
        texts.get("evaluation", ""),
        list(good_practice),
        expected_version=state.version,
    )


def add_practice(ctx: RequestContext, review_id: int, draft: rules.GoodPracticeDraft) -> int:
    return dbr.add_good_practice(
        ctx.engine, ctx.actor, review_id, draft.title, draft.what_was_done, draft.shared
    )


def share(ctx: RequestContext, item: GoodPracticeItem, shared: bool) -> None:
    dbr.share_good_practice(ctx.engine, ctx.actor, item.id, shared, expected_version=item.version)
