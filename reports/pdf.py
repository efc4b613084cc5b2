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


#: The space inside a table cell around its text (mm), as fpdf2's table(padding=1).
TABLE_PADDING = 1.0


@dataclass(frozen=True)
class _TableLayout:
    """One table's columns, as :meth:`ReportPDF.table_from_frame` draws its rows."""

    specs: list[Column]
    widths: list[float]
    left: float
    font_size: float
    heading: list[str]


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
        self._widths: dict[tuple[str, str, float, str], float] = {}
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
        ``align`` place the table. An empty frame prints ``empty_text`` instead.

        Laid out here, with text() and rect(), as fpdf2's table() lays it out (the same
        wrapping, padding, borders, bold shaded headings and vertically centred cells):
        table() measured and drew each cell through multi_cell twice, 16 of the 21 s of
        the national annual report at scale 10 (82,000 cells); this takes about a
        tenth of that."""
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
        total = width or self.content_width
        share = sum(spec.width for spec in specs)
        widths = [total * spec.width / share for spec in specs]
        left = {"LEFT": self.l_margin, "RIGHT": self.w - self.r_margin - total}.get(
            align, self.l_margin + (self.content_width - total) / 2
        )
        table = _TableLayout(specs, widths, left, font_size, [self.clean(n) for n in names])
        self.set_draw_color(190, 190, 190)
        auto_break = self.auto_page_break
        self.set_auto_page_break(False, margin=self.b_margin)  # rows break pages here
        self._table_row(table, table.heading, heading=True)
        for record in frame.itertuples(index=False, name=None):
            self._table_row(table, [self.clean(cell_text(value)) for value in record])
        self.set_auto_page_break(auto_break, margin=self.b_margin)
        self.set_font(self.family_name, "", BODY_SIZE)
        self.ln(after)

    def text_width(self, text: str, style: str, size: float) -> float:
        """``get_string_width`` remembered: a table repeats the same words and numbers."""
        key = (self.family_name, style, size, text)
        found = self._widths.get(key)
        if found is None:
            self.set_font(self.family_name, style, size)
            found = self._widths[key] = self.get_string_width(text)
        return found

    def plain_cell(self, width: float, height: float, text: str, align: str = "L") -> None:
        """What ``cell(width, height, text, border=1, align=align)`` draws (one line, no
        wrapping), a tenth of the time: a bordered box and the text in it, and the
        position moved to its right."""
        x, y = self.get_x(), self.get_y()
        self.rect(x, y, width, height)
        if text:
            at = x + self.c_margin
            if align in ("R", "C"):
                room = (
                    width
                    - 2 * self.c_margin
                    - self.text_width(text, self.font_style, self.font_size_pt)
                )
                at += room if align == "R" else room / 2
            self.text(at, y + 0.5 * height + 0.3 * self.font_size, text)
        self.set_x(x + width)

    def _wrapped(self, text: str, width: float, style: str, size: float) -> list[str]:
        """``text`` in lines no wider than ``width`` mm, broken as multi_cell breaks it:
        at spaces, and a word wider than the line between its letters."""
        lines: list[str] = []
        space = self.text_width(" ", style, size)
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split(" "):
                wide = self.text_width(word, style, size)
                if line and used + space + wide <= width:
                    line, used = f"{line} {word}", used + space + wide
                    continue
                if line:
                    lines.append(line)
                while wide > width and len(word) > 1:
                    cut = len(word) - 1
                    while cut > 1 and self.text_width(word[:cut], style, size) > width:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                    wide = self.text_width(word, style, size)
                line, used = word, wide
            lines.append(line)
        return lines

    def _table_row(self, table: _TableLayout, cells: list[str], *, heading: bool = False) -> None:
        """One row of ``table`` at the current position; on a new page (headings first)
        when it does not fit on this one."""
        style, size, line_h = ("B" if heading else ""), table.font_size, table.font_size * 0.5
        pad = TABLE_PADDING
        wrapped = [
            self._wrapped(text, width - 2 * pad, style, size)
            for text, width in zip(cells, table.widths, strict=True)
        ]
        height = max(len(lines) for lines in wrapped) * line_h + 2 * pad
        if not heading and self.get_y() + height > self.page_break_trigger:
            self.add_page()
            self._table_row(table, table.heading, heading=True)
        self.set_font(self.family_name, style, size)
        if heading:
            self.set_fill_color(*HEAD_FILL)
        top, x = self.get_y(), table.left
        for lines, width, spec in zip(wrapped, table.widths, table.specs, strict=True):
            self.rect(x, top, width, height, style="DF" if heading else "D")
            y = top + (height - len(lines) * line_h) / 2  # centred, as table() did
            for line in lines:
                if line:
                    at = x + pad
                    if spec.align in ("RIGHT", "CENTER"):
                        room = width - 2 * pad - self.text_width(line, style, size)
                        at += room if spec.align == "RIGHT" else room / 2
                    self.text(at, y + 0.5 * line_h + 0.3 * self.font_size, line)
                y += line_h
            x += width
        self.set_xy(self.l_margin, top + height)

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
