"""The Forum meeting's presentation mode: a presenting view for the shared screen in the
room. Nothing but the current screen is shown (the sidebar, the header, the demo banner
and the page's own controls leave the screen); one item a screen in large type (the
screens are planned by core.presentation and drawn by components.present_screens); moved
by the on-screen Previous and Next buttons, the left and right arrow keys and Page Up and
Page Down (what presentation clickers send), with "3 of 12" shown; "Leave presentation"
(or Esc) brings the page back. Also the feedback figures the normal view shows."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.present_screens import DRAW, plan_for
from components.present_style import CONTAINER_KEY, KEYS_CONTAINER_KEY, hide_page_chrome
from core import presentation as plan
from core.feedback_rules import format_days, format_share
from core.formatting import escape_markdown
from services.meetings import MeetingFigures

#: The session key of the page's "Present on a shared screen" switch.
PRESENT_KEY = "forum-present"


def feedback_metrics(figures: MeetingFigures) -> None:
    """The region's feedback figures, four across."""
    shown = figures.feedback(date.today())
    cols = st.columns(4)
    cols[0].metric("Feedback items", f"{shown.total:,}")
    cols[1].metric("Answered", format_share(shown.share_answered))
    cols[2].metric("Median time to respond", format_days(shown.median_days_to_respond))
    cols[3].metric("Still waiting for a response", f"{shown.waiting:,}")


def screen_key(meeting_id: int) -> str:
    """The session key of the screen the room is on, for one meeting."""
    return f"forum-screen-{meeting_id}"


def _move(key: str, step: int, total: int) -> None:
    st.session_state[key] = plan.clamp(st.session_state.get(key, 0) + step, total)


def _leave() -> None:
    st.session_state[PRESENT_KEY] = False


def _navigation(key: str, index: int, total: int) -> None:
    """Previous, "3 of 12", Next and Leave presentation, with their keys; Page Up and
    Page Down are buttons that are not shown, there for their keyboard shortcuts."""
    first, last = index == 0, index == total - 1
    bar = st.container(horizontal=True, vertical_alignment="center", key="present-bar")
    for label, step, shortcut, disabled in (
        ("Previous", -1, "Left", first),
        ("Next", 1, "Right", last),
    ):
        bar.button(
            label,
            icon=":material/arrow_back:" if step < 0 else ":material/arrow_forward:",
            on_click=_move,
            args=(key, step, total),
            disabled=disabled,
            type="primary" if step > 0 else "secondary",
            key=f"forum-{label.lower()}",
            shortcut=shortcut,
        )
    bar.markdown(f"**{plan.position_words(index, total)}**", width="content")
    bar.space("stretch")
    bar.button(
        "Leave presentation",
        icon=":material/close:",
        on_click=_leave,
        key="forum-leave",
        shortcut="Esc",
    )
    with st.container(key=KEYS_CONTAINER_KEY):
        st.button(
            "Previous (Page Up)",
            on_click=_move,
            args=(key, -1, total),
            disabled=first,
            key="forum-page-up",
            shortcut="PageUp",
        )
        st.button(
            "Next (Page Down)",
            on_click=_move,
            args=(key, 1, total),
            disabled=last,
            key="forum-page-down",
            shortcut="PageDown",
        )


@st.fragment
def _screen(figures: MeetingFigures, threshold: int) -> None:
    """The screen the room is on. A fragment: moving redraws only this."""
    if not st.session_state.get(PRESENT_KEY):
        st.rerun(scope="app")
    screens = plan_for(figures)
    key = screen_key(figures.meeting_id)
    index = plan.clamp(st.session_state.get(key, 0), len(screens))
    st.session_state[key] = index
    _navigation(key, index, len(screens))
    screen = screens[index]
    st.markdown(f"## {escape_markdown(screen.title)}")
    DRAW[screen.kind](figures, screen, threshold)
    st.caption(
        f"{escape_markdown(figures.region_name)} Regional Forum, "
        f"{figures.meeting_date:%d %B %Y}. "
        + ("Figures follow NHS disclosure control. " if figures.controlled else "")
        + "Keys: left and right arrows or Page Up and Page Down move; Esc leaves."
    )


def presentation(figures: MeetingFigures, threshold: int) -> None:
    """The presenting view: only the current screen, in large type."""
    hide_page_chrome()
    with st.container(key=CONTAINER_KEY):
        _screen(figures, threshold)
