"""A page's chart as a picture file: SVG (for documents that scale it) and PNG (for slides
and e-mails), drawn from the very Vega-Lite spec the page shows, so the file and the
screen can never disagree.

Drawn with vl-convert (Vega's own renderer, no browser). On a page a chart fits its
column; in a file it gets a fixed width (:data:`FILE_WIDTH` pixels) where the page left it
to the container, and a white background.
"""

from __future__ import annotations

import copy
import re
from typing import Any

#: The width of a chart in a file, where the page lets it fill its column.
FILE_WIDTH = 800
#: PNG pixels per chart pixel: sharp when printed or shown on a large screen.
PNG_SCALE = 2
#: Specs that lay out several views: their width belongs to each view, not to the whole.
_COMPOUND = ("facet", "concat", "hconcat", "vconcat", "repeat")


def file_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` ready to draw outside a page: a width where it had none or "container",
    a white background (a copy: the page's spec is not changed)."""
    drawn = copy.deepcopy(spec)
    drawn.setdefault("background", "white")
    if not any(part in drawn for part in _COMPOUND):
        if drawn.get("width") in (None, "container"):
            drawn["width"] = FILE_WIDTH
    elif drawn.get("width") == "container":
        drawn.pop("width")
    return drawn


def svg(spec: dict[str, Any]) -> bytes:
    """The chart as an SVG file."""
    import vl_convert

    return vl_convert.vegalite_to_svg(file_spec(spec)).encode("utf-8")


def png(spec: dict[str, Any]) -> bytes:
    """The chart as a PNG file."""
    import vl_convert

    return vl_convert.vegalite_to_png(file_spec(spec), scale=PNG_SCALE)


def title_of(spec: dict[str, Any]) -> str:
    """The chart's title as words ("" when it has none)."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(part) for part in title)
    return str(title or "")


def file_stem(spec: dict[str, Any], fallback: str = "chart") -> str:
    """A file name for the chart, from its title: ``staff-trained-by-quarter``."""
    words = re.sub(r"[^a-z0-9]+", "-", title_of(spec).lower()).strip("-")
    return f"{words[:80].rstrip('-')}-chart" if words else fallback
