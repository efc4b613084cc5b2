"""Annual report: the year's public report, national or for one region, as HTML and PDF.

The preview draws the same report content with Streamlit's own elements (never the HTML
string), so text people typed is shown as text.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from components.context import current
from components.downloads import download_buttons
from components.region_picker import choose_region
from core.formatting import escape_markdown
from core.periods import year_label
from core.permissions import Action, can
from db import queries
from reports.annual_report import (
    NATIONAL_SECTIONS,
    AnnualReport,
    Section,
    cached_report,
    default_year,
    period_words,
    render_html,
    render_pdf,
    report_years,
    table_cells,
)

NATIONAL = "All regions (national, with a section for each region)"
ONE_REGION = "One region"

ctx = current()
st.title("Annual report")
if not can(ctx.actor, Action.VIEW_ALL_REGIONS):
    st.error("Only national leads and administrators can make the annual report.")
    st.stop()
if ctx.settings.demo_mode:
    st.warning(
        "Synthetic demo data: this report is made from made-up figures, so it must not be "
        "published. The report itself says so at the top and the bottom.",
        icon=":material/science:",
    )
st.write(
    "The plan commits us to publishing our findings every year. Choose a financial year "
    "and what the report covers, check the preview, then download the report as a web "
    "page (HTML) or a PDF to publish."
)

today = date.today()
with Session(ctx.engine) as session:
    years = report_years(session, today)
left, right = st.columns(2)
year = left.selectbox(
    "Financial year",
    years,
    index=years.index(default_year(years, today)),
    format_func=lambda y: f"{year_label(y)} ({period_words(y)})",
    key="ar-year",
)
with right:
    scope = st.radio("Report for", [NATIONAL, ONE_REGION], key="ar-scope")
    region_id = None
    if scope == ONE_REGION:
        region_id, _ = choose_region(ctx, key="ar-region")

settings = {
    "threshold": ctx.settings.disclosure_threshold,
    "demo": ctx.settings.demo_mode,
    "today": today,
}
scope_ids = None if region_id is None else [region_id]


def whole_report() -> AnnualReport:
    """The report with every region's section (for the downloads, made on click)."""
    with Session(ctx.engine) as session:
        return cached_report(session, scope_ids, year, region_id, **settings)


def region_section(chosen: int) -> Section:
    """A region's section, the same in the national report as in the region's own."""
    with Session(ctx.engine) as session:
        return cached_report(session, [chosen], year, chosen, **settings).sections[-1]


def national_section(key: str) -> Section:
    """One of the national report's own sections, built on its own."""
    with Session(ctx.engine) as session:
        only = cached_report(
            session, None, year, None, regions_in_detail=(), sections=(key,), **settings
        )
        return only.sections[0]


with st.spinner("Putting the report together..."), Session(ctx.engine) as session:
    # The preview shows one section at a time, each built when it is picked: a region's
    # report is small, so it is built whole.
    report = cached_report(
        session,
        scope_ids,
        year,
        region_id,
        regions_in_detail=() if region_id is None else None,
        sections=("about",) if region_id is None else None,
        **settings,
    )
    regions = queries.regions(session) if region_id is None else None

st.info(report.rule, icon=":material/shield:")
html_column, pdf_column = st.columns(2, width=520)
html_column.download_button(
    "Download the report (HTML)",
    data=lambda: render_html(whole_report()),
    file_name=f"{report.file_stem}.html",
    mime="text/html",
    icon=":material/download:",
    key="ar-html",
)
pdf_column.download_button(
    "Download the report (PDF)",
    data=lambda: render_pdf(whole_report()),
    file_name=f"{report.file_stem}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    key="ar-pdf",
)


def show_section(report: AnnualReport, section: Section) -> None:
    st.subheader(escape_markdown(section.title), anchor=False)
    for block in section.blocks:
        if block.kind == "heading":
            st.markdown(f"{'#' * (block.level + 1)} {escape_markdown(block.text)}")
        elif block.kind == "paragraph":
            st.markdown(escape_markdown(block.text))
        else:
            st.markdown(f"**{escape_markdown(block.caption)}**")
            columns, rows = table_cells(block.frame)
            if rows:
                st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")
                download_buttons(
                    block.frame, f"{report.file_stem}-{block.key}", key=f"ar-{block.key}"
                )
            else:
                st.write("No figures.")
            if block.note:
                st.caption(escape_markdown(block.note))


@st.fragment
def preview(report: AnnualReport) -> None:
    st.header("Preview", anchor=False)
    st.caption(escape_markdown(f"{report.title}. {report.subtitle}"))
    # A section built (a region's report), a national section's key or a region's id:
    # the last two are built when picked.
    choices: list[Section | str | int] = list(report.sections)
    names: dict[int, str] = {}
    if regions is not None:
        names = dict(zip(regions["id"].astype(int), regions["name"], strict=True))
        choices = [*NATIONAL_SECTIONS, *names]

    def label(choice: Section | str | int) -> str:
        if isinstance(choice, Section):
            return choice.title
        return names[choice] if isinstance(choice, int) else NATIONAL_SECTIONS[choice]

    index = st.selectbox(
        "Section to preview",
        range(len(choices)),
        format_func=lambda i: label(choices[i]),
        key=f"ar-section-{report.file_stem}",
    )
    chosen = choices[index]
    if isinstance(chosen, int):
        chosen = region_section(chosen)
    elif isinstance(chosen, str):
        chosen = report.sections[0] if chosen == "about" else national_section(chosen)
    show_section(report, chosen)


preview(report)
