"""What a reader sees of markdown that ``core.formatting.escape_markdown`` made: for tests
that compare the text of a page (AppTest gives the markdown source) with what was typed."""

from __future__ import annotations

import re

from core.formatting import WORD_JOINER

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: object) -> str:
    """``markdown`` with its backslash escapes resolved and the invisible word joiners
    and no-break spaces of indentation removed."""
    text = _ESCAPED.sub(r"\1", str(markdown))
    return text.replace(WORD_JOINER, "").replace("\u00a0", " ")
