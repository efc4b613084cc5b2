"""People reached on the Community projects page follows the same disclosure rule as the
Forum meeting: a forum member (or a lead of another region) reads it rounded, or "fewer
than 5", on the cards, in the table, in its files and in the Forum meeting's table alike;
whoever may see the region's exact figures reads the number as recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.export_about import about_text
from core.permissions import Actor
from core.projects import ProjectInput
from db import projects
from db.models import Region, User
from tests.app.conftest import open_as

PAGE = "pages/projects.py"
MEETING = "pages/forum_meeting.py"
MEETING_COLUMNS = [
    "Project",
    "Status",
    "Place",
    "Communities engaged",
    "People reached",
    "Partners",
]


@pytest.fixture
def london_projects(app_engine) -> None:
    """Two London projects: one of 3 people (hidden under control), one of 87 (about 85)."""
    with Session(app_engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        lead = session.scalar(select(User).where(User.username == "london.lead"))
    who = Actor(lead.id, lead.username, lead.role, lead.region_id)
    for title, people in (("Small circle", 3), ("Market stall", 87)):
        projects.create_project(
            app_engine, who, london, ProjectInput(title=title, people_reached=people)
        )


def projects_table(at) -> pd.DataFrame:
    """The one region's table of projects (every region's has a Region column)."""
    tables = [
        d.value for d in at.dataframe if "Title" in d.value.columns and "Region" not in d.value
    ]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    return tables[0]


def open_london(signed_in, app_engine, username: str, password: str):
    at = open_as(signed_in, PAGE, username, password)
    pickers = [s for s in at.selectbox if s.key == "projects-region"]
    if pickers:  # national leads pick the region
        with Session(app_engine) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
        pickers[0].set_value(london).run()
        assert not at.exception, at.exception
    return at


def people(table: pd.DataFrame, title: str, column: str = "Title") -> str:
    return str(table.loc[table[column] == title, "People reached"].iloc[0])


def card(at, title: str) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(f"#### {title}"))


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def project_files(offered) -> list[tuple[pd.DataFrame, str]]:
    """The projects table's files as offered for download: the table and its About."""
    return [(t, about_text(a, datetime.now(UTC))) for t, a in offered if "Title" in t.columns]


def test_people_reached_is_under_control_for_a_forum_member(signed_in, london_projects, offered):
    at = open_as(signed_in, PAGE, "london.forum", "demo-forum")
    table = projects_table(at)
    assert people(table, "Small circle") == "fewer than 5"
    assert people(table, "Market stall") == "about 85"
    assert "87" not in card(at, "Market stall") and "about 85" in card(at, "Market stall")
    assert "fewer than 5" in card(at, "Small circle")
    assert "rounded to the nearest 5" in captions(at)
    [(downloaded, about)] = project_files(offered)
    assert people(downloaded, "Market stall") == "about 85"
    assert "87" not in downloaded.to_csv()
    assert "rounded to the nearest 5" in about and "figures are exact" not in about


@pytest.mark.parametrize(
    ("username", "password"), [("london.lead", "demo-london"), ("national.lead", "demo-national")]
)
def test_the_exact_figure_for_who_may_see_it(
    signed_in, app_engine, london_projects, offered, username, password
):
    at = open_london(signed_in, app_engine, username, password)
    table = projects_table(at)
    assert people(table, "Small circle") == "3"
    assert people(table, "Market stall") == "87"
    assert "**People reached:** 87" in card(at, "Market stall")
    assert "rounded to the nearest 5" not in captions(at)
    abouts = [about for table, about in project_files(offered) if "Region" not in table]
    assert abouts and "figures are exact" in abouts[-1]


def test_the_projects_page_and_the_meeting_page_say_the_same(signed_in, london_projects):
    at = open_as(signed_in, PAGE, "london.forum", "demo-forum")
    on_projects = projects_table(at)
    at = open_as(signed_in, MEETING, "london.forum", "demo-forum")
    at.session_state["forum-projects-open"] = True  # its table is made only while open
    at.run()
    meeting = next(d.value for d in at.dataframe if list(d.value.columns) == MEETING_COLUMNS)
    for title in ("Small circle", "Market stall"):
        assert people(on_projects, title) == people(meeting, title, column="Project")
