"""The browser benchmark: what people wait for, measured in Chromium on the loopback.

    python -m tests.benchmarks.browser --database-url URL --engine sqlite --scale 1 --out F
                                       [--rounds 5] [--post-script-gc true|false]
                                       [--soak-minutes 0]

Starts ``streamlit run`` on the app plus its floor page (``browser_app.py``) on a free
loopback port, and, signed in as the role that sees every page (the administrator):

1. *cold*: in the freshly started server, signs in at the floor page's address, then
   visits every page once, each followed by the floor page (each page's first visit in
   that process);
2. every page ``--rounds`` times, each visit after a visit to the floor page, so each
   page's ratio uses the floor timings beside it;
3. every download button the page shows, ``--rounds`` times, from the click to the file;
4. sign-in ``--rounds`` times (a new browser, the click on Sign in until the first page
   has finished), each followed by a floor visit. The server keeps the app's real
   sign-in setting (``AMHE_LOGIN_SLEEP_TIME`` unset: the 0.2 s pause against guessing).

A visit is timed from just before the click on its navigation link until the script run
it caused (and any rerun it set off) has finished with no element marked
``data-stale="true"``, nothing loading (``stSkeleton``), and stayed so for a moment
(``QUIET_S``, not counted). ``--soak-minutes`` then keeps visiting every page for that
long, noting the server's memory. Results go to ``--out`` as JSON; the tables are made
by ``tests.benchmarks.browser_report``. Never downloads a browser: Chromium is
/usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from playwright.sync_api import Browser, Locator, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, _free_port, stop_app_server
from tests.e2e.helpers import (
    COOKIE_KEY,
    _nav_links,
    current_page,
    open_app,
    page_problems,
    script_runs,
    sign_in_form,
    sign_out_button,
    track,
    wait_for_app,
)

ROOT = Path(__file__).resolve().parents[2]
ENTRY = Path(__file__).resolve().with_name("browser_app.py")
#: The role that sees most (every page) and its demo account (in the synthetic data too).
ROLE, USERNAME, PASSWORD = "admin", "admin", "demo-admin"
FLOOR = "Floor"
ROUNDS = 5
#: How long the page must stay finished (no run, no rerun asked for) before a visit
#: counts as over; the wait is not counted, the moment it first looked finished is.
QUIET_S = 0.3
SIGN_IN_QUIET_S = 0.6
POLL_MS = 10
RUN_TIMEOUT_S = 180
DOWNLOAD_TIMEOUT_MS = 60_000  # the national annual report at scale 10 took 21 s
#: A download button not clickable this long is tried again (found afresh).
CLICK_TIMEOUT_MS = 15_000
DOWNLOAD_ATTEMPTS = 3

# Why the page is not finished yet ("" when it is).
_FINISHED_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return "the app has not loaded";
  if (app.getAttribute("data-test-connection-state") !== "CONNECTED") return "not connected";
  if (app.getAttribute("data-test-script-state") !== "notRunning") return "running";
  if (document.querySelector('[data-stale="true"]')) return "stale elements";
  if (document.querySelector('[data-testid="stSkeleton"]')) return "loading";
  return "";
}
"""


