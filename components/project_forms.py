"""The forms that change community projects: a project's fields (to add or edit one) and
a region's own aim (Community projects page). Each saves through ``services.projects``
and :func:`components.outcome.run_write`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components.outcome import forgetting, keep_outcome, next_round, run_write
from core.errors import StaleWrite
from core.formatting import escape_markdown as md
from core.projects import (
    AIM_MAX,
    COMMITMENT_TARGET,
    PARTNER_KINDS,
    ProjectInput,
    partners_from_rows,
    project_problems,
)
from core.statuses import PROJECT_STATUSES
from core.validation import Problem
from services import projects as project_service
from services.context import RequestContext

#: Where the page shows the outcome of a save (after the rerun it causes).
WHERE = "projects"
EARLIEST = date(2015, 1, 1)
LATEST = date(2040, 12, 31)
PARTNER_ROWS = 4


def show_problems(problems: list[Problem]) -> None:
    st.error(
        "Please fix these before saving:\n\n"
        + "\n".join(f"- **{md(p.column)}**: {md(p.message)}" for p in problems),
        icon=":material/error:",
    )


def save_changes(
    write: Callable[..., bool],
    *args: Any,
    nothing: str,
    success: str,
    then: Callable[[], None] | None = None,
    **kwargs: Any,
) -> None:
    """Run a write that says whether anything changed: nothing changed is said at once
    (``nothing``); a change reruns the page and says ``success`` after the rerun."""
    changed = run_write(write, *args, rerun=False, where=WHERE, **kwargs)
    if changed is None:
        return
    if not changed:
        st.info(nothing, icon=":material/info:")
        return
    if then is not None:
        then()
    keep_outcome(success, where=WHERE)
    st.rerun()


def date_input(label: str, value: date | None, key: str, column: Any) -> date | None:
    return column.date_input(
        label, value=value, min_value=EARLIEST, max_value=LATEST, format="DD/MM/YYYY", key=key
    )


def partner_rows(prefix: str, initial: ProjectInput) -> list[tuple[str, Any]]:
    """The numbered rows of (name, type) for the project's partners."""
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
    return raw_partners


def project_fields(
    prefix: str, initial: ProjectInput, areas: pd.DataFrame, theme_names: dict[int, str]
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
    start = date_input("Start date", initial.start_date, f"{prefix}-start", middle)
    end = date_input("End date", initial.end_date, f"{prefix}-end", right)
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
    raw_partners = partner_rows(prefix, initial)
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


def checked(data: ProjectInput, partner_problems: list[Problem]) -> bool:
    """True when the project as entered may be saved; otherwise says what to fix."""
    problems = [*partner_problems, *project_problems(data)]
    if problems:
        show_problems(problems)
    return not problems


def add_project_form(
    ctx: RequestContext, region_id: int, region_name: str, theme_names: dict[int, str]
) -> None:
    form_number = st.session_state.setdefault("projects-new-form", 0)
    prefix = f"new-{region_id}-{form_number}"
    # The form (some thirty fields and boxes) is made only while its expander is open:
    # drawn folded away on every visit, it took the browser longer than the projects.
    with st.expander(
        f"Add a project in {md(region_name)}",
        icon=":material/add:",
        key=f"projects-add-open-{region_id}",
        on_change="rerun",
    ) as box:
        if not box.open:
            return
        areas = project_service.region_areas(ctx, region_id)
        with st.form(prefix):
            data, partner_problems = project_fields(
                prefix, ProjectInput(title=""), areas, theme_names
            )
            submitted = st.form_submit_button("Add project", type="primary", key=f"{prefix}-submit")
        if not submitted or not checked(data, partner_problems):
            return
        run_write(
            forgetting(
                project_service.create_project, then=next_round("projects-new-form", form_number)
            ),
            ctx,
            region_id,
            data,
            success=f"Added '{data.title.strip()}'.",
            where=WHERE,
        )


def edit_project_form(
    ctx: RequestContext, project_id: int, title: str, theme_names: dict[int, str]
) -> None:
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
        found = project_service.project_to_edit(ctx, project_id)
        if found is None:
            return
        record, areas = found
        # The version the person started editing: kept while the form is on screen, so a
        # change someone else saves meanwhile is noticed instead of overwritten.
        loaded_key = f"projects-loaded-version-{project_id}"
        loaded = st.session_state.get(loaded_key)
        if loaded is None or f"edit-{project_id}-v{loaded}-title" not in st.session_state:
            loaded = record.version
            st.session_state[loaded_key] = loaded
        prefix = f"edit-{project_id}-v{loaded}"
        with st.form(prefix):
            data, partner_problems = project_fields(prefix, record.data, areas, theme_names)
            reason = st.text_input(
                "Why are you making this change? (optional, shown in the history)",
                max_chars=300,
                key=f"{prefix}-reason",
            )
            submitted = st.form_submit_button(
                "Save changes", type="primary", key=f"{prefix}-submit"
            )
        if not submitted or not checked(data, partner_problems):
            return

        def save(*args: Any, **kwargs: Any) -> bool:
            try:
                return project_service.update_project(*args, **kwargs)
            except StaleWrite as exc:
                st.session_state.pop(loaded_key, None)
                keep_outcome(f"{title}: {exc}", kind="error", where=WHERE)
                st.rerun()
                raise

        save_changes(
            save,
            ctx,
            project_id,
            loaded,
            data,
            reason=reason,
            nothing="Nothing was changed, so there was nothing to save.",
            success=f"Saved your changes to '{data.title.strip()}'.",
            then=lambda: st.session_state.pop(loaded_key, None),
        )


def aim_form(ctx: RequestContext, region_id: int, region_name: str, aim: int | None) -> None:
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
        save_changes(
            project_service.set_project_aim,
            ctx,
            region_id,
            wanted,
            reason=reason,
            nothing="That is the aim already, so there was nothing to save.",
            success=f"{region_name}'s own aim is now {wanted} projects."
            if wanted is not None
            else f"{region_name} has no aim of its own now.",
        )
