"""core.formatting.escape_markdown: typed text shows as itself inside Streamlit markdown.

Streamlit renders markdown with react-markdown, GitHub's extensions and its own plugins.
Some of them (bare links, e-mail addresses, emoji and icon shortcodes, typographic arrows)
work on the *text* after backslash escapes are resolved, so escaping is not enough for
them; these tests copy their patterns from Streamlit 1.67's front end and check that no
escaped text matches any of them. tests/e2e/test_browser_user_text.py checks the real
rendering in a browser.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.formatting import WORD_JOINER, escape_markdown

PAYLOADS = [
    "x ![p](http://127.0.0.1:8799/p.png) [login](http://127.0.0.1:8799/login)",
    "see http://127.0.0.1:8799/a, HTTPS://127.0.0.1:8799/b, www.example.org, WWW.X.ORG",
    "write to bob@example.org or <mailto:bob@example.org> or <http://127.0.0.1:8799/c>",
    "<b>bold</b> <img src=http://127.0.0.1:8799/i.png> <script>alert(1)</script> &amp; &#60;",
    "# Heading\n## Two\n> quote\n- item\n+ item\n* item\n1. one\n2) two",
    "Setext heading\n===\nAnother\n---",
    "    indented code\n\n\tand a tab",
    ":smile: :+1: :streamlit: :material/home: :material_home: :red[red] :blue-badge[b]",
    "$x^2$ $$y$$ `code` ~~strike~~ *em* **bold** __u__ _i_",
    "a | b\n--|--\nc | d",
    "[^1] x\n\n[^1]: http://127.0.0.1:8799/fn",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    "back\\slash \\* and \\\\",
]

# The patterns Streamlit's markdown acts on in text (copied from its front end).
TEXT_PATTERNS = {
    "bare link": re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE),
    "e-mail address": re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"),
    "emoji shortcode": re.compile(r":\+1:|:-1:|:[\w-]+:"),
    "material icon": re.compile(r":material_(\w+):"),
    "Streamlit logo": re.compile(r":streamlit:"),
    "typographic arrow": re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)", re.MULTILINE),
}
ASCII_PUNCTUATION = set(string.punctuation)


def unescape(markdown: str) -> str:
    """The text markdown makes of backslash escapes (before its text plugins run)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def shown(markdown: str) -> str:
    """What a reader sees: the text without the invisible word joiners."""
    return unescape(markdown).replace(WORD_JOINER, "")


def typed(text: str) -> str:
    """What was typed, as it shows: line breaks normalised, indentation kept as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(
        r"^[ \t]+", lambda m: "\u00a0" * len(m.group().replace("\t", "    ")), text, flags=re.M
    )


def check(text: str) -> None:
    out = escape_markdown(text)
    # Every ASCII punctuation character is escaped, so markdown syntax has nothing to use.
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", out)
    assert not ASCII_PUNCTUATION & set(bare), (text, out)
    # Nothing the text plugins act on is left in the text.
    value = unescape(out)
    for what, pattern in TEXT_PATTERNS.items():
        assert not pattern.search(value), f"{what} left in {out!r} (from {text!r})"
    # No line starts with indentation (an indented code block).
    assert not re.search(r"^[ \t]", out, re.M), out
    # And it reads as typed.
    assert shown(out) == typed(text), (text, out)


@pytest.mark.parametrize("text", PAYLOADS)
def test_payloads_show_as_typed_and_nothing_more(text: str) -> None:
    check(text)


def test_the_reported_metric_name() -> None:
    out = escape_markdown(
        "x ![p](http://127.0.0.1:8799/p.png) [login](http://127.0.0.1:8799/login)"
    )
    assert "](" not in out and "![" not in out
    assert f"http\\:{WORD_JOINER}\\/\\/127\\.0\\.0\\.1" in out


def test_plain_words_and_empty_values() -> None:
    assert escape_markdown("plain words 123") == "plain words 123"
    assert escape_markdown("Zoë’s café – ok") == "Zoë’s café – ok"
    assert escape_markdown(None) == ""
    assert escape_markdown(42) == "42"


PIECES = [
    *string.printable,
    *["http", "https", "HTTP", "www", "material_", "streamlit", "->", "\u00a0", "é"],
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_text_shows_as_typed_and_nothing_more(text: str) -> None:
    check(text)
