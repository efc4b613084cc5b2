"""The AMHE dashboard: configuration, sign-in and the pages of the signed-in role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import streamlit as st

from components.auth import (
    apply_pending_cookie,
    authenticator,
    sign_in_asked,
    sign_in_form,
    sign_out,
    signed_in_username,
    take_sign_in,
)
from components.context import prepared_engine
from components.my_settings import (
    FORCED_TITLE,
    choose_new_password,
    email_settings,
    password_outcome,
)
from components.narrow_screens import fit_narrow_screens
from components.print_view import print_link, print_styles
from components.warm_up import start_warm_up
from core.config import ConfigError, Settings, load_settings
from core.formatting import escape_markdown
from core.permissions import ROLE_LABELS, Action, Actor, can
from services.session import LOST_DATABASE, DatabaseUnavailable, signed_in, unavailable_message

#: The navigation's sections, in order. Headings keep every role's pages in view:
#: a flat list of more than ten pages is folded under "View more".
YOUR_REGION = "Your region"
MEETINGS = "Meetings and feedback"
NATIONAL = "National"
ADMINISTRATION = "Administration"
YOUR_ACCOUNT = "Your account"


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    #: Who sees the page: those who ``can`` take this action (None: everyone signed in).
    #: The page itself checks the same action.
    action: Action | None = None
    #: The navigation heading the page is listed under.
    section: str = YOUR_REGION

    def visible_to(self, actor: Actor) -> bool:
        return self.action is None or can(actor, self.action)

    @property
    def url_path(self) -> str:
        """The page's address (``/metrics``), as Streamlit infers it from the file name."""
        return Path(self.path).stem


#: Every page, in the order of the navigation (grouped by section), with the action
#: that shows it.
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
    PageSpec("pages/equity.py", "Equity", ":material/balance:"),
    PageSpec("pages/feedback.py", "Feedback", ":material/forum:", section=MEETINGS),
    PageSpec("pages/forum_meeting.py", "Forum meeting", ":material/co_present:", section=MEETINGS),
    PageSpec("pages/sign_off.py", "Quarterly sign-off", ":material/verified:", section=MEETINGS),
    PageSpec("pages/reviews.py", "Bi-annual review", ":material/rate_review:", section=MEETINGS),
    PageSpec(
        "pages/compare_regions.py",
        "Compare regions",
        ":material/compare_arrows:",
        action=Action.VIEW_ALL_REGIONS,
        section=NATIONAL,
    ),
    PageSpec(
        "pages/annual_report.py",
        "Annual report",
        ":material/summarize:",
        action=Action.VIEW_ALL_REGIONS,
        section=NATIONAL,
    ),
    PageSpec(
        "pages/governance.py",
        "Governance bodies",
        ":material/account_balance:",
        action=Action.MANAGE_BODIES,
        section=NATIONAL,
    ),
    PageSpec(
        "pages/audit_log.py",
        "Audit log",
        ":material/history:",
        action=Action.VIEW_AUDIT_LOG,
        section=ADMINISTRATION,
    ),
    PageSpec(
        "pages/admin.py",
        "Administration",
        ":material/admin_panel_settings:",
        action=Action.VIEW_ADMINISTRATION,
        section=ADMINISTRATION,
    ),
    PageSpec(
        "pages/account.py", "Your account", ":material/manage_accounts:", section=YOUR_ACCOUNT
    ),
)


def pages_for(who: Actor | str) -> list[PageSpec]:
    """The pages this person sees; a role name stands for anyone with that role."""
    actor = who if isinstance(who, Actor) else Actor(None, who, who)
    return [p for p in PAGES if p.visible_to(actor)]


def sections_for(who: Actor | str) -> dict[str, list[PageSpec]]:
    """The pages this person sees under their headings, in navigation order; a section
    with none of their pages is left out."""
    sections: dict[str, list[PageSpec]] = {}
    for spec in pages_for(who):
        sections.setdefault(spec.section, []).append(spec)
    return sections


def not_allowed(spec: PageSpec) -> None:
    """What someone sees at the address of a page their role does not have."""
    title = escape_markdown(spec.title)
    st.title(title)
    st.warning(
        f"Your account cannot open the {title} page, so a link to it does not work "
        "for you. Choose a page from the menu, or ask the person who sent the link.",
        icon=":material/lock:",
    )


#: The key of the sidebar container that holds the navigation (its CSS class is
#: ``st-key-amhe-navigation``; the browser tests find the links there).
NAVIGATION_KEY = "amhe-navigation"
#: The sidebar's "Print view" button (components/print_view).
PRINT_LINK_KEY = "amhe-print-link"
#: Said after the link of the page showing, so that it is not told by boldness alone.
THIS_PAGE = " (this page)"


