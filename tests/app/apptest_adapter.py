"""The parts of Streamlit's testing machinery the tests use that Streamlit does not
publish, each behind one small function here.

AppTest is public; these are not: its element tree (``AppTest._tree``), the class-wide
``PagesManager.uses_pages_directory`` flag and the ``PagesManager`` and ``ScriptCache``
names ``streamlit.testing.v1`` looks up when it runs a script, and the Arrow decoder in
``streamlit.dataframe_util``. Written against Streamlit 1.67. tests/test_adapters.py
exercises each against the installed Streamlit, so an upgrade that changes one fails
there, naming what changed, instead of as puzzling failures across the page tests.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_cache
from streamlit.testing.v1 import AppTest, local_script_runner
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.testing.v1.element_tree import Block


class StreamlitInternalsChanged(AssertionError):
    """A Streamlit upgrade changed an internal this module relies on."""


def _need(found: bool, what: str) -> None:
    if not found:
        raise StreamlitInternalsChanged(
            f"Streamlit changed: {what} (tests/app/apptest_adapter.py relies on it; "
            "see tests/test_adapters.py)"
        )


def element_tree(at: AppTest) -> Block:
    """The root of everything the last run drew: the main area, the sidebar and the other
    containers (``at.main`` and ``at.sidebar`` are only two of its children), for walking
    every element's ``proto`` and ``children``."""
    tree = getattr(at, "_tree", None)
    _need(
        isinstance(tree, Block) and isinstance(getattr(tree, "children", None), dict),
        "AppTest no longer keeps its element tree (a Block with children) in _tree",
    )
    return tree


class NavigationOnlyPagesManager(PagesManager):
    """AppTest resets ``uses_pages_directory`` before every run, so with a ``pages/``
    folder it runs the last page's file on its own (the old folder-based multipage
    mode) instead of app.py. The real server decides once per process and app.py's
    ``st.navigation`` turns the folder mode off; this does the same for AppTest."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def _check_pages_manager() -> None:
    _need(
        "uses_pages_directory" in vars(PagesManager),
        "PagesManager has no class attribute uses_pages_directory",
    )
    _need(
        getattr(app_test_module, "PagesManager", None)
        in (PagesManager, NavigationOnlyPagesManager),
        "streamlit.testing.v1.app_test no longer looks up PagesManager by that name",
    )


def navigation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """For this test: AppTest runs app.py and its ``st.navigation``, as the server does,
    not the last file of ``pages/`` on its own."""
    _check_pages_manager()
    monkeypatch.setattr(app_test_module, "PagesManager", NavigationOnlyPagesManager)


def navigation_only_from_now_on() -> None:
    """:func:`navigation_only` for the rest of the process (the benchmark's runs)."""
    _check_pages_manager()
    app_test_module.PagesManager = NavigationOnlyPagesManager


def share_script_cache() -> script_cache.ScriptCache:
    """From now on every AppTest run uses one script cache (returned), so each script is
    compiled once, as a server does (AppTest makes a new cache for every run)."""
    for module in (app_test_module, local_script_runner):
        _need(
            "ScriptCache" in vars(module),
            f"{module.__name__} no longer makes its script cache with ScriptCache()",
        )
    shared = script_cache.ScriptCache()
    app_test_module.ScriptCache = lambda: shared
    local_script_runner.ScriptCache = lambda: shared
    return shared


def convert_arrow_bytes_to_pandas_df(data: bytes) -> pd.DataFrame:
    """The frame a dataframe or chart element carries (its ``proto``'s Arrow bytes)."""
    convert = getattr(dataframe_util, "convert_arrow_bytes_to_pandas_df", None)
    _need(callable(convert), "streamlit.dataframe_util.convert_arrow_bytes_to_pandas_df is gone")
    return convert(data)
