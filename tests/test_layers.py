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


def _script_variables(tree: ast.Module) -> set[str]:
    """Names the page's script assigns at the top level (constants in capitals aside)."""
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
            continue
        inner = {  # a comprehension's own variables are not the script's
            id(name)
            for node in ast.walk(statement)
            if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))
            for name in ast.walk(node)
        }
        names |= {
            node.id
            for node in ast.walk(statement)
            if isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Store)
            and not node.id.isupper()
            and id(node) not in inner
        }
    return names


def _functions_reading(tree: ast.Module, names: set[str]) -> list[str]:
    found = []
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        own = {a.arg for a in ast.walk(function) if isinstance(a, ast.arg)}
        own |= {
            n.id
            for n in ast.walk(function)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        found += [
            f"{function.name} reads {node.id} (line {node.lineno})"
            for node in ast.walk(function)
            if isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id in names
            and node.id not in own
        ]
    return found


def test_page_functions_take_what_they_need_as_arguments():
    """A page's functions never read its script's variables (``ctx``, ``region_id``...),
    so each can be tested and reused."""
    problems = {}
    for path in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        found = _functions_reading(tree, _script_variables(tree))
        if found:
            problems[path.name] = found
    assert problems == {}


def test_the_script_variable_check_sees_a_function_reading_one():
    tree = ast.parse("ctx = current()\n\ndef draw():\n    return ctx.actor\n")
    assert _functions_reading(tree, _script_variables(tree)) == ["draw reads ctx (line 4)"]
