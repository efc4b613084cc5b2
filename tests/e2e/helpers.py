"""Helpers for the real-browser tests: waiting for Streamlit, signing in and out,
moving between pages, checking for errors, accessibility (axe) and screenshots.

A journey reads like this (fixtures ``page``, ``app_server``/``base_url`` and
``screenshot_dir`` come from ``tests/e2e/conftest.py``)::

    sign_in(page, base_url, "london.lead", "demo-london")
    open_page(page, "Local plan")              # clicks the sidebar link, waits
    act(page, form.get_by_role("button", name="Save").click)  # any rerun-causing action
    assert_no_errors(page, "after saving")     # no stException, no "Traceback"
    assert_accessible(page, "the Local plan")  # axe, minus AXE_ALLOWED
    screenshot(page, screenshot_dir, "local-plan-saved")
    sign_out(page)

Every helper that clicks something waits until Streamlit has finished the script run
it caused, so a test can assert straight after calling it. Use :func:`act` for your
own interactions that cause a rerun (a button, a form submit, a widget outside a form);
typing into a widget inside a form causes none, so just fill it in. Playwright's
``expect(...)`` assertions retry on their own and suit anything else.
"""

from __future__ import annotations

import ast
import contextlib
import re
import sys
import time
import types
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
from axe_playwright_python.base import AXE_SCRIPT
from google.protobuf.message import DecodeError
from playwright.sync_api import Browser, Locator, Page, WebSocket, expect
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_PATH = REPO_ROOT / "app.py"

#: How long to wait for a script run, a page load or an element (milliseconds).
TIMEOUT_MS = 30_000
#: How long the app must stay quiet (no run, no rerun request, no component message)
#: before it counts as settled. Streamlit often runs twice in a row (``st.rerun()``, a
#: component sending its value, such as the sign-in cookie manager on every load).
SETTLE_MS = 300
#: A fresh load settles for longer: widgets and components load their code lazily.
LOAD_SETTLE_MS = 500

WRONG_DETAILS_START = "That username and password do not match an account"

#: The e2e server signs its re-authentication cookies with this key (it is passed as
#: AMHE_COOKIE_KEY), so that a test can make a valid cookie itself.
COOKIE_KEY = "e2e-only-cookie-key-not-a-secret-0123456789"
COOKIE_NAME = "amhe_auth"  # core.config.Settings.cookie_name


class RunTracker:
    """Follows one page's Streamlit websocket: the script runs the server reports
    (``new_session`` when a run starts, ``script_finished`` when it ends) and the rerun
    requests the browser sends.

    The DOM attribute ``data-test-script-state`` alone is not enough: when a run is
    quick, React can apply "running" and "notRunning" in one render, so the page never
    shows "running". The messages are never missed.

    A run that ends ``FINISHED_EARLY_FOR_RERUN`` (``st.rerun()``, or a rerun the browser
    asked for) is followed by the new run, so the app still counts as running: on a
    busy server the new run can start seconds later, long after ``SETTLE_MS``.
    """

    def __init__(self) -> None:
        self.finished = 0  # runs (and fragment runs) that have ended
        self.running = False
        self._seq = 0
        self._requested = 0  # _seq of the last rerun request sent
        self._answered = 0  # _seq of the last run start or end
        self.last_event = time.monotonic()

    @property
    def rerun_pending(self) -> bool:
        """The browser asked for a rerun and the server has not started it yet."""
        return self._requested > self._answered

    def on_websocket(self, websocket: WebSocket) -> None:
        if "_stcore/stream" not in websocket.url:
            return
        self.running = False  # a new connection (a page load): the old runs are over
        self._answered = self._requested
        websocket.on("framereceived", self._on_received)
        websocket.on("framesent", self._on_sent)

    def _event(self) -> int:
        self._seq += 1
        self.last_event = time.monotonic()
        return self._seq

    def _on_received(self, payload: str | bytes) -> None:
        if not isinstance(payload, bytes):
            return
        try:
            message = ForwardMsg.FromString(payload)
        except DecodeError:
            return
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.running = True
            self._answered = self._event()
        elif kind == "script_finished":
            self.finished += 1
            self.running = message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN
            self._answered = self._event()

    def _on_sent(self, payload: str | bytes) -> None:
        if not isinstance(payload, bytes):
            return
        try:
            kind = BackMsg.FromString(payload).WhichOneof("type")
        except DecodeError:
            return
        if kind == "rerun_script":
            self._requested = self._event()


