"""Local plan: a region's actions by action area, with filters, progress updates and
history, and the organisation-wide actions every region's plan shows read-only. Regional
leads keep their own region's plan; national leads keep the national template actions
here (wording, the themes they confirm, which are organisation-wide) and the
organisation-wide actions' owner, status and progress; everyone else reads."""

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
    st.error(plain(str(exc)), icon=":material/error:")


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
    organisation_wide = plan.organisation_wide_actions(session)
    superseded = plan.superseded_copies(session, region_id)
    confirmation = plan.theme_confirmation(session)
    national_actions = plan.national_templates(session)
unconfirmed_templates = set(
    national_actions.loc[national_actions["themes_confirmed_at"].isna(), "id"].astype(int)
)

theme_names = {int(i): n for i, n in zip(theme_table["id"], theme_table["name"], strict=True)}
area_names = {int(i): n for i, n in zip(area_table["id"], area_table["name"], strict=True)}
status_codes = list(ACTION_STATUSES)

# --- filters -----------------------------------------------------------------------

st.header(f"{plain(region_name)}'s actions", anchor=False)
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


def themes_words(row: pd.Series) -> str:
    """'Workforce, Co-learning' (for markdown), saying when a national action's themes
    (or those an adopted copy took from it) are still proposed rather than confirmed."""
    words = plain(", ".join(row["themes"])) or "none yet"
    national = row["id"] if pd.isna(row["region_id"]) else row["template_id"]
    if pd.notna(national) and int(national) in unconfirmed_templates:
        words += " (proposed from the plan's text, not yet confirmed by the national team)"
    return words


