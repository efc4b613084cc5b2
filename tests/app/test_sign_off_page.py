"""The Quarterly sign-off page through the real app, for each role."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import QuarterReview, Region
from tests.app.conftest import open_as
from tests.app.test_app_roles import texts

PAGE = "pages/sign_off.py"


def open_page(signed_in, username: str, password: str):
    return open_as(signed_in, PAGE, username, password)


def subheaders(at) -> list[str]:
    return [s.value.replace("\\", "") for s in at.subheader]


def test_the_lead_sees_each_quarter_with_its_stage(signed_in):
    at = open_page(signed_in, "london.lead", "demo-london")
    shown = subheaders(at)
    assert "Q4 2025/26: ✓ Signed off" in shown
    assert "Q1 2026/27: ↺ Reopened" in shown
    assert "Q2 2026/27: → Submitted" in shown
    page = texts(at)
    assert "Reopened on" in page and "entered twice" in page


def test_the_lead_resubmits_a_reopened_quarter(signed_in, app_engine):
    at = open_page(signed_in, "london.lead", "demo-london")
    button = next(b for b in at.button if b.label == "Submit Q1 2026/27")
    button.click()
    at.run()
    assert not at.exception, at.exception
    shown = [s.value.replace("\\", "") for s in at.success]
    assert any("Q1 2026/27 submitted." in s for s in shown), [e.value for e in at.error]
    with Session(app_engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        status = session.scalar(
            select(QuarterReview.status).where(
                QuarterReview.region_id == london,
                QuarterReview.period_start == date(2026, 4, 1),
            )
        )
    assert status == "submitted"


def test_the_forum_member_reads_but_cannot_submit_or_reopen(signed_in):
    at = open_page(signed_in, "london.forum", "demo-forum")
    assert "Q1 2026/27: ↺ Reopened" in subheaders(at)
    assert not [b for b in at.button if b.label.startswith(("Submit", "Reopen"))]


def test_the_national_lead_sees_every_region_in_the_grid(signed_in):
    at = open_page(signed_in, "national.lead", "demo-national")
    grid = at.dataframe[0].value
    assert "Region" in grid.columns and len(grid) >= 7
    london = grid[grid["Region"] == "London"].iloc[0]
    assert london["Q4 2025/26"] == "✓ Signed off"
    assert london["Q1 2026/27"] == "↺ Reopened"
    others = grid[grid["Region"] != "London"]
    assert set(others["Q2 2026/27"]) == {"! Overdue"}
