"""Pieces of the accessible HTML reports: a table with header cells and a chart's
laid-out shapes (``reports.paper_chart``) as inline SVG. Every piece of text is escaped
with :func:`html.escape`."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pandas as pd

from reports.paper_chart import PT, Label, Line, Marker, Shape, marker_corners
from reports.pdf import cell_text


def table_html(frame: pd.DataFrame, caption: str, *, row_headers: bool = True) -> str:
    """A DataFrame as a table: a caption, column headers (``th scope="col"``) and, with
    ``row_headers``, each row's first cell as its header (``th scope="row"``). Cells
    read as the PDF prints them (``reports.pdf.cell_text``)."""
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = []
        for n, value in enumerate(record):
            text = escape(cell_text(value))
            if n == 0 and row_headers:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table>\n<caption>{escape(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def shapes_svg(
    shapes: Sequence[Shape], width: float, height: float, title: str, description: str, key: str
) -> str:
    """Laid-out shapes as inline SVG ``width`` by ``height`` (mm units), named by
    ``title`` and described by ``description`` for assistive technology."""
    parts = []
    for shape in shapes:
        if isinstance(shape, Line):
            points = " ".join(f"{_number(x)},{_number(y)}" for x, y in shape.points)
            dash = (
                f' stroke-dasharray="{_number(shape.dash[0])} {_number(shape.dash[1])}"'
                if shape.dash
                else ""
            )
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{shape.colour}" '
                f'stroke-width="{_number(shape.width)}"{dash}/>'
            )
        elif isinstance(shape, Marker):
            parts.append(_marker(shape))
        elif isinstance(shape, Label):
            anchor = {"left": "start", "right": "end", "centre": "middle"}[shape.align]
            turn = (
                f' transform="rotate({_number(-shape.angle)} {_number(shape.x)} '
                f'{_number(shape.y)})"'
                if shape.angle
                else ""
            )
            parts.append(
                f'<text x="{_number(shape.x)}" y="{_number(shape.y)}" '
                f'font-size="{_number(shape.size * PT)}" text-anchor="{anchor}"{turn}>'
                f"{escape(shape.text)}</text>"
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{key}-title {key}-desc" '
        'font-family="Arial, Helvetica, sans-serif" fill="#212121">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )


def _marker(marker: Marker) -> str:
    half = marker.size / 2
    x, y, colour = marker.x, marker.y, marker.colour
    if marker.shape == "square":
        side = half * 1.7
        return (
            f'<rect x="{_number(x - side / 2)}" y="{_number(y - side / 2)}" '
            f'width="{_number(side)}" height="{_number(side)}" fill="{colour}"/>'
        )
    if marker.shape in ("diamond", "triangle-up"):
        points = " ".join(f"{_number(a)},{_number(b)}" for a, b in marker_corners(marker))
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{_number(half)}" fill="{colour}"/>'
