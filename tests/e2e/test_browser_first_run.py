"""A new production install, in a real browser (issue 10, part 4).

The app is served outside demo mode (AMHE_DEMO unset, a cookie key set) on a database
holding only what a new install has: the schema, the reference data the plan itself gives
(no metric) and one national lead made with ``db.users.create_user``. The national lead
sees the three-step guide on Overview, and its first step's link, "Define a national core
metric", opens the Metrics page's definition form for a new national core metric.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.permissions import SYSTEM_ACTOR
from db.engine import build_engine, upgrade_schema
from db.models import Metric
from db.users import create_user
from seed.load import ensure_reference_data
from tests.e2e.conftest import AppServer, _free_port, _wait_until_healthy
from tests.e2e.helpers import (
    COOKIE_KEY,
    REPO_ROOT,
    THIS_PAGE,
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sidebar_nav,
    signed_in,
)

USERNAME = "jo.national"
PASSWORD = "first-run-password-1"
GUIDE = "Getting started: the first national core metric"


def production_database(folder: Path) -> str:
    """A new install's database: reference data only, and one national lead."""
    url = f"sqlite:///{folder / 'production.sqlite'}"
    engine = build_engine(url)
    try:
        upgrade_schema(engine)
        ensure_reference_data(engine)
        create_user(engine, SYSTEM_ACTOR, USERNAME, "Jo National", PASSWORD, "national_lead")
        with Session(engine) as session:
            assert session.scalar(select(func.count(Metric.id))) == 0, "no metric is made up"
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="module")
def production_server(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    """``streamlit run app.py`` outside demo mode, on a new install's database."""
    folder = tmp_path_factory.mktemp("e2e-production")
    database_url = production_database(folder)
    env = {
        **{k: v for k, v in os.environ.items() if k != "AMHE_DEMO"},
        "AMHE_DATABASE_URL": database_url,
        "AMHE_LOGIN_SLEEP_TIME": "0",
        "AMHE_COOKIE_KEY": COOKIE_KEY,
    }
    port = _free_port()
    log_path = folder / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = AppServer(f"http://127.0.0.1:{port}/", database_url, log_path, process)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def national(browser: Browser, production_server: AppServer) -> Iterator[Page]:
    with signed_in(browser, production_server.url, USERNAME, PASSWORD) as page:
        yield page


def test_national_lead_sees_the_three_step_guide_on_overview(
    national: Page, screenshot_dir
) -> None:
    open_page(national, "Overview")
    assert_no_errors(national, "Overview on a new install")
    main = national.get_by_test_id("stMain")
    expect(main.get_by_text("Demo mode", exact=False)).to_have_count(0)
    guide = (
        main.locator('[data-testid="stVerticalBlock"]')
        .filter(has=national.get_by_role("heading", name=GUIDE))
        .last
    )
    expect(guide).to_be_visible()
    for number, title in enumerate(
        ("define a national core metric", "record its coproduction", "set its target"), 1
    ):
        expect(guide).to_contain_text(f"Step {number} of 3: {title} (to do).")
    for link in (
        "Define a national core metric",
        "Record who agreed it, where and when",
        "Set its target",
    ):
        expect(guide.get_by_role("link", name=link)).to_be_visible()
    assert_accessible(national, "Overview with the first-run guide (national lead)")
    screenshot(national, screenshot_dir, "first-run-overview-national-lead")


def test_define_a_national_core_metric_opens_the_definition_form(national: Page) -> None:
    open_page(national, "Overview")
    main = national.get_by_test_id("stMain")
    act(national, main.get_by_role("link", name="Define a national core metric").click)
    expect(
        sidebar_nav(national).get_by_test_id("stPageLink-NavLink").filter(has_text=THIS_PAGE)
    ).to_have_text(re.compile(r"Metrics \(this page\)$"))
    expect(main.get_by_role("radio", name="Define or change a metric")).to_be_checked()
    expect(main.get_by_role("heading", name="Define or change a metric")).to_be_visible()
    expect(main.get_by_role("combobox", name="Metric", exact=True)).to_have_value(
        "A new national core metric (for every region)"
    )
    form = main.get_by_test_id("stForm")
    expect(form.get_by_role("heading", name="What it measures")).to_be_visible()
    expect(form.get_by_role("textbox", name="Code", exact=True)).to_have_value("")
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_be_visible()
    expect(form.get_by_role("checkbox", name="Its counts are counts of people")).to_be_visible()
    assert_no_errors(national, "the Metrics page's definition form on a new install")
    assert_accessible(national, "the definition form opened from the guide (national lead)")
