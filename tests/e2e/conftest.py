"""Fixtures for the real-browser tests: the app served by ``streamlit run`` on a demo
database, and Debian's Chromium driven by Playwright.

* ``browser`` (session): one headless Chromium for the whole run. Without
  /usr/bin/chromium the tests are skipped, or fail under AMHE_REQUIRE_ALL=1.
* ``app_server`` (module): ``streamlit run app.py`` on a free loopback port, in demo
  mode, on its own fresh copy of the seeded SQLite demo database. ``app_server.url``
  is the address; ``app_server.database_url`` the database it writes to.
* ``start_app_server(database_url, folder)``: the same server on any database (for a
  test's own servers, such as two on one PostgreSQL database); wait for it with
  ``_wait_until_healthy`` and end it with ``stop_app_server``.
* ``base_url`` (module): ``app_server.url``.
* ``page`` (function): a new browser context (no cookies) and page, with the script-run
  tracker (``helpers.track``) that the helpers in ``tests/e2e/helpers.py`` wait on.
* ``screenshot_dir`` (session): where screenshots go; printed at the end of the run.

Browser tests use SQLite: they check the browser side, and the database layer is
covered on both engines by the other tests. The one exception,
test_browser_two_processes.py, runs two servers on one PostgreSQL database.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy.orm import Session

from db.engine import build_engine, upgrade_schema
from db.users import actor_for
from seed.demo import seed_demo_if_empty
from tests.conftest import skip_or_fail
from tests.e2e.helpers import COOKIE_KEY, REPO_ROOT, TIMEOUT_MS, track

# Never let Playwright fetch a browser of its own.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_START_TIMEOUT_S = 60

_screenshot_dirs: list[Path] = []


@dataclass(frozen=True)
class AppServer:
    url: str
    database_url: str
    log_path: Path
    process: subprocess.Popen

    def role_of(self, username: str) -> str:
        """The role the app's database gives ``username``."""
        engine = build_engine(self.database_url)
        try:
            with Session(engine) as session:
                actor = actor_for(session, username)
        finally:
            engine.dispose()
        assert actor is not None, f"{username!r} is not an active user of the demo database"
        return str(actor.role)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def e2e_demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded SQLite demo database, copied for each server."""
    path = tmp_path_factory.mktemp("e2e-template") / "demo.sqlite"
    engine = build_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    seed_demo_if_empty(engine)
    engine.dispose()  # checkpoints the WAL, so the file alone is the whole database
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        skip_or_fail(
            "Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium); "
            "the real-browser tests need it"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def start_app_server(database_url: str, folder: Path) -> AppServer:
    """Start ``streamlit run app.py`` in demo mode on ``database_url``, on a free loopback
    port, its output going to ``folder/streamlit.log``. It does not wait: call
    :func:`_wait_until_healthy` (so that several servers can start at once), and
    :func:`stop_app_server` at the end."""
    port = _free_port()
    env = {
        **os.environ,
        "AMHE_DATABASE_URL": database_url,
        "AMHE_DEMO": "1",
        "AMHE_LOGIN_SLEEP_TIME": "0",
        "AMHE_COOKIE_KEY": COOKIE_KEY,
    }
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
    return AppServer(f"http://127.0.0.1:{port}/", database_url, log_path, process)


def stop_app_server(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="module")
def app_server(
    browser: Browser, e2e_demo_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    """``streamlit run app.py`` on a fresh copy of the demo database, for one test module."""
    folder = tmp_path_factory.mktemp("e2e-server")
    database = folder / "demo.sqlite"
    shutil.copyfile(e2e_demo_database, database)
    server = start_app_server(f"sqlite:///{database}", folder)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        stop_app_server(server)


def _wait_until_healthy(server: AppServer) -> None:
    health = server.url + "_stcore/health"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"streamlit run app.py exited with code {server.process.returncode} before "
                f"it was healthy. Its output:\n{server.log()}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(health, timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(
        f"streamlit run app.py was not healthy at {health} after {SERVER_START_TIMEOUT_S} s. "
        f"Its output:\n{server.log()}",
        pytrace=False,
    )


@pytest.fixture(scope="module")
def base_url(app_server: AppServer) -> str:
    return app_server.url


@pytest.fixture
def page(browser: Browser, app_server: AppServer) -> Iterator[Page]:
    """A page in a new browser context (so no cookies carried over between tests)."""
    context = browser.new_context(viewport=VIEWPORT, base_url=app_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    track(page)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("e2e-screenshots")
    _screenshot_dirs.append(folder)
    return folder


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test (``-m "not browser"`` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter) -> None:
    for folder in _screenshot_dirs:
        count = len(list(folder.glob("*.png")))
        terminalreporter.write_line(f"e2e screenshots ({count}): {folder}")
