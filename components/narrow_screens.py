"""Narrow screens and zoom: constant CSS and a tiny constant script, drawn once a run
by app.py for the signed-in app. Constant text only: nothing anyone typed goes in.

* Headings wrap between words, never inside one (Streamlit lets a heading break
  anywhere, so a narrow column showed "Accountabi-lity" on two lines).
* The sidebar folds away on narrow screens. Streamlit's own "auto" sidebar folds only
  at 768 px or less, so at 800 px (a small laptop, or a large screen zoomed) the
  navigation took 300 px of 800. The script folds it when the window is, or becomes,
  narrower than :data:`NARROW_PX`, and opens it again when the window becomes wider,
  as Streamlit does at its own breakpoint; in between, the reader's own opening or
  folding of the sidebar is left alone.
* A data frame never grows past its container: Streamlit sizes one to its columns
  when it is drawn and kept that width when the window became narrower (zooming in
  after the page loaded), instead of scrolling inside the table.
"""

from __future__ import annotations

import streamlit as st

#: Below this window width (CSS pixels) the sidebar starts folded away.
NARROW_PX = 1024

_CSS = """<style>
[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3,
[data-testid="stMain"] h4, [data-testid="stMain"] h5, [data-testid="stMain"] h6 {
  word-break: normal !important;
  overflow-wrap: normal !important;
  hyphens: manual !important;
}
[data-testid="stDataFrame"], [data-testid="stDataFrameResizable"] {
  max-width: 100% !important;
}
</style>"""

_SCRIPT = """
<span class="amhe-narrow-screens" hidden></span>
<script>
(function () {
  if (window.__amheNarrowScreens) return;
  window.__amheNarrowScreens = true;
  var narrowBelow = __NARROW_PX__;
  var flag = "amheSidebarFoldedForWidth";
  var wasNarrow = null;
  function remember(value) {
    try {
      if (value) window.localStorage.setItem(flag, "1");
      else window.localStorage.removeItem(flag);
    } catch (e) {}
  }
  function remembered() {
    try { return window.localStorage.getItem(flag) === "1"; } catch (e) { return false; }
  }
  function click(selector) {
    var button = document.querySelector(selector);
    if (button) button.click();
  }
  function fit() {
    var sidebar = document.querySelector('[data-testid="stSidebar"]');
    if (!sidebar) return;
    var narrow = window.innerWidth < narrowBelow;
    var folded = sidebar.getAttribute("data-collapsed") === "true";
    if (narrow !== wasNarrow) {
      if (narrow && !folded) {
        click('[data-testid="stSidebarCollapseButton"] button');
        remember(true);
      } else if (!narrow) {
        // Streamlit keeps the folding as if the reader had chosen it: undo ours.
        if (folded && remembered()) click('[data-testid="stExpandSidebarButton"]');
        remember(false);
      }
    }
    wasNarrow = narrow;
  }
  var tries = 0;
  var timer = setInterval(function () {
    tries += 1;
    if (document.querySelector('[data-testid="stSidebar"]') || tries > 50) {
      clearInterval(timer);
      fit();
      window.addEventListener("resize", fit);
    }
  }, 100);
})();
</script>
""".replace("__NARROW_PX__", str(NARROW_PX))


def fit_narrow_screens() -> None:
    """Draw the constant CSS and script (once a run, in the signed-in app)."""
    st.html(_CSS)
    st.html(_SCRIPT, unsafe_allow_javascript=True)
