"""The Variation (SPC) sections of the meeting pack and the annual report: each national
core metric's XmR chart, its words and its table, drawn from the figures the report
already shows. Cross-surface: the point types and limits the reports print are
``core.spc.xmr`` of the values the page shows. Also the HTML's structure, hostile text
escaped, and why there is no chart (fewer than 12 quarters, a hidden quarter)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from core.formatting import format_value
from core.spc import MIN_POINTS, POINT_STYLES, xmr
from reports.annual_report import (
    AnnualReport,
    Section,
    Spc,
    build_report,
    render_html,
    render_pdf,
)
from reports.meeting_pack import pack_content
from reports.meeting_pack import render_pdf as render_pack_pdf
from reports.meeting_pack_html import render_html as render_pack_html
from reports.paper_chart import Marker, spc_shapes
from reports.spc_section import HIDDEN_REASON, spc_html, spc_section
from services.meetings import pack_figures
from tests.reports.test_meeting_pack_html import london, parse, pdf_text

TODAY = date(2026, 11, 26)
YEAR = 2026  # the demo data has 12 or more quarters by the end of 2026/27
HOSTILE = "<script>alert('spc')</script> & \"Barbers\""


def quarters(count: int, first: int = 2021) -> list[date]:
    """``count`` quarter starts from Q1 ``first``/``first + 1``, oldest first."""
    months = [first * 12 + 3 + 3 * n for n in range(count)]  # April of ``first`` onwards
    return [date(m // 12, m % 12 + 1, 1) for m in months]


def number(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


def expected_rows(section) -> list[dict[str, str]]:
    """What the SPC table must say: core.spc.xmr of the values the section charts."""
    result = section.view.result
    again = xmr(list(result.values), improvement=result.improvement, target=result.target)
    unit = section.unit
    return [
        {
            "Average": format_value(again.mean, unit),
            "Lower process limit": format_value(again.lower, unit),
            "Upper process limit": format_value(again.upper, unit),
            "Point": POINT_STYLES[kind][0],
        }
        for kind in again.point_types
    ]


def check_table(section) -> None:
    shown = section.table[["Average", "Lower process limit", "Upper process limit", "Point"]]
    assert shown.to_dict("records") == expected_rows(section)


def html_table(html: str, caption: str) -> dict:
    """The first table with ``caption`` (a national report's own section comes before
    the regions')."""
    found = [t for t in parse(html).tables if t["caption"] == caption]
    assert found, caption
    return found[0]


# ----------------------------------------------------------------- the meeting pack


def test_the_pack_charts_each_national_core_metric_from_the_figures_it_shows(demo_engine):
    region, meeting = london(demo_engine)
    figures = pack_figures(demo_engine, region, meeting)
    content = pack_content(figures, demo=True, today=TODAY)
    pages = [page for theme in content.theme_sections for page in theme.metrics]
    national = set(figures.metrics.loc[figures.metrics["scope"] == "national", "code"])
    with_spc = [p for p in pages if p.spc is not None]
    assert {p.title.split(":")[0] for p in with_spc} == national
    charted = [p for p in with_spc if p.spc.has_chart]
    assert charted, "the demo data has national core metrics with 12 or more quarters"
    html = render_pack_html(content)
    for page in charted:
        view = page.spc.view
        # The values charted are the values the pack's own table prints.
        printed = {
            row["Quarter"]: number(row["Value"])
            for row in page.table.to_dict("records")
            if row["Value"] != "*"
        }
        charted_values = dict(zip(view.quarters, view.result.values, strict=True))
        assert printed and set(printed) <= set(charted_values)
        for quarter, value in printed.items():
            assert charted_values[quarter] == pytest.approx(value, abs=0.051)
        check_table(page.spc)
        table = html_table(html, f"SPC figures for {page.title}, oldest first")
        assert [c["text"] for c in table["rows"][0]] == list(page.spc.table.columns)
        assert [row[-1]["text"] for row in table["rows"][1:]] == list(page.spc.table["Point"])
    text = pdf_text(render_pack_pdf(content))
    assert text.count("Variation (SPC): ") == len(with_spc)
    assert text.count("; process limits ") == len(charted)


# ----------------------------------------------------------------- the annual report


def spc_blocks(report: AnnualReport, section_key: str | None = None) -> list[Spc]:
    return [
        block
        for section in report.sections
        if section_key is None or section.key == section_key
        for block in section.blocks
        if isinstance(block, Spc)
    ]


def test_the_national_report_charts_the_national_figures_it_prints(demo_engine):
    with Session(demo_engine) as session:
        report = build_report(session, YEAR, None, demo=True, today=TODAY)
    national = spc_blocks(report, "metrics")
    table = next(t for t in report.tables() if t.key == "national-metrics").frame
    assert [b.section.title for b in national] == list(table["Metric"])
    charted = [b for b in national if b.section.has_chart]
    assert charted
    html = render_html(report)
    for block in charted:
        check_table(block.section)
        row = table[table["Metric"] == block.section.title].iloc[0]
        last = block.section.view.result.values[-1]
        assert format_value(last, block.section.unit) == row["National figure"]
        caption = f"SPC figures for {block.section.title}, oldest first"
        html_rows = html_table(html, caption)["rows"][1:]
        assert [r[-1]["text"] for r in html_rows] == list(block.section.table["Point"])
    # The national report charts the national figures only; each region's own report
    # charts the region's (test_a_region_report_charts_the_disclosed_figures_it_prints).
    assert [b for b in spc_blocks(report) if b not in national] == []
    text = pdf_text(render_pdf(report))
    assert text.count("Variation (SPC): ") == len(spc_blocks(report))


def test_a_region_report_charts_the_disclosed_figures_it_prints(demo_engine):
    with Session(demo_engine) as session:
        report = build_report(session, YEAR, 1, demo=True, today=TODAY)
    blocks = spc_blocks(report)
    assert blocks
    table = next(t for t in report.tables() if t.key.endswith("-metrics")).frame
    for block in blocks:
        row = table[table["Metric"] == block.section.title].iloc[0]
        assert row["Scope"] == "National core"
        if block.section.has_chart:
            check_table(block.section)
            last = block.section.view.result.values[-1]
            assert format_value(last, block.section.unit) == row["Latest value"]
        else:
            assert block.section.reason


# ------------------------------------------------------------------ the section itself


def series(count: int) -> list[tuple[date, float | None]]:
    values = [50, 52, 49, 51, 50, 48, 53, 51, 50, 62, 64, 66, 65, 67][:count]
    return list(zip(quarters(count), [float(v) for v in values], strict=True))


def test_the_html_section_has_a_heading_described_svg_and_a_table_with_escaped_text():
    section = spc_section(HOSTILE, series(14), direction="increase", target=60.0, unit="percentage")
    html = spc_html(section, "spc-1", level=4)
    assert "<script>" not in html and "&lt;script&gt;" in html
    document = parse(f"<html><body>{html}</body></html>")
    assert document.headings == [(4, f"Variation (SPC): {HOSTILE}")]
    assert document.svgs == [{"role": "img", "labelledby": "spc-1-title spc-1-desc"}]
    assert '<desc id="spc-1-desc">SPC chart of &lt;script&gt;' in html
    assert "<figcaption>" in html
    (table,) = document.tables
    assert [c["text"] for c in table["th"][:6]] == list(section.table.columns)
    assert all(c["scope"] == "col" for c in table["th"][:6])
    assert len(table["rows"]) == 15
    assert section.view.sentence in html


def test_the_annual_report_escapes_hostile_metric_names():
    section = spc_section(HOSTILE, series(13), direction="decrease", target=None, unit="count")
    report = AnnualReport(
        2026, None, "National", 5, False, TODAY,
        (Section("metrics", "National core metrics", (Spc("spc-x", section),)),),
    )  # fmt: skip
    html = render_html(report)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<svg" in html
    assert render_pdf(report).startswith(b"%PDF")


def test_fewer_than_twelve_quarters_says_why_and_draws_no_chart():
    section = spc_section(
        "M1: Few", series(MIN_POINTS - 1), direction="increase", target=None, unit="count"
    )
    assert not section.has_chart
    assert "at least 12 quarters" in section.reason and "has 11" in section.reason
    html = spc_html(section, "spc-2")
    assert "<svg" not in html and "<table" not in html
    assert "at least 12 quarters" in html


def test_a_hidden_quarter_draws_no_chart_and_says_why():
    points = series(14)
    points[3] = (points[3][0], None)
    section = spc_section("M1: Hidden", points, direction="increase", target=None, unit="count")
    assert not section.has_chart and section.reason == HIDDEN_REASON
    assert "disclosure control" in spc_html(section, "spc-3")


def test_the_layout_draws_each_point_by_its_colour_and_shape():
    section = spc_section("M1", series(14), direction="increase", target=60.0, unit="count")
    result = section.view.result
    shapes = spc_shapes(section.view.quarters, result, 0, 0, 170, 70)
    markers = [s for s in shapes if isinstance(s, Marker)]
    assert [(m.colour, m.shape) for m in markers] == [
        POINT_STYLES[kind][1:] for kind in result.point_types
    ]
    assert len(set(result.point_types)) > 1, "the series has special-cause points"
    # Higher values sit higher on the page (smaller y).
    ys = {v: m.y for v, m in zip(result.values, markers, strict=True)}
    assert ys[max(ys)] < ys[min(ys)]
    assert pd.Series([m.x for m in markers]).is_monotonic_increasing
