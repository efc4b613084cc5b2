"""Community projects: each region's place-based engagement projects, by status; the
count across the organisation against the plan's commitment of at least three (across
Rethink, not in each region); and each region's own aim, which its regional lead sets."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from components.badges import status_badge, status_markdown
from components.context import current
from components.downloads import download_buttons
from components.history import history_view
from components.region_picker import choose_region
from core.formatting import escape_markdown as md
from core.permissions import Action, PermissionDenied, can
from core.statuses import PROJECT_STATUSES
from core.validation import Problem
from db import queries
from db.projects import (
    AIM_ENTITY,
    AIM_MAX,
    COMMITMENT_RULE,
    COMMITMENT_TARGET,
    ENTITY,
    PARTNER_KINDS,
    ProjectInput,
    RegionProjects,
    commitment_table,
    counted_toward,
    create_project,
    national_commitment,
    partners_from_rows,
    project_aims,
    project_problems,
    project_record,
    project_status_counts,
    projects,
    region_areas,
    set_project_aim,
    status_counts_by_region,
    update_project,
)
from db.writes import StaleWrite, WriteRefused

FLASH = "projects-flash"
EARLIEST = date(2015, 1, 1)
LATEST = date(2040, 12, 31)
PARTNER_ROWS = 4

ctx = current()
with Session(ctx.engine) as session:
    all_regions = queries.regions(session)
    themes = queries.monitoring_themes(session)
theme_names = dict(zip(themes["id"], themes["name"], strict=True))


def said(text: object, empty: str) -> str:
    """Typed text for markdown, or ``empty`` when there is none."""
    return md(text) if isinstance(text, str) and text.strip() else empty


def day(value: date | None) -> str:
    return value.strftime("%-d %b %Y")


def when(start: date | None, end: date | None) -> str:
    """``1 Jun 2024 to 23 Nov 2025``, ``from 1 Jun 2024``, or ``dates not set yet``."""
    start = start if isinstance(start, date) else None
    end = end if isinstance(end, date) else None
    if start and end:
        return f"{day(start)} to {day(end)}"
    if start:
        return f"from {day(start)}, end date not set"
    if end:
        return f"until {day(end)}, start date not set"
    return "dates not set yet"


def file_stem(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def flash(kind: str, message: str) -> None:
    """A message (plain text) to show after the rerun that a save causes."""
    st.session_state[FLASH] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop(FLASH, (None, None))
    if kind == "success":
        st.success(md(message), icon=":material/check_circle:")
    elif kind == "error":
        st.error(md(message), icon=":material/error:")


def show_problems(problems: list[Problem]) -> None:
    st.error(
        "Please fix these before saving:\n\n"
        + "\n".join(f"- **{md(p.column)}**: {md(p.message)}" for p in problems),
        icon=":material/error:",
    )


def download_frame(frame: pd.DataFrame, *, with_region: bool) -> pd.DataFrame:
    """The projects as people read them: the table shown and the file downloaded."""
    table = pd.DataFrame(
        {
            "Region": frame["region"],
            "Title": frame["title"],
            "Status": [
                PROJECT_STATUSES[s].label if s in PROJECT_STATUSES else s for s in frame["status"]
            ],
            "Place": frame["place"],
            "Area": frame["area"].fillna(""),
            "Start": frame["start_date"],
            "End": frame["end_date"],
            "People reached": frame["people_reached"].astype("Int64"),
            "Partners": frame["partners"],
            "Communities engaged": frame["communities_engaged"],
            "Themes": frame["themes"],
            "Outcomes": frame["outcomes"],
            "Next steps": frame["next_steps"],
        }
    )
    return table if with_region else table.drop(columns="Region")


def project_table(frame: pd.DataFrame, file_stem: str, key: str, *, with_region: bool) -> None:
    table = download_frame(frame, with_region=with_region)
    shown = [c for c in table.columns if c not in ("Outcomes", "Next steps")]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_order=shown,
        column_config={
            "Start": st.column_config.DateColumn(format="D MMM YYYY"),
            "End": st.column_config.DateColumn(format="D MMM YYYY"),
            "People reached": st.column_config.NumberColumn(format="%d"),
        },
    )
    download_buttons(table, file_stem, key=key)


# ------------------------------------------------------------------------ the form


def project_fields(
    prefix: str, initial: ProjectInput, areas: pd.DataFrame
) -> tuple[ProjectInput, list[Problem]]:
    """The project's fields inside a form, filled with ``initial``: what was entered, and
    the problems with the partner rows (which the entry itself cannot hold)."""
    title = st.text_input(
        "Title", value=initial.title, max_chars=200, key=f"{prefix}-title", help="Required."
    )
    left, right = st.columns(2)
    place = left.text_input(
        "Place",
        value=initial.place,
        max_chars=200,
        key=f"{prefix}-place",
        help="Where it happens, such as 'barbershops in Lewisham' or 'Bradford Central Mosque'.",
    )
    area_names = dict(zip(areas["id"], areas["name"], strict=True))
    area_options: list[int | None] = [None, *area_names]
    area_id = right.selectbox(
        "Area (ICB), if the project is in one",
        area_options,
        index=area_options.index(initial.area_id) if initial.area_id in area_options else 0,
        format_func=lambda a: "No particular area" if a is None else area_names[a],
        key=f"{prefix}-area",
    )
    left, middle, right = st.columns(3)
    codes = list(PROJECT_STATUSES)
    status = left.selectbox(
        "Status",
        codes,
        index=codes.index(initial.status) if initial.status in codes else 0,
        format_func=lambda c: PROJECT_STATUSES[c].label,
        key=f"{prefix}-status",
    )
    start = middle.date_input(
        "Start date",
        value=initial.start_date,
        min_value=EARLIEST,
        max_value=LATEST,
        format="DD/MM/YYYY",
        key=f"{prefix}-start",
    )
    end = right.date_input(
        "End date",
        value=initial.end_date,
        min_value=EARLIEST,
        max_value=LATEST,
        format="DD/MM/YYYY",
        key=f"{prefix}-end",
    )
    people = st.number_input(
        "People reached so far",
        min_value=0,
        step=1,
        value=initial.people_reached,
        placeholder="Leave blank if not known yet",
        key=f"{prefix}-people",
    )
    communities = st.text_area(
        "Communities engaged",
        value=initial.communities_engaged,
        key=f"{prefix}-communities",
        height=80,
    )
    chosen_themes = st.multiselect(
        "Monitoring themes the project serves",
        list(theme_names),
        default=[t for t in initial.theme_ids if t in theme_names],
        format_func=theme_names.get,
        key=f"{prefix}-themes",
    )
    st.markdown("**Partners**")
    st.caption(
        "The organisations the project works with. Leave a row blank if you do not need it. "
        "Need more rows? Save, then edit the project: a new blank row appears each time."
    )
    rows = max(PARTNER_ROWS, len(initial.partners) + 1)
    raw_partners = []
    for number in range(1, rows + 1):
        existing = initial.partners[number - 1] if number <= len(initial.partners) else None
        name_column, kind_column = st.columns(2)
        name = name_column.text_input(
            f"Partner {number} name",
            value=existing.name if existing else "",
            max_chars=200,
            key=f"{prefix}-partner-{number}-name",
        )
        kind = kind_column.selectbox(
            f"Partner {number} type",
            PARTNER_KINDS,
            index=PARTNER_KINDS.index(existing.kind)
            if existing and existing.kind in PARTNER_KINDS
            else None,
            placeholder="Choose a type",
            key=f"{prefix}-partner-{number}-kind",
        )
        raw_partners.append((name, kind))
    outcomes = st.text_area(
        "Outcomes so far", value=initial.outcomes, key=f"{prefix}-outcomes", height=80
    )
    next_steps = st.text_area(
        "Next steps", value=initial.next_steps, key=f"{prefix}-next", height=80
    )
    partners, partner_problems = partners_from_rows(raw_partners)
    data = ProjectInput(
        title=title,
        place=place,
        area_id=area_id,
        status=status,
        start_date=start,
        end_date=end,
        people_reached=people,
        communities_engaged=communities,
        outcomes=outcomes,
        next_steps=next_steps,
        theme_ids=tuple(chosen_themes),
        partners=tuple(partners),
    )
    return data, partner_problems


def add_project_form(region_id: int, region_name: str) -> None:
    form_number = st.session_state.setdefault("projects-new-form", 0)
    prefix = f"new-{region_id}-{form_number}"
    with Session(ctx.engine) as session:
        areas = region_areas(session, region_id)
    with st.expander(f"Add a project in {md(region_name)}", icon=":material/add:"):
        with st.form(prefix):
            data, partner_problems = project_fields(prefix, ProjectInput(title=""), areas)
            submitted = st.form_submit_button("Add project", type="primary", key=f"{prefix}-submit")
        if not submitted:
            return
        problems = [*partner_problems, *project_problems(data)]
        if problems:
            show_problems(problems)
            return
        try:
            create_project(ctx.engine, ctx.actor, region_id, data)
        except (WriteRefused, PermissionDenied) as exc:
            st.error(md(str(exc)), icon=":material/error:")
            return
        st.session_state["projects-new-form"] = form_number + 1
        flash("success", f"Added '{data.title.strip()}'.")
        st.rerun()


def edit_project_form(project_id: int, title: str) -> None:
    # The form is made only while its expander is open: a region's page has a form for
    # every project. The label stays the same when the title changes (a new label would
    # close the expander, and the form with what the person had typed).
    with st.expander(
        "Edit this project",
        icon=":material/edit:",
        key=f"edit-open-{project_id}",
        on_change="rerun",
    ) as box:
        if not box.open:
            return
        with Session(ctx.engine) as session:
            record = project_record(session, project_id)
            if record is None:
                return
            areas = region_areas(session, record.region_id)
        # The version the person started editing: kept while the form is on screen, so a
        # change someone else saves meanwhile is noticed instead of overwritten.
        loaded_key = f"projects-loaded-version-{project_id}"
        loaded = st.session_state.get(loaded_key)
        if loaded is None or f"edit-{project_id}-v{loaded}-title" not in st.session_state:
            loaded = record.version
            st.session_state[loaded_key] = loaded
        prefix = f"edit-{project_id}-v{loaded}"
        with st.form(prefix):
            data, partner_problems = project_fields(prefix, record.data, areas)
            reason = st.text_input(
                "Why are you making this change? (optional, shown in the history)",
                max_chars=300,
                key=f"{prefix}-reason",
            )
            submitted = st.form_submit_button(
                "Save changes", type="primary", key=f"{prefix}-submit"
            )
        if not submitted:
            return
        problems = [*partner_problems, *project_problems(data)]
        if problems:
            show_problems(problems)
            return
        try:
            changed = update_project(ctx.engine, ctx.actor, project_id, loaded, data, reason=reason)
        except StaleWrite as exc:
            st.session_state.pop(loaded_key, None)
            flash("error", f"{title}: {exc}")
            st.rerun()
        except (WriteRefused, PermissionDenied) as exc:
            st.error(md(str(exc)), icon=":material/error:")
            return
        if not changed:
            st.info("Nothing was changed, so there was nothing to save.", icon=":material/info:")
            return
        st.session_state.pop(loaded_key, None)
        flash("success", f"Saved your changes to '{data.title.strip()}'.")
        st.rerun()


# ------------------------------------------------------------------------ the views


def project_card(row: pd.Series, *, can_edit: bool) -> None:
    with st.container(border=True):
        st.markdown(f"#### {md(row['title'])}")
        if row["status"] in PROJECT_STATUSES:
            status_badge(PROJECT_STATUSES[row["status"]])
        where = md(row["place"]) if row["place"] else "place not recorded"
        if isinstance(row["area"], str) and row["area"] and row["area"] not in row["place"]:
            where += f" ({md(row['area'])})"
        people = row["people_reached"]
        lines = [
            f"**Where:** {where}",
            f"**When:** {when(row['start_date'], row['end_date'])}",
            "**People reached:** "
            + ("not recorded yet" if pd.isna(people) else f"{int(people):,}"),
            f"**Communities engaged:** {said(row['communities_engaged'], 'not recorded yet')}",
            f"**Themes:** {said(row['themes'], 'none chosen')}",
            f"**Partners:** {said(row['partners'], 'none recorded yet')}",
            f"**Outcomes:** {said(row['outcomes'], 'none recorded yet')}",
            f"**Next steps:** {said(row['next_steps'], 'none recorded yet')}",
        ]
        st.markdown("  \n".join(lines))
        history_view(
            ctx,
            ENTITY,
            [int(row["id"])],
            key=f"history-project-{row['id']}",
            title=f"History of {row['title']}",
        )
        if can_edit:
            edit_project_form(int(row["id"]), row["title"])


def aim_form(region_id: int, region_name: str, aim: int | None) -> None:
    """The regional lead sets (or clears) the region's own aim for projects."""
    with st.expander(f"Set {md(region_name)}'s own aim", icon=":material/flag:"):
        st.caption(
            f"Optional: how many active or completed projects {md(region_name)} aims for. "
            f"The plan's commitment of {COMMITMENT_TARGET} is for the whole organisation."
        )
        with st.form(f"aim-{region_id}-{aim}"):
            wanted = st.number_input(
                "Our aim (projects active or completed)",
                min_value=1,
                max_value=AIM_MAX,
                step=1,
                value=aim,
                placeholder="Leave blank for no aim of our own",
                key=f"aim-{region_id}-{aim}-value",
            )
            reason = st.text_input(
                "Why? (optional, shown in the history)",
                max_chars=300,
                key=f"aim-{region_id}-{aim}-reason",
            )
            submitted = st.form_submit_button("Save our aim", key=f"aim-{region_id}-{aim}-save")
        if not submitted:
            return
        try:
            changed = set_project_aim(ctx.engine, ctx.actor, region_id, wanted, reason=reason)
        except (WriteRefused, PermissionDenied) as exc:
            st.error(md(str(exc)), icon=":material/error:")
            return
        if not changed:
            st.info(
                "That is the aim already, so there was nothing to save.", icon=":material/info:"
            )
            return
        flash(
            "success",
            f"{region_name}'s own aim is now {wanted} projects."
            if wanted is not None
            else f"{region_name} has no aim of its own now.",
        )
        st.rerun()


