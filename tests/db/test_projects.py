"""Community projects: every write as every role, validation, concurrency, audit, reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.permissions import Actor, PermissionDenied
from core.projects import (
    COMMITMENT_RULE,
    ENTITY,
    NATIONAL_NAME,
    Commitment,
    PartnerInput,
    ProjectInput,
    RegionProjects,
    commitment_table,
    national_commitment,
    parse_aim,
    parse_people_reached,
    partners_from_rows,
    project_problems,
)
from db.models import (
    Area,
    AuditEvent,
    CommunityProject,
    ProjectPartner,
    Region,
    Theme,
    project_theme,
)
from db.projects import (
    create_project,
    project_aims,
    project_record,
    project_status_counts,
    projects,
    region_areas,
    set_project_aim,
    update_project,
)
from db.users import actor_for
from db.writes import WRITE_REGISTRY, StaleWrite, WriteRefused

USERS = ("admin", "national.lead", "london.lead", "northwest.lead", "london.forum")

#: Who may write projects in which region: (username, region code, allowed).
MATRIX = [
    ("admin", "london", True),
    ("admin", "north_west", True),
    ("national.lead", "london", False),
    ("national.lead", "north_west", False),
    ("london.lead", "london", True),
    ("london.lead", "north_west", False),
    ("northwest.lead", "north_west", True),
    ("northwest.lead", "london", False),
    ("london.forum", "london", False),
    ("london.forum", "north_west", False),
]


# ------------------------------------------------------------------------ helpers


def actor(engine, username: str) -> Actor:
    with Session(engine) as session:
        found = actor_for(session, username)
    assert found is not None, username
    return found


def region_id(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == code))


def area_of(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(
            select(Area.id).join(Region).where(Region.code == code).order_by(Area.name)
        )


def theme_ids(engine, *codes: str) -> tuple[int, ...]:
    with Session(engine) as session:
        found = dict(session.execute(select(Theme.code, Theme.id)).all())
    return tuple(found[c] for c in codes)


def state(engine) -> dict:
    """Everything a project write can touch, to show that a refusal changed nothing."""
    with Session(engine) as session:
        return {
            "projects": session.execute(
                select(
                    CommunityProject.id,
                    CommunityProject.title,
                    CommunityProject.status,
                    CommunityProject.people_reached,
                    CommunityProject.version,
                ).order_by(CommunityProject.id)
            ).all(),
            "partners": session.execute(
                select(
                    ProjectPartner.project_id, ProjectPartner.name, ProjectPartner.kind
                ).order_by(ProjectPartner.id)
            ).all(),
            "themes": session.execute(
                select(project_theme.c.project_id, project_theme.c.theme_id).order_by(
                    project_theme.c.project_id, project_theme.c.theme_id
                )
            ).all(),
            "aims": session.execute(
                select(Region.id, Region.project_aim).order_by(Region.id)
            ).all(),
            "audit": session.scalar(select(func.count(AuditEvent.id))),
        }


def first_project(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(
            select(CommunityProject.id)
            .join(Region)
            .where(Region.code == code)
            .order_by(CommunityProject.id)
        )


def good_input(engine, code: str = "london", **changes) -> ProjectInput:
    data = ProjectInput(
        title="Barbershop wellbeing chats",
        place="Barbershops in Lewisham",
        area_id=area_of(engine, code),
        status="active",
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
        people_reached=120,
        communities_engaged="Black African and Caribbean men",
        outcomes="More self-referrals.",
        next_steps="Train two more barbers.",
        theme_ids=theme_ids(engine, "partnership_working", "coproduction"),
        partners=(
            PartnerInput("Lewisham Barbers Network", "Community group"),
            PartnerInput("South London Listening Project", "Ethnically led VCSE"),
        ),
    )
    return replace(data, **changes)


def events(engine, project_id: int) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_type == ENTITY, AuditEvent.entity_id == project_id)
                .order_by(AuditEvent.id)
            )
        )


# ------------------------------------------------------------------- permissions


@pytest.mark.parametrize(("username", "code", "allowed"), MATRIX)
def test_create_project_as_each_role(demo_engine, username, code, allowed):
    who = actor(demo_engine, username)
    region = region_id(demo_engine, code)
    data = good_input(demo_engine, code)
    before = state(demo_engine)
    if not allowed:
        with pytest.raises(PermissionDenied):
            create_project(demo_engine, who, region, data)
        assert state(demo_engine) == before
        return
    project_id = create_project(demo_engine, who, region, data)
    with Session(demo_engine) as session:
        project = session.get(CommunityProject, project_id)
        assert project.region_id == region
        assert project.version == 1
        assert [(p.name, p.kind) for p in project.partners] == [
            ("Lewisham Barbers Network", "Community group"),
            ("South London Listening Project", "Ethnically led VCSE"),
        ]
    (event,) = events(demo_engine, project_id)
    assert event.action == "create"
    assert event.username == username
    assert event.region_id == region
    assert event.after["title"] == "Barbershop wellbeing chats"
    assert event.after["status"] == "Active"
    assert event.after["partners"] == [
        "Lewisham Barbers Network (Community group)",
        "South London Listening Project (Ethnically led VCSE)",
    ]
    assert event.after["themes"] == ["Partnership working", "Coproduction"]


@pytest.mark.parametrize(("username", "code", "allowed"), MATRIX)
def test_update_project_as_each_role(demo_engine, username, code, allowed):
    who = actor(demo_engine, username)
    project_id = first_project(demo_engine, code)
    with Session(demo_engine) as session:
        record = project_record(session, project_id)
    data = replace(record.data, status="completed", people_reached=321)
    before = state(demo_engine)
    if not allowed:
        with pytest.raises(PermissionDenied):
            update_project(demo_engine, who, project_id, record.version, data)
        assert state(demo_engine) == before
        return
    assert update_project(demo_engine, who, project_id, record.version, data, reason="Finished")
    with Session(demo_engine) as session:
        project = session.get(CommunityProject, project_id)
        assert (project.status, project.people_reached) == ("completed", 321)
        assert project.version == record.version + 1
    event = events(demo_engine, project_id)[-1]
    assert event.action == "update"
    assert event.username == username
    assert event.reason == "Finished"
    assert event.region_id == region_id(demo_engine, code)
    assert event.after["status"] == "Completed"
    assert event.after["people_reached"] == 321
    assert "title" not in event.after, "only the changed fields are recorded"


def test_project_writes_are_registered_as_community_project():
    for name in ("create_project", "update_project"):
        assert WRITE_REGISTRY[name].entity == ENTITY == "community_project"


# -------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "Title: give the project a title"),
        ({"title": "x" * 201}, "200 characters"),
        (
            {"start_date": date(2025, 6, 1), "end_date": date(2025, 5, 31)},
            "end date cannot be before the start date",
        ),
        ({"people_reached": -1}, "cannot be negative"),
        ({"people_reached": 12.5}, "whole number"),
        ({"people_reached": "lots"}, "whole number"),
        ({"status": "finished"}, "Status: choose one of: Planned, Active, Completed, Paused"),
        ({"partners": (PartnerInput("A group", "Charity"),)}, "choose a kind of partner"),
        ({"partners": (PartnerInput("  ", "ICB"),)}, "every partner needs a name"),
        (
            {"partners": (PartnerInput("Same", "ICB"), PartnerInput("same ", "Other"))},
            "listed more than once",
        ),
    ],
)
def test_invalid_projects_are_refused_with_a_reason_and_change_nothing(
    demo_engine, changes, message
):
    lead = actor(demo_engine, "london.lead")
    london = region_id(demo_engine, "london")
    project_id = first_project(demo_engine, "london")
    with Session(demo_engine) as session:
        record = project_record(session, project_id)
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match=message):
        create_project(demo_engine, lead, london, good_input(demo_engine, **changes))
    with pytest.raises(WriteRefused, match=message):
        update_project(
            demo_engine, lead, project_id, record.version, replace(record.data, **changes)
        )
    assert state(demo_engine) == before


def test_area_must_belong_to_the_region_and_themes_must_be_monitoring(demo_engine):
    lead = actor(demo_engine, "london.lead")
    london = region_id(demo_engine, "london")
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match="Area: choose one of this region's areas"):
        create_project(
            demo_engine,
            lead,
            london,
            good_input(demo_engine, area_id=area_of(demo_engine, "north_west")),
        )
    with Session(demo_engine) as session:
        tag = session.scalar(select(Theme.id).where(Theme.monitoring.is_(False)))
    assert tag is not None, "the reference data has a non-monitoring tag"
    with pytest.raises(WriteRefused, match="Themes: choose from the six monitoring themes"):
        create_project(demo_engine, lead, london, good_input(demo_engine, theme_ids=(tag,)))
    with pytest.raises(WriteRefused, match="Themes"):
        create_project(demo_engine, lead, london, good_input(demo_engine, theme_ids=(999_999,)))
    assert state(demo_engine) == before


def test_unknown_region_and_project_are_refused(demo_engine):
    admin = actor(demo_engine, "admin")
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match="region does not exist"):
        create_project(demo_engine, admin, 999_999, good_input(demo_engine, area_id=None))
    with pytest.raises(WriteRefused, match="no longer exists"):
        update_project(demo_engine, admin, 999_999, 1, good_input(demo_engine))
    assert state(demo_engine) == before


def test_a_minimal_project_needs_only_a_title(demo_engine):
    lead = actor(demo_engine, "london.lead")
    project_id = create_project(
        demo_engine, lead, region_id(demo_engine, "london"), ProjectInput(title=" Listening walk ")
    )
    with Session(demo_engine) as session:
        record = project_record(session, project_id)
    assert record.data == ProjectInput(title="Listening walk", status="planned")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        (float("nan"), None),
        (0, 0),
        (40, 40),
        (40.0, 40),
        ("1,200", 1200),
        (" 7 ", 7),
    ],
)
def test_people_reached_accepts_whole_numbers_and_blank(raw, expected):
    assert parse_people_reached(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (-3, "negative"),
        ("-3", "negative"),
        (2.5, "whole"),
        ("ten", "whole"),
        (True, "whole"),
        (float("inf"), "whole"),
    ],
)
def test_people_reached_refuses_other_input(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_people_reached(raw)


def test_project_problems_lists_every_problem_at_once():
    problems = project_problems(
        ProjectInput(
            title="",
            start_date=date(2025, 2, 1),
            end_date=date(2025, 1, 1),
            people_reached=-5,
        )
    )
    assert [p.column for p in problems] == ["Title", "End date", "People reached"]
    assert project_problems(ProjectInput(title="Fine")) == []


def test_partner_rows_skip_blanks_and_name_the_row_with_a_problem():
    partners, problems = partners_from_rows(
        [
            ("  Mosque  ", "Faith group"),
            ("", None),
            ("No type yet", None),
            ("", "ICB"),
            ("Council", "Local authority"),
        ]
    )
    assert partners == [
        PartnerInput("Mosque", "Faith group"),
        PartnerInput("Council", "Local authority"),
    ]
    assert [str(p) for p in problems] == [
        "Partner 3: choose what kind of partner No type yet is.",
        "Partner 4: add the partner's name, or clear its type.",
    ]


# ------------------------------------------------------------------- concurrency


def test_a_stale_version_is_refused_and_the_other_change_is_kept(demo_engine):
    lead = actor(demo_engine, "london.lead")
    admin = actor(demo_engine, "admin")
    project_id = first_project(demo_engine, "london")
    with Session(demo_engine) as session:
        first_read = project_record(session, project_id)
        second_read = project_record(session, project_id)
    assert update_project(
        demo_engine, admin, project_id, first_read.version, replace(first_read.data, title="A")
    )
    after_first = state(demo_engine)
    with pytest.raises(StaleWrite, match="Someone else changed this project"):
        update_project(
            demo_engine, lead, project_id, second_read.version, replace(second_read.data, title="B")
        )
    assert state(demo_engine) == after_first
    with Session(demo_engine) as session:
        assert session.get(CommunityProject, project_id).title == "A"
        latest = project_record(session, project_id)
    assert latest.version == first_read.version + 1
    assert update_project(
        demo_engine, lead, project_id, latest.version, replace(latest.data, title="B")
    )


def test_saving_without_changes_writes_nothing(demo_engine):
    lead = actor(demo_engine, "london.lead")
    project_id = first_project(demo_engine, "london")
    with Session(demo_engine) as session:
        record = project_record(session, project_id)
    before = state(demo_engine)
    assert update_project(demo_engine, lead, project_id, record.version, record.data) is False
    assert state(demo_engine) == before


def test_partners_and_themes_are_replaced_and_audited(demo_engine):
    lead = actor(demo_engine, "london.lead")
    project_id = first_project(demo_engine, "london")
    with Session(demo_engine) as session:
        record = project_record(session, project_id)
        old_partners = [f"{p.name} ({p.kind})" for p in record.data.partners]
    new = replace(
        record.data,
        partners=(PartnerInput("Leyton Mosque", "Faith group"),),
        theme_ids=theme_ids(demo_engine, "workforce"),
    )
    assert update_project(demo_engine, lead, project_id, record.version, new, reason="New partner")
    with Session(demo_engine) as session:
        stored = project_record(session, project_id)
        orphans = session.scalar(
            select(func.count(ProjectPartner.id)).where(ProjectPartner.project_id.is_(None))
        )
    assert stored.data.partners == (PartnerInput("Leyton Mosque", "Faith group"),)
    assert stored.data.theme_ids == theme_ids(demo_engine, "workforce")
    assert orphans == 0
    event = events(demo_engine, project_id)[-1]
    assert event.before["partners"] == old_partners
    assert event.after["partners"] == ["Leyton Mosque (Faith group)"]
    assert event.after["themes"] == ["Workforce"]
    assert event.reason == "New partner"


# -------------------------------------------------------------------------- reads


def test_reads_list_projects_with_partners_and_count_by_status(demo_engine):
    lead = actor(demo_engine, "london.lead")
    london = region_id(demo_engine, "london")
    project_id = create_project(demo_engine, lead, london, good_input(demo_engine))
    with Session(demo_engine) as session:
        frame = projects(session, [london])
        counts = project_status_counts(session, [london])
        areas = region_areas(session, london)
    assert set(frame["region_id"]) == {london}
    row = frame[frame["id"] == project_id].iloc[0]
    assert row["partners"] == (
        "Lewisham Barbers Network (Community group), "
        "South London Listening Project (Ethnically led VCSE)"
    )
    assert row["partner_count"] == 2
    assert row["themes"] == "Partnership working, Coproduction"
    assert row["area"] == areas["name"].iloc[0]
    assert int(counts["projects"].sum()) == len(frame)
    ordered = frame["status"].map(["planned", "active", "completed", "paused"].index).tolist()
    assert ordered == sorted(ordered), "by status, in the vocabulary's order"


def test_commitment_is_across_the_organisation_and_regions_have_their_own_aims():
    """The plan's three is for the whole organisation: no region is 'below three'; a
    region is measured only against an aim it set itself."""
    regions = pd.DataFrame({"id": [1, 2, 3], "name": ["London", "Midlands", "South West"]})
    counts = pd.DataFrame(
        {
            "region_id": [1, 1, 1, 2, 2, 2],
            "status": ["active", "completed", "planned", "active", "planned", "paused"],
            "projects": [2, 1, 4, 1, 3, 2],
        }
    )
    table = commitment_table(regions, counts, {1: 2, 2: 4, 3: None})
    assert list(table.columns) == [
        "Region",
        "Planned",
        "Active",
        "Completed",
        "Paused",
        "All projects",
        "Active or completed",
        "Own aim",
        "Against its aim",
    ]
    london, midlands, south_west, everyone = table.to_dict("records")
    assert (london["Active or completed"], london["Own aim"]) == ("3", "2")
    assert london["Against its aim"] == "✔ Own aim met"
    assert london["All projects"] == 7
    assert midlands["Against its aim"] == "⚠ 3 more for its own aim"
    assert south_west["All projects"] == 0
    assert south_west["Against its aim"] == "No aim of its own"
    assert not any(
        "three" in str(v) for row in (london, midlands, south_west) for v in row.values()
    )
    assert everyone["Region"] == NATIONAL_NAME
    assert (everyone["All projects"], everyone["Active or completed"]) == (13, "4")
    assert everyone["Against its aim"] == "✔ Commitment met"
    assert national_commitment(counts).sentence == (
        "All regions: 4 projects active or completed, more than the 3 committed"
    )
    few = counts[counts["region_id"] == 2]
    assert national_commitment(few).marker == "⚠ Below three: 2 more needed"


def test_region_projects_words():
    none = RegionProjects("London", 1)
    assert none.sentence == "London: 1 project active or completed (no aim of its own set)"
    assert none.style is None and none.met is None
    below = RegionProjects("Midlands", 2, 5)
    assert below.sentence == "Midlands: 2 projects active or completed, against its own aim of 5"
    assert below.style.label == "Below its own aim" and not below.met
    assert RegionProjects("North West", 5, 5).style.label == "Own aim met"


def test_commitment_sentence_and_marker():
    met = Commitment("London", 3)
    assert met.sentence == "London: 3 of 3 projects active or completed"
    assert met.met and met.style.label == "Commitment met" and met.style.icon == "check_circle"
    below = Commitment("Midlands", 2)
    assert not below.met and below.style.label == "Below three" and below.style.icon == "warning"
    above = Commitment("North West", 5)
    assert above.met and above.progress == "5, more than 3"
    assert above.sentence == (
        "North West: 5 projects active or completed, more than the 3 committed"
    )
    assert "active or completed" in COMMITMENT_RULE
    assert "across the whole organisation, not three in each region" in COMMITMENT_RULE


# ---------------------------------------------------------------- a region's own aim


@pytest.mark.parametrize(("username", "code", "allowed"), MATRIX)
def test_set_project_aim_as_each_role(demo_engine, username, code, allowed):
    who = actor(demo_engine, username)
    region = region_id(demo_engine, code)
    before = state(demo_engine)
    if not allowed:
        with pytest.raises(PermissionDenied):
            set_project_aim(demo_engine, who, region, 4)
        assert state(demo_engine) == before
        with Session(demo_engine) as session:
            assert project_aims(session, [region]) == {region: None}
        return
    assert set_project_aim(demo_engine, who, region, "4", reason="Agreed at the forum")
    with Session(demo_engine) as session:
        assert project_aims(session, [region]) == {region: 4}
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (event.entity_type, event.entity_id, event.region_id) == ("project_aim", region, region)
    assert (event.before, event.after) == ({"project_aim": None}, {"project_aim": 4})
    assert (event.username, event.reason) == (username, "Agreed at the forum")
    assert not set_project_aim(demo_engine, who, region, 4), "the same aim again: no change"
    assert set_project_aim(demo_engine, who, region, "")
    with Session(demo_engine) as session:
        assert project_aims(session, [region]) == {region: None}


def test_a_mistyped_aim_is_refused_and_changes_nothing(demo_engine):
    who = actor(demo_engine, "london.lead")
    london = region_id(demo_engine, "london")
    before = state(demo_engine)
    for raw, message in (("three", "whole number"), (2.5, "whole number"), (0, "between 1")):
        with pytest.raises(WriteRefused, match=message):
            set_project_aim(demo_engine, who, london, raw)
    assert state(demo_engine) == before


@pytest.mark.parametrize(("raw", "expected"), [(None, None), ("", None), (" 3 ", 3), (7.0, 7)])
def test_parse_aim(raw, expected):
    assert parse_aim(raw) == expected
