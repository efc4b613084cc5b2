"""The forms that change a region's plan: a progress update, an action's details, a new
local action and an adopted national one (Local plan page). Each saves through
``services.plan`` and :func:`components.outcome.run_write`."""

from __future__ import annotations

from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from components.outcome import forgetting, next_round, run_write, show_outcome
from core.formatting import escape_markdown as plain
from core.plan_words import (
    DESCRIPTION_MAX,
    EARLIEST_DATE,
    NOTE_MAX,
    OWNER_MAX,
    TITLE_MAX,
    action_labels,
    latest_due,
    status_label,
)
from core.statuses import ACTION_STATUSES
from services import plan as plan_service
from services.context import RequestContext
from services.plan import PlanSetting

R = TypeVar("R")

#: Where the versions of the action (and national action) a person opened are kept.
OPEN_KEYS = ("plan-open", "plan-open-template")


#: The keys of the folded forms' expanders (open while True).
EDIT_OPEN, ADD_OPEN, ADOPT_OPEN = "plan-edit-open", "plan-add-open", "plan-adopt-open"


def remember_open(action_id: int, version: int) -> int:
    """The version of the action when the person opened it (for optimistic concurrency)."""
    kept = st.session_state.get("plan-open")
    if not kept or kept[0] != action_id:
        kept = (action_id, version)
        st.session_state["plan-open"] = kept
    return kept[1]


def due_date_input(setting: PlanSetting, value: Any = None) -> Any:
    return st.date_input(
        "Due date (optional)",
        value=value,
        min_value=EARLIEST_DATE,
        max_value=latest_due(setting.today),
        format="DD/MM/YYYY",
    )


def themes_input(setting: PlanSetting, default: Any = None) -> list[int]:
    theme_names = setting.theme_names
    return st.multiselect(
        "Themes this action serves",
        list(theme_names),
        default=default,
        format_func=theme_names.get,
    )


def update_form(ctx: RequestContext, row: pd.Series, loaded: int, setting: PlanSetting) -> None:
    st.subheader("Post a progress update", anchor=False)
    show_outcome("update")
    round_ = st.session_state.get("plan-update-round", 0)
    current_label = row["status_label"]
    with st.form(f"plan-update-{row['id']}-{round_}"):
        when = st.date_input(
            "Date of the update",
            value=setting.today,
            min_value=EARLIEST_DATE,
            max_value=setting.today,
            format="DD/MM/YYYY",
        )
        note = st.text_area(
            f"What has happened? (up to {NOTE_MAX:,} characters)",
            max_chars=NOTE_MAX,
        )
        new_status = st.selectbox(
            "Status after this update",
            [None, *[c for c in ACTION_STATUSES if c != row["status"]]],
            format_func=lambda c: f"Keep as {current_label}" if c is None else status_label(c),
        )
        submitted = st.form_submit_button("Post update", type="primary", icon=":material/post_add:")
    if not submitted:
        return
    change = f" Its status is now {status_label(new_status)}." if new_status else ""
    run_write(
        forgetting(
            plan_service.post_action_update,
            *OPEN_KEYS,
            then=next_round("plan-update-round", round_),
        ),
        ctx,
        int(row["id"]),
        when,
        note,
        new_status,
        version=loaded,
        success=f"Progress update saved for '{row['title']}'.{change}",
        where="update",
    )


def edit_form(ctx: RequestContext, row: pd.Series, loaded: int, setting: PlanSetting) -> None:
    """ "Edit this action", folded: its form is made only while open."""
    show_outcome("edit")
    with st.expander(
        "Edit this action", icon=":material/edit:", key=EDIT_OPEN, on_change="rerun"
    ) as box:
        if box.open:
            _edit_fields(ctx, row, loaded, setting)