_trackers: weakref.WeakKeyDictionary[Page, RunTracker] = weakref.WeakKeyDictionary()

# Notes which component iframes have said they are ready, and when a component last
# sent a message (e.g. its value, which asks for a rerun).
_COMPONENT_TRACKER_JS = """
(() => {
  if (window.__amheComponents) return;
  const tracker = window.__amheComponents = {ready: new WeakSet(), last: performance.now()};
  window.addEventListener("message", (event) => {
    const data = event.data;
    if (!data || !data.isStreamlitMessage) return;
    tracker.last = performance.now();
    if (data.type === "streamlit:componentReady" && event.source) tracker.ready.add(event.source);
  });
})();
"""

# Why the page is not idle yet ("" when it is), and how long components have been quiet.
_DOM_IDLE_JS = """
() => {
  const components = window.__amheComponents;
  const quietMs = components ? performance.now() - components.last : 0;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return ["the app has not loaded", quietMs];
  const connection = app.getAttribute("data-test-connection-state");
  const state = app.getAttribute("data-test-script-state");
  if (connection !== "CONNECTED") return [`connection ${connection}`, quietMs];
  if (state !== "notRunning") return [`script state ${state}`, quietMs];
  if (document.querySelector('[data-testid="stSkeleton"]'))
    return ["an element is still loading (stSkeleton)", quietMs];
  for (const frame of document.querySelectorAll('iframe[src*="/component/"]')) {
    if (!components || !frame.contentWindow || !components.ready.has(frame.contentWindow))
      return [`component ${frame.title || frame.src} is not ready`, quietMs];
  }
  return ["", quietMs];
}
"""


def track(page: Page) -> RunTracker:
    """Start following ``page``'s script runs and components. The ``page`` fixture does
    this; for a page you make yourself, call it before the page's first ``goto``."""
    if page not in _trackers:
        tracker = _trackers[page] = RunTracker()
        page.on("websocket", tracker.on_websocket)
        page.add_init_script(_COMPONENT_TRACKER_JS)
    return _trackers[page]


# --------------------------------------------------------------------------- waiting


def script_runs(page: Page) -> int:
    """How many script runs have finished on this page (see :class:`RunTracker`)."""
    return track(page).finished


def wait_for_app(
    page: Page,
    *,
    after: int | None = None,
    settle_ms: int = SETTLE_MS,
    timeout_ms: int = TIMEOUT_MS,
) -> None:
    """Wait until Streamlit is connected and idle: no run in progress or requested,
    nothing still loading, every component ready, all quiet for ``settle_ms``.

    ``after``: the :func:`script_runs` count taken before an action; the wait then also
    requires a run to have finished since, so it cannot return before the action's rerun.
    """
    tracker = track(page)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        if after is not None and tracker.finished <= after:
            waiting_for = "no script run has finished since the action"
        elif tracker.running:
            waiting_for = "a script run is in progress"
        elif tracker.rerun_pending:
            waiting_for = "a rerun was requested"
        else:
            waiting_for, components_quiet_ms = page.evaluate(_DOM_IDLE_JS)
            quiet_ms = min((time.monotonic() - tracker.last_event) * 1000, components_quiet_ms)
            if not waiting_for and quiet_ms < settle_ms:
                waiting_for = "settling"
            if not waiting_for:
                return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"Streamlit did not settle within {timeout_ms} ms at {page.url}: "
                f"{waiting_for}." + _error_text(page)
            )
        page.wait_for_timeout(50)  # also lets Playwright deliver the websocket events


def act(
    page: Page,
    action: Callable[[], object],
    *,
    settle_ms: int = SETTLE_MS,
    timeout_ms: int = TIMEOUT_MS,
) -> None:
    """Do ``action`` (which must cause a script run, e.g. a click on a button or a
    change to a widget outside a form) and wait for that run to finish."""
    before = script_runs(page)
    action()
    wait_for_app(page, after=before, settle_ms=settle_ms, timeout_ms=timeout_ms)


