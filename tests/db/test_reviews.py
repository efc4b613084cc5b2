"""The bi-annual review in the database, on both engines: recording a review with its
good practice, what is refused, sharing, the library, and the demo's reviews."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import db.reviews as dbr
from core.errors import StaleWrite, WriteRefused
from core.permissions import Actor, PermissionDenied
from core.reviews import GoodPracticeDraft
from db import models as m

H2_2025 = date(2025, 10, 1)
H1_2026 = date(2026, 4, 1)
AFTER = date(2026, 12, 6)


def _people(engine) -> tuple[dict[str, Actor], dict[str, int]]:
    with Session(engine) as session:
        regions = dict(session.execute(select(m.Region.code, m.Region.id)).all())
        users = {
            u.username: Actor(u.id, u.username, u.role, u.region_id)
            for u in session.scalars(select(m.User))
        }
    return users, regions


def test_the_lead_records_a_review_with_good_practice(demo_engine):
    users, regions = _people(demo_engine)
    london = regions["london"]
    review_id = dbr.record_review(
        demo_engine,
        users["london.lead"],
        london,
        date(2025, 11, 20),  # any day of the half-year names it
        "  More carers came to the forum. ",
        "Interpreting was patchy.",
        "",
        [
            GoodPracticeDraft("Evening meetings", "One meeting in three in the evening", True),
            GoodPracticeDraft("", ""),  # an empty row of the form is left out
            GoodPracticeDraft("Peer greeters", "Peer supporters at the drop-in", False),
        ],
        on=AFTER,
    )
    with Session(demo_engine) as session:
        reviews = dbr.reviews(session, [london], [H2_2025])
        practice = dbr.good_practice(session, [review_id])
        events = session.scalars(
            select(m.AuditEvent.action).where(
                m.AuditEvent.entity_type.in_(["biannual_review", "good_practice"]),
                m.AuditEvent.username == "london.lead",
                m.AuditEvent.reason != "Synthetic demo data",
            )
        ).all()
    row = reviews.iloc[0]
    assert (row["went_well"], row["not_well"], row["evaluation"]) == (
        "More carers came to the forum.",
        "Interpreting was patchy.",
        "",
    )
    assert row["half_start"] == H2_2025 and row["recorded_by"] == "london.lead"
    assert list(practice["title"]) == ["Evening meetings", "Peer greeters"]
    assert list(practice["shared"]) == [True, False]
    assert sorted(events) == ["create", "create", "create"]


def test_a_review_waits_for_its_half_year_to_end(demo_engine):
    users, regions = _people(demo_engine)
    with pytest.raises(WriteRefused, match="H2 2026/27 has not ended yet"):
        dbr.record_review(
            demo_engine,
            users["london.lead"],
            regions["london"],
            date(2026, 10, 1),
            "Went well",
            "Did not",
            on=date(2027, 3, 31),
        )


def test_a_review_needs_its_words_and_good_practice_its_title(demo_engine):
    users, regions = _people(demo_engine)
    lead, london = users["london.lead"], regions["london"]
    with pytest.raises(WriteRefused, match="what went well"):
        dbr.record_review(demo_engine, lead, london, H2_2025, "", "Did not", on=AFTER)
    with pytest.raises(WriteRefused, match="title"):
        dbr.record_review(
            demo_engine,
            lead,
            london,
            H2_2025,
            "Went well",
            "Did not go well",
            good_practice=[GoodPracticeDraft("", "Something was done")],
            on=AFTER,
        )
    with Session(demo_engine) as session:
        assert dbr.reviews(session, [london], [H2_2025]).empty


def test_a_recorded_review_changes_only_from_the_version_shown(demo_engine):
    users, regions = _people(demo_engine)
    lead, london = users["london.lead"], regions["london"]
    with Session(demo_engine) as session:
        version = int(dbr.reviews(session, [london], [H1_2026]).iloc[0]["version"])
    with pytest.raises(WriteRefused, match="recorded meanwhile"):
        dbr.record_review(demo_engine, lead, london, H1_2026, "Went well", "Did not", on=AFTER)
    with pytest.raises(StaleWrite, match="Someone else changed this review"):
        dbr.record_review(
            demo_engine,
            lead,
            london,
            H1_2026,
            "Went well",
            "Did not",
            expected_version=version + 1,
            on=AFTER,
        )
    national = users["national.lead"]
    dbr.record_review(
        demo_engine,
        national,
        london,
        H1_2026,
        "Went well, said the national lead",
        "Did not",
        "Evaluated",
        expected_version=version,
        on=AFTER,
    )
    with Session(demo_engine) as session:
        row = dbr.reviews(session, [london], [H1_2026]).iloc[0]
    assert row["went_well"] == "Went well, said the national lead"
    assert row["updated_by"] == "national.lead" and int(row["version"]) == version + 1
    with pytest.raises(WriteRefused, match="Nothing was changed"):
        dbr.record_review(
            demo_engine,
            national,
            london,
            H1_2026,
            "Went well, said the national lead",
            "Did not",
            "Evaluated",
            expected_version=version + 1,
            on=AFTER,
        )


def test_only_shared_good_practice_is_in_the_library(demo_engine):
    users, regions = _people(demo_engine)
    lead = users["london.lead"]
    with Session(demo_engine) as session:
        review_id = int(dbr.reviews(session, [regions["london"]], [H1_2026]).iloc[0]["id"])
        before = dbr.shared_good_practice(session)
    item_id = dbr.add_good_practice(demo_engine, lead, review_id, "Quiet prayer room", "Opened one")
    with Session(demo_engine) as session:
        assert "Quiet prayer room" not in set(dbr.shared_good_practice(session)["title"])
    dbr.share_good_practice(demo_engine, lead, item_id, True, expected_version=1)
    with pytest.raises(WriteRefused, match="already shared"):
        dbr.share_good_practice(demo_engine, lead, item_id, True)
    with Session(demo_engine) as session:
        after = dbr.shared_good_practice(session)
    assert len(after) == len(before) + 1
    added = after[after["title"] == "Quiet prayer room"].iloc[0]
    assert (added["region"], added["half_start"]) == ("London", H1_2026)
    with pytest.raises(PermissionDenied):
        dbr.share_good_practice(demo_engine, users["northwest.lead"], item_id, False)
    dbr.share_good_practice(demo_engine, lead, item_id, False, expected_version=2)
    with Session(demo_engine) as session:
        assert len(dbr.shared_good_practice(session)) == len(before)


def test_the_demo_has_every_regions_review_of_the_last_half_year(demo_engine):
    with Session(demo_engine) as session:
        regions = dict(session.execute(select(m.Region.id, m.Region.code)).all())
        reviews = dbr.reviews(session, list(regions), [H1_2026])
        shared = dbr.shared_good_practice(session)
        earlier = dbr.reviews(session, list(regions), [H2_2025])
        events = session.scalar(
            select(func.count()).where(m.AuditEvent.entity_type == "biannual_review")
        )
    assert set(reviews["region_id"]) == set(regions)
    in_last = shared[shared["half_start"] == H1_2026]
    assert sorted(in_last["region_id"]) == sorted(regions)  # one shared item each
    assert {regions[i] for i in earlier["region_id"]} == set(regions.values()) - {
        "london",
        "north_west",
    }
    assert events == len(reviews) + len(earlier)
