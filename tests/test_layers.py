"""The layers hold: what `lint-imports` cannot see (app.py is a script, not a package),
and the size of a page, which is what keeps pages layout only."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 300  # lines a page may have; most are under 250


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _top(name: str) -> str:
    return name.split(".")[0]


def test_the_router_reaches_the_database_only_through_services():
    forbidden = {"sqlalchemy", "alembic", "db", "seed"}
    assert not {_top(name) for name in _imported(ROOT / "app.py")} & forbidden


def test_the_import_checker_sees_an_import_the_router_may_not_make(tmp_path):
    fake = tmp_path / "app.py"
    fake.write_text("import streamlit as st\nfrom db.models import Region\n")
    assert "db.models" in _imported(fake)


def test_no_page_exceeds_the_limit():
    sizes = {
        path.name: len(path.read_text().splitlines()) for path in (ROOT / "pages").glob("*.py")
    }
    assert sizes, "no pages found"
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}
