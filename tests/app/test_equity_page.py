"""The Equity page through the real app, as each role."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import components.downloads
from core.disclosure import SUPPRESSED
from core.equity import MEASURES
from db.engine import build_engine
from db.models import EquityCount, Region
from tests.app.conftest import address_of, reopened

PAGE = "pages/equity.py"
CHARACTERISTICS = {
    "ethnicity": "Ethnicity",
    "ethnicity_broad": "Ethnicity (high-level groups)",
    "religion": "Religion or belief",
}

#: Every column of the page's tables that holds a count of people.
COUNT_COLUMNS = (
    {m.numerator for m in MEASURES.values()}
    | {m.denominator for m in MEASURES.values() if m.denominator}
    | {m.records.capitalize() for m in MEASURES.values()}
    | {"Local population"}
)


@pytest.fixture
def downloads(monkeypatch) -> list[pd.DataFrame]:
    """Every frame the page hands to the download buttons (what a file would hold)."""
    frames: list[pd.DataFrame] = []
    original = components.downloads.download_buttons

    def record(table, file_stem, *, key, about=None):
        frames.append(table.copy())
        original(table, file_stem, key=key, about=about)

    monkeypatch.setattr(components.downloads, "download_buttons", record)
    return frames


def open_equity(signed_in, username: str, password: str):
    at = signed_in(username, password)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def count_cells(frames) -> list[object]:
    cells: list[object] = []
    for frame in frames:
        for column in COUNT_COLUMNS & set(frame.columns):
            cells += [v for v in frame[column].tolist() if v not in ("", None)]
    return cells


def safe(value: object) -> bool:
    """``*`` or a count rounded to 5 that is at least 5."""
    if value == SUPPRESSED:
        return True
    text = str(value)
    return text.isdigit() and int(text) % 5 == 0 and int(text) >= 5


def texts(at) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("national.lead", "demo-national"),
        ("london.lead", "demo-london"),
        ("london.forum", "demo-forum"),
        ("admin", "demo-admin"),
    ],
)
def test_each_role_sees_the_page(signed_in, username, password):
    at = open_equity(signed_in, username, password)
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == ["Equity"]
    assert "Access: who we support against the local population" in [h.value for h in at.header]
    assert at.dataframe, "the data table beside the chart"


def test_forum_member_never_sees_a_small_count(signed_in, downloads):
    at = open_equity(signed_in, "london.forum", "demo-forum")
    assert "Figures below national level follow NHS disclosure control" in "\n".join(
        c.value for c in at.caption
    )
    seen: list[object] = []
    for measure in ("people_supported", "right_support", "ended_early", "mha_detentions"):
        at.selectbox(key="eq-measure").set_value(MEASURES[measure]).run()
        for code, name in CHARACTERISTICS.items():
            if name not in at.selectbox(key="eq-characteristic").options:
                continue
            at.selectbox(key="eq-characteristic").set_value(code).run()
            characteristic = code
            assert not at.exception, at.exception
            on_screen = count_cells(df.value for df in at.dataframe)
            assert on_screen, (measure, characteristic)
            unsafe = [v for v in on_screen if not safe(v)]
            assert not unsafe, (measure, characteristic, unsafe[:10])
            seen += on_screen
    assert SUPPRESSED in seen, "the demo has small groups, so some counts must be *"
    in_files = count_cells(downloads)
    assert in_files and all(safe(v) for v in in_files)
    assert not any(b.label == "Save count" for b in at.button)
    assert not at.tabs


def test_regional_lead_sees_exact_figures_and_can_enter_a_count(signed_in, downloads, app_env):
    at = open_equity(signed_in, "london.lead", "demo-london")
    assert "You see exact figures for London." in "\n".join(c.value for c in at.caption)
    exact = count_cells(df.value for df in at.dataframe)
    assert any(not safe(v) for v in exact), "exact counts are not all rounded to 5"
    assert "Enter or import figures" in [h.value for h in at.header]

    at.selectbox(key="eq-in-period-quarter").set_value(date(2025, 4, 1)).run()
    at.selectbox(key="eq-in-characteristic").set_value("sex").run()
    at.selectbox(key="eq-in-group").set_value("Female").run()
    at.number_input(key="eq-in-numerator").set_value(1234).run()
    next(b for b in at.button if b.label == "Save count").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == ["Saved."]
    london = region_id(app_env, "london")
    engine = build_engine(app_env)
    try:
        with Session(engine) as session:
            row = session.scalar(
                select(EquityCount).where(
                    EquityCount.region_id == london,
                    EquityCount.period_start == date(2025, 4, 1),
                    EquityCount.measure == "people_supported",
                    EquityCount.characteristic == "sex",
                    EquityCount.group_name == "Female",
                )
            )
            assert (row.numerator, row.version) == (1234, 2)
    finally:
        engine.dispose()


def region_id(url: str, code: str) -> int:
    engine = build_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(Region.id).where(Region.code == code))
    finally:
        engine.dispose()


def test_national_lead_sees_all_regions_and_each_region_exactly(signed_in, app_env):
    at = open_equity(signed_in, "national.lead", "demo-national")
    scope = at.radio(key="eq-scope")
    assert scope.value == "All regions (national)"
    assert "You see exact figures for every region." in "\n".join(c.value for c in at.caption)
    assert not any(b.label == "Save count" for b in at.button), "national leads do not edit"
    at.selectbox(key="eq-measure").set_value(MEASURES["mha_detentions"]).run()
    at.selectbox(key="eq-characteristic").set_value("ethnicity_broad").run()
    assert "Black people were" in texts(at)
    assert "times as likely as White people to be detained" in texts(at)
    at.radio(key="eq-scope").set_value("One region").run()
    assert not at.exception
    region = at.selectbox(key="eq-region")
    assert len(region.options) == 7
    region.set_value(region_id(app_env, "north_west")).run()
    assert not at.exception and at.dataframe
    assert "You see exact figures for North West." in "\n".join(c.value for c in at.caption)


def test_the_picks_live_in_the_address_and_a_link_opens_them(signed_in, app_env):
    """Region, measure, characteristic and period are written to the address; the same
    address in a new session (a reload, a pasted link) opens the same view."""
    at = open_equity(signed_in, "national.lead", "demo-national")
    assert "region" not in address_of(at, "region"), "all regions: no region in the address"
    at.selectbox(key="eq-measure").set_value(MEASURES["mha_detentions"]).run()
    at.selectbox(key="eq-characteristic").set_value("ethnicity_broad").run()
    period_box = at.selectbox(key="eq-period-mha_detentions")
    period_box.select(period_box.options[-1]).run()
    period = at.selectbox(key="eq-period-mha_detentions").value
    at.radio(key="eq-scope").set_value("One region").run()
    at.selectbox(key="eq-region").set_value(region_id(app_env, "north_west")).run()
    address = address_of(at, "region", "measure", "characteristic", "period")
    assert address["measure"] == "mha_detentions"
    assert address["characteristic"] == "ethnicity_broad"
    assert address["region"] == str(region_id(app_env, "north_west"))
    assert address["period"] == str(period)[:10]

    fresh = reopened(signed_in, PAGE, address)
    assert fresh.radio(key="eq-scope").value == "One region"
    assert fresh.selectbox(key="eq-region").value == region_id(app_env, "north_west")
    assert fresh.selectbox(key="eq-measure").value.code == "mha_detentions"
    assert fresh.selectbox(key="eq-characteristic").value == "ethnicity_broad"
    assert fresh.selectbox(key="eq-period-mha_detentions").value == period


def test_a_link_to_a_characteristic_not_recorded_says_so(signed_in):
    at = signed_in("london.lead", "demo-london")
    at.query_params["characteristic"] = "shoe_size"
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    words = " ".join(w.value for w in at.warning)
    assert "asked for a characteristic that is not available to you" in words
