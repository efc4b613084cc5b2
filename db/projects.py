"""Community engagement projects: reads, validation and the audited writes.

The AMHE plan commits Rethink to at least three place-based community engagement
projects across the whole organisation (not three in each region): :class:`Commitment`
is the national count against three. A region may set an aim of its own
(:func:`set_project_aim`, kept on the region): :class:`RegionProjects` is a region's
count against it. A project counts once it is active or completed
(:data:`COUNTS_TOWARD`); planned and paused projects do not count yet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.permissions import Action
from core.statuses import AIM_STATUSES, COMMITMENT_STATUSES, PROJECT_STATUSES, StatusStyle
from core.validation import Problem
from db.models import (
    Area,
    CommunityProject,
    ProjectPartner,
    Region,
    Theme,
    project_theme,
    utcnow,
)
from db.writes import StaleWrite, UnitOfWork, WriteRefused, registered_write

ENTITY = "community_project"

#: The kinds of partner organisation a project can have (stored as these words).
PARTNER_KINDS: tuple[str, ...] = (
    "Ethnically led VCSE",
    "Faith group",
    "Community group",
    "Local authority",
    "ICB",
    "Other",
)

#: The plan's commitment: at least this many projects across the whole organisation ...
COMMITMENT_TARGET = 3
#: ... counting the projects in these statuses.
COUNTS_TOWARD: tuple[str, ...] = ("active", "completed")
#: The rule in words, as the pages show it.
COMMITMENT_RULE = (
    "The plan commits Rethink to at least three place-based community engagement "
    "projects across the whole organisation, not three in each region; a region may set "
    "an aim of its own. A project counts once it is active or completed; planned and "
    "paused projects do not count yet."
)
#: What the whole organisation is called beside the regions.
NATIONAL_NAME = "All regions"
#: The largest aim a region may set (a mistyped 300 is refused).
AIM_MAX = 50

TITLE_MAX = 200
PLACE_MAX = 200
PARTNER_NAME_MAX = 200


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class PartnerInput:
    name: str
    kind: str


@dataclass(frozen=True)
class ProjectInput:
    """What a person enters for a project. ``people_reached`` may be raw input (a number,
    text or blank); :func:`project_problems` says what is wrong with it."""

    title: str
    place: str = ""
    area_id: int | None = None
    status: str = "planned"
    start_date: date | None = None
    end_date: date | None = None
    people_reached: Any = None
    communities_engaged: str = ""
    outcomes: str = ""
    next_steps: str = ""
    theme_ids: tuple[int, ...] = ()
    partners: tuple[PartnerInput, ...] = field(default_factory=tuple)


def parse_people_reached(raw: Any) -> int | None:
    """The number of people reached, or None when blank; raises ``ValueError`` with a
    message fit to show when it is not a whole number of at least zero."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    if isinstance(raw, bool):
        raise ValueError("People reached must be a whole number, such as 40.")
    if isinstance(raw, str):
        text = raw.strip().replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(
                f"People reached must be a whole number, such as 40 (not '{raw}')."
            ) from None
    else:
        number = float(raw)
    if math.isnan(number) or math.isinf(number) or not number.is_integer():
        raise ValueError("People reached must be a whole number, such as 40.")
    if number < 0:
        raise ValueError("People reached cannot be negative.")
    return int(number)


def partners_from_rows(rows: Iterable[tuple[Any, Any]]) -> tuple[list[PartnerInput], list[Problem]]:
    """Partners from the form's numbered rows of (name, type). Blank rows are skipped; a
    row with only one of the two filled in is a problem that names the row."""
    partners: list[PartnerInput] = []
    problems: list[Problem] = []
    for number, (raw_name, raw_kind) in enumerate(rows, start=1):
        name = "" if raw_name is None else str(raw_name).strip()
        kind = "" if raw_kind is None else str(raw_kind).strip()
        if not name and not kind:
            continue
        column = f"Partner {number}"
        if not name:
            problems.append(Problem(column, "add the partner's name, or clear its type."))
            continue
        if not kind:
            problems.append(Problem(column, f"choose what kind of partner {name} is."))
            continue
        partners.append(PartnerInput(name, kind))
    return partners, problems