#: How long a page load may take to settle: a new session's first run on a server that
#: has just started imports the whole app and warms its caches, which on a shared 2-core
#: machine running two test workers has taken over 30 s.
LOAD_TIMEOUT_MS = 90_000


def open_app(page: Page, url: str, *, timeout_ms: int = LOAD_TIMEOUT_MS) -> None:
    """Load ``url`` (the app, or one of its pages) and wait for it to settle."""
    act(page, lambda: page.goto(url), settle_ms=LOAD_SETTLE_MS, timeout_ms=timeout_ms)


def reload_app(page: Page) -> None:
    act(page, page.reload, settle_ms=LOAD_SETTLE_MS, timeout_ms=LOAD_TIMEOUT_MS)


# ---------------------------------------------------------------- signing in and out


def remember_cookie(username: str, base_url: str) -> dict:
    """A valid re-authentication cookie for ``username``, as streamlit-authenticator
    makes it, ready for ``page.context.add_cookies([...])``."""
    token = jwt.encode(
        {"username": username, "exp_date": time.time() + 24 * 3600}, COOKIE_KEY, algorithm="HS256"
    )
    return {"name": COOKIE_NAME, "value": token, "url": base_url}


def cookie_names(page: Page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


def sign_in_form(page: Page) -> tuple[Locator, Locator, Locator]:
    """The username box, the password box and the Sign in button."""
    return (
        page.get_by_role("textbox", name="Username", exact=True),
        page.get_by_role("textbox", name="Password", exact=True),
        page.get_by_role("button", name="Sign in", exact=True),
    )


def sign_out_button(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out")


def expect_signed_out(page: Page) -> None:
    """The sign-in form is showing, and the Sign out button is not."""
    try:
        for locator in sign_in_form(page):
            expect(locator).to_be_visible()
        expect(sign_out_button(page)).to_have_count(0)
    except AssertionError as exc:
        state = "still signed in (Sign out shows)" if sign_out_button(page).count() else "neither"
        raise AssertionError(
            f"Expected the sign-in form at {page.url}, but the page is {state}.\n{exc}"
            + _error_text(page)
        ) from None


def submit_sign_in(
    page: Page, username: str, password: str, *, timeout_ms: int = TIMEOUT_MS
) -> None:
    """Fill in and submit the sign-in form that is showing; assert nothing about the outcome."""
    user_box, password_box, button = sign_in_form(page)
    user_box.fill(username)
    password_box.fill(password)
    act(page, button.click, timeout_ms=timeout_ms)


def sign_in(
    page: Page, base_url: str, username: str, password: str, *, timeout_ms: int = TIMEOUT_MS
) -> None:
    """Open the app at ``base_url``, sign in and wait until the signed-in app shows.
    Cookies are cleared first, so a remembered sign-in cannot get in the way.
    ``timeout_ms``: how long each script run may take (longer when the server is busy)."""
    page.context.clear_cookies()
    open_app(page, base_url, timeout_ms=max(timeout_ms, LOAD_TIMEOUT_MS))
    submit_sign_in(page, username, password, timeout_ms=timeout_ms)
    try:
        expect(sign_out_button(page)).to_be_visible()
    except AssertionError:
        raise AssertionError(
            f"Signing in as {username!r} did not show the signed-in app." + _error_text(page)
        ) from None


@contextlib.contextmanager
def signed_in(
    browser: Browser, base_url: str, username: str, password: str, *, viewport: dict | None = None
) -> Iterator[Page]:
    """A page in a new browser context, signed in as ``username``; the context is closed
    afterwards. For a module-scoped fixture, so that a module's tests share one sign-in
    per role (each test then opens the page it checks)."""
    context = browser.new_context(
        viewport=viewport or {"width": 1400, "height": 1000}, base_url=base_url
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        track(page)
        sign_in(page, base_url, username, password)
        yield page
    finally:
        context.close()


def sign_out(page: Page) -> None:
    """Click Sign out in the sidebar and wait until the sign-in form is back."""
    act(page, sign_out_button(page).click)
    expect_signed_out(page)


def error_messages(page: Page) -> list[str]:
    """The text of every error box (``st.error``) showing."""
    return [text.strip() for text in page.get_by_test_id("stAlertContentError").all_inner_texts()]


# ------------------------------------------------------------------------ navigation


#: The app draws its own navigation (app.draw_navigation) in this sidebar container.
NAVIGATION = ".st-key-amhe-navigation"
#: Follows the title of the page showing (app.THIS_PAGE).
THIS_PAGE = " (this page)"


def sidebar_nav(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar").locator(NAVIGATION)


def _nav_links(page: Page) -> list[tuple[str, Locator]]:
    """Each navigation link with its label as shown (the page showing ends THIS_PAGE)."""
    links = sidebar_nav(page).get_by_test_id("stPageLink-NavLink")
    return [
        (link.get_by_test_id("stMarkdownContainer").inner_text().strip(), link)
        for link in links.all()
    ]


def nav_titles(page: Page) -> list[str]:
    """The page titles in the sidebar navigation, in order (``[]`` when there is none,
    as while a new password must be chosen)."""
    return [label.removesuffix(THIS_PAGE) for label, _ in _nav_links(page)]


def current_page(page: Page) -> str | None:
    """The title the navigation marks as the page showing."""
    marked = [label for label, _ in _nav_links(page) if label.endswith(THIS_PAGE)]
    return marked[0].removesuffix(THIS_PAGE) if len(marked) == 1 else None


def open_page(page: Page, title: str, *, timeout_ms: int = TIMEOUT_MS) -> None:
    """Click the sidebar navigation link ``title`` and wait for the page to finish
    (each script run may take up to ``timeout_ms``)."""
    titles = nav_titles(page)
    if title not in titles:
        raise AssertionError(f"No navigation link {title!r}; the links are {titles}.")
    if current_page(page) == title:
        return
    for attempt in range(3):
        link = dict(_nav_links(page))[title]
        act(page, link.click, timeout_ms=timeout_ms)
        try:
            expect(
                sidebar_nav(page)
                .get_by_test_id("stPageLink-NavLink")
                .filter(has_text=title + THIS_PAGE)
            ).to_have_count(1, timeout=10_000)
            return
        except AssertionError:
            # A click that lands while a run is being replaced (the sign-in cookie's
            # own run, for one) can be dropped by the browser; click again.
            if attempt == 2:
                raise


# --------------------------------------------------------------------- error checks


def _error_text(page: Page) -> str:
    parts = []
    exceptions = page.get_by_test_id("stException")
    if exceptions.count():
        parts.append("Exception shown:\n" + "\n".join(exceptions.all_inner_texts()))
    errors = error_messages(page)
    if errors:
        parts.append("Error boxes: " + " | ".join(errors))
    return ("\n" + "\n".join(parts)) if parts else ""


def page_problems(page: Page) -> list[str]:
    """Uncaught exceptions (``stException``) or a traceback showing on the page."""
    problems = []
    exceptions = page.get_by_test_id("stException")
    if exceptions.count():
        problems.append("an exception is shown: " + " | ".join(exceptions.all_inner_texts()))
    if page.get_by_text("Traceback").count():
        problems.append("the text 'Traceback' is shown")
    return problems


def assert_no_errors(page: Page, where: str = "") -> None:
    problems = page_problems(page)
    assert not problems, f"{where or page.url}: " + "; ".join(problems)


# ---------------------------------------------------------------- accessibility (axe)


@dataclass(frozen=True)
class AllowedViolation:
    rule: str
    inside: str  # a CSS selector: the node must lie inside such an element
    why: str


#: THE allow-list, in one place. Only Streamlit's own widget markup, which the app
#: cannot change, may be listed; an entry matches only its rule on nodes inside the
#: given element. Everything else axe reports fails the test.
AXE_ALLOWED: tuple[AllowedViolation, ...] = (
    AllowedViolation(
        "presentation-role-conflict",
        '[data-testid="stFileUploaderDropzone"]',
        "Streamlit's file uploader drop zone markup",
    ),
    AllowedViolation(
        "empty-table-header",
        '[data-testid="data-grid-canvas"]',
        "the accessible table inside Streamlit's data grid canvas, when an index column shows",
    ),
)

_INSIDE_JS = """
([selector, container]) => {
  let node = null;
  try { node = document.querySelector(selector); } catch (e) { return false; }
  return !!(node && node.closest(container));
}
"""


def _is_allowed(page: Page, rule: str, node: dict) -> bool:
    for allowed in AXE_ALLOWED:
        if allowed.rule != rule:
            continue
        marker = re.search(r'\[data-testid="([^"]+)"\]', allowed.inside)
        html = node.get("html", "")
        if marker and f'data-testid="{marker.group(1)}"' in html:
            return True
        target = node.get("target", [])
        # Only a plain selector in the top document (not inside an iframe or shadow DOM).
        if len(target) == 1 and isinstance(target[0], str):
            if marker and marker.group(1) in target[0]:
                return True
            if page.evaluate(_INSIDE_JS, [target[0], allowed.inside]):
                return True
    return False


def run_axe(page: Page) -> dict:
    """Run axe-core (bundled with axe-playwright-python, so offline) on the whole page,
    including component iframes, and return its raw results."""
    for frame in page.frames:
        with contextlib.suppress(PlaywrightError):  # a frame that went away meanwhile
            frame.evaluate(AXE_SCRIPT)
    return page.evaluate("axe.run(document, {resultTypes: ['violations']})")


def axe_violations(page: Page) -> list[dict]:
    """The axe violations on the page, minus the nodes on the allow-list."""
    remaining = []
    for violation in run_axe(page)["violations"]:
        nodes = [n for n in violation["nodes"] if not _is_allowed(page, violation["id"], n)]
        if nodes:
            remaining.append({**violation, "nodes": nodes})
    return remaining


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"[{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            html = " ".join(node.get("html", "").split())
            lines.append(f"    target: {node.get('target')}")
            lines.append(f"      html: {html[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe found {len(violations)} accessibility violation(s) on {where or page.url}:\n"
        + format_violations(violations)
    )


# ------------------------------------------------------------------------ screenshots


def screenshot(page: Page, folder: Path, name: str) -> Path:
    """A screenshot of the whole page (Streamlit scrolls inside its main area, so the
    window is made tall enough for a moment); returns the file's path."""
    path = folder / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") + ".png")
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate(
        """() => Math.max(...['stMain', 'stSidebarContent'].map((id) => {
             const el = document.querySelector(`[data-testid="${id}"]`);
             return el ? el.scrollHeight : 0; }), window.innerHeight)"""
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height), 10_000)})
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


# ------------------------------------------------------------------------ the router


def router() -> types.ModuleType:
    """app.py's definitions (``PAGES``, ``pages_for``) without running the app.

    app.py calls ``main()`` when imported, so it is compiled here without that call.
    It is read afresh on each call, as the running server reads app.py on each run.
    """
    tree = ast.parse(APP_PATH.read_text(encoding="utf-8"), str(APP_PATH))
    tree.body = [
        node
        for node in tree.body
        if not (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "main"
        )
    ]
    module = types.ModuleType("amhe_app_router")
    module.__file__ = str(APP_PATH)
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(tree, str(APP_PATH), "exec"), module.__dict__)
    return module