def _edit_fields(ctx: RequestContext, row: pd.Series, loaded: int, setting: PlanSetting) -> None:
    area_names = setting.area_names
    areas = list(area_names)
    with st.form(f"plan-edit-{row['id']}-{loaded}"):
        title = st.text_input("Title", value=row["title"], max_chars=TITLE_MAX)
        description = st.text_area(
            "Description", value=row["description"], max_chars=DESCRIPTION_MAX
        )
        area = st.selectbox(
            "Action area",
            areas,
            index=areas.index(row["action_area_id"]),
            format_func=area_names.get,
        )
        chosen = themes_input(setting, list(row["theme_ids"]))
        owner = st.text_input("Owner", value=row["owner"], max_chars=OWNER_MAX)
        due = due_date_input(setting, row["due_date"])
        reason = st.text_input("Why are you making this change? (optional)", max_chars=500)
        submitted = st.form_submit_button("Save changes", type="primary", icon=":material/save:")
    if not submitted:
        return
    run_write(
        forgetting(plan_service.update_action, *OPEN_KEYS),
        ctx,
        int(row["id"]),
        loaded,
        title=title,
        description=description,
        action_area_id=area,
        theme_ids=chosen,
        owner=owner,
        due_date=due,
        reason=reason,
        success=f"Changes saved to '{title.strip()}'.",
        where="edit",
    )


def add_form(ctx: RequestContext, setting: PlanSetting) -> None:
    """ "Add a local action", folded: its form is made only while open."""
    show_outcome("add")
    with st.expander(
        "Add a local action", icon=":material/add:", key=ADD_OPEN, on_change="rerun"
    ) as box:
        if box.open:
            _add_fields(ctx, setting)


def _add_fields(ctx: RequestContext, setting: PlanSetting) -> None:
    round_ = st.session_state.get("plan-add-round", 0)
    area_names = setting.area_names
    with st.form(f"plan-add-{setting.region_id}-{round_}"):
        title = st.text_input("Title", max_chars=TITLE_MAX)
        description = st.text_area("Description (optional)", max_chars=DESCRIPTION_MAX)
        area = st.selectbox("Action area", list(area_names), format_func=area_names.get)
        chosen = themes_input(setting)
        owner = st.text_input("Owner (optional)", max_chars=OWNER_MAX)
        due = due_date_input(setting)
        status = st.selectbox("Status", list(ACTION_STATUSES), format_func=status_label)
        submitted = st.form_submit_button("Add action", type="primary", icon=":material/add:")
    if not submitted:
        return
    run_write(
        forgetting(plan_service.add_action, then=next_round("plan-add-round", round_)),
        ctx,
        setting.region_id,
        title,
        area,
        chosen,
        description=description,
        owner=owner,
        due_date=due,
        status=status,
        success=f"Added '{title.strip()}' to {setting.region_name}'s plan.",
        where="add",
    )


def adopt_form(ctx: RequestContext, setting: PlanSetting) -> None:
    """ "Adopt an action from the national plan", folded: the templates are read and its
    form made only while open."""
    show_outcome("adopt")
    with st.expander(
        "Adopt an action from the national plan",
        icon=":material/library_add:",
        key=ADOPT_OPEN,
        on_change="rerun",
    ) as box:
        if box.open:
            _adopt_fields(ctx, setting)


def _adopt_fields(ctx: RequestContext, setting: PlanSetting) -> None:
    region_id, region_name = setting.region_id, setting.region_name
    available = plan_service.templates_not_adopted(ctx, region_id, setting.national_actions)
    if available.empty:
        st.write(f"{plain(region_name)} has adopted every action of the national plan.")
        return
    ids = available["id"].astype(int).tolist()
    labels = action_labels(available["id"], available["code"], available["title"])
    template_id = st.selectbox(
        "National action to adopt", ids, format_func=labels.get, key=f"plan-adopt-{region_id}"
    )
    template = available[available["id"] == template_id].iloc[0]
    st.caption("Adapt the wording and themes to your region if you need to.")
    with st.form(f"plan-adopt-form-{region_id}-{template_id}"):
        title = st.text_input("Title", value=template["title"], max_chars=TITLE_MAX)
        description = st.text_area(
            "Description", value=template["description"], max_chars=DESCRIPTION_MAX
        )
        chosen = themes_input(setting, list(template["theme_ids"]))
        owner = st.text_input("Owner (optional)", max_chars=OWNER_MAX)
        due = due_date_input(setting)
        submitted = st.form_submit_button(
            "Adopt action", type="primary", icon=":material/library_add:"
        )
    if not submitted:
        return
    run_write(
        plan_service.adopt_template,
        ctx,
        region_id,
        template_id,
        title=title,
        description=description,
        theme_ids=chosen,
        owner=owner,
        due_date=due,
        success=f"{region_name} has adopted '{title.strip()}'.",
        where="adopt",
    )
