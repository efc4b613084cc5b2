"""Status badges: words and an icon as well as a colour, never colour alone."""

from __future__ import annotations

import streamlit as st

from core.statuses import StatusStyle


def status_badge(style: StatusStyle, *, suffix: str = "") -> None:
    st.badge(f"{style.label}{suffix}", icon=f":material/{style.icon}:", color=style.badge_colour)


def status_markdown(style: StatusStyle, *, suffix: str = "") -> str:
    """The badge as markdown, for use inside other text (Streamlit's badge directive)."""
    return f":{style.badge_colour}-badge[:material/{style.icon}: {style.label}{suffix}]"
