"""The Community projects page through the real app, as each role."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.projects import ENTITY
from db.engine import build_engine
from db.models import AuditEvent, CommunityProject, Region
from db.projects import project_record, update_project
from db.users import actor_for

PAGE = "pages/projects.py"
RULE = (
    "The plan commits Rethink to at least three place-based community engagement projects "
    "across the whole organisation, not three in each region"
)


@pytest.fixture
def db(app_env):
    engine = build_engine(app_env)
    yield engine
    engine.dispose()


def region_id(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == code))


def london_id(engine) -> int:
    return region_id(engine, "london")


def london_projects(engine) -> list[CommunityProject]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(CommunityProject)
                .where(CommunityProject.region_id == london_id(engine))
                .order_by(CommunityProject.id)
            )
        )


def open_edit_form(at, project_id: int) -> None:
    """Open a project's "Edit" expander (its form is made only while it is open)."""
    at.session_state[f"edit-open-{project_id}"] = True
    at.run()


def open_add_form(at, region: int) -> None:
    """Open "Add a project in ..." (its form is made only while it is open)."""
    at.session_state[f"projects-add-open-{region}"] = True
    at.run()


def open_projects(signed_in, username: str, password: str):
    at = signed_in(username, password)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def forms(at) -> list:
    return list(at.get("form"))


def downloads(at) -> list:
    return list(at.get("download_button"))


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("london.lead", "demo-london"),
        ("northwest.lead", "demo-northwest"),
        ("london.forum", "demo-forum"),
        ("national.lead", "demo-national"),
        ("admin", "demo-admin"),
    ],
)
def test_page_renders_for_each_role_with_the_rule_and_downloads(signed_in, username, password):
    at = open_projects(signed_in, username, password)
    assert at.title[0].value == "Community projects"
    assert RULE in markdown(at)
    assert "projects active or completed" in markdown(at)
    # Every table but the History views (a shared component) has its downloads.
    tables = [df for df in at.dataframe if "Who" not in df.value.columns]
    assert tables, "a table of projects"
    assert len(downloads(at)) == 3 * len(tables), "CSV, Excel and About under every table"


def test_regional_lead_sees_own_region_and_may_add_and_edit(signed_in, db):
    at = open_projects(signed_in, "london.lead", "demo-london")
    assert [h.value for h in at.header] == ["London"]
    assert not [s for s in at.selectbox if s.label == "Region"], "no region picker"
    assert any(e.label.startswith("Add a project in London") for e in at.expander)
    edit_labels = [e.label for e in at.expander if e.label.startswith("Edit ")]
    assert len(edit_labels) == len(london_projects(db))
    history_labels = [e.label for e in at.expander if e.label.startswith("History of ")]
    assert len(history_labels) == len(london_projects(db)) + 1  # and the aim's history


@pytest.mark.parametrize(
    ("username", "password"), [("london.forum", "demo-forum"), ("national.lead", "demo-national")]
)
def test_forum_members_and_national_leads_only_read(signed_in, username, password):
    at = open_projects(signed_in, username, password)
    assert forms(at) == []
    assert not at.text_input
    assert not [e for e in at.expander if e.label.startswith(("Add a project", "Edit "))]
    assert [e for e in at.expander if e.label.startswith("History of ")]


def test_national_lead_sees_every_region_against_the_commitment(signed_in, db):
    at = open_projects(signed_in, "national.lead", "demo-national")
    headers = [h.value for h in at.header]
    assert headers[:2] == ["All regions", "One region in detail"]
    summary = at.dataframe[0].value
    assert len(summary) == 8  # seven regions and all regions together
    assert set(summary.columns) >= {"Region", "Active or completed", "Own aim", "Against its aim"}
    regions, everyone = summary.iloc[:7], summary.iloc[7]
    # No region is held to three: the plan's three is for the whole organisation.
    assert set(regions["Against its aim"]) == {"No aim of its own"}
    assert everyone["Region"] == "All regions" and everyone["Own aim"] == "The plan's 3"
    assert everyone["Against its aim"].startswith(("✔ Commitment met", "⚠ Below three"))
    assert int(everyone["Active or completed"]) == sum(
        int(v) for v in regions["Active or completed"]
    )
    assert "regions have met" not in markdown(at)
    every = at.dataframe[1].value
    assert set(every["Region"]) == set(regions["Region"])
    picker = at.selectbox(key="projects-region")
    picker.set_value(region_id(db, "north_west"))
    at.run()
    assert not at.exception
    assert "North West" in [h.value for h in at.header]


