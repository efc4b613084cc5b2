"""The shared PDF writer's quick paths (``reports.pdf``): wrapped text broken by
``ReportPDF.write_lines`` and tables written a row at a time must give the very PDF that
fpdf2's multi_cell, text() and rect() give, and every word of a report must reach the page."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

import pandas as pd
import pypdf
import pytest
from sqlalchemy.orm import Session

from reports.annual_report import Paragraph, Table, build_report, render_pdf, table_cells
from reports.pdf import Column, ReportPDF

LONG = (
    "Each theme’s status comes from its metrics – the average of their scores – and a "
    "status set by hand applies as set now. Figures below national level follow NHS "
    "disclosure control: counts of people below 5 are shown as *, other counts are "
    "rounded to the nearest 5, and a percentage is worked out from the rounded counts → "
    "so it gives no exact count away."
)
TEXTS = [
    " ".join([LONG] * 3),
    "Short.",
    "A line of its own\nand another after it, " + LONG,
    "Lines\nof\nsingle words\n" + LONG,
    "Averyveryverylongwordwithoutanyspacethatcannotfitonmakesthebreakerfallbackto"
    "lettersbecauseitiswiderthanthewholelineofthepageandthensome and then words",
    "Two  spaces in a row, a trailing space and a no-break\u00a0space go to multi_cell ",
    "A blank line\n\nbetween two parts.",
    "Hyphen-ated words, numbers like 12,345.6 and 99% and “quotes”.",
]


def document(quick: bool, *, unicode_font: bool = True) -> bytes:
    """A report with every kind of wrapped text and a table that breaks across pages."""
    pdf = ReportPDF("Writer test – quick lines", demo=True, unicode_font=unicode_font)
    pdf.quick_lines = quick
    pdf.cover("A cover title long enough to wrap onto a second line " * 2, "Subtitle", TEXTS[:3])
    for number, text in enumerate(TEXTS * 4):
        pdf.heading(f"Heading {number}: " + text[:60], 1 + number % 3)
        pdf.paragraph(text, size=(10, 9, 8)[number % 3], style=("", "B", "I")[number % 3])
        pdf.bullets([text, "Second point"])
    rows = [
        {"Metric": f"Synthetic metric {n}: " + LONG[: 20 + n % 90], "Value": n * 1.5, "Note": ""}
        for n in range(120)
    ]
    pdf.table_from_frame(
        pd.DataFrame(rows), columns={"Metric": Column(3.0), "Value": Column(1.0, "RIGHT")}
    )
    pdf.set_font(pdf.family_name, "", 7)
    for n in range(30):
        pdf.plain_cell(30, 4.2, f"{n:,}", align="R")
        pdf.plain_cell(40, 4.2, "Common cause")
        pdf.ln(4.2)
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    return pdf.output_bytes()


@pytest.mark.parametrize("unicode_font", [True, False])
def test_quick_text_and_tables_write_the_same_pdf_as_fpdf2(unicode_font, monkeypatch):
    slow = document(False, unicode_font=unicode_font)
    calls: list[str] = []
    multi_cell = ReportPDF.multi_cell

    def counted(self, *args, **kwargs):
        calls.append(kwargs.get("text", args[2] if len(args) > 2 else ""))
        return multi_cell(self, *args, **kwargs)

    monkeypatch.setattr(ReportPDF, "multi_cell", counted)
    quick = document(True, unicode_font=unicode_font)
    assert quick == slow
    # Only the texts with unusual spacing went to multi_cell.
    assert calls and all("  " in text or "\n\n" in text or text.endswith(" ") for text in calls)
    assert len(pypdf.PdfReader(io.BytesIO(quick)).pages) > 5


def flat(text: str) -> str:
    return " ".join(text.split())


def page_body(text: str, title: str) -> str:
    """A page's text up to its footer (the title, "Synthetic demo data", "Page n of N")."""
    at = text.rfind(title[:60])
    return text[:at] if at >= 0 and re.search(r"Page \d+ of \d+\s*$", text) else text


def test_every_paragraph_and_table_cell_of_the_annual_report_is_in_its_pdf(demo_engine):
    with Session(demo_engine) as session:
        report = build_report(session, 2025, None, demo=True, today=date(2026, 11, 26))
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(report)))
    # Each page's text without its footer, which would split a paragraph across pages.
    text = flat(" ".join(page_body(page.extract_text(), report.title) for page in reader.pages))
    checked = 0
    for section in report.sections:
        assert flat(section.title) in text, section.title
        for block in section.blocks:
            if isinstance(block, Paragraph):
                assert flat(block.text) in text, block.text
                checked += 1
            elif isinstance(block, Table):
                assert flat(block.caption) in text, block.caption
                for row in table_cells(block.frame)[1]:
                    for cell in row:
                        for word in cell.split():
                            assert word in text, (block.caption, cell)
    assert checked > 20


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def test_quick_lines_take_well_under_what_multi_cell_takes():
    """A ratio of CPU times in one process (the best of three each), not seconds: the
    machine may be busy. Measured about a fifth; a half leaves room for noise."""

    def paragraphs(quick: bool) -> None:
        pdf = ReportPDF("Timing")
        pdf.quick_lines = quick
        pdf.add_page()
        for _ in range(60):
            pdf.paragraph(" ".join([LONG] * 4))

    paragraphs(True)  # fonts and caches warm
    multi_cell = best_of(3, lambda: paragraphs(False))
    quick = best_of(3, lambda: paragraphs(True))
    assert quick < multi_cell / 2, f"quick {quick:.3f} s, multi_cell {multi_cell:.3f} s"
