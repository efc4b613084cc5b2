"""The AMHE dashboard: configuration, sign-in and the pages of the signed-in role."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from components.auth import (
    apply_pending_cookie,
    authenticator,
    sign_in_form,
    sign_out,
    signed_in_username,
)
from components.context import prepared_engine
from core.config import ConfigError, load_settings
from core.formatting import escape_markdown
from core.permissions import ROLE_LABELS, Role
from db.engine import DatabaseUnavailable, unavailable_message
from db.models import Region
from db.users import actor_for, display_name

ALL_ROLES = tuple(Role)


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    roles: tuple[str, ...] = ALL_ROLES


NATIONAL = ("national_lead", "admin")

#: Every page, in the order of the navigation, with the roles that see it.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:"),
    PageSpec("pages/themes.py", "Themes", ":material/category:"),
    PageSpec("pages/local_plan.py", "Local plan", ":material/checklist:"),
    PageSpec("pages/metrics.py", "Metrics", ":material/monitoring:"),
    PageSpec(
        "pages/import_values.py",
        "Import values",
        ":material/upload_file:",
        roles=("regional_lead", "admin"),
    ),
    PageSpec("pages/projects.py", "Community projects", ":material/groups:"),
    PageSpec("pages/feedback.py", "Feedback", ":material/forum:"),
    PageSpec("pages/forum_meeting.py", "Forum meeting", ":material/co_present:"),
    PageSpec("pages/equity.py", "Equity", ":material/balance:"),
    PageSpec(
        "pages/compare_regions.py", "Compare regions", ":material/compare_arrows:", roles=NATIONAL
    ),
    PageSpec("pages/annual_report.py", "Annual report", ":material/summarize:", roles=NATIONAL),
    PageSpec("pages/audit_log.py", "Audit log", ":material/history:", roles=NATIONAL),
    PageSpec(
        "pages/admin.py", "Administration", ":material/admin_panel_settings:", roles=("admin",)
    ),
)


def pages_for(role: str) -> list[PageSpec]:
    return [p for p in PAGES if role in p.roles]


def main() -> None:
    st.set_page_config(
        page_title="AMHE dashboard", page_icon=":material/diversity_3:", layout="wide"
    )
    try:
        settings = load_settings()
    except ConfigError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    try:
        engine = prepared_engine(settings.database_url, settings.demo_mode)
    except DatabaseUnavailable as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    if settings.demo_mode:
        st.info(
            "Demo mode: every figure, project and piece of feedback here is synthetic, "
            "made up to show how the dashboard works.",
            icon=":material/science:",
        )
    auth = authenticator(engine, settings)
    username = signed_in_username(auth)
    apply_pending_cookie(auth)
    with Session(engine) as session:
        actor = actor_for(session, username) if username else None
        name = display_name(session, username) if actor else ""
        region = session.get(Region, actor.region_id) if actor and actor.region_id else None
        region_name = region.name if region else None
    if actor is None:
        if username:
            sign_out(auth)
        st.navigation(
            [st.Page(lambda: sign_in_form(auth, engine, settings), title="Sign in")],
            position="hidden",
        ).run()
        return
    st.session_state["actor"] = actor
    st.session_state["display_name"] = name
    with st.sidebar:
        st.markdown(f"**{escape_markdown(name)}**")
        role_text = ROLE_LABELS.get(actor.role, actor.role)
        st.caption(escape_markdown(f"{role_text}, {region_name}" if region_name else role_text))
        # A callback, so the sign-out happens before the next run draws anything: that
        # run then shows the sign-in form and deletes the cookie, with no st.rerun().
        st.button("Sign out", icon=":material/logout:", on_click=sign_out, args=(auth,))
    navigation = st.navigation(
        [st.Page(p.path, title=p.title, icon=p.icon) for p in pages_for(actor.role)]
    )
    try:
        navigation.run()
    except OperationalError:
        st.error(unavailable_message(engine))


# Streamlit (and AppTest) run this file as __main__; tests import it for PAGES only.
if __name__ == "__main__":
    main()
