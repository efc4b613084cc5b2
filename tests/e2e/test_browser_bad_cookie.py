"""A sign-in cookie that does not verify means "signed out": the sign-in form, never the
error page, and the cookie is cleared (issue 16). One case each: signed with no
algorithm, with HS512, and expired under its ``exp`` claim."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from playwright.sync_api import Page

from tests.e2e.helpers import (
    COOKIE_KEY,
    COOKIE_NAME,
    cookie_names,
    expect_signed_out,
    open_app,
    page_problems,
)


def _part(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned() -> str:
    claims = {"username": "admin", "exp_date": time.time() + 3600}
    return f"{_part({'alg': 'none', 'typ': 'JWT'})}.{_part(claims)}."


def hs512() -> str:
    claims = {"username": "admin", "exp_date": time.time() + 3600}
    return jwt.encode(claims, COOKIE_KEY + "-long-enough-for-hs512" * 3, algorithm="HS512")


def expired() -> str:
    claims = {"username": "admin", "exp_date": time.time() + 3600, "exp": int(time.time()) - 60}
    return jwt.encode(claims, COOKIE_KEY, algorithm="HS256")


@pytest.mark.parametrize("token", [unsigned, hs512, expired], ids=["alg-none", "hs512", "exp"])
def test_a_cookie_that_does_not_verify_means_signed_out(page: Page, base_url: str, token) -> None:
    page.context.add_cookies([{"name": COOKIE_NAME, "value": token(), "url": base_url}])
    open_app(page, base_url)
    expect_signed_out(page)
    assert not page_problems(page)
    deadline = time.monotonic() + 5
    while COOKIE_NAME in cookie_names(page) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert COOKIE_NAME not in cookie_names(page), "the bad cookie was not cleared"
