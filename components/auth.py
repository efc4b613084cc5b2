"""Sign-in and sign-out, built on streamlit-authenticator.

The authenticator checks the bcrypt hash, keeps the session state and the
re-authentication cookie. The form is ours, so that lock-out is checked first and an
unknown username and a wrong password get the very same message.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from components.auth_adapter import (
    Authenticator,
    LoginError,
    check_password,
    delete_cookie,
    forget_sign_in,
    new_authenticator,
    restore_sign_in,
    set_cookie,
)
from core.config import Settings
from services import session as sign_ins

WRONG_DETAILS = "That username and password do not match an account. Please check and try again."
SESSION_KEYS = (
    "name",
    "username",
    "authentication_status",
    "email",
    "roles",
    "actor",
    "display_name",
)

PENDING_COOKIE = "pending_cookie_action"

DEMO_ACCOUNTS = (
    ("national.lead", "demo-national", "National lead"),
    ("london.lead", "demo-london", "Regional lead, London"),
    ("northwest.lead", "demo-northwest", "Regional lead, North West"),
    ("london.forum", "demo-forum", "Regional Forum member, London"),
    ("admin", "demo-admin", "Administrator"),
)


def authenticator(engine: Any, settings: Settings) -> Authenticator:
    """One Authenticate per script run, on credentials freshly read from the database."""
    return new_authenticator(
        sign_ins.credentials(engine),
        cookie_name=settings.cookie_name,
        cookie_key=settings.cookie_key,
        cookie_expiry_days=settings.cookie_expiry_days,
        login_sleep_time=settings.login_sleep_time,
    )


def signed_in_username(auth: Authenticator) -> str | None:
    """The username of this session, restoring it from the cookie when there is one."""
    if not st.session_state.get("authentication_status"):
        try:
            restore_sign_in(auth)
        except LoginError:
            # A cookie for an account that no longer exists or was deactivated, or one
            # that does not verify: signed out, and the cookie deleted.
            sign_out(auth)
            return None
    if st.session_state.get("authentication_status"):
        return st.session_state.get("username")
    return None


#: Keys of the sign-in form's boxes, and of what the click on "Sign in" leaves for the run.
USERNAME_KEY = "sign-in-username"
PASSWORD_KEY = "sign-in-password"
SUBMITTED_KEY = "sign-in-submitted"
#: Why the last sign-in failed, shown in the form by the run after the click.
ERROR_KEY = "sign-in-error"


def sign_in_form(settings: Settings) -> None:
    """The form. Its click is taken by :func:`take_sign_in` at the top of the next run,
    before the navigation is chosen, so a right password opens the first page in that
    same run: no second run, and nothing a rerun could drop."""
    st.title("Advancing Mental Health Equalities dashboard")
    st.write(
        "Track your region's AMHE plan, its coproduced metrics and the feedback that "
        "shapes it. Sign in to continue."
    )
    with st.form("sign_in"):
        st.text_input("Username", autocomplete="username", key=USERNAME_KEY)
        st.text_input(
            "Password", type="password", autocomplete="current-password", key=PASSWORD_KEY
        )
        st.form_submit_button("Sign in", type="primary", on_click=_submitted)
    error = st.session_state.pop(ERROR_KEY, None)
    if error:
        st.error(error)
    if settings.demo_mode:
        _demo_accounts()


def _submitted() -> None:
    st.session_state[SUBMITTED_KEY] = True


def sign_in_asked() -> tuple[str, str] | None:
    """The username and password of a click on "Sign in" since the last run, if any.

    Taken first thing in the run, before the database is read: the password leaves the
    session state at once, and a click whose run could not reach the database is not
    carried out later by itself."""
    if not st.session_state.pop(SUBMITTED_KEY, False):
        return None
    username = str(st.session_state.get(USERNAME_KEY) or "").strip().lower()
    return username, str(st.session_state.pop(PASSWORD_KEY, None) or "")


def take_sign_in(
    auth: Authenticator, engine: Any, asked: tuple[str, str] | None, *, pause: float
) -> None:
    """Check the sign-in asked for (:func:`sign_in_asked`), before anything is drawn.

    A right password signs the session in (the cookie is then set by
    :func:`apply_pending_cookie` in this same run); a wrong one, an unknown name or a
    locked account leaves a message for the form, after a pause of ``pause`` seconds
    (``AMHE_LOGIN_SLEEP_TIME``, against guessing)."""
    if asked is None:
        return
    error = _attempt(auth, engine, *asked)
    if error:
        time.sleep(pause)
        st.session_state[ERROR_KEY] = error


def _attempt(auth: Authenticator, engine: Any, username: str, password: str) -> str | None:
    """None when signed in, or what to tell the person."""
    if not username or not password:
        return "Please enter both your username and your password."
    locked = sign_ins.lock_words(engine, username)
    if locked is not None:
        return locked
    ok = check_password(auth, username, password)
    sign_ins.record_login_attempt(engine, username, ok)
    if not ok:
        st.session_state["authentication_status"] = None
        return WRONG_DETAILS
    st.session_state["logout"] = False
    st.session_state[PENDING_COOKIE] = "set"
    return None


def _demo_accounts() -> None:
    st.header("Demo accounts", anchor=False)
    st.write("This is a demo with synthetic data. Sign in with any of these accounts:")
    st.table(
        {
            "Username": [a[0] for a in DEMO_ACCOUNTS],
            "Password": [a[1] for a in DEMO_ACCOUNTS],
            "Who it is": [a[2] for a in DEMO_ACCOUNTS],
        }
    )


def sign_out(auth: Authenticator) -> None:
    """End the session: the cookie goes, and so does everything we kept for the user.

    The cookie is read from the request that opened the session, so the session state
    must be cleared deliberately (the authenticator's 'logout' flag stops it being read).
    """
    if st.session_state.get("authentication_status"):
        forget_sign_in(auth)
    for key in SESSION_KEYS:
        st.session_state.pop(key, None)
    st.session_state["logout"] = True
    st.session_state[PENDING_COOKIE] = "delete"


def apply_pending_cookie(auth: Authenticator) -> None:
    """Set or delete the sign-in cookie asked for by the previous run (see above)."""
    pending = st.session_state.pop(PENDING_COOKIE, None)
    if pending == "set" and st.session_state.get("authentication_status"):
        set_cookie(auth)
    elif pending == "delete":
        delete_cookie(auth)
