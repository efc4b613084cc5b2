"""The parts of streamlit-authenticator that are not its public API, kept in one place.

The sign-in form is ours (components/auth.py), so it reaches past ``Authenticate``'s
widgets to its controllers: checking a password, forgetting a sign-in, and setting or
deleting the cookie. tests/app/test_auth_adapter.py fails loudly, naming this file,
when an upgrade of the library moves any of them.
"""

from __future__ import annotations

import secrets
from functools import cache
from types import SimpleNamespace
from typing import Any

import bcrypt
import extra_streamlit_components as stx
import jwt
import streamlit_authenticator as stauth
from extra_streamlit_components.CookieManager import _component_func as cookie_component
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
    """The library's cookie manager without the component it draws on every run.

    ``stx.CookieManager()`` draws a component that reads every cookie in the browser
    and, once its frame has loaded, sends them back, which asks for a rerun. The
    authenticator never uses what it reads (it reads its cookie from the request, in
    ``st.context.cookies``), but the rerun replaced the run of any click made before the
    frame had loaded, so the first click on Sign in was sometimes ignored. This draws a
    component only to set or delete the cookie (that run's rerun is what says it was
    written)."""

    def __init__(self, key: str = "init") -> None:  # pylint: disable=super-init-not-called
        del key
        self.cookie_manager = cookie_component
        self.cookies: dict = {}

    def delete(self, cookie: str, key: str = "delete") -> None:
        """Delete ``cookie`` in the browser (the library's delete expects to have read it)."""
        self.cookies.setdefault(cookie, None)
        super().delete(cookie, key)


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
    """Sign in from the re-authentication cookie, when there is one, drawing nothing.

    Raises :class:`LoginError` when the cookie names an account that is not active, and
    when it does not verify: signed with another algorithm (``alg: none``, HS512),
    expired under its ``exp`` claim, or without the fields the library writes. The
    library catches only a bad signature; any other cookie that does not verify means
    "signed out", never an error page."""
    try:
        auth.login(location="unrendered")
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
