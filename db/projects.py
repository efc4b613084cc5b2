"""Community engagement projects: the reads and the audited writes.

The rules (what a project is, how it is checked, how projects count toward the plan's
commitment and a region's own aim) are in ``core/projects.py``; they are re-exported
here until every caller imports them from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.permissions import Action
from core.projects import (
    AIM_ENTITY,
    ENTITY,
    PartnerInput,
    ProjectInput,
    ProjectRecord,
    parse_aim,
    parse_people_reached,
    problems_message,
    project_problems,
)
from core.statuses import PROJECT_STATUSES
from db.models import (
    Area,
    CommunityProject,
    ProjectPartner,
    Region,
    Theme,
    project_theme,
    utcnow,
)
from db.writes import UnitOfWork, WriteRefused, registered_write

# --------------------------------------------------------------------------- reads


def project_aims(session: Session, region_ids: Sequence[int]) -> dict[int, int | None]:
    """Each region's own aim for community projects (None where it has set none)."""
    return dict(
        session.execute(
            select(Region.id, Region.project_aim).where(Region.id.in_(list(region_ids)))
        ).all()
    )


def project_status_counts(session: Session, region_ids: Sequence[int]) -> pd.DataFrame:
    """How many projects each region has in each status."""
    rows = session.execute(
        select(CommunityProject.region_id, CommunityProject.status, func.count().label("n"))
        .where(CommunityProject.region_id.in_(list(region_ids)))
        .group_by(CommunityProject.region_id, CommunityProject.status)
    ).all()
    return pd.DataFrame(rows, columns=["region_id", "status", "projects"])


PROJECT_COLUMNS = [
    "id",
    "region_id",
    "region",
    "title",
    "place",
    "area_id",
    "area",
    "status",
    "start_date",
    "end_date",
    "people_reached",
    "communities_engaged",
    "outcomes",
    "next_steps",
    "version",
    "partners",
    "partner_count",
    "themes",
]


def projects(session: Session, region_ids: Sequence[int]) -> pd.DataFrame:
    """The projects of these regions with their partners and themes in words, by region,
    status (as :data:`PROJECT_STATUSES` orders them) and title."""
    rows = session.execute(
        select(
            CommunityProject.id,
            CommunityProject.region_id,
            Region.name,
            CommunityProject.title,
            CommunityProject.place,
            CommunityProject.area_id,
            Area.name,
            CommunityProject.status,
            CommunityProject.start_date,
            CommunityProject.end_date,
            CommunityProject.people_reached,
            CommunityProject.communities_engaged,
            CommunityProject.outcomes,
            CommunityProject.next_steps,
            CommunityProject.version,
        )
        .join(Region, Region.id == CommunityProject.region_id)
        .outerjoin(Area, Area.id == CommunityProject.area_id)
        .where(CommunityProject.region_id.in_(list(region_ids)))
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=PROJECT_COLUMNS[:15])
    ids = frame["id"].tolist()
    partners: dict[int, list[str]] = {i: [] for i in ids}
    themes: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for project_id, name, kind in session.execute(
            select(ProjectPartner.project_id, ProjectPartner.name, ProjectPartner.kind)
            .where(ProjectPartner.project_id.in_(ids))
            .order_by(ProjectPartner.project_id, ProjectPartner.id)
        ):
            partners[project_id].append(f"{name} ({kind})")
        for project_id, name in session.execute(
            select(project_theme.c.project_id, Theme.name)
            .join(Theme, Theme.id == project_theme.c.theme_id)
            .where(project_theme.c.project_id.in_(ids))
            .order_by(project_theme.c.project_id, Theme.sort_order)
        ):
            themes[project_id].append(name)
    frame["partners"] = [", ".join(partners[i]) for i in ids]
    frame["partner_count"] = [len(partners[i]) for i in ids]
    frame["themes"] = [", ".join(themes[i]) for i in ids]
    order = {code: n for n, code in enumerate(PROJECT_STATUSES)}
    frame["_order"] = frame["status"].map(order).fillna(len(order))
    frame = frame.sort_values(["region", "_order", "title"]).drop(columns="_order")
    return frame.reset_index(drop=True)[PROJECT_COLUMNS]


def project_record(session: Session, project_id: int) -> ProjectRecord | None:
    project = session.get(CommunityProject, project_id)
    if project is None:
        return None
    return ProjectRecord(
        id=project.id,
        region_id=project.region_id,
        version=project.version,
        data=ProjectInput(
            title=project.title,
            place=project.place,
            area_id=project.area_id,
            status=project.status,
            start_date=project.start_date,
            end_date=project.end_date,
            people_reached=project.people_reached,
            communities_engaged=project.communities_engaged,
            outcomes=project.outcomes,
            next_steps=project.next_steps,
            theme_ids=tuple(t.id for t in sorted(project.themes, key=lambda t: t.sort_order)),
            partners=tuple(
                PartnerInput(p.name, p.kind) for p in sorted(project.partners, key=lambda p: p.id)
            ),
        ),
    )


def region_areas(session: Session, region_id: int) -> pd.DataFrame:
    """The active areas (ICBs) of a region, by name: a project's optional area."""
    rows = session.execute(
        select(Area.id, Area.name)
        .where(Area.region_id == region_id, Area.active.is_(True))
        .order_by(Area.name)
    ).all()
    return pd.DataFrame(rows, columns=["id", "name"])


# -------------------------------------------------------------------------- writes


