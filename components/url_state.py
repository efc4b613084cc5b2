"""A page's picks in its address, so that a reload or a pasted link opens the same view.

Each pick has a query parameter (:data:`REGION`, :data:`METRIC`, :data:`PERIOD`,
:data:`THEME`, :data:`CHARACTERISTIC`). A widget's choice is read from the address
when the address brings a new value (a reload, a pasted link, a link on another
page), checked against the options the person may choose from, and written back to
the address whenever the pick changes::

    metric_id = url_state.pick(
        st.selectbox, "Metric", metric_ids, param=url_state.METRIC, key="cmp-metric",
        format_func=names.get,
    )

or, around a widget drawn some other way::

    url_state.adopt(url_state.PERIOD, periods, key="cmp-period", encode=str)
    period = st.radio("Period", periods, key="cmp-period")
    url_state.remember(url_state.PERIOD, period, encode=str)

A value in the address that is not among the options (another region's data, a metric
that is not shown here) is not used: the person is told in plain words, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import streamlit as st

from core.formatting import escape_markdown

T = TypeVar("T")

REGION = "region"
METRIC = "metric"
PERIOD = "period"
THEME = "theme"
CHARACTERISTIC = "characteristic"
MEASURE = "measure"

#: What each parameter is called in a message.
NOUNS = {
    REGION: "region",
    METRIC: "metric",
    PERIOD: "period",
    THEME: "theme",
    CHARACTERISTIC: "characteristic",
    MEASURE: "measure",
}

#: Session-state keys: the value each parameter had when this session last wrote it
#: (a different value in the address came from outside: a link, a reload), and the
#: values a link asked for that were refused (kept in the address, with the message,
#: until the person picks something else).
_SEEN = "url_state:seen"
_REFUSED = "url_state:refused"


def day(value: object) -> str:
    """A date in the address: ``2025-04-01`` (a date, a datetime or a pandas Timestamp)."""
    return str(value)[:10]


def _seen() -> dict[str, str]:
    return st.session_state.setdefault(_SEEN, {})


def _refused() -> dict[str, tuple[str, str | None]]:
    return st.session_state.setdefault(_REFUSED, {})


def requested(param: str) -> str | None:
    """The value of ``?param=`` when it came from outside this session's own picks (a
    reload, a pasted link, a link from another page); else None."""
    raw = st.query_params.get(param)
    if raw is None or _seen().get(param) == raw:
        return None
    return raw


def find(raw: str, options: Iterable[T], encode: Callable[[T], str] = str) -> T | None:
    """The option written as ``raw`` in the address, if there is one."""
    for option in options:
        if encode(option) == raw:
            return option
    return None


def not_available(param: str, why: str | None = None) -> None:
    """Tell the person the link's choice is not open to them (plain words)."""
    noun = NOUNS.get(param, param)
    st.warning(
        escape_markdown(
            why
            or f"The link you opened asked for a {noun} that is not available to you "
            f"on this page, so the page shows another {noun} instead."
        ),
        icon=":material/link_off:",
    )


def _show_held_value(key: str | None, options: Sequence[object]) -> None:
    """Send the widget's value to the browser again on this run.

    Streamlit tells the browser about a value set through the session state only on the
    run that set it; when that run is overtaken by another before it reaches the browser
    (signing in sets the cookie and runs again at once), the box shows its first option
    while the page shows the linked one. Setting the held value again each run keeps the
    two the same."""
    if key is not None and key in st.session_state and st.session_state[key] in options:
        st.session_state[key] = st.session_state[key]


def adopt(
    param: str,
    options: Sequence[T],
    *,
    key: str | None,
    encode: Callable[[T], str] = str,
    refused: str | None = None,
) -> T | None:
    """Before drawing the widget ``key``: when the address brings a new ``?param=`` that
    is one of ``options``, make it the widget's choice and return it. A value that is
    not among the options is not used: the person is told so (``refused``: the words
    to use) on every run until they pick something else."""
    _show_held_value(key, options)
    raw = st.query_params.get(param)
    if raw is None:
        return None
    earlier = _refused().get(param)
    if earlier is not None and earlier[0] == raw:
        not_available(param, refused)
        return None
    if _seen().get(param) == raw:
        return None
    chosen = find(raw, options, encode)
    if chosen is None:
        _refused()[param] = (raw, None)
        not_available(param, refused)
        return None
    if key is not None:
        st.session_state[key] = chosen
    return chosen


def remember(param: str, value: T | None, *, encode: Callable[[T], str] = str) -> None:
    """After drawing the widget: write its pick to the address (no rerun); ``None``
    removes the parameter. A refused link's value stays in the address until the
    person picks something other than what the page first showed instead."""
    raw_now = st.query_params.get(param)
    earlier = _refused().get(param)
    if earlier is not None and earlier[0] == raw_now:
        shown = None if value is None else encode(value)
        if earlier[1] is None:
            _refused()[param] = (earlier[0], shown)
            return
        if earlier[1] == shown:
            return
        del _refused()[param]
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
        _seen().pop(param, None)
        return
    raw = encode(value)
    if raw_now != raw:
        st.query_params[param] = raw
    _seen()[param] = raw


def pick(
    widget: Callable[..., T],
    label: str,
    options: Sequence[T],
    *,
    param: str,
    key: str,
    encode: Callable[[T], str] = str,
    refused: str | None = None,
    **kwargs: Any,
) -> T:
    """Draw ``widget(label, options, key=key, **kwargs)`` (a select box, a radio, a
    segmented control...) with its choice kept in ``?param=``: read from the address
    when it brings a new value among ``options``, written back when it changes."""
    options = list(options)
    adopt(param, options, key=key, encode=encode, refused=refused)
    value = widget(label, options, key=key, **kwargs)
    remember(param, value, encode=encode)
    return value
