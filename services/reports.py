"""The annual report (national leads and administrators): the years it can cover, the
report itself (kept by ``reports.annual_report.cached_report`` until something it reads
changes) or one of its sections for the preview, and the report as HTML or PDF.

Every report is published, so it is always made under disclosure control, at the
threshold of the request's settings; in demo mode it says the figures are made up."""

from __future__ import annotations

from datetime import date

from reports.annual_report import (
    NATIONAL_SECTIONS,
    AnnualReport,
    Section,
    SpcSection,
    cached_report,
    default_year,
    period_words,
    render_html,
    render_pdf,
    table_cells,
)
from reports.annual_report import report_years as _report_years
from services.context import RequestContext, reading
from services.regions import regions

__all__ = [
    "NATIONAL_SECTIONS",
    "AnnualReport",
    "Section",
    "SpcSection",
    "default_year",
    "national_section",
    "period_words",
    "preview_report",
    "region_names",
    "region_section",
    "report_html",
    "report_pdf",
    "report_years",
    "table_cells",
    "whole_report",
]


def _settings(ctx: RequestContext, today: date) -> dict:
    return {"threshold": ctx.threshold, "demo": ctx.settings.demo_mode, "today": today}


def _scope(region_id: int | None) -> list[int] | None:
    return None if region_id is None else [region_id]


def report_years(ctx: RequestContext, today: date) -> list[int]:
    """Financial years with metric values, newest first, up to the current one."""
    with reading(ctx) as session:
        return _report_years(session, today)


def whole_report(
    ctx: RequestContext, year: int, region_id: int | None, today: date
) -> AnnualReport:
    """The report with every region's section (national when ``region_id`` is None)."""
    with reading(ctx) as session:
        return cached_report(session, _scope(region_id), year, region_id, **_settings(ctx, today))


def preview_report(
    ctx: RequestContext, year: int, region_id: int | None, today: date
) -> AnnualReport:
    """What the preview opens on: a region's report whole (it is small), or the national
    report with only its "about" section (the others are built when picked)."""
    with reading(ctx) as session:
        return cached_report(
            session,
            _scope(region_id),
            year,
            region_id,
            regions_in_detail=() if region_id is None else None,
            sections=("about",) if region_id is None else None,
            **_settings(ctx, today),
        )


def region_section(ctx: RequestContext, year: int, chosen: int, today: date) -> Section:
    """A region's section, the same in the national report as in the region's own."""
    with reading(ctx) as session:
        return cached_report(session, [chosen], year, chosen, **_settings(ctx, today)).sections[-1]


def national_section(ctx: RequestContext, year: int, key: str, today: date) -> Section:
    """One of the national report's own sections, built on its own."""
    with reading(ctx) as session:
        only = cached_report(
            session,
            None,
            year,
            None,
            regions_in_detail=(),
            sections=(key,),
            **_settings(ctx, today),
        )
        return only.sections[0]


def region_names(ctx: RequestContext) -> dict[int, str]:
    """Every region's name by id, in the order the preview lists them."""
    found = regions(ctx)
    return dict(zip(found["id"].astype(int), found["name"], strict=True))


def report_html(ctx: RequestContext, year: int, region_id: int | None, today: date) -> str:
    """The whole report as a web page (made on click)."""
    return render_html(whole_report(ctx, year, region_id, today))


def report_pdf(ctx: RequestContext, year: int, region_id: int | None, today: date) -> bytes:
    """The whole report as a PDF (made on click)."""
    return render_pdf(whole_report(ctx, year, region_id, today))
