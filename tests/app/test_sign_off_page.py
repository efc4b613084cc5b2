"""The Quarterly sign-off page through the real app, for each role."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
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


def test_only_the_oldest_quarter_waiting_has_its_form_open(signed_in, app_engine):
    """Q1 (reopened) is older than Q2 (the forum asked questions): its form is open and
    Q2's folded, made (its table of every metric read) only once opened."""
    with Session(app_engine) as session, session.begin():
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        session.execute(
            update(QuarterReview)
            .where(QuarterReview.region_id == london)
            .where(QuarterReview.period_start == date(2026, 7, 1))
            .values(status="questions")
        )
    at = open_page(signed_in, "london.lead", "demo-london")
    boxes = {e.label: e for e in at.expander if e.label.startswith("Submit ")}
    q1 = boxes["Submit Q1 2026/27 for the Regional Forum to review"]
    assert q1.proto.expanded
    folded = [box for label, box in boxes.items() if not label.startswith("Submit Q1")]
    assert folded and not any(box.proto.expanded for box in folded)
    assert [b.label for b in at.button if b.label.startswith("Submit Q")] == ["Submit Q1 2026/27"]
    at.session_state[f"submit-open-{london}-2026-07-01"] = True
    at.run()
    assert [b.label for b in at.button if b.label.startswith("Submit Q")] == [
        "Submit Q2 2026/27",
        "Submit Q1 2026/27",
    ]
