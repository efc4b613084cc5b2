"""The parts of streamlit-authenticator that are not its public API, kept in one place.

The sign-in form is ours (components/auth.py), so it reaches past ``Authenticate``'s
widgets to its controllers: checking a password, forgetting a sign-in, and setting or
deleting the cookie. tests/app/test_auth_adapter.py fails loudly, naming this file,
when an upgrade of the library moves any of them.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import bcrypt
import extra_streamlit_components as stx
import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.models import cookie_model
from streamlit_authenticator.utilities.exceptions import LoginError

from core.passwords import hash_password

__all__ = [
    "Authenticator",
    "CookieWriter",
    "LoginError",
    "check_password",
    "delete_cookie",
    "forget_sign_in",
    "new_authenticator",
    "restore_sign_in",
    "set_cookie",
]

Authenticator = stauth.Authenticate


class CookieWriter(stx.CookieManager):
    """The library's cookie manager, writing the cookie without a component.

    ``stx.CookieManager()`` draws a component that reads every cookie in the browser
    and, once its frame has loaded, sends them back, which asks for a rerun; its set and
    delete do the same. The authenticator never uses what it reads (it reads its cookie
    from the request, in ``st.context.cookies``), but each such rerun replaced the run of
    any click made before the frame had loaded (the first click on Sign in was sometimes
    ignored), and made a sign-in cost a run more. This writes ``document.cookie`` from a
    hidden script instead: nothing is sent back, so nothing reruns."""

    def __init__(self, key: str = "init") -> None:  # pylint: disable=super-init-not-called
        del key
        self.cookies: dict = {}

    def set(  # pylint: disable=too-many-arguments
        self,
        cookie: str,
        val: Any,
        key: str = "set",
        path: str = "/",
        expires_at: datetime | None = None,
        max_age: float | None = None,
        domain: str | None = None,
        secure: bool | None = None,
        same_site: Any = "strict",
    ) -> None:
        """Write ``cookie`` in the browser (the library passes a name, its token and when
        it expires)."""
        del key, max_age, domain, secure, same_site  # the library uses none of them
        if expires_at is None:
            expires_at = datetime.now() + timedelta(days=1)
        self.cookies[cookie] = val
        _write_cookie(cookie_text(cookie, str(val), path=path, expires=expires_at))

    def delete(self, cookie: str, key: str = "delete") -> None:
        """Delete ``cookie`` in the browser (an expiry in the past)."""
        del key
        self.cookies.pop(cookie, None)
        _write_cookie(cookie_text(cookie, "", path="/", expires=datetime(1970, 1, 1, tzinfo=UTC)))


#: The key of the hidden container the cookie's script is drawn in.
COOKIE_SCRIPT_KEY = "amhe-cookie-writer"


def cookie_text(name: str, value: str, *, path: str, expires: datetime) -> str:
    """What ``document.cookie`` is given: the value URL-encoded, SameSite=Strict."""
    when = format_datetime(expires.astimezone(UTC), usegmt=True)
    return f"{quote(name)}={quote(value)}; expires={when}; path={path}; SameSite=Strict"


def _write_cookie(text: str) -> None:
    # json.dumps makes a JavaScript string; "<" is escaped so that nothing can close
    # the script element. The container is hidden, so it takes no room on the page.
    literal = json.dumps(text).replace("<", "\\u003c")
    with st.container(key=COOKIE_SCRIPT_KEY):
        st.html(
            f"<style>.st-key-{COOKIE_SCRIPT_KEY}{{display:none}}</style>"
            f"<script>document.cookie = {literal};</script>",
            unsafe_allow_javascript=True,
        )


# CookieModel makes its manager with ``stx.CookieManager()``: give it ours.
cookie_model.stx = SimpleNamespace(CookieManager=CookieWriter)


def new_authenticator(
    credentials: dict[str, Any],
    *,
    cookie_name: str,
    cookie_key: str,
    cookie_expiry_days: float,
    login_sleep_time: float,
) -> Authenticator:
    """An authenticator on these credentials (their passwords already hashed)."""
    return stauth.Authenticate(
        credentials,
        cookie_name=cookie_name,
        cookie_key=cookie_key,
        cookie_expiry_days=cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=login_sleep_time,
    )


def restore_sign_in(auth: Authenticator) -> None:
    """Sign in from the re-authentication cookie, when there is one, drawing nothing and
    without pausing.

    Raises :class:`LoginError` when the cookie names an account that is not active, and
    when it does not verify: signed with another algorithm (``alg: none``, HS512),
    expired under its ``exp`` claim, or without the fields the library writes. The
    library catches only a bad signature; any other cookie that does not verify means
    "signed out", never an error page."""
    if st.session_state.get("authentication_status"):
        return
    # What the library's login(location="unrendered") does, without the pause it then
    # takes on every run of a signed-out session (time for a cookie component to load,
    # which this app does not use: the cookie comes with the request).
    try:
        token = auth.cookie_controller.get_cookie()
        if token:
            auth.authentication_controller.login(token=token)
    except (jwt.InvalidTokenError, KeyError, TypeError, ValueError) as exc:
        raise LoginError("The sign-in cookie did not verify.") from exc


def check_password(auth: Authenticator, username: str, password: str) -> bool:
    """True when the password is right; the authenticator then holds the sign-in in the
    session state (``authentication_status``, ``username``, ...).

    An unknown username costs a bcrypt check too (against a hash made the way real ones
    are), so a failed sign-in takes as long for a name that is not an account as for one
    that is: usernames cannot be told apart by timing. The library skips the check."""
    if username.lower().strip() not in known_usernames(auth):
        bcrypt.checkpw(password.encode("utf-8"), _dummy_hash())
        auth.authentication_controller.login(username, password)
        return False
    return bool(auth.authentication_controller.login(username, password))


def known_usernames(auth: Authenticator) -> set[str]:
    """The usernames the authenticator was given (the active accounts)."""
    return set(auth.authentication_controller.authentication_model.credentials["usernames"])


@cache
def _dummy_hash() -> bytes:
    """A hash of a random password at the same cost as real ones (core.passwords)."""
    return hash_password(secrets.token_urlsafe(24)).encode("ascii")


def forget_sign_in(auth: Authenticator) -> None:
    """Clear the authenticator's own session state for this sign-in."""
    auth.authentication_controller.logout()


def set_cookie(auth: Authenticator) -> None:
    """Write the re-authentication cookie for the signed-in user."""
    auth.cookie_controller.set_cookie()


def delete_cookie(auth: Authenticator) -> None:
    """Delete the re-authentication cookie."""
    auth.cookie_controller.delete_cookie()
