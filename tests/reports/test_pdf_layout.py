"""Where the PDF reports put their texts: no text crosses the cell it is given or runs
into its neighbour. Measured on the PDF itself (each text's position from pypdf, its
width from the font's metrics), so a layout that overlaps fails whatever drew it:
the page footer (the title, "Synthetic demo data", "Page n of N") with short and long
titles, and the SPC tables' headings ("Lower process limit" once ran past its cell)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import pypdf
import pytest

from reports.pdf import MARGIN, SMALL_SIZE, ReportPDF
from reports.spc_section import HEAD_SIZE, SPC_COLUMNS, spc_pdf, spc_section

PT = 25.4 / 72  # mm in a point
SLACK = 0.05  # mm: rounding in the PDF's coordinates
TITLES = [
    "Advancing Mental Health Equalities: annual report 2025/26",
    "London",
    "Advancing Mental Health Equalities: annual report 2025/26 for the North East and "
    "Yorkshire region, with every theme, metric and project of the year set out in full",
    "W" * 200,
]


@dataclass(frozen=True)
class Placed:
    """A text as the page shows it: left edge and baseline (mm from the top left)."""

    text: str
    x: float
    y: float
    size: float


def placed_texts(data: bytes) -> list[list[Placed]]:
    """Each page's texts where they stand, from the PDF's text operators."""
    pages = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        height = float(page.mediabox.height)
        found: list[Placed] = []

        def visit(text, cm, tm, font_dict, font_size, found=found, height=height):
            del font_dict
            if text.strip():
                x = tm[4] * cm[0] + cm[4]
                y = tm[5] * cm[3] + cm[5]
                found.append(Placed(text, x * PT, (height - y) * PT, font_size * tm[0] * cm[0]))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def measure(unicode_font: bool):
    """The width (mm) of a text in the reports' font, style and size (pt)."""
    pdf = ReportPDF("Measure", unicode_font=unicode_font)

    def width(text: str, style: str, size: float) -> float:
        pdf.set_font(pdf.family_name, style, size)
        return pdf.get_string_width(text)

    return width


def footer_document(title: str, pages: int, *, demo: bool, unicode_font: bool) -> bytes:
    pdf = ReportPDF(title, demo=demo, unicode_font=unicode_font)
    for number in range(pages):
        pdf.add_page()
        pdf.paragraph(f"Page body {number}")
    return pdf.output_bytes()


@pytest.mark.parametrize("unicode_font", [True, False])
@pytest.mark.parametrize("demo", [True, False])
@pytest.mark.parametrize("title", TITLES)
def test_the_footers_parts_never_overlap_and_stay_within_the_margins(title, demo, unicode_font):
    width = measure(unicode_font)
    pages = 12
    data = footer_document(title, pages, demo=demo, unicode_font=unicode_font)
    page_width = 210
    for number, texts in enumerate(placed_texts(data), start=1):
        footer = sorted((t for t in texts if t.y > 297 - 18), key=lambda t: t.x)
        words = " ".join(t.text for t in footer)
        assert f"Page {number} of {pages}" in words
        assert ("Synthetic demo data" in words) is demo
        assert footer[0].text.startswith(title[:4])  # the title, however shortened
        spans = [(t.x, t.x + width(t.text, "", SMALL_SIZE), t.text) for t in footer]
        assert spans[0][0] >= MARGIN - SLACK
        assert spans[-1][1] <= page_width - MARGIN + SLACK, spans[-1]
        for (_, end, text), (start, _, after) in pairwise(spans):
            assert end + 1 <= start, f"{text!r} runs into {after!r} on page {number}"


def test_a_title_that_fits_is_printed_whole_and_a_long_one_ends_in_an_ellipsis():
    short, long = TITLES[0], TITLES[2]
    for title, whole in ((short, True), (long, False)):
        data = footer_document(title, 1, demo=True, unicode_font=True)
        footer = [t.text for t in placed_texts(data)[0] if t.y > 297 - 18]
        assert (footer[0] == title) is whole
        if not whole:
            assert footer[0].endswith("…") and title.startswith(footer[0][:-1])


def test_the_footer_leaves_room_for_three_digit_page_counts():
    pdf = ReportPDF(TITLES[2], demo=True)
    for _ in range(105):
        pdf.add_page()
    pdf.set_font(pdf.family_name, "", SMALL_SIZE)
    (x0, w0, _, _), (x1, w1, _, _), (x2, w2, page, _) = pdf.footer_parts()
    assert page == "Page 105 of {nb}"
    assert pdf.get_string_width("Page 105 of 999") <= w2 - 2 * pdf.c_margin
    assert x0 + w0 < x1 and x1 + w1 < x2
    assert x2 + w2 == pytest.approx(pdf.w - pdf.r_margin)


def quarter_points(count: int) -> list[tuple[date, float]]:
    starts = [date(2021 + (3 + 3 * n) // 12, (3 + 3 * n) % 12 + 1, 1) for n in range(count)]
    return [(start, 50.0 + (n * 7) % 11) for n, start in enumerate(starts)]


@pytest.mark.parametrize("unicode_font", [True, False])
def test_every_spc_table_heading_stays_within_its_cell(unicode_font):
    width = measure(unicode_font)
    section = spc_section(
        "A metric with a long enough name",
        quarter_points(16),
        direction="higher_is_better",
        target=60.0,
        unit="percent",
    )
    assert section.has_chart
    pdf = ReportPDF("SPC table test", unicode_font=unicode_font)
    pdf.add_page()
    for _ in range(3):  # the third table starts on a new page
        spc_pdf(pdf, section)
    edges, left = [], float(MARGIN)
    for column_width, _ in SPC_COLUMNS.values():
        edges.append((left, left + column_width))
        left += column_width
    names = " ".join(SPC_COLUMNS)
    heads = [
        text
        for texts in placed_texts(pdf.output_bytes())
        for text in texts
        if text.size == pytest.approx(HEAD_SIZE) and text.text in names
    ]
    assert sum(text.text == "Quarter" for text in heads) == 3  # every table's headings
    assert sorted(" ".join(text.text for text in heads).split()) == sorted(names.split() * 3)
    for text in heads:
        start, end = next((a, b) for a, b in edges if a <= text.x < b)
        assert text.x >= start
        assert text.x + width(text.text, "B", HEAD_SIZE) <= end - SLACK, text
