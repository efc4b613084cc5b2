"""Community engagement projects as people enter and count them: pure rules, no database.

The AMHE plan commits Rethink to at least three place-based community engagement
projects across the whole organisation (not three in each region): :class:`Commitment`
is the national count against three. A region may set an aim of its own:
:class:`RegionProjects` is a region's count against it. A project counts once it is
active or completed (:data:`COUNTS_TOWARD`); planned and paused projects do not count
yet. ``db/projects.py`` keeps the reads and the audited writes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from core.statuses import AIM_STATUSES, COMMITMENT_STATUSES, PROJECT_STATUSES, StatusStyle
from core.validation import Problem

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


def status_counts_by_region(counts: pd.DataFrame) -> dict[int, dict[str, int]]:
    """:func:`project_status_counts` as region id -> status -> projects."""
    by_region: dict[int, dict[str, int]] = {}
    for region_id, status, number in zip(
        counts["region_id"], counts["status"], counts["projects"], strict=True
    ):
        by_region.setdefault(int(region_id), {})[status] = int(number)
    return by_region


@dataclass(frozen=True)
class ProjectRecord:
    """A stored project as the edit form needs it: its region, version and values."""

    id: int
    region_id: int
    version: int
    data: ProjectInput


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
