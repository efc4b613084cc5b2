"""A sign-in takes one run: the click's run checks the password before the navigation is
chosen, opens the first page and writes the cookie with a script that sends nothing
back (components/auth.py, components/auth_adapter.CookieWriter)."""

from __future__ import annotations

import streamlit as st

from components import auth
from components.auth_adapter import COOKIE_SCRIPT_KEY, cookie_text
from tests.app.conftest import new_app, sign_in


def _reruns(monkeypatch) -> list[object]:
    calls: list[object] = []
    real = st.rerun

    def counted(*args, **kwargs):
        calls.append(args)
        real(*args, **kwargs)

    monkeypatch.setattr(st, "rerun", counted)
    return calls


def _cookie_scripts(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if "document.cookie" in h.proto.body]


def test_the_click_run_opens_the_first_page_and_writes_the_cookie(app_env, monkeypatch):
    reruns = _reruns(monkeypatch)
    at = sign_in(new_app(), "london.forum", "demo-forum")
    assert not at.exception
    assert "Sign out" in [b.label for b in at.button]
    assert reruns == []
    (script,) = _cookie_scripts(at)
    assert "SameSite=Strict" in script
    assert f".st-key-{COOKIE_SCRIPT_KEY}{{display:none}}" in script
    at.run()  # the next run writes nothing more
    assert _cookie_scripts(at) == []


def test_the_password_leaves_the_session_state(app_env):
    at = sign_in(new_app(), "london.forum", "demo-forum")
    assert auth.PASSWORD_KEY not in at.session_state
    assert auth.SUBMITTED_KEY not in at.session_state


def test_a_wrong_password_shows_the_message_in_the_form(app_env):
    at = sign_in(new_app(), "london.forum", "not-the-password")
    assert [e.value for e in at.error] == [auth.WRONG_DETAILS]
    assert "Sign out" not in [b.label for b in at.button]
    assert _cookie_scripts(at) == []
    at.run()  # said once, not again on the next run
    assert at.error.len == 0


def test_an_empty_form_asks_for_both(app_env):
    at = sign_in(new_app(), "", "")
    assert [e.value for e in at.error] == ["Please enter both your username and your password."]


def test_signing_out_deletes_the_cookie_in_the_next_run(app_env):
    at = sign_in(new_app(), "london.forum", "demo-forum")
    next(b for b in at.button if b.label == "Sign out").click()
    at.run()
    (script,) = _cookie_scripts(at)
    assert "expires=Thu, 01 Jan 1970 00:00:00 GMT" in script
    assert "Username" in [t.label for t in at.text_input]


def test_the_cookie_text_is_encoded_and_strict():
    from datetime import UTC, datetime

    text = cookie_text("amhe auth", "a.b-c_d;e", path="/", expires=datetime(2027, 1, 2, tzinfo=UTC))
    assert text == (
        "amhe%20auth=a.b-c_d%3Be; expires=Sat, 02 Jan 2027 00:00:00 GMT; path=/; SameSite=Strict"
    )
