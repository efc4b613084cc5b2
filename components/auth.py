"""Sign-in and sign-out, built on streamlit-authenticator.

The authenticator checks the bcrypt hash, keeps the session state and the
re-authentication cookie. The form is ours, so that lock-out is checked first and an
unknown username and a wrong password get the very same message.
"""

from __future__ import annotations

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


def sign_in_form(auth: Authenticator, engine: Any, settings: Settings) -> None:
    st.title("Advancing Mental Health Equalities dashboard")
    st.write(
        "Track your region's AMHE plan, its coproduced metrics and the feedback that "
        "shapes it. Sign in to continue."
    )
    with st.form("sign_in"):
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        _attempt(auth, engine, username.strip().lower(), password)
    if settings.demo_mode:
        _demo_accounts()


def _attempt(auth: Authenticator, engine: Any, username: str, password: str) -> None:
    if not username or not password:
        st.error("Please enter both your username and your password.")
        return
    locked = sign_ins.lock_words(engine, username)
    if locked is not None:
        st.error(locked)
        return
    ok = check_password(auth, username, password)
    sign_ins.record_login_attempt(engine, username, ok)
    if not ok:
        st.session_state["authentication_status"] = None
        st.error(WRONG_DETAILS)
        return
    st.session_state["logout"] = False
    # The cookie is set on the next run: a component drawn just before st.rerun() never
    # reaches the browser.
    st.session_state[PENDING_COOKIE] = "set"
    st.rerun()


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
