"""Numbers as people read them: one way, used by pages, exports and progress sentences."""

from __future__ import annotations

import math

UNIT_LABELS = {
    "count": "number",
    "percentage": "percentage",
    "rate": "rate",
    "score": "score",
}


def _trim(text: str) -> str:
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in {"-0", ""} else text


def format_value(value: float | None, unit: str | None = None) -> str:
    """``72.45, 'percentage'`` -> ``72.5%``; ``40`` -> ``40%``; others ``1,234.5``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no value"
    if unit is not None and unit.strip().lower() in {"percentage", "percent", "%"}:
        return f"{_trim(f'{value:,.1f}')}%"
    return _trim(f"{value:,.2f}")


_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]<>()#+-.!|~:$")


def escape_markdown(text: object) -> str:
    """Text someone typed, shown as itself inside Streamlit markdown: every character
    that markdown (or Streamlit's :colour[...] and :material/...: directives) would
    act on is escaped with a backslash."""
    raw = "" if text is None else str(text)
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in raw)
