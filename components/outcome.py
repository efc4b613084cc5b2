"""Run a write from a page and show its outcome: the one way pages save anything.

A successful save reruns the page (so it shows the saved data) and the success message
is shown after that rerun, where the page calls :func:`show_outcome`. A write refused
for a reason the person can fix is shown at once, beside the form, which keeps what was
typed. When someone else changed the record first, the page reruns to show their version
and says so. Every message is plain text (escaped), whatever it quotes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from core.errors import StaleWrite, WriteRefused
from core.formatting import escape_markdown
from core.permissions import PermissionDenied

R = TypeVar("R")

_KEY = "outcome"
ICONS = {
    "success": ":material/check_circle:",
    "stale": ":material/sync_problem:",
    "error": ":material/error:",
}


def keep_outcome(text: str, *, kind: str = "success", where: str = "page") -> None:
    """Keep a message to show after the rerun, at the place called ``where``."""
    st.session_state[_KEY] = (where, kind, text)


def show_outcome(where: str = "page") -> None:
    """Show (once) the message the last write kept for this place, if any."""
    kept = st.session_state.get(_KEY)
    if not kept or kept[0] != where:
        return
    del st.session_state[_KEY]
    _, kind, text = kept
    show = st.success if kind == "success" else st.error
    show(escape_markdown(text), icon=ICONS.get(kind, ICONS["error"]))


def show_refusal(exc: Exception) -> None:
    """Say why a write was refused, at once and in plain text."""
    icon = ICONS["stale"] if isinstance(exc, StaleWrite) else ICONS["error"]
    st.error(escape_markdown(str(exc)), icon=icon)


def run_write(
    write: Callable[..., R],
    *args: Any,
    success: str | Callable[[R], str] | None = None,
    where: str = "page",
    rerun: bool = True,
    **kwargs: Any,
) -> R | None:
    """Run ``write(*args, **kwargs)`` and show what happened.

    Returns the write's result, or None when it was refused. ``success`` is the message
    to show after the rerun (or a function of the result that makes it). A stale write
    reruns too, so the person sees the newer data with the message; any other refusal is
    shown at once and does not rerun, as is a write the actor may not make (its
    message says why). ``rerun=False`` shows the success message at once.
    """
    try:
        result = write(*args, **kwargs)
    except StaleWrite as exc:
        keep_outcome(str(exc), kind="stale", where=where)
        if rerun:
            st.rerun()
        show_outcome(where)
        return None
    except (WriteRefused, PermissionDenied) as exc:
        show_refusal(exc)
        return None
    text = success(result) if callable(success) else success
    if text:
        keep_outcome(text, where=where)
    if rerun:
        st.rerun()
    show_outcome(where)
    return result


def forgetting(
    write: Callable[..., R], *keys: str, then: Callable[[], None] | None = None
) -> Callable[..., R]:
    """``write``, forgetting the versions kept under ``keys`` once it is saved or found
    stale (someone else changed the record first), and calling ``then`` once it is saved."""

    def run(*args: Any, **kwargs: Any) -> R:
        try:
            result = write(*args, **kwargs)
        except StaleWrite:
            for key in keys:
                st.session_state.pop(key, None)
            raise
        for key in keys:
            st.session_state.pop(key, None)
        if then is not None:
            then()
        return result

    return run


def next_round(key: str, round_: int) -> Callable[[], None]:
    """A step that moves the form kept under ``key`` to a fresh (empty) one."""

    def step() -> None:
        st.session_state[key] = round_ + 1

    return step