# --------------------------------------------------------------------------- server


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_server(database_url: str, folder: Path, *, post_script_gc: bool | None) -> Server:
    """``streamlit run`` the app with its floor page, as tests/e2e/conftest.py starts the
    app (loopback, free port, headless, no file watcher), not in demo mode, with the
    app's own sign-in pause and ``runner.postScriptGC`` as given."""
    for name, target in (("browser_app.py", ENTRY), ("pages", ROOT / "pages")):
        link = folder / name
        if not link.exists():
            link.symlink_to(target)
    port = _free_port()
    env = {**os.environ, "AMHE_DATABASE_URL": database_url, "AMHE_COOKIE_KEY": COOKIE_KEY}
    for name in ("AMHE_DEMO", "AMHE_LOGIN_SLEEP_TIME"):
        env.pop(name, None)
    command = [
        sys.executable, "-m", "streamlit", "run", str(folder / "browser_app.py"),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    if post_script_gc is not None:
        command += ["--runner.postScriptGC", str(post_script_gc).lower()]
    log_path = folder / "streamlit.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}/", process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit run exited early:\n{server.log()}")
        try:
            with urllib.request.urlopen(server.url + "_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    stop_app_server(server)
    raise RuntimeError(f"streamlit run was not healthy after 60 s:\n{server.log()}")


def rss_mb(pid: int) -> float:
    """The process's resident memory now (and, below, its peak), from /proc."""
    return _status_kb(pid, "VmRSS:") / 1024


def peak_rss_mb(pid: int) -> float:
    return _status_kb(pid, "VmHWM:") / 1024


def _status_kb(pid: int, field_name: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0


def cache_mb(server: Server) -> float:
    """What Streamlit's caches (st.cache_data, st.cache_resource) say they hold,
    from its /_stcore/metrics endpoint."""
    try:
        with urllib.request.urlopen(server.url + "_stcore/metrics", timeout=10) as response:
            text = response.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0.0
    total = 0.0
    for line in text.splitlines():
        if line.startswith("cache_memory_bytes{") and 'cache_type="st_' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total / 1024 / 1024


# --------------------------------------------------------------------------- timing


class NotFinished(AssertionError):
    pass


def finished_at(
    page: Page,
    before: int,
    *,
    quiet_s: float = QUIET_S,
    ready: Callable[[], bool] | None = None,
    timeout_s: float = RUN_TIMEOUT_S,
) -> float:
    """The ``perf_counter`` moment at which the run(s) started after ``before``
    (:func:`script_runs`) had all finished with nothing stale, once the page has stayed
    so for ``quiet_s`` (a component's value or ``st.rerun()`` can start another run)."""
    tracker = track(page)
    deadline = time.perf_counter() + timeout_s
    done_at: float | None = None
    seen = -1
    while True:
        now = time.perf_counter()
        idle = tracker.finished > before and not tracker.running and not tracker.rerun_pending
        if not idle:
            done_at = None
        elif done_at is None or seen != tracker.finished:
            done_at = None
            if not page.evaluate(_FINISHED_JS) and (ready is None or ready()):
                done_at, seen = time.perf_counter(), tracker.finished
        elif now - done_at >= quiet_s:
            return done_at
        if now > deadline:
            raise NotFinished(f"no finished run within {timeout_s} s at {page.url}")
        page.wait_for_timeout(POLL_MS)


def visit(page: Page, title: str) -> float:
    """Click ``title`` in the navigation; seconds until its run has finished."""
    for attempt in range(3):
        link = dict(_nav_links(page))[title]
        before = script_runs(page)
        start = time.perf_counter()
        link.click()
        end = finished_at(page, before)
        if current_page(page) == title:
            return end - start
        if attempt == 2:
            raise NotFinished(f"clicking {title!r} did not open it (at {current_page(page)})")
        wait_for_app(page)  # a click dropped while a run was replaced: try again
    raise AssertionError("unreachable")


def new_page(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url, accept_downloads=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    track(page)
    return page


def sign_in(page: Page, url: str) -> float:
    """Open ``url`` (the sign-in form), sign in; seconds from the click on Sign in until
    the first page has finished."""
    open_app(page, url)
    username, password, button = sign_in_form(page)
    username.fill(USERNAME)
    password.fill(PASSWORD)
    before = script_runs(page)
    start = time.perf_counter()
    button.click()
    end = finished_at(
        page, before, quiet_s=SIGN_IN_QUIET_S, ready=lambda: sign_out_button(page).count() > 0
    )
    return end - start


def problem_on(page: Page) -> str:
    return "; ".join(page_problems(page))[:200]


# ---------------------------------------------------------------------------- results


@dataclass
class PageResult:
    page: str
    times: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    cold: float | None = None
    problem: str = ""


@dataclass
class DownloadResult:
    page: str
    label: str
    file: str = ""
    times: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    problem: str = ""


@dataclass
class SignInResult:
    times: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    cold: float | None = None
    problem: str = ""


@dataclass
class BrowserResult:
    engine: str
    scale: int
    role: str = ROLE
    post_script_gc: bool = True
    pages: list[PageResult] = field(default_factory=list)
    cold_floor: list[float] = field(default_factory=list)
    sign_in: SignInResult = field(default_factory=SignInResult)
    downloads: list[DownloadResult] = field(default_factory=list)
    memory: dict[str, float] = field(default_factory=dict)
    soak: list[dict[str, float]] = field(default_factory=list)


# ------------------------------------------------------------------------------ steps


def page_titles(page: Page) -> list[str]:
    return [title.removesuffix(" (this page)") for title, _ in _nav_links(page)]


def cold_visits(page: Page, server: Server, result: BrowserResult) -> list[str]:
    """Sign in at the floor page's address in the fresh server, then every page once,
    each followed by the floor. Returns the pages in navigation order."""
    # Until app.py's st.navigation has run once in the process, Streamlit knows only the
    # pages/ folder, and the floor page's address would show "Page not found".
    open_app(page, server.url)
    result.sign_in.cold = sign_in(page, server.url + "floor_page")
    titles = [t for t in page_titles(page) if t != FLOOR]
    for title in titles:
        entry = PageResult(title)
        try:
            entry.cold = visit(page, title)
            entry.problem = problem_on(page)
        except NotFinished as exc:
            entry.problem = str(exc)[:200]
        result.pages.append(entry)
        result.cold_floor.append(visit(page, FLOOR))
        print(f"  cold {title}: {entry.cold}", flush=True)
    return titles


def warm_visits(page: Page, entry: PageResult, rounds: int) -> None:
    for _ in range(rounds):
        entry.floor.append(visit(page, FLOOR))
        entry.times.append(visit(page, entry.page))
    entry.problem = entry.problem or problem_on(page)


def downloads_here(page: Page, entry: PageResult, rounds: int) -> list[DownloadResult]:
    """Every kind of download button the page shows as it opens (the first of each
    label: the Metrics page's four cards each have the same CSV and Excel buttons),
    each clicked ``rounds`` times; seconds from the click until the file is saved."""
    main = page.get_by_test_id("stMain")
    buttons = main.get_by_test_id("stDownloadButton")
    found: list[DownloadResult] = []
    for index in range(buttons.count()):
        button = buttons.nth(index).get_by_role("button")
        if not button.is_visible():
            continue
        label = button.inner_text().strip().splitlines()[-1]  # after the icon's name
        if any(download.label == label for download in found):
            continue
        download = DownloadResult(entry.page, label, floor=entry.floor)
        for _ in range(rounds):
            try:
                seconds, download.file = time_download(page, download_button(page, label))
            except Exception as exc:  # recorded in the report
                download.problem = str(exc).splitlines()[0][:200]
                break
            download.times.append(seconds)
        wait_for_app(page)
        found.append(download)
        print(f"  download {entry.page} / {download.label}: {download.times}", flush=True)
    return found


def download_button(page: Page, label: str) -> Locator:
    """The first visible download button labelled ``label``, found afresh at each use.
    A position among the page's download buttons (``nth``) can name another button after
    a rerun (a chart's download popover adds and removes buttons): clicking a hidden one
    waited out the click's timeout."""
    buttons = page.get_by_test_id("stMain").get_by_test_id("stDownloadButton")
    return buttons.get_by_role("button").filter(has_text=label).filter(visible=True).first


def time_download(page: Page, button: Locator) -> tuple[float, str]:
    """Seconds from the click on ``button`` until its file is saved, and the file's name.
    A click that lands while a run is being replaced can be dropped (no download
    follows, as tests/e2e/helpers.py's ``download`` notes): it is made again, and only
    the click that started the download is timed."""
    for attempt in range(DOWNLOAD_ATTEMPTS):
        wait_for_app(page)
        try:
            with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
                start = time.perf_counter()
                button.click(timeout=CLICK_TIMEOUT_MS)
            info.value.path()
            return time.perf_counter() - start, info.value.suggested_filename
        except PlaywrightTimeoutError:
            if attempt == DOWNLOAD_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def sign_ins(browser: Browser, server: Server, result: BrowserResult, rounds: int) -> None:
    for _ in range(rounds):
        page = new_page(browser, server.url)
        try:
            result.sign_in.times.append(sign_in(page, server.url))
            result.sign_in.floor.append(visit(page, FLOOR))
        finally:
            page.context.close()


def soak(page: Page, server: Server, titles: list[str], minutes: float) -> list[dict]:
    """Every page in turn for ``minutes``; the server's memory after each round."""
    samples = []
    start = time.perf_counter()
    pid = server.process.pid
    while time.perf_counter() - start < minutes * 60:
        seconds = [visit(page, title) for title in [FLOOR, *titles]]
        samples.append(
            {
                "elapsed_s": round(time.perf_counter() - start, 1),
                "rss_mb": round(rss_mb(pid), 1),
                "cache_mb": round(cache_mb(server), 1),
                "round_s": round(sum(seconds), 2),
                "floor_s": round(seconds[0], 3),
            }
        )
        print(f"  soak {samples[-1]}", flush=True)
    return samples


def run(
    database_url: str,
    engine: str,
    scale: int,
    *,
    rounds: int = ROUNDS,
    post_script_gc: bool | None = None,
    soak_minutes: float = 0,
    only: list[str] | None = None,
    downloads: bool = True,
) -> BrowserResult:
    if post_script_gc is None:  # the app's own setting (Streamlit's default: true)
        config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
        post_script_gc = bool(config.get("runner", {}).get("postScriptGC", True))
    result = BrowserResult(engine, scale, post_script_gc=post_script_gc)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        server = start_server(database_url, Path(folder), post_script_gc=post_script_gc)
        pid = server.process.pid
        try:
            result.memory["after start"] = rss_mb(pid)
            page = new_page(browser, server.url)
            titles = cold_visits(page, server, result)
            if only:
                result.pages = [p for p in result.pages if p.page in only]
            result.memory["after the cold visits"] = rss_mb(pid)
            print(f"  cold floor: {result.cold_floor}", flush=True)
            if current_page(page) == FLOOR:  # a floor visit must come from another page
                visit(page, titles[-1])
            for entry in result.pages:
                warm_visits(page, entry, rounds)
                print(f"  {entry.page}: {entry.times} (floor {entry.floor})", flush=True)
                if downloads:
                    result.downloads += downloads_here(page, entry, rounds)
            result.memory["after every page and download"] = rss_mb(pid)
            sign_ins(browser, server, result, rounds)
            print(f"  sign-in: {result.sign_in.times}", flush=True)
            if soak_minutes:
                result.soak = soak(page, server, titles, soak_minutes)
            result.memory["at the end"] = rss_mb(pid)
            result.memory["peak"] = peak_rss_mb(pid)
            result.memory["Streamlit caches"] = cache_mb(server)
            page.context.close()
        finally:
            stop_app_server(server)
            browser.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--engine", required=True, choices=("sqlite", "postgresql"))
    parser.add_argument("--scale", required=True, type=int)
    parser.add_argument("--out", required=True)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--post-script-gc", choices=("true", "false"))
    parser.add_argument("--soak-minutes", type=float, default=0)
    parser.add_argument("--only", nargs="*", help="only these pages (after the cold visits)")
    parser.add_argument("--no-downloads", action="store_true")
    args = parser.parse_args(argv)
    gc = None if args.post_script_gc is None else args.post_script_gc == "true"
    result = run(
        args.database_url,
        args.engine,
        args.scale,
        rounds=args.rounds,
        post_script_gc=gc,
        soak_minutes=args.soak_minutes,
        only=args.only,
        downloads=not args.no_downloads,
    )
    Path(args.out).write_text(json.dumps(asdict(result), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