def test_admin_may_edit_in_any_region(signed_in, db):
    at = open_projects(signed_in, "admin", "demo-admin")
    picker = at.selectbox(key="projects-region")
    picker.set_value(region_id(db, "north_west")).run()
    assert any(e.label == "Add a project in North West" for e in at.expander)


def fill_new_project(at, prefix: str, **values) -> None:
    at.text_input(key=f"{prefix}-title").input(values.get("title", ""))
    at.text_input(key=f"{prefix}-place").input(values.get("place", ""))
    at.selectbox(key=f"{prefix}-status").set_value(values.get("status", "planned"))
    if "start" in values:
        at.date_input(key=f"{prefix}-start").set_value(values["start"])
    if "end" in values:
        at.date_input(key=f"{prefix}-end").set_value(values["end"])
    if "people" in values:
        at.number_input(key=f"{prefix}-people").set_value(values["people"])
    for number, (name, kind) in enumerate(values.get("partners", []), start=1):
        at.text_input(key=f"{prefix}-partner-{number}-name").input(name)
        if kind:
            at.selectbox(key=f"{prefix}-partner-{number}-kind").set_value(kind)


def test_lead_adds_a_project_with_two_partners_and_it_counts(signed_in, db):
    at = open_projects(signed_in, "london.lead", "demo-london")
    before = len(london_projects(db))
    prefix = f"new-{london_id(db)}-0"
    open_add_form(at, london_id(db))
    fill_new_project(
        at,
        prefix,
        title="Barbershop wellbeing chats",
        place="Barbershops in Lewisham",
        status="active",
        start=date(2025, 4, 1),
        end=date(2026, 3, 31),
        people=85,
        partners=[
            ("Lewisham Barbers Network", "Community group"),
            ("South London Listening Project", "Ethnically led VCSE"),
        ],
    )
    at.button(key=f"{prefix}-submit").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "Added 'Barbershop wellbeing chats'" in at.success[0].value.replace("\\", "")
    rows = london_projects(db)
    assert len(rows) == before + 1
    with Session(db) as session:
        new = project_record(session, rows[-1].id)
        audited = session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity_type == ENTITY, AuditEvent.entity_id == rows[-1].id
            )
        )
    assert new.data.status == "active" and new.data.people_reached == 85
    assert [p.name for p in new.data.partners] == [
        "Lewisham Barbers Network",
        "South London Listening Project",
    ]
    assert audited.username == "london.lead"
    # The demo has two active or completed London projects: this one makes three.
    assert "London: 3 projects active or completed" in markdown(at).replace("\\", "")
    assert "Barbershop wellbeing chats" in at.dataframe[0].value["Title"].tolist()
    # A fresh, empty form is ready for the next project.
    assert at.text_input(key=f"new-{london_id(db)}-1-title").value == ""


def test_invalid_input_shows_every_problem_and_saves_nothing(signed_in, db):
    at = open_projects(signed_in, "london.lead", "demo-london")
    before = len(london_projects(db))
    prefix = f"new-{london_id(db)}-0"
    open_add_form(at, london_id(db))
    fill_new_project(
        at,
        prefix,
        title="  ",
        start=date(2025, 6, 1),
        end=date(2025, 5, 1),
        partners=[("A partner without a type", None)],
    )
    at.button(key=f"{prefix}-submit").click()
    at.run()
    assert not at.exception
    message = at.error[0].value
    assert "Please fix these before saving" in message
    assert "give the project a title" in message
    assert "end date cannot be before the start date" in message
    assert "Partner 1" in message and "choose what kind of partner" in message
    assert len(london_projects(db)) == before
    # What was typed is kept, so it can be corrected.
    assert at.text_input(key=f"{prefix}-partner-1-name").value == "A partner without a type"


