"""The AMHE dashboard: configuration, sign-in and the pages of the signed-in role."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.auth import (
    apply_pending_cookie,
    authenticator,
    sign_in_form,
    sign_out,
    signed_in_username,
)
from components.context import prepared_engine
from components.my_settings import (
    FORCED_TITLE,
    choose_new_password,
    email_settings,
    password_outcome,
)
from core.config import ConfigError, load_settings
from core.formatting import escape_markdown
from core.permissions import ROLE_LABELS, Action, Actor, can
from services.session import LOST_DATABASE, DatabaseUnavailable, signed_in, unavailable_message


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    #: Who sees the page: those who ``can`` take this action (None: everyone signed in).
    #: The page itself checks the same action.
    action: Action | None = None

    def visible_to(self, actor: Actor) -> bool:
        return self.action is None or can(actor, self.action)


#: Every page, in the order of the navigation, with the action that shows it.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:"),
    PageSpec("pages/search.py", "Search", ":material/search:"),
    PageSpec("pages/themes.py", "Themes", ":material/category:"),
    PageSpec("pages/local_plan.py", "Local plan", ":material/checklist:"),
    PageSpec("pages/metrics.py", "Metrics", ":material/monitoring:"),
    PageSpec(
        "pages/import_values.py",
        "Import values",
        ":material/upload_file:",
        action=Action.VIEW_IMPORT_VALUES,
    ),
    PageSpec("pages/projects.py", "Community projects", ":material/groups:"),
    PageSpec("pages/feedback.py", "Feedback", ":material/forum:"),
    PageSpec("pages/forum_meeting.py", "Forum meeting", ":material/co_present:"),
    PageSpec("pages/sign_off.py", "Quarterly sign-off", ":material/verified:"),
    PageSpec("pages/reviews.py", "Bi-annual review", ":material/rate_review:"),
    PageSpec("pages/equity.py", "Equity", ":material/balance:"),
    PageSpec(
        "pages/compare_regions.py",
        "Compare regions",
        ":material/compare_arrows:",
        action=Action.VIEW_ALL_REGIONS,
    ),
    PageSpec(
        "pages/annual_report.py",
        "Annual report",
        ":material/summarize:",
        action=Action.VIEW_ALL_REGIONS,
    ),
    PageSpec(
        "pages/governance.py",
        "Governance bodies",
        ":material/account_balance:",
        action=Action.MANAGE_BODIES,
    ),
    PageSpec(
        "pages/audit_log.py",
        "Audit log",
        ":material/history:",
        action=Action.VIEW_AUDIT_LOG,
    ),
    PageSpec("pages/account.py", "Your account", ":material/manage_accounts:"),
    PageSpec(
        "pages/admin.py",
        "Administration",
        ":material/admin_panel_settings:",
        action=Action.VIEW_ADMINISTRATION,
    ),
)


def pages_for(who: Actor | str) -> list[PageSpec]:
    """The pages this person sees; a role name stands for anyone with that role."""
    actor = who if isinstance(who, Actor) else Actor(None, who, who)
    return [p for p in PAGES if p.visible_to(actor)]


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
    person = signed_in(engine, username) if username else None
    if person is None:
        if username:
            sign_out(auth)
        st.navigation(
            [st.Page(lambda: sign_in_form(auth, engine, settings), title="Sign in")],
            position="hidden",
        ).run()
        return
    actor, name, region_name = person.actor, person.name, person.region_name
    st.session_state["actor"] = actor
    st.session_state["display_name"] = name
    with st.sidebar:
        st.markdown(f"**{escape_markdown(name)}**")
        role_text = ROLE_LABELS.get(actor.role, actor.role)
        st.caption(escape_markdown(f"{role_text}, {region_name}" if region_name else role_text))
        # A callback, so the sign-out happens before the next run draws anything: that
        # run then shows the sign-in form and deletes the cookie, with no st.rerun().
        st.button("Sign out", icon=":material/logout:", on_click=sign_out, args=(auth,))
        if not person.must_change_password:
            email_settings()
            password_outcome()
    if person.must_change_password:
        # An administrator's reset asked for a new password: nothing else until then.
        st.navigation([st.Page(choose_new_password, title=FORCED_TITLE)], position="hidden").run()
        return
    # Expanded: Streamlit would fold a list of more than ten pages under "View more"
    # (its sectioned navigation puts headings inside the list, which axe refuses).
    navigation = st.navigation(
        [st.Page(p.path, title=p.title, icon=p.icon) for p in pages_for(actor)],
        expanded=True,
    )
    try:
        navigation.run()
    except LOST_DATABASE:
        st.error(unavailable_message(engine))


# Streamlit (and AppTest) run this file as __main__; tests import it for PAGES only.
if __name__ == "__main__":
    main()
