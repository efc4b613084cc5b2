"""Sign-in and sign-out, built on streamlit-authenticator.

The authenticator checks the bcrypt hash, keeps the session state and the
re-authentication cookie. The form is ours, so that lock-out is checked first and an
unknown username and a wrong password get the very same message.
"""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit_authenticator.utilities.exceptions import LoginError

from core.config import Settings
from core.lockout import lock_message
from db.models import utcnow
from db.users import credentials, lock_ends, record_login_attempt

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


def authenticator(engine: Engine, settings: Settings) -> stauth.Authenticate:
    """One Authenticate per script run, on credentials freshly read from the database."""
    with Session(engine) as session:
        creds = credentials(session)
    return stauth.Authenticate(
        creds,
        cookie_name=settings.cookie_name,
        cookie_key=settings.cookie_key,
        cookie_expiry_days=settings.cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=settings.login_sleep_time,
    )


def signed_in_username(auth: stauth.Authenticate) -> str | None:
    """The username of this session, restoring it from the cookie when there is one."""
    if not st.session_state.get("authentication_status"):
        try:
            auth.login(location="unrendered")
        except LoginError:
            # A cookie for an account that no longer exists or was deactivated.
            sign_out(auth)
            return None
    if st.session_state.get("authentication_status"):
        return st.session_state.get("username")
    return None


def sign_in_form(auth: stauth.Authenticate, engine: Engine, settings: Settings) -> None:
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


def _attempt(auth: stauth.Authenticate, engine: Engine, username: str, password: str) -> None:
    if not username or not password:
        st.error("Please enter both your username and your password.")
        return
    now = utcnow()
    with Session(engine) as session:
        until = lock_ends(session, username, now)
    if until is not None:
        st.error(lock_message(until, now))
        return
    ok = bool(auth.authentication_controller.login(username, password))
    record_login_attempt(engine, username, ok)
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


def sign_out(auth: stauth.Authenticate) -> None:
    """End the session: the cookie goes, and so does everything we kept for the user.

    The cookie is read from the request that opened the session, so the session state
    must be cleared deliberately (the authenticator's 'logout' flag stops it being read).
    """
    if st.session_state.get("authentication_status"):
        auth.authentication_controller.logout()
    for key in SESSION_KEYS:
        st.session_state.pop(key, None)
    st.session_state["logout"] = True
    st.session_state[PENDING_COOKIE] = "delete"


def apply_pending_cookie(auth: stauth.Authenticate) -> None:
    """Set or delete the sign-in cookie asked for by the previous run (see above)."""
    pending = st.session_state.pop(PENDING_COOKIE, None)
    if pending == "set" and st.session_state.get("authentication_status"):
        auth.cookie_controller.set_cookie()
    elif pending == "delete":
        auth.cookie_controller.delete_cookie()
