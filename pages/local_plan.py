"""Local plan: a region's actions by action area, with filters, progress updates and
history. Regional leads keep their own region's plan; national leads edit the national
template actions; everyone else reads."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from components.badges import status_markdown
from components.context import current
from components.downloads import download_buttons
from components.history import history_view
from components.region_picker import choose_region
from core.formatting import escape_markdown as plain
from core.permissions import Action, PermissionDenied, can
from core.statuses import ACTION_STATUSES
from db import plan
from db.writes import StaleWrite, WriteRefused


def status_label(code: str | None) -> str:
    style = ACTION_STATUSES.get(code or "")
    return style.label if style else str(code or "")


def overdue_badge(days: int) -> str:
    return f":red-badge[:material/warning: {plan.overdue_words(days)}]"


def status_badges(row: pd.Series) -> str:
    badges = [status_markdown(ACTION_STATUSES[row["status"]])]
    if row["overdue"]:
        badges.append(overdue_badge(int(row["days_overdue"])))
    return "  ".join(badges)


def flash(where: str, text: str, *, stale: bool = False) -> None:
    """Keep a message to show after the rerun that shows the saved (or newer) data."""
    st.session_state["plan-flash"] = (where, text, stale)


def show_flash(where: str) -> None:
    kept = st.session_state.get("plan-flash")
    if kept and kept[0] == where:
        if kept[2]:
            st.error(kept[1], icon=":material/sync_problem:")
        else:
            st.success(kept[1], icon=":material/check_circle:")
        del st.session_state["plan-flash"]


def action_label(code: str, title: str) -> str:
    """'LG1 Board-level AMHE champion' (plain text, for pickers)."""
    return " ".join(part for part in (code, title) if part)


def action_labels(frame: pd.DataFrame) -> dict[int, str]:
    """Action id to its label, for pickers."""
    return {
        int(i): action_label(code, title)
        for i, code, title in zip(frame["id"], frame["code"], frame["title"], strict=True)
    }


def refused(exc: Exception) -> None:
    st.error(str(exc), icon=":material/error:")


ctx = current()
st.title("Local plan")
st.caption(
    "The region's actions from the AMHE plan, grouped by the plan's six action areas and "
    "tagged with the themes they serve. Status is kept up to date with dated progress "
    "updates."
)
region_id, region_name = choose_region(ctx, key="plan-region")
may_edit = can(ctx.actor, Action.EDIT_PLAN, region_id)
may_edit_templates = can(ctx.actor, Action.EDIT_NATIONAL_TEMPLATES)
today = plan.today()

with Session(ctx.engine) as session:
    theme_table = plan.themes(session)
    area_table = plan.action_areas(session)
    owner_names = plan.region_owners(session, region_id)
    total = plan.action_total(session, region_id)

theme_names = {int(i): n for i, n in zip(theme_table["id"], theme_table["name"], strict=True)}
area_names = {int(i): n for i, n in zip(area_table["id"], area_table["name"], strict=True)}
status_codes = list(ACTION_STATUSES)

# --- filters -----------------------------------------------------------------------

st.header(f"{region_name}'s actions", anchor=False)
with st.container(border=True):
    first, second = st.columns(2)
    chosen_themes = first.multiselect(
        "Theme",
        list(theme_names),
        format_func=theme_names.get,
        placeholder="All themes",
        key="plan-filter-theme",
    )
    chosen_areas = second.multiselect(
        "Action area",
        list(area_names),
        format_func=area_names.get,
        placeholder="All action areas",
        key="plan-filter-area",
    )
    third, fourth = st.columns(2)
    chosen_statuses = third.multiselect(
        "Status",
        status_codes,
        format_func=status_label,
        placeholder="Any status",
        key="plan-filter-status",
    )
    chosen_owners = fourth.multiselect(
        "Owner",
        owner_names,
        placeholder="Any owner",
        key=f"plan-filter-owner-{region_id}",
    )
    overdue_only = st.checkbox("Overdue only", key="plan-filter-overdue")

with Session(ctx.engine) as session:
    actions = plan.region_actions(
        session,
        region_id,
        theme_ids=chosen_themes,
        action_area_ids=chosen_areas,
        statuses=chosen_statuses,
        owners=chosen_owners,
        overdue_only=overdue_only,
        on=today,
    )
    updates = plan.action_updates(session, actions["id"].tolist())

filtered = bool(chosen_themes or chosen_areas or chosen_statuses or chosen_owners or overdue_only)
shown = len(actions)
late = int(actions["overdue"].sum()) if shown else 0
noun = "action" if total == 1 else "actions"
if filtered:
    st.markdown(f"**Showing {shown} of {total} {noun}.** {late} of those shown are overdue.")
else:
    st.markdown(f"**Showing all {total} {noun}.** {late} are overdue.")
if shown:
    by_status = actions["status"].value_counts()
    st.markdown(
        "  ".join(
            status_markdown(style, suffix=f": {int(by_status[code])}")
            for code, style in ACTION_STATUSES.items()
            if code in by_status.index
        )
    )


def download_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Code": frame["code"],
            "Action": frame["title"],
            "Action area": frame["action_area"],
            "Themes": [", ".join(t) for t in frame["themes"]],
            "Owner": frame["owner"],
            "Due date": frame["due_date"],
            "Status": frame["status_label"],
            "Days overdue": frame["days_overdue"],
            "Progress updates": frame["updates"],
            "Latest update": frame["last_update"],
        }
    )


# --- the actions, by action area ---------------------------------------------------


def open_action(action_id: int) -> None:
    st.session_state[f"plan-selected-{region_id}"] = action_id


def update_line(update: pd.Series) -> str:
    words = f"**{update['update_date']:%d %b %Y}**"
    if pd.notna(update["author"]) and update["author"]:
        words += f", {plain(update['author'])}"
    words += f": {plain(update['note'])}"
    if pd.notna(update["status_to"]):
        words += (
            f" Status changed from {status_label(update['status_from'])} "
            f"to {status_label(update['status_to'])}."
        )
    return words


def action_card(row: pd.Series) -> None:
    with st.container(border=True):
        st.markdown(f"**{plain(action_label(row['code'], row['title']))}**")
        st.markdown(status_badges(row))
        st.caption("Themes: " + (", ".join(row["themes"]) or "none yet"))
        owner = plain(row["owner"]) if row["owner"] else "No owner yet"
        due = plan.due_words(row["due_date"], on=today)
        if row["updates"]:
            count = f"{row['updates']} progress update{'s' if row['updates'] != 1 else ''}"
            latest = f"the latest on {row['last_update']:%d %b %Y}"
            st.markdown(f"Owner: {owner}. {due}. {count}, {latest}.")
        else:
            st.markdown(f"Owner: {owner}. {due}. No progress updates yet.")
        st.button(
            "Open details and history",
            key=f"plan-open-{row['id']}",
            on_click=open_action,
            args=(int(row["id"]),),
            icon=":material/expand_circle_down:",
            help="Shows this action below, with its progress updates and history.",
        )


if total == 0:
    st.info(
        f"{region_name} has no actions in its plan yet."
        + (" Add one, or adopt one from the national plan, below." if may_edit else ""),
        icon=":material/info:",
    )
elif shown == 0:
    st.info("No actions match these filters.", icon=":material/filter_alt_off:")
else:
    download_buttons(
        download_table(actions), f"local-plan-{region_name.lower().replace(' ', '-')}", key="plan"
    )
    for area_id, area_name in area_names.items():
        if chosen_areas and area_id not in chosen_areas:
            continue
        in_area = actions[actions["action_area_id"] == area_id]
        st.subheader(f"{area_name} ({len(in_area)})", anchor=False)
        if in_area.empty:
            st.write(
                "No actions here match these filters."
                if filtered
                else "No actions in this area yet."
            )
        for _, row in in_area.iterrows():
            action_card(row)


# --- one action: details, updates, history and the forms to change it ----------------


def remember_open(action_id: int, version: int) -> int:
    """The version of the action when the person opened it (for optimistic concurrency)."""
    kept = st.session_state.get("plan-open")
    if not kept or kept[0] != action_id:
        kept = (action_id, version)
        st.session_state["plan-open"] = kept
    return kept[1]


def forget_open() -> None:
    st.session_state.pop("plan-open", None)


def update_form(row: pd.Series, loaded: int) -> None:
    st.subheader("Post a progress update", anchor=False)
    show_flash("update")
    round_ = st.session_state.get("plan-update-round", 0)
    current_label = row["status_label"]
    with st.form(f"plan-update-{row['id']}-{round_}"):
        when = st.date_input(
            "Date of the update",
            value=today,
            min_value=plan.EARLIEST_DATE,
            max_value=today,
            format="DD/MM/YYYY",
        )
        note = st.text_area(
            f"What has happened? (up to {plan.NOTE_MAX:,} characters)",
            max_chars=plan.NOTE_MAX,
        )
        new_status = st.selectbox(
            "Status after this update",
            [None, *[c for c in status_codes if c != row["status"]]],
            format_func=lambda c: f"Keep as {current_label}" if c is None else status_label(c),
        )
        submitted = st.form_submit_button("Post update", type="primary", icon=":material/post_add:")
    if not submitted:
        return
    try:
        plan.post_action_update(
            ctx.engine,
            ctx.actor,
            int(row["id"]),
            when,
            note,
            new_status,
            version=loaded,
        )
    except StaleWrite as exc:
        forget_open()
        flash("update", str(exc), stale=True)
        st.rerun()
    except (WriteRefused, PermissionDenied) as exc:
        refused(exc)
        return
    forget_open()
    st.session_state["plan-update-round"] = round_ + 1
    change = f" Its status is now {status_label(new_status)}." if new_status else ""
    flash("update", f"Progress update saved for '{plain(row['title'])}'.{change}")
    st.rerun()


def edit_form(row: pd.Series, loaded: int) -> None:
    st.subheader("Edit this action", anchor=False)
    show_flash("edit")
    latest_due = date(today.year + plan.LATEST_DUE_YEARS, 12, 31)
    areas = list(area_names)
    with st.form(f"plan-edit-{row['id']}-{loaded}"):
        title = st.text_input("Title", value=row["title"], max_chars=plan.TITLE_MAX)
        description = st.text_area(
            "Description", value=row["description"], max_chars=plan.DESCRIPTION_MAX
        )
        area = st.selectbox(
            "Action area",
            areas,
            index=areas.index(row["action_area_id"]),
            format_func=area_names.get,
        )
        chosen = st.multiselect(
            "Themes this action serves",
            list(theme_names),
            default=list(row["theme_ids"]),
            format_func=theme_names.get,
        )
        owner = st.text_input("Owner", value=row["owner"], max_chars=plan.OWNER_MAX)
        due = st.date_input(
            "Due date (optional)",
            value=row["due_date"],
            min_value=plan.EARLIEST_DATE,
            max_value=latest_due,
            format="DD/MM/YYYY",
        )
        reason = st.text_input("Why are you making this change? (optional)", max_chars=500)
        submitted = st.form_submit_button("Save changes", type="primary", icon=":material/save:")
    if not submitted:
        return
    try:
        plan.update_action(
            ctx.engine,
            ctx.actor,
            int(row["id"]),
            loaded,
            title=title,
            description=description,
            action_area_id=area,
            theme_ids=chosen,
            owner=owner,
            due_date=due,
            reason=reason,
        )
    except StaleWrite as exc:
        forget_open()
        flash("edit", str(exc), stale=True)
        st.rerun()
    except (WriteRefused, PermissionDenied) as exc:
        refused(exc)
        return
    forget_open()
    flash("edit", f"Changes saved to '{plain(title.strip())}'.")
    st.rerun()


def action_details(row: pd.Series, updates_of_action: pd.DataFrame) -> None:
    with st.container(border=True, key="plan-details"):
        st.subheader(plain(action_label(row["code"], row["title"])), anchor=False)
        st.markdown(status_badges(row))
        st.markdown(plain(row["description"]) or "_No description yet._")
        origin = (
            "Adopted from the national plan."
            if pd.notna(row["template_id"])
            else "A local action of this region."
        )
        st.markdown(
            f"Action area: {plain(row['action_area'])}.  \n"
            f"Themes: {', '.join(row['themes']) or 'none yet'}.  \n"
            f"Owner: {plain(row['owner']) or 'no owner yet'}.  \n"
            f"{plan.due_words(row['due_date'], on=today)}.  \n{origin}"
        )
    st.subheader("Progress updates", anchor=False)
    if updates_of_action.empty:
        st.write("No progress updates yet.")
    else:
        st.markdown("\n".join(f"1. {update_line(u)}" for _, u in updates_of_action.iterrows()))
    history_view(
        ctx.engine,
        "plan_action",
        [int(row["id"])],
        key=f"history-action-{row['id']}",
        title="Change history",
    )


if shown:
    st.header("Action details and history", anchor=False)
    ids = actions["id"].astype(int).tolist()
    key = f"plan-selected-{region_id}"
    if st.session_state.get(key) not in ids:
        st.session_state[key] = ids[0]
    titles = action_labels(actions)
    selected = st.selectbox("Action", ids, format_func=titles.get, key=key)
    row = actions[actions["id"] == selected].iloc[0]
    action_details(row, updates[updates["action_id"] == selected])
    if may_edit:
        loaded = remember_open(int(row["id"]), int(row["version"]))
        update_form(row, loaded)
        edit_form(row, loaded)


# --- adding to the plan (regional leads and administrators) ----------------------------


def add_form() -> None:
    st.subheader("Add a local action", anchor=False)
    show_flash("add")
    round_ = st.session_state.get("plan-add-round", 0)
    latest_due = date(today.year + plan.LATEST_DUE_YEARS, 12, 31)
    with st.form(f"plan-add-{region_id}-{round_}"):
        title = st.text_input("Title", max_chars=plan.TITLE_MAX)
        description = st.text_area("Description (optional)", max_chars=plan.DESCRIPTION_MAX)
        area = st.selectbox("Action area", list(area_names), format_func=area_names.get)
        chosen = st.multiselect(
            "Themes this action serves", list(theme_names), format_func=theme_names.get
        )
        owner = st.text_input("Owner (optional)", max_chars=plan.OWNER_MAX)
        due = st.date_input(
            "Due date (optional)",
            value=None,
            min_value=plan.EARLIEST_DATE,
            max_value=latest_due,
            format="DD/MM/YYYY",
        )
        status = st.selectbox("Status", status_codes, format_func=status_label)
        submitted = st.form_submit_button("Add action", type="primary", icon=":material/add:")
    if not submitted:
        return
    try:
        plan.add_action(
            ctx.engine,
            ctx.actor,
            region_id,
            title,
            area,
            chosen,
            description=description,
            owner=owner,
            due_date=due,
            status=status,
        )
    except (WriteRefused, PermissionDenied) as exc:
        refused(exc)
        return
    st.session_state["plan-add-round"] = round_ + 1
    flash("add", f"Added '{plain(title.strip())}' to {region_name}'s plan.")
    st.rerun()


def adopt_form() -> None:
    st.subheader("Adopt an action from the national plan", anchor=False)
    show_flash("adopt")
    with Session(ctx.engine) as session:
        available = plan.templates_not_adopted(session, region_id)
    if available.empty:
        st.write(f"{region_name} has adopted every action of the national plan.")
        return
    ids = available["id"].astype(int).tolist()
    labels = action_labels(available)
    template_id = st.selectbox(
        "National action to adopt", ids, format_func=labels.get, key=f"plan-adopt-{region_id}"
    )
    template = available[available["id"] == template_id].iloc[0]
    latest_due = date(today.year + plan.LATEST_DUE_YEARS, 12, 31)
    st.caption("Adapt the wording and themes to your region if you need to.")
    with st.form(f"plan-adopt-form-{region_id}-{template_id}"):
        title = st.text_input("Title", value=template["title"], max_chars=plan.TITLE_MAX)
        description = st.text_area(
            "Description", value=template["description"], max_chars=plan.DESCRIPTION_MAX
        )
        chosen = st.multiselect(
            "Themes this action serves",
            list(theme_names),
            default=list(template["theme_ids"]),
            format_func=theme_names.get,
        )
        owner = st.text_input("Owner (optional)", max_chars=plan.OWNER_MAX)
        due = st.date_input(
            "Due date (optional)",
            value=None,
            min_value=plan.EARLIEST_DATE,
            max_value=latest_due,
            format="DD/MM/YYYY",
        )
        submitted = st.form_submit_button(
            "Adopt action", type="primary", icon=":material/library_add:"
        )
    if not submitted:
        return
    try:
        plan.adopt_template(
            ctx.engine,
            ctx.actor,
            region_id,
            template_id,
            title=title,
            description=description,
            theme_ids=chosen,
            owner=owner,
            due_date=due,
        )
    except (WriteRefused, PermissionDenied) as exc:
        refused(exc)
        return
    flash("adopt", f"{region_name} has adopted '{plain(title.strip())}'.")
    st.rerun()


if may_edit:
    st.header("Add to the plan", anchor=False)
    add_form()
    adopt_form()


# --- national template actions (national leads and administrators) ------------------


def template_section() -> None:
    st.header("National template actions", anchor=False)
    st.caption(
        "The national plan's actions, which regions adopt. Changes here do not alter the "
        "copies regions have already adopted and adapted."
    )
    show_flash("template")
    with Session(ctx.engine) as session:
        templates = plan.national_templates(session)
    if templates.empty:
        st.write("There are no national template actions yet.")
        return
    ids = templates["id"].astype(int).tolist()
    labels = action_labels(templates)
    template_id = st.selectbox(
        "National template action", ids, format_func=labels.get, key="plan-template"
    )
    template = templates[templates["id"] == template_id].iloc[0]
    kept = st.session_state.get("plan-open-template")
    if not kept or kept[0] != template_id:
        kept = (template_id, int(template["version"]))
        st.session_state["plan-open-template"] = kept
    loaded = kept[1]
    with st.form(f"plan-template-form-{template_id}-{loaded}"):
        title = st.text_input("Title", value=template["title"], max_chars=plan.TITLE_MAX)
        description = st.text_area(
            "Description", value=template["description"], max_chars=plan.DESCRIPTION_MAX
        )
        chosen = st.multiselect(
            "Themes this action serves",
            list(theme_names),
            default=list(template["theme_ids"]),
            format_func=theme_names.get,
        )
        reason = st.text_input("Why are you making this change? (optional)", max_chars=500)
        submitted = st.form_submit_button("Save template", type="primary", icon=":material/save:")
    if not submitted:
        return
    try:
        plan.update_template(
            ctx.engine,
            ctx.actor,
            template_id,
            loaded,
            title=title,
            description=description,
            theme_ids=chosen,
            reason=reason,
        )
    except StaleWrite as exc:
        st.session_state.pop("plan-open-template", None)
        flash("template", str(exc), stale=True)
        st.rerun()
    except (WriteRefused, PermissionDenied) as exc:
        refused(exc)
        return
    st.session_state.pop("plan-open-template", None)
    flash("template", f"Saved the national template action '{plain(title.strip())}'.")
    st.rerun()


if may_edit_templates:
    template_section()
