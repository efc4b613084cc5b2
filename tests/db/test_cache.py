"""The read cache never shows stale data after a write, across sessions."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.permissions import Actor, PermissionDenied
from db import cache
from db.feedback import add_feedback
from db.models import FeedbackItem, Region, User

calls: list[tuple] = []


@cache.cached_read("feedback_item")
def feedback_count(session: Session, region_ids) -> int:
    calls.append(tuple(region_ids))
    return session.scalar(
        select(func.count(FeedbackItem.id)).where(FeedbackItem.region_id.in_(region_ids))
    )


@pytest.fixture
def people(demo_engine):
    cache.clear()
    calls.clear()
    with Session(demo_engine) as session:
        regions = dict(session.execute(select(Region.code, Region.id)).all())
        users = {
            u.username: Actor(u.id, u.username, u.role, u.region_id)
            for u in session.scalars(select(User))
        }
    return regions, users


def test_a_write_in_one_session_is_seen_by_another(demo_engine, people):
    regions, users = people
    london = regions["london"]
    with Session(demo_engine) as first:
        before = feedback_count(first, [london])
        assert feedback_count(first, [london]) == before
    assert len(calls) == 1, "the second read came from the cache"
    add_feedback(
        demo_engine,
        users["london.forum"],
        london,
        "Carer",
        date(2026, 1, 5),
        "Evening sessions would help carers.",
    )
    with Session(demo_engine) as second:
        assert feedback_count(second, [london]) == before + 1
    assert len(calls) == 2


def test_a_write_elsewhere_keeps_the_cache(demo_engine, people):
    regions, users = people
    with Session(demo_engine) as session:
        feedback_count(session, [regions["london"]])
    add_feedback(
        demo_engine,
        users["northwest.lead"],
        regions["north_west"],
        "Carer",
        date(2026, 1, 5),
        "More drop-in hours, please.",
    )
    with Session(demo_engine) as session:
        feedback_count(session, [regions["london"]])
    assert len(calls) == 1


def test_a_refused_write_changes_nothing_and_invalidates_nothing(demo_engine, people):
    regions, users = people
    london = regions["london"]
    with Session(demo_engine) as session:
        before = feedback_count(session, [london])
    with pytest.raises(PermissionDenied):
        add_feedback(
            demo_engine,
            users["northwest.lead"],
            london,
            "Carer",
            date(2026, 1, 5),
            "Not allowed here.",
        )
    with Session(demo_engine) as session:
        assert feedback_count(session, [london]) == before
    assert len(calls) == 1


def test_the_annual_report_is_rebuilt_after_any_change_in_its_regions(
    demo_engine, people, monkeypatch
):
    """The report reads nearly every kind of record, so it is cached on all of them."""
    from reports import annual_report

    regions, users = people
    london, north_west = regions["london"], regions["north_west"]
    built: list[int | None] = []
    original = annual_report.build_report

    def counting(session, year, region_id=None, **kwargs):
        built.append(region_id)
        return original(session, year, region_id, **kwargs)

    monkeypatch.setattr(annual_report, "build_report", counting)

    def report(region_id):
        scope = None if region_id is None else [region_id]
        with Session(demo_engine) as session:
            return annual_report.cached_report(session, scope, 2025, region_id)

    first = report(london)
    national = report(None)
    assert report(london) is first and report(None) is national
    assert built == [london, None], "repeat reads come from the cache"

    add_feedback(
        demo_engine,
        users["northwest.lead"],
        north_west,
        "Carer",
        date(2026, 1, 5),
        "Evening sessions would help carers.",
    )
    assert report(london) is first, "a change in another region keeps London's report"
    assert report(None) is not national, "the national report is rebuilt"
    add_feedback(
        demo_engine,
        users["london.forum"],
        london,
        "Carer",
        date(2026, 1, 6),
        "Evening sessions would help carers.",
    )
    assert report(london) is not first, "a change in London rebuilds London's report"
    assert built == [london, None, None, london]


region_calls: list[tuple] = []


@cache.cached_by_region("feedback_item")
def feedback_by_region(session: Session, region_ids) -> pd.DataFrame:
    region_calls.append(tuple(region_ids))
    rows = session.execute(
        select(FeedbackItem.region_id, func.count(FeedbackItem.id))
        .where(FeedbackItem.region_id.in_(region_ids))
        .group_by(FeedbackItem.region_id)
    ).all()
    counts = dict(rows)
    return pd.DataFrame(
        {"region_id": list(region_ids), "items": [counts.get(r, 0) for r in region_ids]}
    )


def test_a_write_in_one_region_works_out_only_that_regions_rows_again(demo_engine, people):
    regions, users = people
    region_calls.clear()
    every = sorted(regions.values(), reverse=True)  # any order: the rows follow it
    with Session(demo_engine) as session:
        before = feedback_by_region(session, every)
        assert feedback_by_region(session, every).equals(before)
    assert region_calls == [tuple(every)], "worked out once, in one call"
    assert before["region_id"].tolist() == every
    add_feedback(
        demo_engine,
        users["london.forum"],
        regions["london"],
        "Carer",
        date(2026, 1, 5),
        "Evening sessions would help carers.",
    )
    with Session(demo_engine) as session:
        after = feedback_by_region(session, every)
        # A region on its own, and a list in another order, come from the same rows.
        alone = feedback_by_region(session, [regions["north_west"]])
        shuffled = feedback_by_region(session, sorted(every))
    assert region_calls[1:] == [(regions["london"],)]
    changed = after.set_index("region_id")["items"] - before.set_index("region_id")["items"]
    assert changed.to_dict() == {r: int(r == regions["london"]) for r in every}
    assert alone["items"].tolist() == [
        int(before.set_index("region_id")["items"][alone["region_id"][0]])
    ]
    assert shuffled["region_id"].tolist() == sorted(every)


def test_statuses_by_region_are_the_statuses_worked_out_together(demo_engine, people):
    from db.theme_progress import metric_statuses, theme_statuses

    regions, _ = people
    every = sorted(regions.values())
    with Session(demo_engine) as session:
        for read in (theme_statuses, metric_statuses):
            for until in (None, date(2025, 4, 1)):
                together = read.uncached(session, every, until=until)
                # Warm one region alone first, so the rest are worked out without it.
                read(session, [every[2]], until=until)
                pieced = read(session, every, until=until)
                pd.testing.assert_frame_equal(pieced, together)
