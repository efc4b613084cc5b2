"""components/url_state: a pick lives in the page's address, so a reload or a pasted link
opens the same view; a value the person may not choose is refused in plain words."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _picker_app() -> None:
    import streamlit as st

    from components import url_state

    names = {1: "London", 2: "North West", 3: "Yorkshire"}
    allowed = st.session_state.get("allowed", [1, 2, 3])
    url_state.pick(
        st.selectbox,
        "Region",
        allowed,
        param=url_state.REGION,
        key="region-box",
        format_func=names.get,
    )


def _app(query: dict[str, str] | None = None, allowed: list[int] | None = None) -> AppTest:
    at = AppTest.from_function(_picker_app, default_timeout=30)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    if allowed is not None:
        at.session_state["allowed"] = allowed
    return at.run()


def _region(at: AppTest) -> str | None:
    values = at.query_params.get("region")
    return values[0] if isinstance(values, list) else values


def test_a_link_opens_the_region_it_names():
    at = _app({"region": "2"})
    assert not at.exception
    assert at.selectbox(key="region-box").value == 2
    assert not at.warning


def test_a_pick_is_written_to_the_address():
    at = _app()
    assert _region(at) == "1"  # the first choice is in the address too
    at.selectbox(key="region-box").set_value(3).run()
    assert _region(at) == "3"
    at.run()  # a later run keeps the pick: the address is this session's own
    assert at.selectbox(key="region-box").value == 3


def test_a_region_not_open_to_the_person_is_refused_in_words():
    at = _app({"region": "2"}, allowed=[1])
    assert at.selectbox(key="region-box").value == 1
    words = " ".join(w.value for w in at.warning)
    assert "asked for a region that is not available to you" in words
    at.run()  # the message stays with the link until the person picks something else
    assert at.warning


def test_rubbish_in_the_address_is_refused_not_an_error():
    at = _app({"region": "<script>"})
    assert not at.exception
    assert at.selectbox(key="region-box").value == 1
    assert at.warning
