"""The adapters over libraries' unpublished parts, exercised against the installed
versions: when an upgrade changes one of them, a test here fails and says which.

- components/compat.py: pandas, Altair and Streamlit internals the app uses.
- tests/app/apptest_adapter.py: Streamlit's AppTest internals the tests use.

And nothing else in the code reaches into those libraries' internals itself.
"""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import compat
from tests.app import apptest_adapter as adapter

ROOT = Path(__file__).resolve().parents[1]

# --- pandas and Altair (components/compat.py) -----------------------------


def test_maybe_box_native_gives_python_values():
    cases = [
        (np.int64(4), 4, int),
        (np.float64(2.5), 2.5, float),
        (np.bool_(True), True, bool),
        ("text", "text", str),
        (None, None, type(None)),
        (pd.NA, None, type(None)),
    ]
    for value, expected, kind in cases:
        boxed = compat.maybe_box_native(value)
        assert boxed == expected and type(boxed) is kind, value
    stamp = compat.maybe_box_native(np.datetime64("2024-04-01"))
    assert stamp == pd.Timestamp("2024-04-01")


def test_sanitize_pandas_dataframe_cleans_as_altair_does():
    frame = pd.DataFrame(
        {
            "group": pd.Categorical(["x", "y"]),
            "value": [1.5, np.nan],
            "count": pd.array([1, None], dtype="Int64"),
            "when": pd.to_datetime(["2024-04-01", None]),
            "day": [date(2024, 4, 1), None],
            "name": pd.Series(["London", None], dtype="string"),
        }
    )
    clean = compat.sanitize_pandas_dataframe(frame)
    assert clean is not frame and frame["value"].isna().iloc[1]  # a copy; the input unchanged
    assert clean["group"].tolist() == ["x", "y"]
    assert clean["value"].tolist() == [1.5, None]
    assert clean["count"].tolist() == [1, None]
    assert clean["when"].tolist()[0] == "2024-04-01T00:00:00"
    assert clean["name"].tolist() == ["London", None]
    with pytest.raises(ValueError, match="Column names must be strings"):
        compat.sanitize_pandas_dataframe(pd.DataFrame({1: [1], "a": [2]}))


def test_schema_validation_error_is_what_an_invalid_chart_raises():
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    chart.mark = "not-a-mark"
    with pytest.raises(compat.SchemaValidationError, match="not-a-mark"):
        chart.to_dict(validate=True)


def test_leaving_pages_folder_mode_is_what_streamlit_consults():
    """Streamlit's script runner decides between the old "pages folder" mode and the
    main script by this flag; compat turns it off once and says whether it was on."""
    import inspect

    from streamlit.runtime import pages_manager
    from streamlit.runtime.scriptrunner import script_runner

    assert "PagesManager.uses_pages_directory" in inspect.getsource(script_runner)
    before = pages_manager.PagesManager.uses_pages_directory
    try:
        pages_manager.PagesManager.uses_pages_directory = True
        assert compat.leave_pages_folder_mode() is True
        assert pages_manager.PagesManager.uses_pages_directory is False
        assert compat.leave_pages_folder_mode() is False
    finally:
        pages_manager.PagesManager.uses_pages_directory = before


# --- Streamlit's AppTest (tests/app/apptest_adapter.py) --------------------


def _bodies(node) -> list[str]:
    found = []
    body = getattr(getattr(node, "proto", None), "body", None)
    if isinstance(body, str):
        found.append(body)
    for child in getattr(node, "children", {}).values():
        found.extend(_bodies(child))
    return found


def test_element_tree_holds_the_main_area_and_the_sidebar():
    at = AppTest.from_string(
        """
        import streamlit as st
        st.sidebar.markdown("in the sidebar")
        with st.expander("more"):
            st.info("inside an expander")
        st.markdown("in the main area")
        """
    ).run()
    tree = adapter.element_tree(at)
    assert {"in the sidebar", "inside an expander", "in the main area"} <= set(_bodies(tree))
    assert at.main in tree.children.values() and at.sidebar in tree.children.values()


def test_element_tree_says_what_changed_when_it_is_gone():
    at = AppTest.from_string("import streamlit as st").run()
    del at._tree
    with pytest.raises(adapter.StreamlitInternalsChanged, match="_tree"):
        adapter.element_tree(at)