def action_card(row: pd.Series) -> None:
    with st.container(border=True):
        st.markdown(f"**{plain(action_label(row['code'], row['title']))}**")
        st.markdown(status_badges(row))
        st.caption("Themes: " + themes_words(row))
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
        f"{plain(region_name)} has no actions in its plan yet."
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
        st.subheader(f"{plain(area_name)} ({len(in_area)})", anchor=False)
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
    """Forget the versions remembered when an action (or a national action) was opened."""
    st.session_state.pop("plan-open", None)
    st.session_state.pop("plan-open-template", None)


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
        flash("update", plain(str(exc)), stale=True)
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
        flash("edit", plain(str(exc)), stale=True)
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
            f"Themes: {themes_words(row)}.  \n"
            f"Owner: {plain(row['owner']) or 'no owner yet'}.  \n"
            f"{plan.due_words(row['due_date'], on=today)}.  \n{origin}"
        )
    st.subheader("Progress updates", anchor=False)
    if updates_of_action.empty:
        st.write("No progress updates yet.")
    else:
        st.markdown("\n".join(f"1. {update_line(u)}" for _, u in updates_of_action.iterrows()))
    history_view(
        ctx,
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
    flash("add", f"Added '{plain(title.strip())}' to {plain(region_name)}'s plan.")
    st.rerun()


def adopt_form() -> None:
    st.subheader("Adopt an action from the national plan", anchor=False)
    show_flash("adopt")
    with Session(ctx.engine) as session:
        available = plan.templates_not_adopted(session, region_id)
    if available.empty:
        st.write(f"{plain(region_name)} has adopted every action of the national plan.")
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
    flash("adopt", f"{plain(region_name)} has adopted '{plain(title.strip())}'.")
    st.rerun()


# --- organisation-wide actions: kept once, nationally; read-only in every region ------


def organisation_wide_card(row: pd.Series, updates_of_action: pd.DataFrame) -> None:
    with st.container(border=True):
        st.markdown(f"**{plain(action_label(row['code'], row['title']))}**")
        st.markdown(status_badges(row))
        st.caption("Themes: " + themes_words(row))
        owner = plain(row["owner"]) if row["owner"] else "no owner named yet"
        due = plan.due_words(row["due_date"], on=today)
        st.markdown(f"Kept by the national team. Owner: {owner}. {due}.")
        if updates_of_action.empty:
            st.write("No progress updates yet.")
        else:
            latest = updates_of_action.iloc[-1]
            st.markdown(f"Latest progress update: {update_line(latest)}")
        history_view(
            ctx,
            "plan_action",
            [int(row["id"])],
            key=f"history-wide-{region_id}-{row['id']}",
            title="Change history",
        )


st.header("Organisation-wide actions", anchor=False)
st.caption(
    "Actions the plan keeps once for the whole of Rethink, such as the Board-level "
    "champion. National leads keep them; every region's plan shows them as they stand, "
    "and they are not counted among the region's own actions."
)
if organisation_wide.empty:
    st.write("The national team has not marked any action as organisation-wide.")
else:
    with Session(ctx.engine) as session:
        wide_updates = plan.action_updates(session, organisation_wide["id"].tolist())
    for _, wide in organisation_wide.iterrows():
        organisation_wide_card(wide, wide_updates[wide_updates["action_id"] == wide["id"]])
if not superseded.empty:
    with st.expander(
        f"{plain(region_name)}'s earlier copies of organisation-wide actions "
        f"({len(superseded)}), kept for their history"
    ):
        st.markdown(
            f"{plain(region_name)} adopted these before the national team kept them once "
            "for the whole organisation. They are kept with their progress updates and "
            "history, but they are no longer part of the region's plan, are not counted and "
            "cannot be changed."
        )
        with Session(ctx.engine) as session:
            old_updates = plan.action_updates(session, superseded["id"].tolist())
        for _, old in superseded.iterrows():
            st.markdown(
                f"**{plain(action_label(old['code'], old['title']))}**: "
                f"{old['status_label']} when it was last updated; owner "
                f"{plain(old['owner']) or 'not named'}."
            )
            mine = old_updates[old_updates["action_id"] == old["id"]]
            if not mine.empty:
                st.markdown("\n".join(f"1. {update_line(u)}" for _, u in mine.iterrows()))
            history_view(
                ctx,
                "plan_action",
                [int(old["id"])],
                key=f"history-superseded-{old['id']}",
                title="Change history",
            )


if may_edit:
    st.header("Add to the plan", anchor=False)
    add_form()
    adopt_form()


# --- national template actions (national leads and administrators) ------------------


def template_section() -> None:
    st.header("National template actions", anchor=False)
    st.caption(
        "The national plan's actions. Regions adopt most of them; organisation-wide ones "
        "are kept here once, for the whole organisation. Changes to the wording do not "
        "alter the copies regions have already adopted and adapted."
    )
    show_flash("template")
    templates = national_actions
    if templates.empty:
        st.write("There are no national template actions yet.")
        return
    if confirmation.complete:
        st.success(
            "A national lead has confirmed the themes of every national action.",
            icon=":material/verified:",
        )
    else:
        st.warning(
            f"Themes confirmed for {confirmation.confirmed} of {confirmation.total} national "
            "actions. The others are still the themes proposed from each action's text "
            "(the plan's key icons were lost when it was turned into text): pick an "
            "action, check its themes against the plan, correct them if needed and "
            "confirm them.",
            icon=":material/rule:",
        )
    st.dataframe(
        pd.DataFrame(
            {
                "Action": [
                    action_label(c, t)
                    for c, t in zip(templates["code"], templates["title"], strict=True)
                ],
                "Themes": [", ".join(t) for t in templates["themes"]],
                "Themes confirmed": [
                    "Not yet" if pd.isna(at) else f"{at:%d %b %Y} by {by}"
                    for at, by in zip(
                        templates["themes_confirmed_at"],
                        templates["themes_confirmed_by"],
                        strict=True,
                    )
                ],
                "Organisation-wide": ["Yes" if w else "" for w in templates["organisation_wide"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )
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
    wide = bool(template["organisation_wide"])
    theme_form(template, loaded)
    organisation_wide_form(template, loaded)
    if wide:
        update_form(template, loaded)
    st.subheader("Wording" + (", owner and due date" if wide else ""), anchor=False)
    extra = {}
    with st.form(f"plan-template-form-{template_id}-{loaded}"):
        title = st.text_input("Title", value=template["title"], max_chars=plan.TITLE_MAX)
        description = st.text_area(
            "Description", value=template["description"], max_chars=plan.DESCRIPTION_MAX
        )
        if wide:
            extra["owner"] = st.text_input(
                "Owner", value=template["owner"], max_chars=plan.OWNER_MAX
            )
            extra["due_date"] = st.date_input(
                "Due date (optional)",
                value=template["due_date"] if pd.notna(template["due_date"]) else None,
                min_value=plan.EARLIEST_DATE,
                max_value=date(today.year + plan.LATEST_DUE_YEARS, 12, 31),
                format="DD/MM/YYYY",
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
            reason=reason,
            **extra,
        )
    except StaleWrite as exc:
        st.session_state.pop("plan-open-template", None)
        flash("template", plain(str(exc)), stale=True)
        st.rerun()
    except (WriteRefused, PermissionDenied) as exc:
        refused(exc)
        return
    st.session_state.pop("plan-open-template", None)
    flash("template", f"Saved the national template action '{plain(title.strip())}'.")
    st.rerun()


def theme_form(template: pd.Series, loaded: int) -> None:
    """Confirm (or correct, then confirm) the themes a national action serves."""
    st.subheader("Themes", anchor=False)
    show_flash("themes")
    if pd.isna(template["themes_confirmed_at"]):
        st.markdown(
            "These themes were **proposed** from the action's text and are not yet "
            "confirmed. Check them against the plan, correct them if needed, then confirm."
        )
    else:
        st.markdown(
            f"Confirmed by {plain(template['themes_confirmed_by'])} on "
            f"{template['themes_confirmed_at']:%d %b %Y}. Change them and confirm again if "
            "they are not right."
        )
    with st.form(f"plan-themes-form-{template['id']}-{loaded}"):
        chosen = st.multiselect(
            "Themes this action serves",
            list(theme_names),
            default=list(template["theme_ids"]),
            format_func=theme_names.get,
        )
        reason = st.text_input("Why? (optional, shown in the history)", max_chars=500)
        submitted = st.form_submit_button(
            "Confirm these themes", type="primary", icon=":material/verified:"
        )
    if not submitted:
        return
    try:
        plan.confirm_action_themes(
            ctx.engine, ctx.actor, int(template["id"]), loaded, chosen, reason=reason
        )
    except StaleWrite as exc:
        forget_open()
        flash("themes", plain(str(exc)), stale=True)
        st.rerun()
    except (WriteRefused, PermissionDenied) as exc:
        refused(exc)
        return
    forget_open()
    flash(
        "themes",
        f"Confirmed the themes of '{plain(template['title'])}'. Regions' copies that still "
        "had the proposed themes now have these.",
    )
    st.rerun()


def organisation_wide_form(template: pd.Series, loaded: int) -> None:
    """Mark a national action as kept once for the whole organisation, or unmark it."""
    st.subheader("Organisation-wide", anchor=False)
    show_flash("wide")
    wide = bool(template["organisation_wide"])
    with Session(ctx.engine) as session:
        copies = plan.regions_with_copies(session, int(template["id"]))
    if wide:
        st.write(
            "Kept once for the whole organisation by national leads, and shown read-only "
            "in every region's plan."
        )
    else:
        st.write("Regions adopt this action into their own plans.")
    if copies:
        st.caption(
            f"{len(copies)} region{'s' if len(copies) != 1 else ''} "
            f"{'have' if len(copies) != 1 else 'has'} a copy of it "
            f"({plain(', '.join(copies))}). "
            + (
                "Those copies are kept with their history but are not part of the regions' "
                "plans while it is organisation-wide; taking the mark off brings them back."
                if wide
                else "Marking it organisation-wide keeps those copies with their history "
                "but takes them out of the regions' plans and counts."
            )
        )
    with st.form(f"plan-wide-form-{template['id']}-{loaded}"):
        reason = st.text_input("Why? (optional, shown in the history)", max_chars=500)
        submitted = st.form_submit_button(
            "Let regions adopt it instead" if wide else "Keep it once for the organisation",
            icon=":material/public:",
        )
    if not submitted:
        return
    try:
        plan.set_organisation_wide(
            ctx.engine, ctx.actor, int(template["id"]), loaded, not wide, reason=reason
        )
    except StaleWrite as exc:
        forget_open()
        flash("wide", plain(str(exc)), stale=True)
        st.rerun()
    except (WriteRefused, PermissionDenied) as exc:
        refused(exc)
        return
    forget_open()
    flash(
        "wide",
        f"'{plain(template['title'])}' is "
        + ("now adopted by regions." if wide else "now kept once for the whole organisation."),
    )
    st.rerun()


if may_edit_templates:
    template_section()
