"""Community projects: each region's place-based engagement projects, by status; the
count across the organisation against the plan's commitment of at least three (across
Rethink, not in each region); and each region's own aim, which its regional lead sets."""

from __future__ import annotations

import streamlit as st

from components import file_abouts
from components.badges import status_markdown
from components.context import current
from components.corrections import deleted_projects
from components.downloads import download_buttons
from components.history import history_view
from components.outcome import show_outcome
from components.project_forms import WHERE, add_project_form, aim_form
from components.project_views import (
    file_stem,
    national_line,
    project_card,
    project_table,
    status_line,
)
from components.region_picker import choose_region
from components.scroll import scroll_to
from components.search_results import requested
from core.formatting import escape_markdown as md
from core.permissions import Action, can
from core.projects import (
    AIM_ENTITY,
    COMMITMENT_RULE,
    ENTITY,
    RegionProjects,
    commitment_table,
    counted_toward,
    status_counts_by_region,
)
from core.statuses import PROJECT_STATUSES
from services import projects as project_service
from services.context import RequestContext
from services.forum import page_comments
from services.projects import ProjectsSetting


def region_view(
    ctx: RequestContext, setting: ProjectsSetting, region_id: int, region_name: str
) -> None:
    found = project_service.region_projects(ctx, region_id)
    frame, aim = found.projects, found.aim
    by_status = status_counts_by_region(found.counts).get(region_id, {})
    mine = RegionProjects(region_name, counted_toward(by_status), aim)
    can_edit = can(ctx.actor, Action.EDIT_PROJECTS, region_id)

    st.header(md(region_name), anchor=False)
    show_outcome(WHERE)
    badge = f"{status_markdown(mine.style)} " if mine.style else ""
    st.markdown(f"{badge}{md(mine.sentence)}.")
    if mine.aim is not None and not mine.met:
        st.caption(f"{mine.aim - mine.counted} more active or completed for its own aim.")
    if can_edit:
        aim_form(ctx, region_id, region_name, aim)
    history_view(
        ctx,
        AIM_ENTITY,
        [region_id],
        key=f"history-aim-{region_id}",
        title=f"History of {region_name}'s own aim",
    )
    if by_status:
        status_line(by_status)
    if can_edit:
        add_project_form(ctx, region_id, region_name, setting.theme_names)
    deleted_projects(ctx, region_id)
    if frame.empty:
        st.info(
            f"No community projects are recorded for {md(region_name)} yet."
            + (" Add the first one with the form above." if can_edit else ""),
            icon=":material/info:",
        )
        return
    project_table(
        frame,
        f"community-projects-{file_stem(region_name)}",
        f"projects-{region_id}",
        with_region=False,
        threshold=ctx.threshold,
        about=file_abouts.projects(ctx, region_name, frame["people_reached_exact"]),
    )
    # Every comment on the region's projects in one read.
    comments = page_comments(ctx, region_id, ENTITY)
    for code, style in PROJECT_STATUSES.items():
        in_status = frame[frame["status"] == code]
        if in_status.empty:
            continue
        st.subheader(f":material/{style.icon}: {style.label} ({len(in_status)})", anchor=False)
        for _, row in in_status.iterrows():
            project_card(ctx, row, setting.theme_names, can_edit=can_edit, comments=comments)


def national_view(ctx: RequestContext, setting: ProjectsSetting) -> None:
    all_regions, counts = setting.regions, setting.counts
    frame, aims = project_service.all_projects(ctx, all_regions["id"].tolist())
    table = commitment_table(all_regions, counts, aims)
    by_region = status_counts_by_region(counts)
    regions = [
        RegionProjects(name, counted_toward(by_region.get(int(region_id), {})), aims.get(region_id))
        for region_id, name in zip(all_regions["id"], all_regions["name"], strict=True)
    ]
    st.header("All regions", anchor=False)
    st.markdown(
        "\n".join(
            f"- {status_markdown(r.style) + ' ' if r.style else ''}{md(r.sentence)}"
            for r in regions
        )
    )
    st.write(
        "Each region's projects by status, with its own aim where it has set one, and all "
        "regions together against the plan's commitment:"
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(
        table,
        "community-projects-by-region",
        key="projects-by-region",
        about=file_abouts.projects_by_region(ctx),
    )
    st.subheader("Every project, by region", anchor=False)
    if frame.empty:
        st.info("No community projects are recorded yet.", icon=":material/info:")
    else:
        project_table(
            frame,
            "community-projects",
            "projects-all",
            with_region=True,
            threshold=ctx.threshold,
            about=file_abouts.projects(ctx, None, frame["people_reached_exact"]),
        )
    st.header("One region in detail", anchor=False)


def projects_page(ctx: RequestContext) -> None:
    setting = project_service.projects_setting(ctx)
    st.title("Community projects")
    st.write(
        "Place-based community engagement projects, run with local partners. " + COMMITMENT_RULE
    )
    national_line(setting.counts)
    if can(ctx.actor, Action.VIEW_ALL_REGIONS):
        national_view(ctx, setting)
    asked = requested("project")  # a search result's ?project=3
    chosen_id, chosen_name = choose_region(ctx, key="projects-region")
    if asked is not None:
        scroll_to(f"project-card-{asked}")
    region_view(ctx, setting, chosen_id, chosen_name)


projects_page(current())
