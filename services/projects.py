"""Community projects: each region's projects and own aim, every region's count against
the plan's commitment, and the writes that keep them (each through ``db.writes``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.meetings import people_reached
from core.projects import ProjectInput, ProjectRecord
from db import projects as db_projects
from db import queries
from services.context import RequestContext, reading
from services.overview import sees_exact_figures


@dataclass(frozen=True)
class ProjectsSetting:
    """What every view of the projects page needs: the regions, the monitoring themes a
    project may serve, and how many projects each region has in each status."""

    regions: pd.DataFrame
    theme_names: dict[int, str]
    counts: pd.DataFrame


def projects_setting(ctx: RequestContext) -> ProjectsSetting:
    with reading(ctx) as session:
        regions = queries.regions(session)
        themes = queries.monitoring_themes(session)
        counts = db_projects.project_status_counts(session, regions["id"].tolist())
    return ProjectsSetting(regions, dict(zip(themes["id"], themes["name"], strict=True)), counts)


@dataclass(frozen=True)
class RegionProjectList:
    """A region's projects, how many it has in each status, and its own aim (or None)."""

    counts: pd.DataFrame
    projects: pd.DataFrame
    aim: int | None


def as_seen(ctx: RequestContext, projects: pd.DataFrame) -> pd.DataFrame:
    """The projects with people reached as this viewer may see it, decided here once for
    every surface of the page (cards, table, files): ``people_reached_words`` says it in
    words, exactly for whoever may see the region's exact figures, otherwise under
    disclosure control (rounded to the nearest 5, "fewer than 5" below the threshold),
    the same words as the Forum meeting's page, pack and presentation; and
    ``people_reached`` keeps the exact number only for those who may see it
    (``people_reached_exact`` says for which rows)."""
    seen = projects.copy()
    controlled = [not sees_exact_figures(ctx, int(r)) for r in seen["region_id"]]
    seen["people_reached_exact"] = [not hide for hide in controlled]
    seen["people_reached_words"] = [
        people_reached(value, ctx.threshold, controlled=hide)
        for value, hide in zip(seen["people_reached"], controlled, strict=True)
    ]
    seen["people_reached"] = pd.array(
        [
            None if hide or pd.isna(value) else int(value)
            for value, hide in zip(seen["people_reached"], controlled, strict=True)
        ],
        dtype="Int64",
    )
    return seen


def region_projects(ctx: RequestContext, region_id: int) -> RegionProjectList:
    with reading(ctx) as session:
        return RegionProjectList(
            db_projects.project_status_counts(session, [region_id]),
            as_seen(ctx, db_projects.projects(session, [region_id])),
            db_projects.project_aims(session, [region_id]).get(region_id),
        )


def all_projects(
    ctx: RequestContext, region_ids: Sequence[int]
) -> tuple[pd.DataFrame, dict[int, int | None]]:
    """Every project of these regions (people reached as the viewer may see it,
    :func:`as_seen`), and each region's own aim."""
    with reading(ctx) as session:
        return (
            as_seen(ctx, db_projects.projects(session, region_ids)),
            db_projects.project_aims(session, region_ids),
        )


def region_areas(ctx: RequestContext, region_id: int) -> pd.DataFrame:
    """The region's active areas (ICBs), by name: a project's optional area."""
    with reading(ctx) as session:
        return db_projects.region_areas(session, region_id)


def project_to_edit(
    ctx: RequestContext, project_id: int
) -> tuple[ProjectRecord, pd.DataFrame] | None:
    """A stored project as its edit form needs it, with its region's areas (None when
    it no longer exists)."""
    with reading(ctx) as session:
        record = db_projects.project_record(session, project_id)
        if record is None:
            return None
        return record, db_projects.region_areas(session, record.region_id)


# --- writes (each a registered write in db/projects.py) -----------------------------


def create_project(ctx: RequestContext, region_id: int, data: ProjectInput) -> int:
    """Add a project to the region; its id."""
    return db_projects.create_project(ctx.engine, ctx.actor, region_id, data)


def update_project(
    ctx: RequestContext, project_id: int, loaded: int, data: ProjectInput, **kwargs: Any
) -> bool:
    """Change a project read at version ``loaded``; True when anything changed."""
    return db_projects.update_project(ctx.engine, ctx.actor, project_id, loaded, data, **kwargs)


def set_project_aim(ctx: RequestContext, region_id: int, aim: Any, **kwargs: Any) -> bool:
    """Set or clear the region's own aim; True when it changed."""
    return db_projects.set_project_aim(ctx.engine, ctx.actor, region_id, aim, **kwargs)
