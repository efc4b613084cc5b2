"""The Audit log page: national leads and admins see it with filters; nobody else does."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from app import pages_for
from core.permissions import Actor
from db.models import AuditEvent, Region, User

REPO = Path(__file__).resolve().parents[2]
PAGE = "pages/audit_log.py"
COLUMNS = ["When", "What", "Who", "Region", "Record", "Changes", "Reason"]


def open_log(signed_in, username: str, password: str) -> AppTest:
    at = signed_in(username, password)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def table(at: AppTest):
    return at.dataframe[0].value


def widget(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def count_events(url: str, *conditions) -> int:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count(AuditEvent.id)).where(*conditions))
    finally:
        engine.dispose()


def display_name(url: str, username: str) -> str:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(User.display_name).where(User.username == username))
    finally:
        engine.dispose()


def region_id(url: str, code: str) -> int:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(Region.id).where(Region.code == code))
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("username", "password"), [("national.lead", "demo-national"), ("admin", "demo-admin")]
)
def test_national_lead_and_admin_see_the_newest_500(signed_in, app_env, username, password):
    at = open_log(signed_in, username, password)
    assert at.title[0].value == "Audit log"
    events = table(at)
    assert list(events.columns) == COLUMNS
    total = count_events(app_env)
    assert total > 500, "the demo log is longer than the page limit"
    assert len(events) == 500
    assert any("only the newest 500 are shown" in i.value for i in at.info)
    assert pd.api.types.is_datetime64_any_dtype(events["When"]), "real date-times"
    assert events["When"].is_monotonic_decreasing, "newest first"
    assert not events["Record"].str.contains("since removed").any()
    assert events["Record"].str.contains(": ", regex=False).all(), "each record named"
    downloads = at.get("download_button")
    assert {d.proto.label for d in downloads} == {
        "Download CSV",
        "Download Excel",
        "About these files",
    }
    assert any("every change matching these filters" in c.value for c in at.caption)


def test_filters_by_region_kind_person_and_dates(signed_in, app_env):
    at = open_log(signed_in, "national.lead", "demo-national")
    north_west = region_id(app_env, "north_west")
    widget(at.multiselect, "Region").set_value([north_west])
    widget(at.multiselect, "Kind of record").set_value(["plan_action"])
    at.run()
    events = table(at)
    expected = count_events(
        app_env, AuditEvent.region_id == north_west, AuditEvent.entity_type == "plan_action"
    )
    assert 0 < expected < 500
    assert len(events) == expected
    assert events["Record"].str.startswith("Plan action: ").all()
    assert set(events["Who"]) == {f"{display_name(app_env, 'northwest.lead')} (northwest.lead)"}
    assert any(f"{expected} changes match" in c.value for c in at.caption)

    widget(at.selectbox, "Person").set_value("london.lead")
    at.run()
    assert "No changes match these filters." in [i.value for i in at.info]
    assert not at.dataframe

    widget(at.selectbox, "Person").set_value("")
    widget(at.date_input, "From").set_value(date(2024, 6, 1))
    widget(at.date_input, "To (including this day)").set_value(date(2024, 6, 30))
    at.run()
    events = table(at)
    expected = count_events(
        app_env,
        AuditEvent.region_id == north_west,
        AuditEvent.entity_type == "plan_action",
        AuditEvent.occurred_at >= datetime(2024, 6, 1),
        AuditEvent.occurred_at < datetime(2024, 7, 1),
    )
    assert len(events) == expected
    days = {w.date() for w in events["When"]}
    assert all(date(2024, 6, 1) <= d <= date(2024, 6, 30) for d in days)


def test_dates_the_wrong_way_round_get_a_plain_message(signed_in):
    at = open_log(signed_in, "admin", "demo-admin")
    widget(at.date_input, "From").set_value(date(2025, 1, 1))
    widget(at.date_input, "To (including this day)").set_value(date(2024, 1, 1))
    at.run()
    assert "after the 'To' date" in at.warning[0].value
    assert not at.dataframe


def test_search_finds_the_changes_whose_words_hold_it(signed_in):
    at = open_log(signed_in, "national.lead", "demo-national")
    widget(at.text_input, "Search").input("equity and inclusion BOARD")
    at.run()
    events = table(at)
    assert 0 < len(events) < 500
    words = events[["Who", "Region", "Record", "What", "Changes", "Reason"]].agg(" ".join, axis=1)
    assert words.str.contains("Equity and Inclusion Board", case=False).all()
    assert "Board report: Equity and Inclusion Board, Q2 2026/27" in set(events["Record"])

    widget(at.text_input, "Search").input("no change says this")
    at.run()
    assert "No changes match these filters." in [i.value for i in at.info]


@pytest.mark.parametrize("role", ["regional_lead", "forum_member"])
def test_regional_roles_do_not_have_the_page(role):
    assert PAGE not in [p.path for p in pages_for(role)]
    assert PAGE in [p.path for p in pages_for("national_lead")]
    assert PAGE in [p.path for p in pages_for("admin")]


@pytest.mark.parametrize("username", ["london.forum", "london.lead"])
def test_page_refuses_other_roles_even_when_reached(app_env, username):
    engine = create_engine(app_env)
    try:
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.username == username)).one()
            actor = Actor(user.id, user.username, user.role, user.region_id)
    finally:
        engine.dispose()
    at = AppTest.from_file(str(REPO / PAGE), default_timeout=60)
    at.session_state["actor"] = actor
    at.run()
    assert not at.exception, at.exception
    assert "Only national leads and administrators" in at.error[0].value
    assert not at.dataframe
    assert not at.multiselect
    assert not at.get("download_button")
