"""components/url_state: a pick lives in the page's address, so a reload or a pasted link
opens the same view; a value the person may not choose is refused in plain words."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import address_of, reopened


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


def test_a_pick_is_written_to_theaddress_of():
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


# ------------------------------------------------------------- through the real pages


def _ids(engine) -> tuple[int, int]:
    """North West's id, and the theme of a national metric (every region has those)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from db.models import Metric, Region

    with Session(engine) as session:
        region = session.scalar(select(Region.id).where(Region.code == "north_west"))
        theme = session.scalar(
            select(Metric.theme_id).where(Metric.scope == "national").order_by(Metric.id)
        )
    return region, theme


def test_metrics_keeps_its_region_theme_and_metric_in_theaddress_of(signed_in, app_engine):
    region, theme = _ids(app_engine)
    at = signed_in("national.lead", "demo-national")
    at.switch_page("pages/metrics.py")
    at.run()
    at.selectbox(key="metrics-region").set_value(region).run()
    at.selectbox(key="metrics-theme").set_value(theme).run()
    assert not at.exception, at.exception
    address = address_of(at, "region", "theme", "metric")
    assert address["region"] == str(region)
    assert "theme" in address
    fresh = reopened(signed_in, "pages/metrics.py", address)
    assert fresh.selectbox(key="metrics-region").value == region
    assert fresh.selectbox(key="metrics-theme").value == theme


def test_a_metric_chosen_on_metrics_is_in_theaddress_of(signed_in, app_engine):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from db.models import Metric

    with Session(app_engine) as session:
        metric = session.scalars(
            select(Metric).where(Metric.scope == "national").order_by(Metric.id.desc())
        ).first()
    at = signed_in("national.lead", "demo-national")
    at.switch_page("pages/metrics.py")
    at.run()
    at.selectbox(key="metrics-goto").set_value(metric.id).run()
    assert not at.exception, at.exception
    address = address_of(at, "region", "metric")
    assert address["metric"] == str(metric.id)
    fresh = reopened(signed_in, "pages/metrics.py", address)
    assert fresh.selectbox(key="metrics-goto").value == metric.id
    assert [s.value.replace("\\", "") for s in fresh.main.subheader] == [metric.name]


def test_overview_keeps_its_region_in_theaddress_of(signed_in):
    at = signed_in("national.lead", "demo-national")
    box = at.selectbox(key="overview-region")
    box.select_index(len(box.options) - 1).run()
    chosen = at.selectbox(key="overview-region").value
    address = address_of(at, "region")
    assert address == {"region": str(chosen)}
    fresh = reopened(signed_in, "pages/overview.py", address)
    assert fresh.selectbox(key="overview-region").value == chosen