def _snapshot(project: CommunityProject, area_name: str | None) -> dict[str, Any]:
    """The project as its audit events record it (partners and themes in words)."""
    return {
        "title": project.title,
        "place": project.place,
        "area": area_name or "",
        "status": PROJECT_STATUSES[project.status].label
        if project.status in PROJECT_STATUSES
        else project.status,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "people_reached": project.people_reached,
        "communities_engaged": project.communities_engaged,
        "themes": [t.name for t in sorted(project.themes, key=lambda t: t.sort_order)],
        "partners": [f"{p.name} ({p.kind})" for p in project.partners],
        "outcomes": project.outcomes,
        "next_steps": project.next_steps,
    }


def _checked(uow: UnitOfWork, region_id: int, data: ProjectInput) -> tuple[Area | None, list]:
    """Validate ``data`` for a project in ``region_id``; the area and themes it names."""
    problems = project_problems(data)
    if problems:
        raise WriteRefused(problems_message(problems))
    area = None
    if data.area_id is not None:
        area = uow.session.get(Area, data.area_id)
        if area is None or area.region_id != region_id:
            raise WriteRefused("Area: choose one of this region's areas, or leave it blank.")
    wanted = list(dict.fromkeys(data.theme_ids))
    themes = (
        list(
            uow.session.scalars(
                select(Theme)
                .where(Theme.id.in_(wanted), Theme.monitoring.is_(True))
                .order_by(Theme.sort_order)
            )
        )
        if wanted
        else []
    )
    if len(themes) != len(wanted):
        raise WriteRefused("Themes: choose from the six monitoring themes.")
    return area, themes


def _apply(project: CommunityProject, data: ProjectInput, area: Area | None, themes: list) -> None:
    project.title = data.title.strip()
    project.place = data.place.strip()
    project.area_id = area.id if area else None
    project.status = data.status
    project.start_date = data.start_date
    project.end_date = data.end_date
    project.people_reached = parse_people_reached(data.people_reached)
    project.communities_engaged = data.communities_engaged.strip()
    project.outcomes = data.outcomes.strip()
    project.next_steps = data.next_steps.strip()
    project.themes = themes


def _same_partners(project: CommunityProject, data: ProjectInput) -> bool:
    return [(p.name, p.kind) for p in project.partners] == [
        (p.name.strip(), p.kind) for p in data.partners
    ]


@registered_write(Action.EDIT_PROJECTS, entity=ENTITY)
def create_project(uow: UnitOfWork, region_id: int, data: ProjectInput, reason: str = "") -> int:
    """Add a project to ``region_id``; returns its id."""
    uow.require(Action.EDIT_PROJECTS, region_id)
    if uow.session.get(Region, region_id) is None:
        raise WriteRefused("That region does not exist.")
    area, themes = _checked(uow, region_id, data)
    project = CommunityProject(region_id=region_id, version=1, updated_at=utcnow())
    _apply(project, data, area, themes)
    project.partners = [ProjectPartner(name=p.name.strip(), kind=p.kind) for p in data.partners]
    uow.session.add(project)
    uow.session.flush()
    uow.audit(
        ENTITY,
        project.id,
        "create",
        after=_snapshot(project, area.name if area else None),
        reason=reason.strip(),
        region_id=region_id,
    )
    return project.id


@registered_write(Action.EDIT_PROJECTS, entity=ENTITY)
def update_project(
    uow: UnitOfWork, project_id: int, expected_version: int, data: ProjectInput, reason: str = ""
) -> bool:
    """Change a project read at ``expected_version``; True when anything changed.

    Raises :class:`StaleWrite` when someone else changed it since it was read.
    """
    project = uow.session.get(CommunityProject, project_id)
    if project is None:
        raise WriteRefused("That project no longer exists. Reload the page to see the list.")
    uow.require(Action.EDIT_PROJECTS, project.region_id)
    uow.expect_version(
        project,
        expected_version,
        "Someone else changed this project after you opened it, so your changes were "
        "not saved. The form now shows the latest version: please make your changes again.",
    )
    area, themes = _checked(uow, project.region_id, data)
    old_area = uow.session.get(Area, project.area_id) if project.area_id else None
    before = _snapshot(project, old_area.name if old_area else None)
    _apply(project, data, area, themes)
    if not _same_partners(project, data):
        project.partners = [ProjectPartner(name=p.name.strip(), kind=p.kind) for p in data.partners]
    after = _snapshot(project, area.name if area else None)
    if after == before:
        return False
    project.version += 1
    project.updated_at = utcnow()
    uow.session.flush()
    changed = [key for key in after if after[key] != before[key]]
    uow.audit(
        ENTITY,
        project.id,
        "update",
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
        reason=reason.strip(),
        region_id=project.region_id,
    )
    return True


@registered_write(Action.EDIT_PROJECTS, entity=AIM_ENTITY)
def set_project_aim(uow: UnitOfWork, region_id: int, aim: Any, reason: str = "") -> bool:
    """Set (or clear, with None or blank) the region's own aim for community projects;
    True when it changed."""
    uow.require(Action.EDIT_PROJECTS, region_id)
    region = uow.session.get(Region, region_id)
    if region is None:
        raise WriteRefused("That region does not exist.")
    try:
        wanted = parse_aim(aim)
    except ValueError as exc:
        raise WriteRefused(str(exc)) from None
    if region.project_aim == wanted:
        return False
    before = region.project_aim
    region.project_aim = wanted
    uow.session.flush()
    uow.audit(
        AIM_ENTITY,
        region.id,
        "update",
        before={"project_aim": before},
        after={"project_aim": wanted},
        reason=reason.strip(),
        region_id=region.id,
    )
    return True
