"""Local plan: a region's actions by action area, with filters, progress updates and
history, and the organisation-wide actions every region's plan shows read-only. Regional
leads keep their own region's plan; national leads keep the national template actions
here (wording, the themes they confirm, which are organisation-wide) and the
organisation-wide actions' owner, status and progress; everyone else reads."""

from __future__ import annotations

import streamlit as st

from components.context import current
from components.plan_actions import (
    DETAILS_KEY,
    SCROLL_TO_DETAILS,
    action_details,
    actions_by_area,
    organisation_wide_card,
    status_counts,
    superseded_copies,
)
from components.plan_forms import add_form, adopt_form, edit_form, remember_open, update_form
from components.plan_templates import template_section
from components.region_picker import choose_region
from components.scroll import scroll_to
from components.search_results import requested
from core.entities import Entity
from core.formatting import escape_markdown as plain
from core.permissions import Action, can
from core.plan_words import action_labels, status_label
from core.statuses import ACTION_STATUSES
from services import plan as plan_service
from services.context import RequestContext
from services.forum import PageComments, page_comments
from services.plan import ActionFilters, PlanSetting, RegionActions


def chosen_filters(setting: PlanSetting) -> ActionFilters:
    """The filters above the list of actions, as the person set them."""
    theme_names, area_names = setting.theme_names, setting.area_names
    with st.container(border=True):
        first, second = st.columns(2)
        themes = first.multiselect(
            "Theme",
            list(theme_names),
            format_func=theme_names.get,
            placeholder="All themes",
            key="plan-filter-theme",
        )
        areas = second.multiselect(
            "Action area",
            list(area_names),
            format_func=area_names.get,
            placeholder="All action areas",
            key="plan-filter-area",
        )
        third, fourth = st.columns(2)
        statuses = third.multiselect(
            "Status",
            list(ACTION_STATUSES),
            format_func=status_label,
            placeholder="Any status",
            key="plan-filter-status",
        )
        owners = fourth.multiselect(
            "Owner",
            setting.owners,
            placeholder="Any owner",
            key=f"plan-filter-owner-{setting.region_id}",
        )
        overdue_only = st.checkbox("Overdue only", key="plan-filter-overdue")
    return ActionFilters(themes, areas, statuses, owners, overdue_only)


def summary(actions, total: int, filtered: bool) -> None:
    """How many actions are shown, of how many, and how many are overdue."""
    shown = len(actions)
    late = int(actions["overdue"].sum()) if shown else 0
    noun = "action" if total == 1 else "actions"
    if filtered:
        st.markdown(f"**Showing {shown} of {total} {noun}.** {late} of those shown are overdue.")
    else:
        st.markdown(f"**Showing all {total} {noun}.** {late} are overdue.")
    if shown:
        status_counts(actions)


def one_action(
    ctx: RequestContext,
    found: RegionActions,
    setting: PlanSetting,
    comments: PageComments,
    *,
    may_edit: bool,
) -> None:
    """The action picked (or opened from its card): details, updates, comments, history,
    forms."""
    actions = found.actions
    st.header("Action details and history", anchor=False)
    ids = actions["id"].astype(int).tolist()
    key = f"plan-selected-{setting.region_id}"
    if st.session_state.get(key) not in ids:
        st.session_state[key] = ids[0]
    titles = action_labels(actions["id"], actions["code"], actions["title"])
    selected = st.selectbox("Action", ids, format_func=titles.get, key=key)
    row = actions[actions["id"] == selected].iloc[0]
    if st.session_state.pop(SCROLL_TO_DETAILS, False):
        scroll_to(DETAILS_KEY)  # "Open details and history" was pressed, or a link
    updates = found.updates[found.updates["action_id"] == selected]
    action_details(ctx, row, updates, setting, comments)
    if may_edit:
        loaded = remember_open(int(row["id"]), int(row["version"]))
        update_form(ctx, row, loaded, setting)
        edit_form(ctx, row, loaded, setting)


def organisation_wide(ctx: RequestContext, setting: PlanSetting, comments: PageComments) -> None:
    """The actions kept once, nationally, read-only here; and the region's earlier
    copies of them, kept for their history."""
    st.header("Organisation-wide actions", anchor=False)
    st.caption(
        "Actions the plan keeps once for the whole of Rethink, such as the Board-level "
        "champion. National leads keep them; every region's plan shows them as they stand, "
        "and they are not counted among the region's own actions."
    )
    wide_actions = setting.organisation_wide
    if wide_actions.empty:
        st.write("The national team has not marked any action as organisation-wide.")
    else:
        updates = plan_service.action_updates(ctx, wide_actions["id"].tolist())
        for _, wide in wide_actions.iterrows():
            mine = updates[updates["action_id"] == wide["id"]]
            organisation_wide_card(ctx, wide, mine, setting, comments)
    if not setting.superseded.empty:
        old_updates = plan_service.action_updates(ctx, setting.superseded["id"].tolist())
        superseded_copies(ctx, setting, old_updates)


def local_plan(ctx: RequestContext) -> None:
    st.title("Local plan")
    st.caption(
        "The region's actions from the AMHE plan, grouped by the plan's six action areas and "
        "tagged with the themes they serve. Status is kept up to date with dated progress "
        "updates. Open an action's details to read its progress updates, comments and "
        "history."
    )
    asked = requested("action")  # a search result's ?action=12
    region_id, region_name = choose_region(ctx, key="plan-region")
    if asked is not None:
        st.session_state[f"plan-selected-{region_id}"] = asked
        st.session_state[SCROLL_TO_DETAILS] = True
    may_edit = can(ctx.actor, Action.EDIT_PLAN, region_id)
    may_edit_templates = can(ctx.actor, Action.EDIT_NATIONAL_TEMPLATES)
    setting = plan_service.plan_setting(ctx, region_id, region_name)

    st.header(f"{plain(region_name)}'s actions", anchor=False)
    filters = chosen_filters(setting)
    found = plan_service.region_actions(ctx, region_id, filters, on=setting.today)
    summary(found.actions, setting.total, filters.any)
    # Every comment on the region's actions (and the organisation-wide ones) in one read.
    comments = page_comments(ctx, region_id, Entity.PLAN_ACTION)
    actions_by_area(found.actions, setting, filters, may_edit=may_edit, ctx=ctx, comments=comments)
    if len(found.actions):
        one_action(ctx, found, setting, comments, may_edit=may_edit)
    organisation_wide(ctx, setting, comments)
    if may_edit:
        st.header("Add to the plan", anchor=False)
        add_form(ctx, setting)
        adopt_form(ctx, setting)
    if may_edit_templates:
        template_section(ctx, setting)


local_plan(current())
