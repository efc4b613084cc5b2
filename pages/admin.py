"""Administration: accounts and the reference lists (areas, characteristic groups)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from components.context import current
from components.downloads import download_buttons
from core.formatting import escape_markdown
from core.passwords import MIN_PASSWORD_LENGTH
from core.permissions import ROLE_LABELS, Action, PermissionDenied, Role, can
from db import admin, queries
from db.users import create_user
from db.writes import WriteRefused

ctx = current()
if not can(ctx.actor, Action.MANAGE_USERS):
    st.error("Only administrators can use this page.")
    st.stop()

st.title("Administration")
with Session(ctx.engine) as session:
    regions = queries.regions(session)
region_names = dict(zip(regions["id"], regions["name"], strict=True))
roles = [r.value for r in Role]


def attempt(write, *args, success: str, **kwargs) -> bool:
    """Run a write and say what happened, in words."""
    try:
        write(ctx.engine, ctx.actor, *args, **kwargs)
    except (WriteRefused, PermissionDenied) as problem:
        st.error(escape_markdown(str(problem)))
        return False
    st.success(escape_markdown(success))
    return True


def accounts_tab() -> None:
    with Session(ctx.engine) as session:
        users = admin.users_table(session)
    shown = users.drop(columns=["id"]).assign(Role=users["Role"].map(ROLE_LABELS))
    st.dataframe(shown, hide_index=True, width="stretch")
    download_buttons(shown, "accounts", key="accounts")

    st.header("Add an account", anchor=False)
    with st.form("add_account", clear_on_submit=True):
        username = st.text_input("Username (what they type to sign in)")
        name = st.text_input("Full name")
        email = st.text_input("Email (optional)")
        role = st.selectbox("Role", roles, format_func=ROLE_LABELS.get)
        region = st.selectbox(
            "Region (regional leads and forum members only)",
            [None, *region_names],
            format_func=lambda r: region_names.get(r, "None"),
        )
        password = st.text_input(
            f"First password (at least {MIN_PASSWORD_LENGTH} characters)", type="password"
        )
        if st.form_submit_button("Add account"):
            code = regions.set_index("id").loc[region, "code"] if region else None
            attempt(
                create_user,
                username,
                name,
                password,
                role,
                code,
                email,
                success=f"Added the account '{username.strip().lower()}'.",
            )

    st.header("Change an account", anchor=False)
    if users.empty:
        return
    labels = dict(zip(users["id"], users["Username"] + " (" + users["Name"] + ")", strict=True))
    user_id = st.selectbox("Account", list(labels), format_func=labels.get)
    row = users.set_index("id").loc[user_id]
    region_ids = [None, *region_names]
    current_region = next((r for r, n in region_names.items() if n == row["Region"]), None)
    with st.form("edit_account"):
        name = st.text_input("Full name", value=row["Name"])
        email = st.text_input("Email", value=row["Email"])
        role = st.selectbox(
            "Role", roles, index=roles.index(row["Role"]), format_func=ROLE_LABELS.get
        )
        region = st.selectbox(
            "Region",
            region_ids,
            index=region_ids.index(current_region),
            format_func=lambda r: region_names.get(r, "None"),
        )
        active = st.checkbox("May sign in", value=bool(row["Active"]))
        reason = st.text_input("Reason for the change (kept in the audit log)")
        if st.form_submit_button("Save account"):
            attempt(
                admin.update_user,
                int(user_id),
                display_name=name,
                email=email,
                role=role,
                region_id=region,
                active=active,
                reason=reason,
                success="Saved the account.",
            )
    with st.form("set_password", clear_on_submit=True):
        password = st.text_input(
            f"New password (at least {MIN_PASSWORD_LENGTH} characters)", type="password"
        )
        if st.form_submit_button("Set new password"):
            attempt(
                admin.set_password,
                int(user_id),
                password,
                success="Set the new password. Tell the person in a safe way.",
            )


def areas_tab() -> None:
    st.write(
        "Areas are integrated care boards (ICBs) or local areas inside a region. When ICBs "
        "merge, add the new area and mark the old ones as no longer in use: their history stays."
    )
    with Session(ctx.engine) as session:
        areas = admin.areas_table(session)
    st.dataframe(areas.drop(columns=["id"]), hide_index=True, width="stretch")
    download_buttons(areas.drop(columns=["id"]), "areas", key="areas")
    with st.form("add_area", clear_on_submit=True):
        st.markdown("**Add an area**")
        region = st.selectbox("Region", list(region_names), format_func=region_names.get)
        name = st.text_input("Name of the area")
        kind = st.text_input("Kind", value="ICB")
        if st.form_submit_button("Add area"):
            attempt(admin.add_area, region, name, kind, success=f"Added '{name.strip()}'.")
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
            attempt(
                admin.update_area,
                int(area_id),
                name=name,
                kind=kind,
                active=active,
                reason=reason,
                success="Saved the area.",
            )


def groups_tab() -> None:
    st.write(
        "The groups that figures can be broken down by. Renaming a group moves the figures "
        "already stored under its old name."
    )
    with Session(ctx.engine) as session:
        characteristics = admin.characteristics(session)
        names = dict(zip(characteristics["code"], characteristics["name"], strict=True))
        code = st.selectbox("Characteristic", list(names), format_func=names.get)
        groups = admin.groups_table(session, code)
    st.dataframe(groups.drop(columns=["id"]), hide_index=True, width="stretch")
    download_buttons(groups.drop(columns=["id"]), f"groups-{code}", key="groups")
    with st.form("add_group", clear_on_submit=True):
        st.markdown("**Add a group**")
        name = st.text_input("Name of the group")
        missing = st.checkbox("It means the answer is missing (like 'Not stated')")
        if st.form_submit_button("Add group"):
            attempt(
                admin.add_group, code, name, is_missing=missing, success=f"Added '{name.strip()}'."
            )
    if groups.empty:
        return
    labels = dict(zip(groups["id"], groups["Group"], strict=True))
    with st.form("rename_group"):
        group_id = st.selectbox("Group to rename", list(labels), format_func=labels.get)
        name = st.text_input("New name")
        reason = st.text_input("Reason for the change")
        if st.form_submit_button("Rename group"):
            attempt(admin.rename_group, int(group_id), name, reason, success="Renamed the group.")


accounts, areas_section, groups_section = st.tabs(["Accounts", "Areas", "Reference lists"])
with accounts:
    accounts_tab()
with areas_section:
    areas_tab()
with groups_section:
    groups_tab()