def expected_titles(role: str) -> list[str]:
    """The titles of the pages ``role`` should see, in navigation order."""
    return [spec.title for spec in router().pages_for(role)]


# ------------------------------------------------------------------------ charts


def x_axis_labels(chart: Locator) -> list[str]:
    """The labels of a Vega-Lite chart's (first) x axis, left to right as drawn, hidden
    ones included (Vega hides labels that would overlap, but keeps them in the SVG).
    ``chart``: the ``stVegaLiteChart`` element (drawn as SVG: components.charts)."""
    axis = chart.locator('g.role-axis[aria-label^="X-axis"]').first
    expect(axis).to_be_attached()
    labels = axis.locator("g.role-axis-label text")
    expect(labels.first).to_be_attached()
    return [text.strip() for text in labels.all_text_contents()]


def choose(page: Page, main: Locator, label: str, option: str) -> None:
    """Pick ``option`` in the select box ``label`` unless it is already chosen (picking
    the chosen option again would not rerun the page)."""
    box = main.get_by_role("combobox", name=label, exact=True)
    if box.input_value() == option:
        return
    box.click()
    act(page, lambda: page.get_by_role("option", name=option, exact=True).click())
    expect(box).to_have_value(option)


def download(page: Page, button: Locator, *, attempts: int = 3, each_ms: int = 40_000):
    """Click ``button`` and return the download it starts. A download does not rerun
    the page (the app's download buttons are ``on_click="ignore"``), so nothing is
    waited for but the file. A click that lands while the app is still finishing a run
    can be dropped (no download follows), so a click that starts nothing within
    ``each_ms`` is made again, up to ``attempts`` times."""
    for attempt in range(attempts):
        wait_for_app(page)
        try:
            with page.expect_download(timeout=each_ms) as info:
                button.click()
            return info.value
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def pick_typed(page: Page, picker: Locator, option: str, *, attempts: int = 3) -> None:
    """Choose ``option`` in a select box inside a form by typing it and pressing Enter
    (no rerun). The option list can close while a run settles, and typed text that was
    not chosen stays in the box until it loses focus, so the option is waited for in the
    list, and the box is left (blurred) before it is checked; tried again until the box
    holds the option."""
    for _ in range(attempts):
        picker.click()
        picker.fill(option)
        listed = page.get_by_role("option", name=option, exact=True)
        try:
            listed.first.wait_for(state="visible", timeout=5_000)
        except PlaywrightTimeoutError:
            continue
        picker.press("Enter")
        picker.blur()
        page.wait_for_timeout(300)
        if picker.input_value() == option:
            return
    expect(picker).to_have_value(option)


