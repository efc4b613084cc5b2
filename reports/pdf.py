"""A small PDF writer shared by the dashboard's reports (the meeting pack, the annual
report), on fpdf2.

Use :class:`ReportPDF` like this::

    pdf = ReportPDF("London: Regional Forum meeting pack", demo=settings.demo_mode)
    pdf.cover("London", "Regional Forum meeting pack", ["Meeting on 15 August 2026"])
    pdf.heading("Theme statuses")                    # level 1 (2 and 3 are smaller)
    pdf.paragraph("Each theme's status comes from its metrics.")
    pdf.bullets(["First point", "Second point"])
    pdf.table_from_frame(frame)                       # any DataFrame; text wraps
    pdf.chart(paper_chart(metric, values), title="...", description="...",
              width_mm=98, height_mm=60)           # a metric's chart, drawn as shapes
    data = pdf.output_bytes()

* Text: a Unicode TrueType font (DejaVu Sans, else Liberation Sans) from the system's
  font folders, so characters such as "–", "’" and "→" print as they are. On a machine
  without either, it falls back to fpdf's built-in Helvetica and transliterates the text
  to Latin-1 (:func:`to_latin1`), so writing never fails for want of a font.
* Every page has a footer with the document's title, "Page n of N" and, in demo mode,
  "Synthetic demo data". Headings become PDF bookmarks (the outline).
* Charts: :meth:`ReportPDF.chart` draws a ``reports.paper_chart.PaperChart`` as lines
  and shapes (vector graphics: sharp at any zoom, about a millisecond a chart), with its
  description printed under it as its text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from reports.paper_chart import PaperChart, draw_chart

#: Where Unicode fonts are looked for, in order (Debian/Ubuntu, Fedora, Arch, local).
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/liberation-sans"),
    Path("/usr/share/fonts/liberation"),
    Path("/usr/local/share/fonts"),
)
#: The font families tried, each as its files for regular, bold, italic and bold italic.
FONT_FAMILIES: tuple[tuple[str, Mapping[str, str]], ...] = (
    (
        "DejaVu",
        {
            "": "DejaVuSans.ttf",
            "B": "DejaVuSans-Bold.ttf",
            "I": "DejaVuSans-Oblique.ttf",
            "BI": "DejaVuSans-BoldOblique.ttf",
        },
    ),
    (
        "Liberation",
        {
            "": "LiberationSans-Regular.ttf",
            "B": "LiberationSans-Bold.ttf",
            "I": "LiberationSans-Italic.ttf",
            "BI": "LiberationSans-BoldItalic.ttf",
        },
    ),
)
#: The built-in font used when no Unicode font is found (text is then Latin-1 only).
CORE_FONT = "Helvetica"

#: Characters outside Latin-1 that reports use, and what they become without a Unicode font.
LATIN1_REPLACEMENTS = {
    "‘": "'",
    "’": "'",
    "‚": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "−": "-",
    "‐": "-",
    "→": "->",
    "←": "<-",
    "↑": "^",
    "↓": "v",
    "…": "...",
    "•": "-",
    "✔": "Yes:",
    "✓": "Yes:",
    "✗": "No:",
    "≥": ">=",
    "≤": "<=",
    "≈": "~",
    "€": "EUR",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}

#: Page layout (mm): A4 portrait, 15 mm margins, 18 mm at the foot for the footer.
MARGIN = 15
BOTTOM = 18
HEADING_SIZES = {1: 16, 2: 13, 3: 11}
BODY_SIZE = 10
SMALL_SIZE = 8
DARK = (33, 33, 33)
GREY = (90, 90, 90)
HEAD_FILL = (230, 236, 242)


# --------------------------------------------------------------------------- fonts


def find_unicode_font(dirs: Iterable[Path] = FONT_DIRS) -> tuple[str, dict[str, Path]] | None:
    """The first Unicode font family found (its name and a file for each style), or None.
    A family needs at least its regular and bold files; a missing italic uses regular."""
    folders = list(dirs)
    for family, files in FONT_FAMILIES:
        found: dict[str, Path] = {}
        for style, name in files.items():
            for folder in folders:
                path = folder / name
                if path.is_file():
                    found[style] = path
                    break
        if "" in found and "B" in found:
            found.setdefault("I", found[""])
            found.setdefault("BI", found["B"])
            return family, found
    return None


def to_latin1(text: str) -> str:
    """``text`` with what Latin-1 cannot encode replaced (curly quotes become straight,
    dashes hyphens, arrows ``->``; anything else ``?``), for fpdf's built-in fonts."""
    for char, plain in LATIN1_REPLACEMENTS.items():
        text = text.replace(char, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


def cell_text(value: Any) -> str:
    """A value as a table cell shows it: blanks for missing values, dates as
    '15 Aug 2026', whole floats without '.0', lists joined with commas."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, datetime | pd.Timestamp):
        return f"{value:%d %b %Y}"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    if isinstance(value, list | tuple | set):
        return ", ".join(cell_text(v) for v in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    return str(value)


# --------------------------------------------------------------------------- document


@dataclass(frozen=True)
class Column:
    """How :meth:`ReportPDF.table` lays out one column: its share of the width and its
    alignment ("LEFT", "RIGHT", "CENTER")."""

    width: float = 1.0
    align: str = "LEFT"


class ReportPDF(FPDF):
    """An A4 report: cover, headings (bookmarked), paragraphs, bullets, wrapped tables,
    charts as images with a title and a description, and a footer on every page.

    ``title`` is the document's title (its metadata and the footer); ``demo`` adds
    "Synthetic demo data" to every footer. ``unicode_font`` False forces the built-in
    Latin-1 font (the fallback used when no Unicode font is installed).
    """

    def __init__(
        self,
        title: str,
        *,
        demo: bool = False,
        author: str = "Rethink Mental Illness: AMHE dashboard",
        unicode_font: bool = True,
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.demo = demo
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        found = find_unicode_font() if unicode_font else None
        if found is not None:
            family, files = found
            for style, path in files.items():
                self.add_font(family, style, str(path))
            self.family_name = family
            self.unicode = True
        else:
            self.family_name = CORE_FONT
            self.unicode = False
        self._outline_level = -1
        self.set_title(self.clean(title))
        self.set_author(self.clean(author))
        self.set_creator("AMHE dashboard")
        self.set_lang("en-GB")
        self.set_text_color(*DARK)
        self.set_font(self.family_name, "", BODY_SIZE)

    # -- text ---------------------------------------------------------------------

    def clean(self, text: Any) -> str:
        """Text as the current font can print it (Latin-1 without a Unicode font)."""
        value = cell_text(text) if not isinstance(text, str) else text
        return value if self.unicode else to_latin1(value)

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family_name, "", SMALL_SIZE)
        self.set_text_color(*GREY)
        third = self.content_width / 3
        self.cell(third, 5, self.clean(self.report_title[:60]), align="L")
        self.cell(third, 5, "Synthetic demo data" if self.demo else "", align="C")
        self.cell(third, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*DARK)

    def ensure_space(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.get_y() + height > self.h - BOTTOM:
            self.add_page()

    def cover(self, title: str, subtitle: str = "", lines: Iterable[str] = ()) -> None:
        """A new page starting with the title in large type, a subtitle and a few lines."""
        self.add_page()
        self.set_font(self.family_name, "B", 22)
        self.multi_cell(0, 10, self.clean(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self.set_font(self.family_name, "", 15)
            self.multi_cell(0, 8, self.clean(subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        self.set_font(self.family_name, "", BODY_SIZE + 1)
        for line in lines:
            self.multi_cell(0, 6, self.clean(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(4)
        self.set_font(self.family_name, "", BODY_SIZE)

    def _bookmark(self, text: str, level: int) -> None:
        # Outline levels may only go one deeper at a time.
        level = min(level, self._outline_level + 1)
        self.start_section(self.clean(text)[:120], level=level, strict=False)
        self._outline_level = level

    def heading(self, text: str, level: int = 1, *, new_page: bool = False) -> None:
        """A heading (level 1, 2 or 3), kept with at least a few lines of what follows."""
        if new_page:
            self.add_page()
        else:
            self.ensure_space(24 if level == 1 else 18)
            self.ln(4 if level == 1 else 2)
        self.set_font(self.family_name, "B", HEADING_SIZES.get(level, BODY_SIZE))
        self._bookmark(text, level - 1)
        size = HEADING_SIZES.get(level, BODY_SIZE)
        self.multi_cell(0, size * 0.5, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)
        self.set_font(self.family_name, "", BODY_SIZE)

    def paragraph(
        self,
        text: str,
        *,
        size: float = BODY_SIZE,
        style: str = "",
        colour: tuple[int, int, int] = DARK,
        after: float = 2,
    ) -> None:
        """A wrapped paragraph (``style`` "", "B", "I" or "BI")."""
        self.set_font(self.family_name, style, size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*DARK)
        self.set_font(self.family_name, "", BODY_SIZE)
        self.ln(after)

    def bullets(self, items: Iterable[str], *, size: float = BODY_SIZE) -> None:
        """A bulleted list; each item wraps under its own text."""
        self.set_font(self.family_name, "", size)
        marker = "•" if self.unicode else "-"
        for item in items:
            self.ensure_space(size * 0.6)
            self.set_x(self.l_margin)
            self.cell(5, size * 0.5, marker)
            self.multi_cell(0, size * 0.5, self.clean(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(0.8)
        self.ln(1.5)

    # -- tables ---------------------------------------------------------------------

    def table_from_frame(
        self,
        frame: pd.DataFrame,
        *,
        columns: Mapping[str, Column] | None = None,
        font_size: float = SMALL_SIZE,
        empty_text: str = "Nothing to show.",
        width: float | None = None,
        align: str = "LEFT",
        after: float = 3,
    ) -> None:
        """A table of a DataFrame (headings repeated on each page, text wrapped in its
        cell). ``columns`` gives some columns a width share and an alignment; numbers
        are right-aligned by default. ``width`` (mm, the page's by default) and
        ``align`` place the table. An empty frame prints ``empty_text`` instead."""
        if frame is None or frame.empty:
            self.paragraph(empty_text, style="I")
            return
        names = [str(c) for c in frame.columns]
        layout = dict(columns or {})
        specs = [
            layout.get(
                name,
                Column(
                    1.0, "RIGHT" if pd.api.types.is_numeric_dtype(frame[name].dtype) else "LEFT"
                ),
            )
            for name in names
        ]
        self.set_font(self.family_name, "", font_size)
        self.set_draw_color(190, 190, 190)
        with self.table(
            col_widths=tuple(s.width for s in specs),
            text_align=tuple(s.align for s in specs),
            width=width or self.content_width,
            align=align,
            line_height=font_size * 0.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
            repeat_headings=1,
            padding=1,
        ) as table:
            heading = table.row()
            for name in names:
                heading.cell(self.clean(name))
            for record in frame.itertuples(index=False, name=None):
                row = table.row()
                for value in record:
                    row.cell(self.clean(cell_text(value)))
        self.set_font(self.family_name, "", BODY_SIZE)
        self.ln(after)

    # -- charts ---------------------------------------------------------------------

    def chart(
        self,
        chart: PaperChart,
        *,
        title: str,
        description: str,
        width_mm: float,
        height_mm: float,
        table: pd.DataFrame | None = None,
        table_width_mm: float = 70,
        table_columns: Mapping[str, Column] | None = None,
    ) -> None:
        """A chart (``reports.paper_chart``, drawn as lines and shapes) ``width_mm`` by
        ``height_mm``, with its title above and its description (the chart in words)
        below. With ``table`` (its data), the table goes beside the chart,
        ``table_width_mm`` wide, when it is about as tall as the chart; otherwise under it.
        """
        gap = 4
        table_h = 0.0
        beside = False
        if table is not None and not table.empty:
            table_h = (len(table) + 1) * (SMALL_SIZE * 0.5 + 2) + 2
            room = self.content_width - table_width_mm - gap
            w = min(width_mm, room)
            beside = table_h <= height_mm + 25
        if not beside:
            w = min(width_mm, self.content_width)
        # The description stays on the chart's page: room for its lines (about 4 mm each).
        self.set_font(self.family_name, "I", SMALL_SIZE)
        lines = math.ceil(self.get_string_width(self.clean(description)) / self.content_width)
        self.set_font(self.family_name, "", BODY_SIZE)
        needed = 8 + (max(height_mm, table_h) if beside else height_mm) + 2 + 4.5 * (lines + 1)
        self.ensure_space(min(needed, self.h - MARGIN - BOTTOM - 1))
        self.paragraph(title, style="B", size=BODY_SIZE, after=1)
        top = self.get_y()
        draw_chart(self, chart, self.l_margin, top, w, height_mm)
        bottom = top + height_mm
        if beside:
            self.set_y(top)
            self.table_from_frame(
                table, columns=table_columns, width=table_width_mm, align="RIGHT", after=0
            )
            bottom = max(bottom, self.get_y())
        self.set_y(bottom + 1)
        self.ensure_space(4.5 * (lines + 1))  # a taller table than expected: keep it whole
        self.paragraph(description, size=SMALL_SIZE, style="I", colour=GREY)
        if table is not None and not beside:
            self.table_from_frame(table, columns=table_columns)

    def output_bytes(self) -> bytes:
        """The finished document."""
        return bytes(self.output())