def national_line(counts_everywhere) -> None:
    """Every region's projects against the plan's three: a count of projects, which
    everyone may see."""
    commitment = national_commitment(counts_everywhere)
    st.markdown(
        f"{status_markdown(commitment.style)} {md(commitment.sentence)} (the plan's "
        f"commitment is at least {COMMITMENT_TARGET} across the whole organisation)."
    )


def region_view(region_id: int, region_name: str) -> None:
    with Session(ctx.engine) as session:
        counts = project_status_counts(session, [region_id])
        frame = projects(session, [region_id])
        aim = project_aims(session, [region_id]).get(region_id)
    by_status = status_counts_by_region(counts).get(region_id, {})
    mine = RegionProjects(region_name, counted_toward(by_status), aim)
    can_edit = can(ctx.actor, Action.EDIT_PROJECTS, region_id)

    st.header(md(region_name), anchor=False)
    show_flash()
    badge = f"{status_markdown(mine.style)} " if mine.style else ""
    st.markdown(f"{badge}{md(mine.sentence)}.")
    if mine.aim is not None and not mine.met:
        st.caption(f"{mine.aim - mine.counted} more active or completed for its own aim.")
    if can_edit:
        aim_form(region_id, region_name, aim)
    history_view(
        ctx,
        AIM_ENTITY,
        [region_id],
        key=f"history-aim-{region_id}",
        title=f"History of {region_name}'s own aim",
    )
    if by_status:
        st.markdown(
            "  ".join(
                status_markdown(style, suffix=f": {by_status[code]}")
                for code, style in PROJECT_STATUSES.items()
                if by_status.get(code)
            )
        )
    if can_edit:
        add_project_form(region_id, region_name)
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
    )
    for code, style in PROJECT_STATUSES.items():
        mine = frame[frame["status"] == code]
        if mine.empty:
            continue
        st.subheader(f":material/{style.icon}: {style.label} ({len(mine)})", anchor=False)
        for _, row in mine.iterrows():
            project_card(row, can_edit=can_edit)


def national_view(counts) -> None:
    region_ids = all_regions["id"].tolist()
    with Session(ctx.engine) as session:
        frame = projects(session, region_ids)
        aims = project_aims(session, region_ids)
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
    download_buttons(table, "community-projects-by-region", key="projects-by-region")
    st.subheader("Every project, by region", anchor=False)
    if frame.empty:
        st.info("No community projects are recorded yet.", icon=":material/info:")
    else:
        project_table(frame, "community-projects", "projects-all", with_region=True)
    st.header("One region in detail", anchor=False)


st.title("Community projects")
st.write("Place-based community engagement projects, run with local partners. " + COMMITMENT_RULE)
with Session(ctx.engine) as session:
    counts_everywhere = project_status_counts(session, all_regions["id"].tolist())
national_line(counts_everywhere)
if can(ctx.actor, Action.VIEW_ALL_REGIONS):
    national_view(counts_everywhere)
chosen_id, chosen_name = choose_region(ctx, key="projects-region")
region_view(chosen_id, chosen_name)