def navigation(actor: Actor) -> tuple[list, dict[int, PageSpec]]:
    """Every page's address for ``st.navigation``: the person's own pages, and, with a
    plain message, every other page (a link to it names the page instead of opening
    Overview). Also which spec each page object stands for."""
    pages: list = []
    specs: dict[int, PageSpec] = {}
    for spec in PAGES:
        if spec.visible_to(actor):
            page = st.Page(spec.path, title=spec.title, icon=spec.icon)
            specs[id(page)] = spec
        else:
            page = st.Page(partial(not_allowed, spec), title=spec.title, url_path=spec.url_path)
        pages.append(page)
    return pages, specs


def draw_navigation(actor: Actor, current: PageSpec | None) -> None:
    """The person's pages under their section headings, all in view.

    Drawn by the app, not by Streamlit's sidebar navigation: that one folds more than
    ten pages under "View more", and with sections it puts the headings inside its
    list (invalid list markup, which axe rightly refuses). Here each heading is a real
    heading followed by its links."""
    for section, specs in sections_for(actor).items():
        st.subheader(section, anchor=False)
        for spec in specs:
            here = spec == current
            label = escape_markdown(spec.title) + (THIS_PAGE if here else "")
            st.page_link(page=spec.path, label=label, icon=spec.icon)


def signed_out_navigation(sign_in: Callable[[], None]) -> list:
    """Only the sign-in form, at every page's address too: a reload or a link keeps its
    page and picks in the address until the sign-in (or the remembered cookie, read a
    run later) opens that page."""
    return [st.Page(sign_in, title="Sign in", default=True)] + [
        st.Page(sign_in, title="Sign in", url_path=spec.url_path, visibility="hidden")
        for spec in PAGES
    ]


def sign_in_and_page(engine: Any, settings: Settings) -> None:
    """The sign-in form; or, for someone signed in, the sidebar, the navigation and the
    page chosen. Every database read and write of a run after the engine's is in here."""
    asked = sign_in_asked()
    auth = authenticator(engine, settings)
    take_sign_in(auth, engine, asked, pause=settings.login_sleep_time)
    username = signed_in_username(auth)
    apply_pending_cookie(auth)
    person = signed_in(engine, username) if username else None
    if person is None:
        if username:
            sign_out(auth)
        st.navigation(
            signed_out_navigation(lambda: sign_in_form(settings)),
            position="hidden",
        ).run()
        return
    actor, name, region_name = person.actor, person.name, person.region_name
    st.session_state["actor"] = actor
    st.session_state["display_name"] = name
    navigation_area = st.sidebar.container(key=NAVIGATION_KEY)
    with st.sidebar:
        fit_narrow_screens()
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
    pages, specs = navigation(actor)
    chosen = st.navigation(pages, position="hidden")
    with navigation_area:
        draw_navigation(actor, specs.get(id(chosen)))
    print_area = st.sidebar.container(key=PRINT_LINK_KEY)
    print_styles()
    try:
        chosen.run()
    finally:
        # After the page, whose picks are then in the address the link copies.
        with print_area:
            print_link()


#: The button under the message that runs the app again (any other rerun does too).
TRY_AGAIN = "Try again"


def database_lost(message: str) -> NoReturn:
    """What a run that cannot reach the database shows instead of an error page:
    ``message`` (db.engine.unavailable_message: one plain sentence, no password) and a
    button to try again, then nothing else.

    Nothing was half-saved: each write is one transaction, which the database rolls back
    when its connection goes. The session stays signed in, and the next run carries on by
    itself once the database is back (the engine's pool replaces the broken connections):
    "Try again" is there because the message may be all the run drew, with no link or
    form left to click."""
    st.error(escape_markdown(message), icon=":material/cloud_off:")
    st.button(TRY_AGAIN, icon=":material/refresh:", key="database-lost-try-again")
    st.stop()


def main() -> None:
    st.set_page_config(
        page_title="AMHE dashboard", page_icon=":material/diversity_3:", layout="wide"
    )
    start_warm_up()  # once per process, in the background (components/warm_up)
    try:
        settings = load_settings()
    except ConfigError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    try:
        engine = prepared_engine(settings.database_url, settings.demo_mode)
    except DatabaseUnavailable as exc:  # only until it opens once: it is then cached
        database_lost(str(exc))
    if settings.demo_mode:
        st.info(
            "Demo mode: every figure, project and piece of feedback here is synthetic, "
            "made up to show how the dashboard works.",
            icon=":material/science:",
        )
    # The database can go away at any moment of a run: while the sign-in reads the
    # accounts, while a page reads, or while it saves.
    try:
        sign_in_and_page(engine, settings)
    except LOST_DATABASE:
        database_lost(unavailable_message(engine))


# Streamlit (and AppTest) run this file as __main__; tests import it for PAGES only.
if __name__ == "__main__":
    main()