@pytest.fixture
def multipage_app(tmp_path: Path) -> Path:
    """An app whose app.py calls st.navigation, next to a pages/ folder, as ours is."""
    (tmp_path / "pages").mkdir()
    for name in ("first", "second"):
        (tmp_path / "pages" / f"{name}.py").write_text(
            f"import streamlit as st\nst.markdown('the {name} page')\n"
        )
    app = tmp_path / "app.py"
    app.write_text(
        textwrap.dedent(
            """
            import streamlit as st
            st.markdown("app.py ran")
            st.navigation([st.Page("pages/first.py"), st.Page("pages/second.py")]).run()
            """
        )
    )
    return app


def test_navigation_only_runs_app_py_and_its_navigation(monkeypatch, multipage_app):
    adapter.navigation_only(monkeypatch)
    at = AppTest.from_file(str(multipage_app)).run()
    assert not at.exception, at.exception
    assert "app.py ran" in _bodies(adapter.element_tree(at))
    assert "the first page" in _bodies(adapter.element_tree(at))
    at.switch_page("pages/second.py").run()
    assert not at.exception, at.exception
    assert {"app.py ran", "the second page"} <= set(_bodies(adapter.element_tree(at)))


def test_navigation_only_from_now_on(monkeypatch, multipage_app):
    from streamlit.testing.v1 import app_test as app_test_module

    monkeypatch.setattr(app_test_module, "PagesManager", app_test_module.PagesManager)
    adapter.navigation_only_from_now_on()
    assert app_test_module.PagesManager is adapter.NavigationOnlyPagesManager
    at = AppTest.from_file(str(multipage_app)).run()
    assert {"app.py ran", "the first page"} <= set(_bodies(adapter.element_tree(at)))


def test_share_script_cache_compiles_each_script_once(monkeypatch):
    from streamlit.testing.v1 import app_test as app_test_module
    from streamlit.testing.v1 import local_script_runner

    for module in (app_test_module, local_script_runner):  # put back after the test
        monkeypatch.setattr(module, "ScriptCache", module.ScriptCache)
    shared = adapter.share_script_cache()
    asked: list[str] = []
    real = shared.get_bytecode

    def get_bytecode(script_path: str):
        asked.append(script_path)
        return real(script_path)

    monkeypatch.setattr(shared, "get_bytecode", get_bytecode)
    at = AppTest.from_string("import streamlit as st\nst.markdown('hello')").run()
    at.run()
    assert len(asked) >= 2, "AppTest no longer takes its scripts from the shared cache"
    assert "hello" in _bodies(adapter.element_tree(at))


def test_convert_arrow_bytes_to_pandas_df_reads_an_elements_frame():
    at = AppTest.from_string(
        """
        import pandas as pd
        import streamlit as st
        st.dataframe(pd.DataFrame({"region": ["London", "North West"], "value": [1.5, 2.0]}))
        """
    ).run()
    frame = adapter.convert_arrow_bytes_to_pandas_df(at.dataframe[0].proto.arrow_data.data)
    assert frame["region"].tolist() == ["London", "North West"]
    assert frame["value"].tolist() == [1.5, 2.0]


# --- nothing else reaches into those internals -----------------------------

#: Internals that only the adapters may name.
PRIVATE = re.compile(
    r"altair\.utils|alt\.utils|pandas\.core|pandas\._|pd\.core\.|pd\._"
    r"|streamlit\.dataframe_util|streamlit\.runtime|streamlit\.testing\.v1\.(app_test|element_tree)"
    r"|import app_test\b|local_script_runner|\._tree\b"
    r"|authentication_controller|cookie_controller|authentication_handler|cookie_handler"
)
ADAPTERS = {
    "components/compat.py",
    "components/auth_adapter.py",
    "tests/app/apptest_adapter.py",
    "tests/app/test_auth_adapter.py",
    "tests/test_adapters.py",
}


def test_only_the_adapters_use_library_internals():
    offenders = []
    for folder in ("pages", "components", "services", "core", "db", "reports", "seed", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in ADAPTERS:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if PRIVATE.search(line):
                    offenders.append(f"{name}:{number}: {line.strip()}")
    for path in (ROOT / "app.py", ROOT / "dev.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PRIVATE.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert not offenders, (
        "use components/compat.py, components/auth_adapter.py or tests/app/apptest_adapter.py:\n"
        + "\n".join(offenders)
    )