def project_problems(data: ProjectInput) -> list[Problem]:
    """Everything wrong with a project as entered, in words a person can act on."""
    problems: list[Problem] = []
    title = data.title.strip()
    if not title:
        problems.append(Problem("Title", "give the project a title."))
    elif len(title) > TITLE_MAX:
        problems.append(Problem("Title", f"keep it to {TITLE_MAX} characters or fewer."))
    if len(data.place.strip()) > PLACE_MAX:
        problems.append(Problem("Place", f"keep it to {PLACE_MAX} characters or fewer."))
    if data.status not in PROJECT_STATUSES:
        problems.append(
            Problem(
                "Status",
                "choose one of: " + ", ".join(s.label for s in PROJECT_STATUSES.values()) + ".",
            )
        )
    if data.start_date and data.end_date and data.end_date < data.start_date:
        problems.append(Problem("End date", "the end date cannot be before the start date."))
    try:
        parse_people_reached(data.people_reached)
    except ValueError as exc:
        problems.append(Problem("People reached", str(exc)))
    seen: set[str] = set()
    for partner in data.partners:
        name = partner.name.strip()
        if not name:
            problems.append(Problem("Partners", "every partner needs a name."))
            continue
        if len(name) > PARTNER_NAME_MAX:
            problems.append(
                Problem("Partners", f"keep {name[:30]}... to {PARTNER_NAME_MAX} characters.")
            )
        if partner.kind not in PARTNER_KINDS:
            problems.append(
                Problem(
                    "Partners",
                    f"{name}: choose a kind of partner from: {', '.join(PARTNER_KINDS)}.",
                )
            )
        if name.lower() in seen:
            problems.append(Problem("Partners", f"{name} is listed more than once."))
        seen.add(name.lower())
    return problems


def problems_message(problems: Sequence[Problem]) -> str:
    return " ".join(f"{p.column}: {p.message}" for p in problems)


# ---------------------------------------------------------------------- commitment


@dataclass(frozen=True)
class Commitment:
    """How far Rethink is toward the plan's commitment of three projects: ``region`` is
    the name to show (:data:`NATIONAL_NAME`), ``counted`` every region's projects."""

    region: str
    counted: int
    target: int = COMMITMENT_TARGET

    @property
    def met(self) -> bool:
        return self.counted >= self.target

    @property
    def style(self) -> StatusStyle:
        return COMMITMENT_STATUSES["met" if self.met else "below"]

    @property
    def progress(self) -> str:
        """``3 of 3`` (or ``4, more than 3``)."""
        if self.counted > self.target:
            return f"{self.counted}, more than {self.target}"
        return f"{self.counted} of {self.target}"

    @property
    def sentence(self) -> str:
        """``London: 3 of 3 projects active or completed``."""
        if self.counted > self.target:
            return (
                f"{self.region}: {self.counted} projects active or completed, "
                f"more than the {self.target} committed"
            )
        return f"{self.region}: {self.counted} of {self.target} projects active or completed"

    @property
    def marker(self) -> str:
        """Words and an icon for a table cell (tables cannot show colour or badges)."""
        if self.met:
            return "✔ Commitment met"
        missing = self.target - self.counted
        return f"⚠ Below three: {missing} more needed"


@dataclass(frozen=True)
class RegionProjects:
    """A region's projects that count, against the aim it set itself (None: no aim of
    its own; the plan's three is for the whole organisation)."""

    region: str
    counted: int
    aim: int | None = None

    @property
    def met(self) -> bool | None:
        return None if self.aim is None else self.counted >= self.aim

    @property
    def style(self) -> StatusStyle | None:
        if self.aim is None:
            return None
        return AIM_STATUSES["met" if self.met else "below"]

    @property
    def aim_words(self) -> str:
        """``4`` or ``No aim of its own``."""
        return "No aim of its own" if self.aim is None else str(self.aim)

    @property
    def sentence(self) -> str:
        """``London: 2 projects active or completed, against its own aim of 4``."""
        noun = "project" if self.counted == 1 else "projects"
        counted = f"{self.region}: {self.counted} {noun} active or completed"
        if self.aim is None:
            return f"{counted} (no aim of its own set)"
        return f"{counted}, against its own aim of {self.aim}"

    @property
    def marker(self) -> str:
        """Words and an icon for a table cell."""
        if self.aim is None:
            return "No aim of its own"
        if self.met:
            return "✔ Own aim met"
        return f"⚠ {self.aim - self.counted} more for its own aim"


