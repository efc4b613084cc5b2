"""A person's own settings, in the sidebar: the daily reminder email, on or off.

The email goes to the address on the person's account (an administrator adds or
changes it); with no address, no email is sent whatever the setting.
"""

from __future__ import annotations

import streamlit as st

from components.context import current
from components.outcome import run_write, show_outcome
from core.formatting import escape_markdown
from core.reminders import SETTING_NAME
from services import reminders
from services.context import RequestContext

KEY = "email-reminders"
WHERE = "email-settings"


def address_caption(address: str, on: bool) -> str:
    """What the toggle does for this person, in words (plain text)."""
    if not address:
        return (
            "Your account has no email address, so no reminder is sent. Ask the "
            "administrator to add one."
        )
    if on:
        return f"Sent to {address} on days when something needs you (never more than one a day)."
    return f"Reminders are off. When on, they go to {address}."


def email_settings(ctx: RequestContext | None = None) -> None:
    """The toggle for the daily reminder email, saved as soon as it is changed."""
    ctx = ctx or current()
    mine = reminders.own_email(ctx)
    on = st.toggle(SETTING_NAME, value=mine.reminders_on, key=KEY)
    if on != mine.reminders_on:
        run_write(
            reminders.set_email_reminders,
            ctx,
            on,
            success=lambda now: "Daily reminder emails are " + ("on." if now else "off."),
            where=WHERE,
        )
    st.caption(escape_markdown(address_caption(mine.address, mine.reminders_on)))
    show_outcome(WHERE)
