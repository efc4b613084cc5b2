"""The Governance bodies page: national leads keep the national bodies' meetings and
issue board reports, downloadable again exactly as issued; regional roles never see it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import pages_for
from db.models import BoardReport
from tests.app.conftest import open_as
from tests.markdown_text import shown

PAGE = "pages/governance.py"
BOARD = "Equity and Inclusion Board"


def widget(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def choose_body(at, name: str):
    picker = widget(at.selectbox, "Governance body")
    picker.select_index(picker.options.index(name)).run()
    return at


def successes(at) -> list[str]:
    return [shown(s.value) for s in at.success]


@pytest.mark.parametrize("role", ["regional_lead", "forum_member"])
def test_regional_roles_do_not_see_the_page(role):
    assert PAGE not in [p.path for p in pages_for(role)]


def test_national_lead_and_admin_see_the_page():
    assert PAGE in [p.path for p in pages_for("national_lead")]
    assert PAGE in [p.path for p in pages_for("admin")]


def test_the_demo_board_meeting_is_shown_with_its_decisions(signed_in):
    at = choose_body(open_as(signed_in, PAGE, "national.lead", "demo-national"), BOARD)
    meeting = widget(at.selectbox, "Meeting (newest first)")
    assert "12 Nov 2026" in meeting.format_func(meeting.value)
    decisions = at.dataframe[0].value
    assert decisions["Decision"].str.contains("board report").any()


def test_a_national_lead_starts_a_meeting_and_records_a_decision(signed_in):
    at = choose_body(
        open_as(signed_in, PAGE, "national.lead", "demo-national"), "Board of Trustees"
    )
    widget(at.text_input, "Who chaired the meeting").input("Chair of Trustees")
    widget(at.button, "Start the meeting").click().run()
    assert any("has been started" in s for s in successes(at)), successes(at)
    widget(at.text_area, "Decision").input("Trustees agreed the half-year report")
    widget(at.button, "Record the decision").click().run()
    assert "The decision has been recorded." in successes(at)
    decisions = at.dataframe[0].value
    assert decisions["Decision"].tolist() == ["Trustees agreed the half-year report"]


def test_a_national_lead_issues_a_report_kept_exactly_as_issued(signed_in, app_engine):
    at = choose_body(open_as(signed_in, PAGE, "national.lead", "demo-national"), BOARD)
    at.radio(key="governance-part").set_value("Board report").run()
    assert not at.exception, at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    assert {"Download the draft (PDF)", "Download the draft (HTML)", "PDF as issued"} <= set(labels)
    for box in at.text_area:
        box.input("We are reviewing this with the regions.")
    widget(at.button, "Issue the report").click().run()
    assert any("was issued to the Equity and Inclusion Board" in s for s in successes(at))
    with Session(app_engine) as session:
        reports = session.scalars(select(BoardReport).order_by(BoardReport.id)).all()
    assert len(reports) == 2  # the demo's, and this one
    newest = reports[-1]
    assert newest.pdf.startswith(b"%PDF") and "Issued to" in newest.html
    assert all(e["action"] == "We are reviewing this with the regions." for e in newest.exceptions)