def counted_toward(by_status: dict[str, int]) -> int:
    return sum(int(by_status.get(code, 0)) for code in COUNTS_TOWARD)


def national_commitment(counts: pd.DataFrame) -> Commitment:
    """Every region's projects that count, against the plan's three (``counts``:
    :func:`project_status_counts` for every region)."""
    counted = int(counts.loc[counts["status"].isin(COUNTS_TOWARD), "projects"].sum())
    return Commitment(NATIONAL_NAME, counted)


def commitment_table(
    regions: pd.DataFrame, counts: pd.DataFrame, aims: dict[int, int | None] | None = None
) -> pd.DataFrame:
    """One row per region (``regions``: id, name): its projects by status, the total,
    those that count and its own aim, then a row for all regions against the plan's
    three. ``counts`` is :func:`project_status_counts`, ``aims`` :func:`project_aims`."""
    aims = aims or {}
    rows = []
    by_region = status_counts_by_region(counts)
    totals: dict[str, int] = {}
    for region_id, name in zip(regions["id"], regions["name"], strict=True):
        by_status = by_region.get(int(region_id), {})
        mine = RegionProjects(name, counted_toward(by_status), aims.get(int(region_id)))
        row: dict[str, Any] = {"Region": name}
        for code, style in PROJECT_STATUSES.items():
            row[style.label] = int(by_status.get(code, 0))
            totals[code] = totals.get(code, 0) + row[style.label]
        row["All projects"] = int(sum(by_status.values()))
        row["Active or completed"] = str(mine.counted)
        row["Own aim"] = mine.aim_words
        row["Against its aim"] = mine.marker
        rows.append(row)
    national = Commitment(NATIONAL_NAME, counted_toward(totals))
    rows.append(
        {
            "Region": NATIONAL_NAME,
            **{style.label: totals.get(code, 0) for code, style in PROJECT_STATUSES.items()},
            "All projects": sum(totals.values()),
            "Active or completed": str(national.counted),
            "Own aim": f"The plan's {COMMITMENT_TARGET}",
            "Against its aim": national.marker,
        }
    )
    columns = [
        "Region",
        *(s.label for s in PROJECT_STATUSES.values()),
        "All projects",
        "Active or completed",
        "Own aim",
        "Against its aim",
    ]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- reads


def status_counts_by_region(counts: pd.DataFrame) -> dict[int, dict[str, int]]:
    """:func:`project_status_counts` as region id -> status -> projects."""
    by_region: dict[int, dict[str, int]] = {}
    for region_id, status, number in zip(
        counts["region_id"], counts["status"], counts["projects"], strict=True
    ):
        by_region.setdefault(int(region_id), {})[status] = int(number)
    return by_region


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


@dataclass(frozen=True)
class ProjectRecord:
    """A stored project as the edit form needs it: its region, version and values."""

    id: int
    region_id: int
    version: int
    data: ProjectInput


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
    if project.version != expected_version:
        raise StaleWrite(
            "Someone else changed this project after you opened it, so your changes were "
            "not saved. The form now shows the latest version: please make your changes again."
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


AIM_ENTITY = "project_aim"


def parse_aim(raw: Any) -> int | None:
    """A region's aim as entered: a whole number from 1 to :data:`AIM_MAX`, or None when
    blank; raises ``ValueError`` with a message fit to show otherwise."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    try:
        number = float(str(raw).strip()) if not isinstance(raw, (int, float)) else float(raw)
    except ValueError:
        raise ValueError(f"The aim must be a whole number, such as 3 (not '{raw}').") from None
    if isinstance(raw, bool) or not number.is_integer():
        raise ValueError("The aim must be a whole number, such as 3.")
    if not 1 <= number <= AIM_MAX:
        raise ValueError(
            f"The aim must be between 1 and {AIM_MAX} projects; leave it blank for no aim."
        )
    return int(number)


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