def test_lead_edits_a_project_and_the_history_shows_it(signed_in, db):
    at = open_projects(signed_in, "london.lead", "demo-london")
    project = london_projects(db)[0]
    open_edit_form(at, project.id)
    prefix = f"edit-{project.id}-v{project.version}"
    at.selectbox(key=f"{prefix}-status").set_value("paused")
    at.text_input(key=f"{prefix}-reason").input("Venue closed for the summer")
    at.button(key=f"{prefix}-submit").click()
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert "Saved your changes" in at.success[0].value
    with Session(db) as session:
        stored = session.get(CommunityProject, project.id)
        assert (stored.status, stored.version) == ("paused", project.version + 1)
    # A history is read when it is opened.
    assert not [e for e in at.expander if e.label.startswith("History of ") and e.dataframe]
    at.session_state[f"history-project-{project.id}"] = True
    at.run()
    history = next(e for e in at.expander if e.label.startswith("History of ") and e.dataframe)
    assert history is not None
    texts = "\n".join(
        df.value.to_string() for e in at.expander for df in e.dataframe if "History" in e.label
    )
    assert "Venue closed for the summer" in texts
    assert "Paused" in texts
    # The form now edits the new version.
    assert f"edit-{project.id}-v{project.version + 1}-title" in at.session_state


@pytest.mark.both_engines  # a concurrent change, refused on each engine
def test_an_edit_after_someone_else_saved_is_refused_and_theirs_kept(signed_in, db):
    at = open_projects(signed_in, "london.lead", "demo-london")
    project = london_projects(db)[0]
    open_edit_form(at, project.id)
    prefix = f"edit-{project.id}-v{project.version}"
    # Someone else (an administrator) saves a change while the form is open.
    with Session(db) as session:
        admin = actor_for(session, "admin")
        record = project_record(session, project.id)
    update_project(db, admin, project.id, record.version, replace(record.data, title="Theirs"))
    at.text_input(key=f"{prefix}-title").input("Mine")
    at.button(key=f"{prefix}-submit").click()
    at.run()
    assert not at.exception
    assert "Someone else changed this project" in at.error[0].value
    with Session(db) as session:
        assert session.get(CommunityProject, project.id).title == "Theirs"
    # The form now shows the latest version, ready to try again.
    latest = f"edit-{project.id}-v{project.version + 1}"
    assert at.text_input(key=f"{latest}-title").value == "Theirs"


def plain_markdown(at) -> str:
    return markdown(at).replace("\\", "")


def test_everyone_sees_the_count_across_rethink_against_three(signed_in, db):
    at = open_projects(signed_in, "london.forum", "demo-forum")
    text = plain_markdown(at)
    with Session(db) as session:
        counted = session.scalar(
            select(func.count(CommunityProject.id)).where(
                CommunityProject.status.in_(("active", "completed"))
            )
        )
    assert f"All regions: {counted} projects active or completed" in text
    assert "at least 3 across the whole organisation" in text
    assert "London: " in text and "(no aim of its own set)" in text
    assert "Below three" not in text.split("All regions:", 1)[1]
    assert not [e for e in at.expander if e.label.startswith("Set ")], "forum members only read"


def test_regional_lead_sets_the_regions_own_aim(signed_in, db):
    at = open_projects(signed_in, "london.lead", "demo-london")
    london = london_id(db)
    at.number_input(key=f"aim-{london}-None-value").set_value(4)
    at.text_input(key=f"aim-{london}-None-reason").input("Agreed at the forum")
    at.button(key=f"aim-{london}-None-save").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "London's own aim is now 4 projects." in at.success[0].value.replace("\\", "")
    assert "against its own aim of 4" in plain_markdown(at)
    with Session(db) as session:
        assert session.get(Region, london).project_aim == 4
        event = session.scalar(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "project_aim")
            .order_by(AuditEvent.id.desc())
        )
    assert (event.username, event.after, event.reason) == (
        "london.lead",
        {"project_aim": 4},
        "Agreed at the forum",
    )
    national = open_projects(signed_in, "national.lead", "demo-national")
    summary = national.dataframe[0].value.set_index("Region")
    assert summary.loc["London", "Own aim"] == "4"
