"""A lint: text people typed never goes into Streamlit markdown without
``core.formatting.escape_markdown`` (under any alias).

Markdown is rendered by ``st.markdown``, ``st.write``, ``st.caption``, the alerts, headings,
``st.toast``, every widget label (``st.expander``, ``st.metric``, ``st.radio``, buttons,
inputs...), radio options and every ``help=`` tooltip. This test reads app.py, pages/ and
components/ (without running them) and follows what reaches those calls: f-strings,
``+``, ``" ".join(...)``, ``x if c else y``, ``x or y``, local variables, and the
functions of the same module that build the text (``metric_line(row)``). A *user field*
reaching one of them unescaped fails the test:

* a field of a row or record: ``row["name"]``, ``row.name``, ``problem.message``
  (fields that are numbers, dates or fixed words are listed in ``SAFE_FIELDS``);
* a variable whose name says it holds typed or stored text (``USER_NAMES``);
* ``str(exc)``: messages of refused writes quote what was typed.

It is a lint, so it can be fooled (text passed through an unrelated helper, say); the
real-browser test tests/e2e/test_browser_user_text.py checks the rendered pages.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(
    [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py")]
)

#: Calls whose text arguments are rendered as markdown.
BODY_CALLS = {
    "markdown", "write", "caption", "info", "warning", "success", "error", "exception",
    "subheader", "header", "title", "toast", "badge",
}  # fmt: skip
#: Calls whose label (first argument or ``label=``) is rendered as markdown.
LABEL_CALLS = {
    "expander", "popover", "metric", "page_link", "button", "form_submit_button",
    "download_button", "link_button", "radio", "checkbox", "toggle", "text_input",
    "text_area", "number_input", "date_input", "time_input", "selectbox", "multiselect",
    "select_slider", "slider", "file_uploader", "color_picker", "pills",
    "segmented_control", "tabs", "feedback", "camera_input", "audio_input", "chat_input",
}  # fmt: skip
#: Widgets whose options (through ``format_func``) are rendered as markdown.
MARKDOWN_OPTIONS = {"radio", "pills", "segmented_control"}
#: Receivers that are not Streamlit (``log.info`` and the like).
NOT_STREAMLIT = {"logger", "log", "logging", "warnings", "sheet", "workbook", "session"}
#: Fields that hold numbers, dates, codes of fixed lists or the app's own words.
SAFE_FIELDS = {
    "actions_total", "actions_complete", "actions_on_track", "share_complete",
    "share_on_track", "score", "metrics_counted", "metrics_total", "updates", "value",
    "unit", "direction", "status", "status_from", "status_to", "scope", "frequency",
    "period_start", "latest_period", "latest_value", "received_on", "responded_on",
    "update_date", "last_update", "due_date", "start_date", "end_date", "id", "version",
    "attendees_count", "people_reached", "changes", "items", "kind", "level", "icon",
    "label", "badge_colour", "counted", "met", "style", "rule", "answered", "total",
    "numerator", "denominator", "size", "days", "method", "proportion", "exact",
    "is_manual", "is_national", "role", "outcome", "people", "years", "noun",
    "meeting_date", "status_label", "confirmed", "themes_confirmed_at",
    "tags_note",  # the app's own sentence about proposed themes (ThemeConfirmation.note)
}  # fmt: skip
#: Attributes of objects the app's own code builds (``measure.description`` is the
#: measure's fixed wording, ``window.sentence`` a sentence about dates); a row's field of
#: the same name, ``row["description"]``, is still typed text.
SAFE_ATTRIBUTES = {"description", "sentence"}
#: Variables that, by their name, hold typed or stored text.
USER_NAMES = {
    "name", "names", "display_name", "region", "region_name", "theme", "theme_name",
    "area", "area_name", "title", "text", "message", "summary", "reason", "note", "notes",
    "owner", "partner", "with_whom", "where", "place", "problem", "problems", "username",
    "definition", "response", "decision", "chair", "group", "group_name", "source",
    "sources", "code",
}  # fmt: skip


UNKNOWN = "<unpacked>"


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    call: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} goes into st.{self.call}(...) unescaped"


class Module:
    """One source file: its escape helper's names, functions and assignments."""

    def __init__(self, path: Path, source: str | None = None) -> None:
        self.path = path
        self.source = path.read_text(encoding="utf-8") if source is None else source
        self.tree = ast.parse(self.source)
        self.escapers = {"escape_markdown"}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module == "core.formatting":
                for alias in node.names:
                    if alias.name == "escape_markdown":
                        self.escapers.add(alias.asname or alias.name)
        self.functions = {
            node.name: node
            for node in ast.walk(self.tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        self.caught = {
            node.name for node in ast.walk(self.tree) if isinstance(node, ast.ExceptHandler)
        }
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent

    def scope_of(self, node: ast.AST) -> ast.AST:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                return node
        return self.tree

    def assigned(self, scope: ast.AST, name: str) -> list[ast.expr]:
        """Everything assigned to ``name`` in ``scope`` (``=``, ``+=``, ``.append``,
        a ``for`` target over a list is not followed)."""
        found: list[ast.expr] = []
        for node in ast.walk(scope):
            if self.scope_of(node) is not scope and node is not scope:
                continue
            if isinstance(node, ast.Assign):
                if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                    found.append(node.value)
                elif any(
                    isinstance(t, ast.Tuple | ast.List)
                    and any(isinstance(e, ast.Name) and e.id == name for e in t.elts)
                    for t in node.targets
                ):
                    found.append(ast.Name(id=UNKNOWN, lineno=node.lineno, col_offset=0))
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                if isinstance(node.target, ast.Name) and node.target.id == name and node.value:
                    found.append(node.value)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"append", "extend"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == name
            ):
                found.extend(node.args)
        return found

    def passed(self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> list[ast.expr]:
        """What the calls of ``function`` in this module pass as its parameter ``name``."""
        names = {a.arg for a in (*function.args.posonlyargs, *function.args.args)}
        names |= {a.arg for a in function.args.kwonlyargs}
        if name not in names:
            return []
        index = _parameter_index(function, name)
        found: list[ast.expr] = []
        for node in ast.walk(self.tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id != function.name:
                continue
            if index is not None and index < len(node.args):
                found.append(node.args[index])
            found.extend(k.value for k in node.keywords if k.arg == name)
        return found


def _parameter_index(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> int | None:
    positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    return positional.index(name) if name in positional else None


def _field_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value if isinstance(node.slice.value, str) else None
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def user_text(module: Module, node: ast.expr, seen: set[int] | None = None) -> Iterator[str]:
    """Descriptions of the user fields in ``node`` that are not escaped."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    source = ast.get_source_segment(module.source, node) or ast.dump(node)
    if isinstance(node, ast.Constant):
        return
    if isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                yield from user_text(module, part.value, seen)
        return
    if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Add | ast.Mod):
        return  # arithmetic: a number
    if isinstance(node, ast.BinOp):
        yield from user_text(module, node.left, seen)
        yield from user_text(module, node.right, seen)
        return
    if isinstance(node, ast.IfExp):
        yield from user_text(module, node.body, seen)
        yield from user_text(module, node.orelse, seen)
        return
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from user_text(module, value, seen)
        return
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from user_text(module, element, seen)
        return
    if isinstance(node, ast.GeneratorExp | ast.ListComp):
        yield from user_text(module, node.elt, seen)
        return
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        yield from user_text(module, node.value, seen)  # text[:1]
        return
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in module.escapers:
            return
        if isinstance(func, ast.Attribute) and func.attr in module.escapers:
            return  # formatting.escape_markdown(...)
        if isinstance(func, ast.Name) and func.id == "str" and node.args:
            (argument,) = node.args
            if isinstance(argument, ast.Name) and argument.id in module.caught:
                yield f"{source} (an error message can quote typed text)"
                return
            yield from user_text(module, argument, seen)
            return
        if isinstance(func, ast.Attribute) and func.attr == "join" and node.args:
            yield from user_text(module, node.args[0], seen)
            return
        if isinstance(func, ast.Attribute) and func.attr in {
            "upper", "lower", "capitalize", "strip", "title", "format", "replace",
        }:  # fmt: skip
            yield from user_text(module, func.value, seen)
            return
        if isinstance(func, ast.Name) and func.id in module.functions:
            # A helper of this page that builds the markdown: check the text it makes.
            helper = module.functions[func.id]
            for inner in ast.walk(helper):
                if isinstance(inner, ast.Return) and inner.value is not None:
                    yield from user_text(module, inner.value, seen)
            return
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if called in USER_NAMES:
            yield source  # display_name(session, username)
        return  # another function (format_value, status_markdown, ...)
    if isinstance(node, ast.Name):
        if node.id == UNKNOWN:
            return  # unpacked from a tuple: judged by the variable's own name (below)
        if node.id.isupper():
            return  # a constant: the app's own words
        scope = module.scope_of(node)
        values = module.assigned(scope, node.id)
        if not values and isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            values = module.passed(scope, node.id)
        if not values and scope is not module.tree:
            values = module.assigned(module.tree, node.id)
        for value in values:
            yield from user_text(module, value, seen)
        unpacked = any(isinstance(v, ast.Name) and v.id == UNKNOWN for v in values)
        if (not values or unpacked) and node.id in USER_NAMES:
            yield source
        return
    field = _field_name(node)
    if isinstance(node, ast.Attribute) and field in SAFE_ATTRIBUTES:
        return
    if field is not None and field not in SAFE_FIELDS and not field.isupper():
        yield source


def markdown_arguments(call: ast.Call) -> Iterator[tuple[str, ast.expr]]:
    """``(call name, argument)`` for each argument of ``call`` shown as markdown."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return
    receiver = func.value
    if isinstance(receiver, ast.Name) and receiver.id in NOT_STREAMLIT:
        return
    name = func.attr
    column_config = isinstance(receiver, ast.Attribute) and receiver.attr == "column_config"
    if name in BODY_CALLS and not column_config:
        positional = call.args if name == "write" else call.args[:1]
        for argument in positional:
            yield name, argument
        for keyword in call.keywords:
            if keyword.arg == "body":
                yield name, keyword.value
    if name in LABEL_CALLS and not column_config:
        if call.args:
            yield name, call.args[0]
        for keyword in call.keywords:
            if keyword.arg == "label":
                yield name, keyword.value
    if name in MARKDOWN_OPTIONS:
        for keyword in call.keywords:
            if keyword.arg == "format_func" and isinstance(keyword.value, ast.Lambda):
                yield name, keyword.value.body
    for keyword in call.keywords:
        if keyword.arg == "help":
            yield name, keyword.value


def findings(module: Module, shown_path: str) -> list[Finding]:
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            for call, argument in markdown_arguments(node):
                for what in user_text(module, argument):
                    found.append(Finding(shown_path, argument.lineno, call, what))
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_user_text_in_markdown_is_escaped(path: Path) -> None:
    problems = findings(Module(path), str(path.relative_to(ROOT)))
    assert not problems, (
        "Text people typed must go through core.formatting.escape_markdown before it "
        "meets markdown:\n" + "\n".join(f"  {p}" for p in problems)
    )


# --- the lint itself can fail ----------------------------------------------------------

CAUGHT = {
    # The defects of issue 10, as they were.
    "overview": 'for row in values.itertuples():\n    st.markdown(f"- {row.name}: **{v}**")',
    "themes": (
        "def metric_line(row):\n"
        "    return f\"- **{row['name']}** ({row['code']}): {row['explanation']}\"\n"
        'st.markdown("\\n".join(metric_line(r) for r in rows))'
    ),
    "sidebar": (
        "name = display_name(session, username) if actor else ''\n"
        'with st.sidebar:\n    st.markdown(f"**{name}**")'
    ),
    "grid caption": (
        "st.markdown(\"\\n\".join(f\"- **{m['code']}**: {m['name']}\" for m in metrics))"
    ),
    "compare": 'st.write(row["explanation"])',
    "description": 'st.markdown(row["description"] or "_No description yet._")',
    "error": "try:\n    save()\nexcept WriteRefused as exc:\n    st.error(str(exc))",
    "local variable": 'where = row["place"]\nst.markdown(f"**Where:** {where}")',
    "expander label": "with st.expander(f\"Edit {row['title']}\"):\n    pass",
    "help tooltip": "st.column_config.NumberColumn('x', help=f\"{row['name']}.\")",
    "radio option": "st.radio('Pick', ids, format_func=lambda i: rows[i].title)",
    "unpacked flash": "kind, text = st.session_state.pop('flash')\nst.success(text)",
}
PASSED = {
    "escaped": (
        "from core.formatting import escape_markdown as md\n"
        "st.markdown(f\"- **{md(row['name'])}**: {format_value(row['value'], row['unit'])}\")"
    ),
    "numbers": "st.caption(f\"{row['metrics_counted']} of {row['metrics_total']} metrics\")",
    "fixed words": "st.markdown(status_markdown(style) + ' Done')",
    "selectbox options are plain text": (
        "st.selectbox('Metric', ids, format_func=lambda i: names[i].title)"
    ),
    "column headers are plain text": "st.column_config.TextColumn(row['name'])",
}


@pytest.mark.parametrize("name", CAUGHT)
def test_the_lint_catches_unescaped_user_text(name: str, tmp_path: Path) -> None:
    module = Module(tmp_path / "page.py", CAUGHT[name])
    assert findings(module, "page.py"), f"the lint missed: {CAUGHT[name]}"


@pytest.mark.parametrize("name", PASSED)
def test_the_lint_passes_escaped_text_and_numbers(name: str, tmp_path: Path) -> None:
    module = Module(tmp_path / "page.py", PASSED[name])
    assert not findings(module, "page.py")
