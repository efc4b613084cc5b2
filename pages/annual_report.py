"""Annual report: the year's public report, national or for one region, as HTML and PDF.

The preview draws the same report content with Streamlit's own elements (never the HTML
string), so text people typed is shown as text. Layout only: the report comes from
``services.reports``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components import file_abouts
from components.context import current
from components.downloads import download_buttons
from components.region_picker import choose_region
from core.formatting import escape_markdown
from core.periods import year_label
from core.permissions import Action, can
from services import reports as sr
from services.context import RequestContext

NATIONAL = "All regions (national, with a section for each region)"
ONE_REGION = "One region"


def show_spc(section: sr.SpcSection) -> None:
    """A metric's SPC section in the preview: in words and its table (the HTML and PDF
    draw the chart)."""
    st.markdown(f"**{escape_markdown(f'Variation (SPC): {section.title}')}**")
    if section.view is None or section.view.result is None:
        st.caption(escape_markdown(section.reason))
        return
    st.markdown(escape_markdown(section.view.sentence))
    st.caption(escape_markdown(f"{section.view.variation_words}. {section.view.assurance_words}."))
    st.dataframe(section.table, hide_index=True, width="stretch")


def show_section(ctx: RequestContext, report: sr.AnnualReport, section: sr.Section) -> None:
    st.subheader(escape_markdown(section.title), anchor=False)
    for block in section.blocks:
        if block.kind == "heading":
            st.markdown(f"{'#' * (block.level + 1)} {escape_markdown(block.text)}")
        elif block.kind == "paragraph":
            st.markdown(escape_markdown(block.text))
        elif block.kind == "spc":
            show_spc(block.section)
        else:
            st.markdown(f"**{escape_markdown(block.caption)}**")
            columns, rows = sr.table_cells(block.frame)
            if rows:
                st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")
                about = file_abouts.annual_report_table(
                    ctx, report, block.caption, sr.period_words(report.year), block.note
                )
                stem = f"{report.file_stem}-{block.key}"
                download_buttons(block.frame, stem, key=f"ar-{block.key}", about=about)
            else:
                st.write("No figures.")
            if block.note:
                st.caption(escape_markdown(block.note))


@st.fragment
def preview(
    ctx: RequestContext,
    report: sr.AnnualReport,
    names: dict[int, str] | None,
    year: int,
    today: date,
) -> None:
    st.header("Preview", anchor=False)
    st.caption(escape_markdown(f"{report.title}. {report.subtitle}"))
    # A section built (a region's report), a national section's key or a region's id:
    # the last two are built when picked.
    choices: list[sr.Section | str | int] = list(report.sections)
    if names is not None:
        choices = [*sr.NATIONAL_SECTIONS, *names]
    names = names or {}

    def label(choice: sr.Section | str | int) -> str:
        if isinstance(choice, sr.Section):
            return choice.title
        return names[choice] if isinstance(choice, int) else sr.NATIONAL_SECTIONS[choice]

    index = st.selectbox(
        "Section to preview",
        range(len(choices)),
        format_func=lambda i: label(choices[i]),
        key=f"ar-section-{report.file_stem}",
    )
    chosen = choices[index]
    if isinstance(chosen, int):
        chosen = sr.region_section(ctx, year, chosen, today)
    elif isinstance(chosen, str):
        chosen = (
            report.sections[0]
            if chosen == "about"
            else sr.national_section(ctx, year, chosen, today)
        )
    show_section(ctx, report, chosen)


def main() -> None:
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
    years = sr.report_years(ctx, today)
    left, right = st.columns(2)
    year = left.selectbox(
        "Financial year",
        years,
        index=years.index(sr.default_year(years, today)),
        format_func=lambda y: f"{year_label(y)} ({sr.period_words(y)})",
        key="ar-year",
    )
    with right:
        scope = st.radio("Report for", [NATIONAL, ONE_REGION], key="ar-scope")
        region_id = None
        if scope == ONE_REGION:
            region_id, _ = choose_region(ctx, key="ar-region")

    with st.spinner("Putting the report together..."):
        # The preview shows one section at a time, each built when it is picked: a
        # region's report is small, so it is built whole.
        report = sr.preview_report(ctx, year, region_id, today)
        names = sr.region_names(ctx) if region_id is None else None

    st.info(report.rule, icon=":material/shield:")
    row = st.container(horizontal=True, gap="small")  # wraps on narrow screens
    row.download_button(
        "Download the report (HTML)",
        data=lambda: sr.report_html(ctx, year, region_id, today),
        file_name=f"{report.file_stem}.html",
        mime="text/html",
        icon=":material/download:",
        key="ar-html",
        on_click="ignore",
    )
    row.download_button(
        "Download the report (PDF)",
        data=lambda: sr.report_pdf(ctx, year, region_id, today),
        file_name=f"{report.file_stem}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key="ar-pdf",
        on_click="ignore",
    )
    preview(ctx, report, names, year, today)


main()
