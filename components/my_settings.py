"""A person's own settings, in the sidebar: the daily reminder email, on or off, and
their password.

The email goes to the address on the person's account (an administrator adds or
changes it); with no address, no email is sent whatever the setting.

A password is chosen under the one rule of core.passwords. When an administrator's
reset asks for a new password at the next sign-in, app.py shows only
:func:`choose_new_password` until the person has chosen one.
"""

from __future__ import annotations

import streamlit as st

from components.context import current
from components.outcome import run_write, show_outcome
from core.formatting import escape_markdown
from core.passwords import PASSWORD_HINT
from core.reminders import SETTING_NAME
from services import reminders
from services.context import RequestContext
from services.own_password import change_own_password

KEY = "email-reminders"
WHERE = "email-settings"
PASSWORD_WHERE = "own-password"
FORCED_TITLE = "Choose a new password"
FORCED_WORDS = (
    "An administrator has set a new password for your account and asked you to choose "
    "your own before you go on. Only you will know it."
)


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


def password_form(ctx: RequestContext, *, forced: bool) -> None:
    """Current password, the new one twice, and the button; says what happened."""
    with st.form("forced-password" if forced else "own-password", clear_on_submit=True):
        current_password = st.text_input(
            "Current password (the one you were given)" if forced else "Current password",
            type="password",
            autocomplete="current-password",
        )
        new_password = st.text_input("New password", type="password", autocomplete="new-password")
        again = st.text_input("New password again", type="password", autocomplete="new-password")
        st.caption(escape_markdown(PASSWORD_HINT))
        submitted = st.form_submit_button(
            "Set my new password", type="primary" if forced else "secondary"
        )
    if submitted:
        run_write(
            change_own_password,
            ctx,
            current_password,
            new_password,
            again,
            success=lambda username: f"New password set for {username}.",
            where=PASSWORD_WHERE,
            rerun=forced,
        )


def password_outcome() -> None:
    """What the forced change of password did, said in the sidebar of the first page
    that opens after it."""
    show_outcome(PASSWORD_WHERE)


def password_settings(ctx: RequestContext | None = None) -> None:
    """Changing one's own password (the Your account page)."""
    ctx = ctx or current()
    st.header("Change your password", anchor=False)
    password_form(ctx, forced=False)


def choose_new_password() -> None:
    """The only page shown to a person whose password an administrator reset with a
    new one needed at the next sign-in, until they choose it (the app then reruns)."""
    ctx = current()
    st.title(FORCED_TITLE)
    st.write(FORCED_WORDS)
    password_form(ctx, forced=True)
