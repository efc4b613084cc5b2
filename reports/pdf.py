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
* Speed: wrapped text is broken into lines here (:meth:`ReportPDF.write_lines`) and
  table cells are written a row at a time (``_table_row``), each giving the very PDF
  that fpdf2's multi_cell, text() and rect() give (``tests/reports/test_pdf_writer.py``
  compares them), in a fraction of the time.
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
from fpdf.enums import Align, TextMode, XPos, YPos
from fpdf.line_break import BREAKING_SPACE_SYMBOLS_STR, NBSP, SOFT_HYPHEN, Fragment, TextLine

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
#: Styles whose font is added to a document only when it is used: every font added is
#: read and written into the PDF, used or not (about a tenth of a second for four), and
#: the reports use no bold italic.
LATER_STYLES = frozenset({"BI"})
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
#: The space (mm) between the footer's parts.
FOOTER_GAP = 4
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

#: Characters that make fpdf2's line breaking other than "break at a single space"
#: (other spaces, the no-break space, the soft hyphen, carriage returns, form feeds,
#: tabs): text holding one, or two spaces in a row, a space at the start or end of a
#: line, an empty line or the page-count alias, goes to multi_cell as it is.
_UNUSUAL_CHARS = frozenset(
    BREAKING_SPACE_SYMBOLS_STR.replace(" ", "") + NBSP + SOFT_HYPHEN + "\r\f\t"
)
_UNUSUAL_RUNS = ("  ", " \n", "\n ", "\n\n", "{nb}")
#: fpdf2's tolerance when it compares a line's width with the room for it.
_TOLERANCE = 1e-9


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
        #: Styles whose font file is read only when first used (see set_font).
        self._later_fonts: dict[str, str] = {}
        if found is not None:
            family, files = found
            for style, path in files.items():
                if style in LATER_STYLES:
                    self._later_fonts[style] = str(path)
                else:
                    self.add_font(family, style, str(path))
            self.family_name = family
            self.unicode = True
        else:
            self.family_name = CORE_FONT
            self.unicode = False
        self._outline_level = -1
        self._widths: dict[tuple[str, str, float, str], float] = {}
        self._word_widths: dict[tuple[str, float, str], float] = {}
        self._encoded: dict[tuple[str, str], str] = {}
        self.set_title(self.clean(title))
        self.set_author(self.clean(author))
        self.set_creator("AMHE dashboard")
        self.set_lang("en-GB")
        self.set_text_color(*DARK)
        self.set_font(self.family_name, "", BODY_SIZE)

    def set_font(self, family: str | None = None, style: str = "", size: float = 0) -> None:
        """fpdf2's set_font, first adding the font of a style in ``LATER_STYLES``."""
        later = getattr(self, "_later_fonts", None)
        if later and isinstance(style, str) and (not family or family == self.family_name):
            key = "".join(sorted(style.upper().replace("U", "").replace("S", "")))
            if key in later:
                self.add_font(self.family_name, key, later.pop(key))
        super().set_font(family, style, size)

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
        for x, width, text, align in self.footer_parts():
            self.set_x(x)
            self.cell(width, 5, text, align=align)
        self.set_text_color(*DARK)

    def footer_parts(self) -> list[tuple[float, float, str, str]]:
        """The footer's cells as (x, width, text, align), left to right and never
        overlapping: "Page n of N" at the right (room kept for a three-digit N or more),
        "Synthetic demo data" (in demo mode) before it, and the title in the room left,
        shortened with an ellipsis when it does not fit. Uses the current font."""
        gap, pad = FOOTER_GAP, 2 * self.c_margin
        page = self.page_no()
        widest = f"Page {page} of {'8' * max(3, len(str(page)))}"
        width = self.get_string_width(widest) + pad
        parts = [(self.w - self.r_margin - width, width, f"Page {page} of {{nb}}", "R")]
        if self.demo:
            note = "Synthetic demo data"
            width = self.get_string_width(note) + pad
            parts.insert(0, (parts[0][0] - gap - width, width, note, "R"))
        room = parts[0][0] - gap - self.l_margin
        title = self.shortened(self.clean(self.report_title), room - pad)
        return [(self.l_margin, room, title, "L"), *parts]

    def shortened(self, text: str, width: float) -> str:
        """``text`` if it is no wider than ``width`` mm in the current font; otherwise as
        much of it as fits with an ellipsis."""
        if self.get_string_width(text) <= width:
            return text
        ellipsis = self.clean("…")
        low, high = 0, len(text)  # text[:low] plus the ellipsis fits; text[:high] does not
        while high - low > 1:
            middle = (low + high) // 2
            if self.get_string_width(text[:middle].rstrip() + ellipsis) <= width:
                low = middle
            else:
                high = middle
        return text[:low].rstrip() + ellipsis if low else ""

    def ensure_space(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.get_y() + height > self.h - BOTTOM:
            self.add_page()

    def cover(self, title: str, subtitle: str = "", lines: Iterable[str] = ()) -> None:
        """A new page starting with the title in large type, a subtitle and a few lines."""
        self.add_page()
        self.set_font(self.family_name, "B", 22)
        self.write_lines(10, self.clean(title))
        if subtitle:
            self.set_font(self.family_name, "", 15)
            self.write_lines(8, self.clean(subtitle))
        self.ln(3)
        self.set_font(self.family_name, "", BODY_SIZE + 1)
        for line in lines:
            self.write_lines(6, self.clean(line))
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
        self.write_lines(size * 0.5, self.clean(text))
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
        self.write_lines(size * 0.5, self.clean(text))
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
            self.write_lines(size * 0.5, self.clean(item))
            self.ln(0.8)
        self.ln(1.5)

    #: False: wrapped text goes through fpdf2's multi_cell and table cells through its
    #: text() and rect(), as before the quick paths (the tests compare the two PDFs).
    quick_lines = True

    def write_lines(self, height: float, text: str) -> None:
        """What ``multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)``
        writes (justified lines broken at the same places, the same page breaks and the
        position after it; the PDF is the same, byte for byte), in about a sixth of the
        time: fpdf2 measures the whole line again for each character it adds to it,
        which was about a third of the national annual report's time at scale 10. Here
        the lines are broken a word at a time, from remembered word widths, and each line
        is drawn by fpdf2's own line writer, as multi_cell draws it. Text with unusual
        spacing (see ``_UNUSUAL_CHARS``) goes to multi_cell itself."""
        if (
            not self.quick_lines
            or not text
            or text[0] in " \n"
            or text[-1] in " \n"
            or any(run in text for run in _UNUSUAL_RUNS)
            or not _UNUSUAL_CHARS.isdisjoint(text)
            or self.text_shaping
            or self._fallback_font_ids
            or self.font_stretching != 100
            or self.char_spacing
        ):
            self.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        text = self.normalize_text(text)
        width = self.w - self.r_margin - self.x
        lines = self._broken_lines(text, width - 2 * self.c_margin)
        state = self._get_current_graphics_state()
        for index, (line, used, spaces, align, newline) in enumerate(lines):
            self._perform_page_break_if_need_be(height)  # as multi_cell, before each line
            last = index == len(lines) - 1
            self._render_styled_text_line(
                TextLine(
                    [Fragment(line, state, self.k)],
                    text_width=used,
                    number_of_spaces=spaces,
                    align=align,
                    height=self.font_size,
                    max_width=width,
                    trailing_nl=newline,
                ),
                h=height,
                new_x=XPos.LMARGIN if last else XPos.LEFT,
                new_y=YPos.NEXT,
                link=None,
            )

    def _word_width(self, word: str) -> float:
        """The width of ``word`` (mm) in the current font, remembered."""
        key = (self.current_font.fontkey, self.font_size_pt, word)
        found = self._word_widths.get(key)
        if found is None:
            found = self._word_widths[key] = (
                self.current_font.get_text_width(word, self.font_size_pt, None)[1] / self.k
            )
        return found

    def _broken_lines(self, text: str, room: float) -> list[tuple[str, float, int, Align, bool]]:
        """``text`` (single spaces, no empty lines) in lines no wider than ``room`` mm,
        broken as fpdf2's multi_cell breaks them: each line as its text, width, number
        of spaces, alignment (justified, but left for the last line of a paragraph and
        for part of a word too wide for a line) and whether a newline ends it."""
        lines: list[tuple[str, float, int, Align, bool]] = []
        space = self._word_width(" ")
        paragraphs = text.split("\n")
        for number, paragraph in enumerate(paragraphs):
            words: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                wide = self._word_width(word)
                if words and used + space + wide - room <= _TOLERANCE:
                    words.append(word)
                    used += space + wide
                    continue
                if words:
                    lines.append((" ".join(words), used, len(words) - 1, Align.J, False))
                while wide - room > _TOLERANCE and len(word) > 1:  # broken between letters
                    cut = len(word) - 1
                    while cut > 1 and self._word_width(word[:cut]) - room > _TOLERANCE:
                        cut -= 1
                    lines.append((word[:cut], self._word_width(word[:cut]), 0, Align.L, False))
                    word = word[cut:]
                    wide = self._word_width(word)
                words, used = [word], wide
            newline = number < len(paragraphs) - 1
            lines.append((" ".join(words), used, len(words) - 1, Align.L, newline))
        return lines

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
        rows = (
            [cell_text(value) for value in record]
            for record in frame.itertuples(index=False, name=None)
        )
        self._table(names, specs, rows, font_size=font_size, width=width, align=align, after=after)

    def table_from_text(
        self,
        names: list[str],
        rows: list[list[str]],
        *,
        columns: Mapping[str, Column],
        font_size: float = SMALL_SIZE,
        empty_text: str = "Nothing to show.",
        width: float | None = None,
        align: str = "LEFT",
        after: float = 3,
    ) -> None:
        """:meth:`table_from_frame` for a table already in text (``names``: its column
        headings; ``rows``: its cells), laid out by ``columns`` (a column not in it: an
        equal share, left-aligned): the same table, without making a DataFrame of it."""
        if not names or not rows:
            self.paragraph(empty_text, style="I")
            return
        specs = [columns.get(name, Column()) for name in names]
        self._table(names, specs, rows, font_size=font_size, width=width, align=align, after=after)

    def _table(
        self,
        names: list[str],
        specs: list[Column],
        rows: Iterable[list[str]],
        *,
        font_size: float,
        width: float | None,
        align: str,
        after: float,
    ) -> None:
        """Draw a table of text (see :meth:`table_from_frame`)."""
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
        for record in rows:
            self._table_row(table, [self.clean(value) for value in record])
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
        quick = self._plain_text()
        ops = [self._box(x, y, width, height)] if quick else []
        if not quick:
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
            base = y + 0.5 * height + 0.3 * self.font_size
            if quick:
                ops.append(self._text_op(at, base, text, self._text_colour()))
            else:
                self.text(at, base, text)
        if ops:
            self._out("\n".join(ops))
        self.set_x(x + width)

    # What rect() and text() write, without their checks and conversions, for tables:
    # with thousands of cells, those were most of a table's time. Used only when
    # text() would write nothing else (see _plain_text); the PDF is the same.

    def quick_text(self, x: float, y: float, text: str) -> None:
        """What ``text(x, y, text)`` writes, written quicker when it is plain text."""
        if self._plain_text():
            self._out(self._text_op(x, y, text, self._text_colour()))
        else:
            self.text(x, y, text)

    def _plain_text(self) -> bool:
        """Whether text() writes only the text: a page is open, text is filled and not
        underlined or struck through, and no text positions are being recorded."""
        return (
            self.quick_lines
            and self.page > 0
            and self.text_mode == TextMode.FILL
            and not self.underline
            and not self.strikethrough
            and not self._record_text_quad_points
        )

    def _box(self, x: float, y: float, width: float, height: float, op: str = "S") -> str:
        """What ``rect(x, y, width, height)`` writes (``op`` "S": drawn, "B": drawn and
        filled, "f": filled)."""
        k = self.k
        return f"{x * k:.2f} {(self.h - y) * k:.2f} {width * k:.2f} {-height * k:.2f} re {op}"

    def _text_colour(self) -> tuple[str, str]:
        """What text() writes around a text for its colour, as it stands now."""
        if self.fill_color != self.text_color:
            return f"q {self.text_color.serialize().lower()} ", " Q"
        return "", ""

    def _text_op(self, x: float, y: float, text: str, colour: tuple[str, str]) -> str:
        """What ``text(x, y, text)`` writes (with the font first, when this page has
        not had it yet), each text's glyph codes remembered."""
        font = self.current_font
        prefix = ""
        if not self.current_font_is_set_on_page:
            prefix = self._set_font_for_page(font, self.font_size_pt) + "\n"
        key = (font.fontkey, text)
        encoded = self._encoded.get(key)
        if encoded is None:
            encoded = self._encoded[key] = font.encode_text(self.normalize_text(text))
        k = self.k
        return (
            f"{prefix}{colour[0]}BT {x * k:.2f} {(self.h - y) * k:.2f} Td {encoded} ET{colour[1]}"
        )

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
        quick = self._plain_text()
        ops: list[str] = []  # the row, written at once (quick) as rect() and text() write it
        colour = self._text_colour() if quick else ("", "")
        lift = 0.5 * line_h + 0.3 * self.font_size
        for lines, width, spec in zip(wrapped, table.widths, table.specs, strict=True):
            if quick:
                ops.append(self._box(x, top, width, height, "B" if heading else "S"))
            else:
                self.rect(x, top, width, height, style="DF" if heading else "D")
            y = top + (height - len(lines) * line_h) / 2  # centred, as table() did
            for line in lines:
                if line:
                    at = x + pad
                    if spec.align in ("RIGHT", "CENTER"):
                        room = width - 2 * pad - self.text_width(line, style, size)
                        at += room if spec.align == "RIGHT" else room / 2
                    if quick:
                        ops.append(self._text_op(at, y + lift, line, colour))
                    else:
                        self.text(at, y + lift, line)
                y += line_h
            x += width
        if ops:
            self._out("\n".join(ops))
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
