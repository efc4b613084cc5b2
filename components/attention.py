"""The "Needs your attention" panel at the top of Overview: what needs the signed-in
person now (``services.reminders.attention``), each a line with an icon and a link to
the page where it is dealt with. The daily reminder email lists the same things."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from core import reminders as words
from core.formatting import escape_markdown
from services.context import RequestContext
from services.reminders import AttentionItem, attention

TITLE = "Needs your attention"
#: How many items, most pressing first, the panel shows before folding the rest.
SHOWN = 5

#: The file of each page an item links to, by the page's title.
PAGE_PATHS = {
    words.SIGN_OFF_PAGE: "pages/sign_off.py",
    words.PLAN_PAGE: "pages/local_plan.py",
    words.FEEDBACK_PAGE: "pages/feedback.py",
    words.MEETING_PAGE: "pages/forum_meeting.py",
    words.METRICS_PAGE: "pages/metrics.py",
    words.PROJECTS_PAGE: "pages/projects.py",
}

#: The icon beside each kind of item (the sentence always says what it is too).
ICONS = {
    words.Kind.QUARTER_OVERDUE: ":material/warning:",
    words.Kind.QUARTER_DUE: ":material/edit_calendar:",
    words.Kind.QUARTER_QUESTIONS: ":material/help:",
    words.Kind.QUARTER_REOPENED: ":material/lock_open:",
    words.Kind.SIGN_OFF_WAITING: ":material/verified:",
    words.Kind.ACTIONS_OVERDUE: ":material/schedule:",
    words.Kind.ACTIONS_NEED_UPDATE: ":material/update:",
    words.Kind.PROJECTS_BELOW: ":material/groups:",
    words.Kind.FEEDBACK_WAITING: ":material/forum:",
    words.Kind.AGENDA_WAITING: ":material/co_present:",
    words.Kind.COMMENTS_WAITING: ":material/comment:",
    words.Kind.REGION_QUARTERS: ":material/map:",
}
DEFAULT_ICON = ":material/notifications:"


def item_label(item: AttentionItem) -> str:
    """The line shown for an item: its sentence and where to go, as plain text."""
    return escape_markdown(f"{item.sentence} Go to {item.page}.")


def attention_line(item: AttentionItem) -> None:
    """One item: a link to its page, or (were the page not open to this person) text."""
    icon = ICONS.get(item.kind, DEFAULT_ICON)
    path = PAGE_PATHS.get(item.page)
    if path is not None:
        try:
            st.page_link(path, label=item_label(item), icon=icon)
            return
        except StreamlitAPIException:
            pass  # the page is not in this person's navigation: say it without a link
    st.markdown(f"{icon} {item_label(item)}")


def attention_panel(ctx: RequestContext) -> None:
    """The panel: every item that needs the person, or a line saying nothing does."""
    items = attention(ctx)
    with st.container(border=True):
        st.header(TITLE, anchor=False)
        if not items:
            st.markdown(f":material/check_circle: {words.NOTHING_NEEDED}")
            return
        for item in items[:SHOWN]:
            attention_line(item)
        rest = items[SHOWN:]
        if not rest:
            return
        # The rest, less pressing, folded: made only while open (a national lead can
        # have dozens, one a region and quarter, and the page's own content comes first).
        with st.expander(
            f"{len(rest)} more {'thing' if len(rest) == 1 else 'things'} needing you",
            key="attention-more",
            on_change="rerun",
        ) as box:
            if box.open:
                for item in rest:
                    attention_line(item)
