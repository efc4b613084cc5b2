"""Printing a page: its headings, words, charts and tables, without the navigation and
the controls.

* Printed from the browser (Ctrl+P), any page leaves out the sidebar, Streamlit's
  toolbar, buttons, forms, upload boxes and download choices (CSS for print only).
* "Print view" in the sidebar opens the page as it will print, in a new tab: the same
  address with ``?print=1`` (the page's picks are in its address, components/url_state,
  so the view is the one on screen). There, the same things are left out on screen too,
  and a line at the top says what the view is and how to print it.

Constant CSS only: nothing anyone typed goes in.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

#: The query parameter that asks for the print view.
PARAM = "print"
PRINT_KEY = "amhe-print-view"

#: What a printed page leaves out (Streamlit's test ids, stable across its versions).
_LEFT_OUT = ", ".join(
    f'[data-testid="{test_id}"]'
    for test_id in (
        "stSidebar",
        "stSidebarCollapsedControl",
        "stExpandSidebarButton",
        "stHeader",
        "stToolbar",
        "stDecoration",
        "stButton",
        "stDownloadButton",
        "stLinkButton",
        "stPopover",
        "stForm",
        "stFileUploader",
        "stChatInput",
        "stElementToolbar",
        "stPageLink",
    )
)

_PRINT_CSS = f"""<style>
@media print {{
  {_LEFT_OUT} {{ display: none !important; }}
  [data-testid="stMain"] {{ margin-left: 0 !important; }}
  [data-testid="stVegaLiteChart"], [data-testid="stDataFrame"], [data-testid="stTable"] {{
    break-inside: avoid;
  }}
}}
</style>"""

_SCREEN_CSS = f"""<style>
{_LEFT_OUT} {{ display: none !important; }}
.st-key-{PRINT_KEY} [data-testid="stLinkButton"] {{ display: block !important; }}
@media print {{ .st-key-{PRINT_KEY} {{ display: none !important; }} }}
</style>"""


def printing() -> bool:
    """True when the address asks for the print view."""
    return st.query_params.get(PARAM) == "1"


def print_styles() -> None:
    """Once a run, for the signed-in app: what a printed page leaves out, and in the
    print view the same on screen, with a line saying how to print."""
    st.html(_PRINT_CSS)
    if not printing():
        return
    st.html(_SCREEN_CSS)
    with st.container(key=PRINT_KEY):
        st.info(
            "Print view: this page without its navigation and controls. Print it with "
            "your browser's Print command (Ctrl+P, or ⌘+P on a Mac). Close this tab to go "
            "back.",
            icon=":material/print:",
        )


def print_link() -> None:
    """The sidebar's "Print view" button: this page, with its picks, as it will print, in
    a new tab."""
    query = {name: st.query_params.get(name) for name in st.query_params}
    query[PARAM] = "1"
    st.link_button(
        "Print view",
        "?" + urlencode(query),
        icon=":material/print:",
        help="Opens this page as it prints, without the navigation and the controls, in a new tab.",
    )
