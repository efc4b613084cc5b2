"""Administration: accounts and the reference lists (areas, characteristic groups)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import file_abouts
from components.context import current
from components.downloads import download_buttons
from components.outcome import forgetting, next_round, run_write, show_outcome
from core.formatting import escape_markdown
from core.passwords import PASSWORD_HINT
from core.permissions import REGIONAL_ROLES, ROLE_LABELS, Action, Role, can
from services import admin
from services.context import RequestContext
from services.regions import regions as active_regions

ROLES = [r.value for r in Role]
NATIONAL_ROLES = ", ".join(ROLE_LABELS[r].lower() for r in ROLES if r not in REGIONAL_ROLES)
REGION_HELP = (
    "Only regional leads and forum members have a region. Leave it as None for a "
    f"national role ({NATIONAL_ROLES}): a region chosen for one is refused."
)
AREA_ROUND = "add_area_round"
AREA_WHERE = "add-area"
MUST_CHANGE = "Ask for a new password at the next sign-in"
MUST_CHANGE_HELP = (
    "After signing in with this password, the person sees only a form to choose their "
    "own, which only they will then know."
)


def save(write, *args, success, **kwargs) -> None:
    """Run a write and say what happened, in words, beside its form."""
    run_write(write, *args, success=success, rerun=False, **kwargs)


def accounts_tab(ctx: RequestContext, regions: pd.DataFrame) -> None:
    region_names = dict(zip(regions["id"], regions["name"], strict=True))
    users = admin.accounts(ctx)
    shown = users.drop(columns=["id"]).assign(Role=users["Role"].map(ROLE_LABELS))
    st.dataframe(shown, hide_index=True, width="stretch")
    download_buttons(shown, "accounts", key="accounts", about=file_abouts.accounts(ctx))

    st.header("Add an account", anchor=False)
    with st.form("add_account", clear_on_submit=True):
        username = st.text_input("Username (what they type to sign in)")
        name = st.text_input("Full name")
        email = st.text_input("Email (optional)")
        role = st.selectbox("Role", ROLES, format_func=ROLE_LABELS.get)
        region = st.selectbox(
            "Region (regional leads and forum members only)",
            [None, *region_names],
            format_func=lambda r: region_names.get(r, "None"),
            help=REGION_HELP,
        )
        password = st.text_input(
            "First password", type="password", autocomplete="new-password", help=PASSWORD_HINT
        )
        must_change = st.checkbox(MUST_CHANGE, value=True, help=MUST_CHANGE_HELP)
        if st.form_submit_button("Add account"):
            code = regions.set_index("id").loc[region, "code"] if region else None
            save(
                admin.add_account,
                ctx,
                username,
                name,
                password,
                role,
                code,
                email,
                must_change_password=must_change,
                success=f"Added the account {username.strip().lower()}.",
            )

    st.header("Change an account", anchor=False)
    if users.empty:
        return
    change_account(ctx, users, region_names)


def change_account(ctx: RequestContext, users: pd.DataFrame, region_names: dict) -> None:
    labels = dict(zip(users["id"], users["Username"] + " (" + users["Name"] + ")", strict=True))
    user_id = st.selectbox("Account", list(labels), format_func=labels.get)
    row = users.set_index("id").loc[user_id]
    region_ids = [None, *region_names]
    current_region = next((r for r, n in region_names.items() if n == row["Region"]), None)
    with st.form("edit_account"):
        name = st.text_input("Full name", value=row["Name"])
        email = st.text_input("Email", value=row["Email"])
        role = st.selectbox(
            "Role", ROLES, index=ROLES.index(row["Role"]), format_func=ROLE_LABELS.get
        )
        region = st.selectbox(
            "Region",
            region_ids,
            index=region_ids.index(current_region),
            format_func=lambda r: region_names.get(r, "None"),
            help=REGION_HELP,
        )
        active = st.checkbox("May sign in", value=bool(row["Active"]))
        reason = st.text_input("Reason for the change (kept in the audit log)")
        if st.form_submit_button("Save account"):
            save(
                admin.change_account,
                ctx,
                int(user_id),
                display_name=name,
                email=email,
                role=role,
                region_id=region,
                active=active,
                reason=reason,
                success=f"Saved the account {row['Username']}.",
            )
    st.subheader(f"New password for {escape_markdown(row['Username'])}", anchor=False)
    with st.form("set_password", clear_on_submit=True):
        password = st.text_input(
            "New password", type="password", autocomplete="new-password", help=PASSWORD_HINT
        )
        must_change = st.checkbox(MUST_CHANGE, value=True, help=MUST_CHANGE_HELP)
        if st.form_submit_button("Set new password"):
            save(
                admin.set_password,
                ctx,
                int(user_id),
                password,
                must_change_password=must_change,
                success=lambda username: password_set_words(username, must_change),
            )


def password_set_words(username: str, must_change: bool) -> str:
    """The confirmation of a password an administrator set, naming the account."""
    then = " They will be asked to choose their own when they next sign in." if must_change else ""
    return f"New password set for {username}. Let them know it in a safe way.{then}"


def areas_tab(ctx: RequestContext, regions: pd.DataFrame) -> None:
    region_names = dict(zip(regions["id"], regions["name"], strict=True))
    st.write(
        "Areas are integrated care boards (ICBs) or local areas inside a region. When ICBs "
        "merge, add the new area and mark the old ones as no longer in use: their history stays."
    )
    areas = admin.areas(ctx)
    st.dataframe(areas.drop(columns=["id"]), hide_index=True, width="stretch")
    download_buttons(areas.drop(columns=["id"]), "areas", key="areas", about=file_abouts.areas(ctx))
    # Not cleared on submit (that would reset the region too): the name is emptied
    # after an add, the region and kind stay for the next one.
    round_ = st.session_state.get(AREA_ROUND, 0)
    with st.form("add_area"):
        st.markdown("**Add an area**")
        region = st.selectbox(
            "Region", list(region_names), format_func=region_names.get, key="add_area_region"
        )
        name = st.text_input("Name of the area", key=f"add_area_name_{round_}")
        kind = st.text_input("Kind", value="ICB", key="add_area_kind")
        if st.form_submit_button("Add area"):
            run_write(
                forgetting(admin.add_area, then=next_round(AREA_ROUND, round_)),
                ctx,
                region,
                name,
                kind,
                success=f"Added {name.strip()} to {region_names.get(region, 'the region')}.",
                where=AREA_WHERE,
            )
    show_outcome(AREA_WHERE)
    if areas.empty:
        return
    labels = dict(zip(areas["id"], areas["Area"] + " (" + areas["Region"] + ")", strict=True))
    area_id = st.selectbox("Area to change", list(labels), format_func=labels.get)
    row = areas.set_index("id").loc[area_id]
    with st.form("edit_area"):
        name = st.text_input("Name", value=row["Area"])
        kind = st.text_input("Kind", value=row["Kind"])
        active = st.checkbox("Still in use", value=bool(row["Active"]))
        reason = st.text_input("Reason for the change")
        if st.form_submit_button("Save area"):
            save(
                admin.change_area,
                ctx,
                int(area_id),
                name=name,
                kind=kind,
                active=active,
                reason=reason,
                success="Saved the area.",
            )


def groups_tab(ctx: RequestContext) -> None:
    st.write(
        "The groups that figures can be broken down by. Renaming a group moves the figures "
        "already stored under its old name."
    )
    characteristics = admin.characteristics(ctx)
    names = dict(zip(characteristics["code"], characteristics["name"], strict=True))
    code = st.selectbox("Characteristic", list(names), format_func=names.get)
    groups = admin.groups(ctx, code)
    st.dataframe(groups.drop(columns=["id"]), hide_index=True, width="stretch")
    about = file_abouts.groups(ctx, names[code])
    download_buttons(groups.drop(columns=["id"]), f"groups-{code}", key="groups", about=about)
    with st.form("add_group", clear_on_submit=True):
        st.markdown("**Add a group**")
        name = st.text_input("Name of the group")
        missing = st.checkbox("It means the answer is missing (like 'Not stated')")
        if st.form_submit_button("Add group"):
            save(
                admin.add_group,
                ctx,
                code,
                name,
                is_missing=missing,
                success=f"Added '{name.strip()}'.",
            )
    if groups.empty:
        return
    labels = dict(zip(groups["id"], groups["Group"], strict=True))
    with st.form("rename_group"):
        group_id = st.selectbox("Group to rename", list(labels), format_func=labels.get)
        name = st.text_input("New name")
        reason = st.text_input("Reason for the change")
        if st.form_submit_button("Rename group"):
            save(admin.rename_group, ctx, int(group_id), name, reason, success="Renamed the group.")


def admin_page(ctx: RequestContext) -> None:
    if not can(ctx.actor, Action.VIEW_ADMINISTRATION):
        st.error("Only administrators can use this page.")
        st.stop()
    st.title("Administration")
    regions = active_regions(ctx)
    accounts, areas_section, groups_section = st.tabs(["Accounts", "Areas", "Reference lists"])
    with accounts:
        accounts_tab(ctx, regions)
    with areas_section:
        areas_tab(ctx, regions)
    with groups_section:
        groups_tab(ctx)


admin_page(current())
