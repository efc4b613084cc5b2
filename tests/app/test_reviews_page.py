"""The Bi-annual review page through the real app: a lead records a review, a forum
member reads but cannot write, the national lead sees who is due or overdue, and the
good-practice library filters. The clock is fixed at 6 December 2026 (H2 2026/27 under
way; the demo has every region's H1 2026/27 review and H2 2025/26's for all but London
and North West)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import db.quarterly
from db.models import BiannualReview, GoodPractice, Region
from tests.app.conftest import open_as
from tests.app.test_app_roles import texts
from tests.markdown_text import shown

PAGE = "pages/reviews.py"
TODAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setattr(db.quarterly, "today", lambda: TODAY)


def open_page(signed_in, username: str, password: str):
    return open_as(signed_in, PAGE, username, password)


def subheaders(at) -> list[str]:
    return [shown(s.value) for s in at.subheader]


def buttons(at) -> list[str]:
    return [b.label for b in at.button]


def test_the_lead_records_a_review_with_shared_good_practice(signed_in, app_engine):
    at = open_page(signed_in, "london.lead", "demo-london")
    headings = subheaders(at)
    assert "April to September 2026 (H1 2026/27): ✓ Recorded" in headings
    assert "October 2025 to March 2026 (H2 2025/26): ! Overdue" in headings
    assert "October 2026 to March 2027 (H2 2026/27): · Not due yet" in headings
    form = "review-form-2025-10"
    for part, words in (
        ("went_well", "More carers came, and *stayed*."),
        ("not_well", "Interpreters were booked late."),
        ("evaluation", ""),
    ):
        at.text_area(key=f"{form}-{part}").input(words)
    at.text_input(key=f"{form}-title").input("Evening meetings")
    at.text_area(key=f"{form}-done").input("Moved one meeting in three to the evening.")
    next(b for b in at.button if b.label == "Record the review of H2 2025/26").click()
    at.run()
    assert not at.exception, at.exception
    assert [shown(s.value) for s in at.success] == ["The review of H2 2025/26 is recorded."]
    assert "October 2025 to March 2026 (H2 2025/26): ✓ Recorded" in subheaders(at)
    page = shown(texts(at))
    assert "More carers came, and *stayed*." in page
    assert "✓ Shared with other regions (in the good-practice library)" in page
    with Session(app_engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        review = session.scalar(
            select(BiannualReview).where(
                BiannualReview.region_id == london,
                BiannualReview.half_start == date(2025, 10, 1),
            )
        )
        assert review is not None and review.recorded_by == "london.lead"
        item = session.scalar(select(GoodPractice).where(GoodPractice.review_id == review.id))
        assert (item.title, item.shared) == ("Evening meetings", True)


def test_an_empty_review_is_refused_with_the_reason(signed_in):
    at = open_page(signed_in, "london.lead", "demo-london")
    next(b for b in at.button if b.label == "Record the review of H2 2025/26").click()
    at.run()
    assert not at.exception, at.exception
    assert any("what went well" in shown(e.value) for e in at.error)


def test_the_forum_member_reads_the_reviews_but_cannot_write(signed_in):
    at = open_page(signed_in, "london.forum", "demo-forum")
    assert "April to September 2026 (H1 2026/27): ✓ Recorded" in subheaders(at)
    page = shown(texts(at))
    assert "Peer supporters at the drop-in" in page  # the region's own, not shared
    assert "· Kept in the region" in page
    assert not [b for b in buttons(at) if b.startswith(("Record", "Save", "Add", "Share"))]
    assert not [b for b in buttons(at) if b == "Keep in the region"]
    assert not at.text_area
    assert "Where each region is" not in [h.value for h in at.header]


def test_the_national_lead_sees_who_is_due_or_overdue(signed_in):
    at = open_page(signed_in, "national.lead", "demo-national")
    table = at.dataframe[0].value
    assert list(table.columns) == ["Region", "H2 2025/26", "H1 2026/27", "H2 2026/27"]
    assert len(table) == 7
    by_region = table.set_index("Region")
    assert by_region.loc["London", "H2 2025/26"] == "! Overdue"
    assert by_region.loc["North West", "H2 2025/26"] == "! Overdue"
    assert by_region.loc["South West", "H2 2025/26"] == "✓ Recorded"
    assert set(table["H1 2026/27"]) == {"✓ Recorded"}
    assert set(table["H2 2026/27"]) == {"· Not due yet"}
    page = shown(texts(at))
    assert "Reviews due or overdue (2)" in page
    assert "London: H2 2025/26's review was due by 12 May 2026 and has not been recorded." in page


def test_the_library_filters_shared_good_practice(signed_in):
    at = open_page(signed_in, "northwest.lead", "demo-northwest")
    library = at.dataframe[-1].value
    assert list(library.columns) == ["Good practice", "Region", "Half-year", "What was done"]
    assert "London" in set(library["Region"]) and "North West" in set(library["Region"])
    assert "Peer supporters at the drop-in" not in set(library["Good practice"])  # not shared
    at.text_input(key="library-search").input("barbershop").run()
    assert not at.exception, at.exception
    filtered = at.dataframe[-1].value
    assert len(filtered) >= 1 and len(filtered) < len(library)
    assert all("Barbershop" in title for title in filtered["Good practice"])
    assert filtered["Half-year"].str.contains(r"\(H[12] 20\d\d/\d\d\)").all()
    at.text_input(key="library-search").input("no such practice anywhere").run()
    assert "Nothing matches that search." in shown(texts(at))