# ------------------------------------------------------------ narrow screens and zoom

# Every visible element that reaches past the window's right edge, outermost first (an
# offender inside another is not listed again). Not counted: elements inside a box that
# scrolls sideways itself (a data frame, a wide table with its own scrollbar) and the
# collapsed sidebar. The page's own scrolling areas (the main area, the app view) do not
# excuse anything: content wider than them is what this looks for.
_OVERFLOWING_JS = """
() => {
  const limit = document.documentElement.clientWidth + 1;
  const pageLevel = new Set(["stMain", "stAppViewContainer", "stApp",
                             "stAppScrollToBottomContainer", "stMainBlockContainer"]);
  const scrollsItself = (el) => {
    if (el === document.body || el === document.documentElement) return false;
    if (pageLevel.has(el.getAttribute("data-testid"))) return false;
    const overflowX = getComputedStyle(el).overflowX;
    return (overflowX === "auto" || overflowX === "scroll") && el.scrollWidth > el.clientWidth;
  };
  const excused = (el) => {
    if (el.closest('[data-testid="stSidebar"][data-collapsed="true"]')) return true;
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (scrollsItself(up)) return true;
    }
    return false;
  };
  const describe = (el, rect) => {
    const testid = el.closest("[data-testid]");
    const cls = typeof el.className === "string" ? el.className.split(/\\s+/)[0] : "";
    const text = (el.innerText || el.textContent || el.getAttribute("aria-label") || "")
      .replace(/\\s+/g, " ").trim().slice(0, 60);
    return `<${el.tagName.toLowerCase()}${cls ? "." + cls : ""}> in ` +
      `${testid ? testid.getAttribute("data-testid") : "?"} reaches x=${Math.round(rect.right)}` +
      ` (window ${limit - 1} wide)${text ? `: "${text}"` : ""}`;
  };
  const found = [];
  const offending = new Set();
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth)
    found.push(`the page scrolls sideways: ${doc.scrollWidth} wide in a ${doc.clientWidth} window`);
  for (const id of pageLevel) {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (el && el.scrollWidth > el.clientWidth + 1)
      found.push(`${id} scrolls sideways: ${el.scrollWidth} wide in ${el.clientWidth}`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0 || rect.right <= limit) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    if (excused(el)) continue;
    offending.add(el);
    let inner = false;
    for (let up = el.parentElement; up && !inner; up = up.parentElement) inner = offending.has(up);
    if (!inner) found.push(describe(el, rect));
  }
  return found;
}
"""


def overflowing(page: Page) -> list[str]:
    """What reaches past the right edge of the window, in words (``[]`` when nothing
    does): the page scrolling sideways, or a visible element whose box ends beyond the
    window's right edge, unless it is inside a box with its own sideways scrollbar (a
    data frame) or in the collapsed sidebar."""
    return page.evaluate(_OVERFLOWING_JS)


def sidebar_collapsed(page: Page) -> bool:
    """The sidebar is folded away (Streamlit marks it ``data-collapsed="true"``)."""
    sidebar = page.get_by_test_id("stSidebar")
    return sidebar.count() > 0 and sidebar.get_attribute("data-collapsed") == "true"
