"""The streamlit-authenticator internals the sign-in uses, checked on the installed version.

components/auth_adapter.py is the only module that reaches past the library's public
API. If an upgrade moves or renames what it uses, these fail with a message that says
where to look, instead of the sign-in breaking at run time.
"""

from __future__ import annotations

import inspect

import streamlit as st
import streamlit_authenticator as stauth

from components import auth_adapter
from tests.app.conftest import ADAPTER_PASSWORD as PASSWORD

FIX = "streamlit-authenticator changed: update components/auth_adapter.py"


def method(owner: object, path: str):
    """``owner.a.b`` as a callable, or a failure naming it."""
    found = owner
    for part in path.split("."):
        assert hasattr(found, part), f"{FIX}: Authenticate has no .{path}"
        found = getattr(found, part)
    assert callable(found), f"{FIX}: Authenticate.{path} is not callable"
    return found


def test_the_adapter_builds_the_librarys_authenticator(auth):
    assert isinstance(auth, stauth.Authenticate), FIX
    assert auth_adapter.Authenticator is stauth.Authenticate, FIX


def test_every_internal_the_adapter_uses_is_there(auth):
    login = method(auth, "authentication_controller.login")
    assert list(inspect.signature(login).parameters)[:2] == ["username", "password"], FIX
    method(auth, "authentication_controller.logout")
    method(auth, "cookie_controller.set_cookie")
    method(auth, "cookie_controller.delete_cookie")
    assert "location" in inspect.signature(method(auth, "login")).parameters, FIX
    assert issubclass(auth_adapter.LoginError, Exception), FIX


def test_a_password_is_checked_and_the_sign_in_kept_in_the_session_state(auth):
    assert auth_adapter.check_password(auth, "someone", "wrong-password") is False, FIX
    assert not st.session_state.get("authentication_status"), FIX
    assert auth_adapter.check_password(auth, "someone", PASSWORD) is True, FIX
    assert st.session_state.get("authentication_status") is True, FIX
    assert st.session_state.get("username") == "someone", FIX


def test_forgetting_a_sign_in_clears_the_librarys_session_state(auth):
    assert auth_adapter.check_password(auth, "someone", PASSWORD), FIX
    auth_adapter.forget_sign_in(auth)
    assert st.session_state.get("authentication_status") is None, FIX
    assert st.session_state.get("username") is None, FIX


def test_the_authenticator_draws_no_cookie_reader(auth):
    """Its cookie manager draws a component only to set or delete the cookie: the one
    that read every cookie on every run asked for a rerun that could replace a click's
    run (tests/e2e/test_browser_sign_in_clicks.py)."""
    manager = method(auth, "cookie_controller.set_cookie").__self__.cookie_model.cookie_manager
    assert isinstance(manager, auth_adapter.CookieWriter), FIX
    assert manager.cookies == {}, FIX
    method(manager, "set")
    method(manager, "delete")
