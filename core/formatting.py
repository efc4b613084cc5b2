"""Numbers as people read them: one way, used by pages, exports and progress sentences."""

from __future__ import annotations

import math
import re

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


#: Every ASCII punctuation character. CommonMark lets any of them be escaped with a
#: backslash, and an escaped one always shows as itself; escaping them all (not a chosen
#: few) leaves nothing for markdown, GitHub's extensions (tables, footnotes, ``~~``),
#: setext headings (``===``), HTML tags and entities (``<b>``, ``&amp;``), KaTeX (``$``)
#: or Streamlit's directives (``:red[...]``, ``:material/...:``) to act on.
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

#: U+2060 WORD JOINER: invisible, takes no space and never breaks a line.
WORD_JOINER = "\u2060"

#: Things the browser's markdown turns into links or pictures *after* backslash escapes
#: are resolved (so no escape can stop them), each with the place a word joiner breaks it:
#: GitHub's bare links (``http://``, ``https://``, ``www.``) and e-mail addresses
#: (``@``); shortcodes made into emoji, icons or the Streamlit logo (``:smile:``,
#: ``:material_home:``, ``:streamlit:``); and Streamlit's typographic arrows and dashes
#: (``->``, ``<=``, ``--``), which change what was typed.
_BREAK_AFTER = re.compile(
    r"(?i:https?:)(?=//)"  # http://, https://
    r"|(?i:www)(?=\.)"  # www.
    r"|@"  # e-mail addresses
    r"|:(?=[\w+-]+:)"  # :shortcode:
    r"|[<>~=-](?=[<>=-])"  # -> <- <-> -- >= <= ~=
)
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)
_NO_BREAK_SPACE = "\u00a0"


def _keep_indent(match: re.Match[str]) -> str:
    """Leading spaces as no-break spaces, so an indented line is not a code block."""
    return _NO_BREAK_SPACE * len(match.group().replace("\t", "    "))


def escape_markdown(text: object) -> str:
    """Text someone typed, ready to put inside Streamlit markdown (``st.markdown``,
    ``st.write``, ``st.caption``, alerts, headings, labels, ``help=``), where it shows
    exactly as typed: never a link, picture, heading, list, quote, table, HTML, formula,
    icon or colour. THE one way user text meets markdown in this app.

    Every ASCII punctuation character gets a backslash; a word joiner (invisible) breaks
    bare links, e-mail addresses, shortcodes and arrows, which markdown would otherwise
    find in the text itself; indentation at the start of a line becomes no-break spaces.
    """
    raw = "" if text is None else str(text)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    raw = _BREAK_AFTER.sub(lambda m: m.group() + WORD_JOINER, raw)
    raw = _LEADING_SPACE.sub(_keep_indent, raw)
    return "".join("\\" + c if c in _ASCII_PUNCTUATION else c for c in raw)
