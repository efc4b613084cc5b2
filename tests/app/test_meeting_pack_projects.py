"""Across surfaces: the Forum meeting page's community projects and the meeting pack's
(PDF and HTML) show the same rows. A forum member sees people reached under disclosure
control on the page, as the pack always shows them; a regional lead sees them exactly on
the page, while the pack (for circulation) stays under control."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.permissions import Actor
from core.projects import ProjectInput
from db import projects
from db.models import ForumMeeting, Region, User
from reports.meeting_pack import pack_content
from services.meetings import pack_figures
from tests.app.conftest import open_as

PAGE = "pages/forum_meeting.py"
COLUMNS = ["Project", "Status", "Place", "Communities engaged", "People reached", "Partners"]


def page_projects(at) -> list[list[str]]:
    at.session_state["forum-projects-open"] = True  # its table is made only while open
    at.run()
    assert not at.exception, at.exception
    tables = [d.value for d in at.dataframe if list(d.value.columns) == COLUMNS]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    return tables[0].astype(str).values.tolist()


@pytest.mark.parametrize(
    ("username", "password", "controlled"),
    [("london.forum", "demo-forum", True), ("london.lead", "demo-london", False)],
)
def test_the_page_and_the_pack_show_the_same_projects(
    signed_in, app_engine, username, password, controlled
):
    with Session(app_engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        lead = session.scalar(select(User).where(User.username == "london.lead"))
        meeting = session.scalar(
            select(ForumMeeting.id)
            .where(ForumMeeting.region_id == london)
            .order_by(ForumMeeting.meeting_date.desc())
            .limit(1)
        )
    who = Actor(lead.id, lead.username, lead.role, lead.region_id)
    projects.create_project(
        app_engine, who, london, ProjectInput(title="Small circle", people_reached=3)
    )
    at = open_as(signed_in, PAGE, username, password)
    shown = page_projects(at)
    pack = pack_content(pack_figures(app_engine, london, meeting)).projects
    packed = pack.astype(str).values.tolist()
    assert [row[0] for row in shown] == [row[0] for row in packed]
    small = next(row for row in shown if row[0] == "Small circle")
    if controlled:
        assert shown == packed
        assert small[4] == "fewer than 5"
    else:
        assert small[4] == "3"
        # Everything but people reached is the same; the pack keeps its control.
        assert [r[:4] + r[5:] for r in shown] == [r[:4] + r[5:] for r in packed]
        assert next(r for r in packed if r[0] == "Small circle")[4] == "fewer than 5"
