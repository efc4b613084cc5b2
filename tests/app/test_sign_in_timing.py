"""A failed sign-in takes as long for an unknown username as for an existing account.

Timed at the layer that checks passwords (components.auth_adapter.check_password), on a
hash made the way real ones are (core.passwords.hash_password, the production cost).
"""

from __future__ import annotations

import statistics
import time

import streamlit as st

from components import auth_adapter
from tests.app.conftest import ADAPTER_PASSWORD as PASSWORD

#: Load on the machine only ever adds time, so the fastest of several rounds is the
#: steadiest measure of what each check itself costs.
ROUNDS = 7


def _timed(auth, username: str) -> float:
    start = time.perf_counter()
    assert auth_adapter.check_password(auth, username, "not-the-password") is False
    return time.perf_counter() - start


def test_a_failed_sign_in_takes_as_long_for_an_unknown_name_as_for_an_account(auth):
    _timed(auth, "nobody.here")  # first use makes the dummy hash once
    known: list[float] = []
    unknown: list[float] = []
    for _ in range(ROUNDS):  # interleaved, so load on the machine falls on both alike
        known.append(_timed(auth, "someone"))
        unknown.append(_timed(auth, "nobody.here"))
    fast, slow = sorted((min(known), min(unknown)))
    assert fast >= 0.75 * slow, (
        f"fastest failed sign-in: existing account {min(known):.3f} s, "
        f"unknown username {min(unknown):.3f} s (medians {statistics.median(known):.3f} "
        f"and {statistics.median(unknown):.3f} s)"
    )


def test_an_unknown_name_is_refused_and_leaves_the_session_signed_out(auth):
    assert auth_adapter.check_password(auth, "nobody.here", PASSWORD) is False
    assert not st.session_state.get("authentication_status")
    assert auth_adapter.check_password(auth, "someone", PASSWORD) is True
