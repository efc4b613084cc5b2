"""A new process warms itself up in the background (components/warm_up.py)."""

from __future__ import annotations

import importlib
import pkgutil

import components
from components import warm_up
from tests.app.conftest import new_app


def test_it_imports_every_component_module():
    names = {f"components.{info.name}" for info in pkgutil.iter_modules(components.__path__)}
    assert set(warm_up.warm_up()) == names


def test_a_module_that_fails_is_logged_and_the_rest_still_imported(monkeypatch, caplog):
    real = importlib.import_module

    def failing(name, *args):
        if name == "components.badges":
            raise ImportError("broken on purpose")
        return real(name, *args)

    monkeypatch.setattr(warm_up.importlib, "import_module", failing)
    imported = warm_up.warm_up()
    assert "components.badges" not in imported
    assert "components.charts" in imported
    assert "importing components.badges failed" in caplog.text


def test_the_app_starts_one_thread_for_the_process(app_env):
    new_app().run()
    thread = warm_up.start_warm_up()
    assert thread.name == warm_up.THREAD_NAME
    new_app().run()
    assert warm_up.start_warm_up() is thread
    thread.join(timeout=120)
    assert not thread.is_alive()
