"""The audit log's downloads: every change matching the filters, not only those shown.

The files are made only when a button is clicked (Streamlit runs the function then, on
another thread), from the database, in chunks: the page itself reads no more than it
shows. They are made by core.spreadsheet (formulas neutralised), through the service."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from components.downloads import about_button
from core.export_about import ExportAbout, about_rows
from services import audit
from services.context import RequestContext


def audit_downloads(
    ctx: RequestContext, query: audit.LogQuery, *, key: str, about: ExportAbout
) -> None:
    """CSV and Excel buttons for every change matching ``query`` (up to the export limit),
    the Excel file with its "About" sheet, and the CSV's "About" text file."""
    st.caption(
        f"The downloads hold every change matching these filters (up to the newest "
        f"{audit.EXPORT_LIMIT:,}), not only those shown, with the same words. Times are "
        "in UTC: date-time cells in Excel, ISO 8601 in the CSV file."
    )
    # A row that wraps: fixed columns cut the labels off on narrow screens.
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "Download CSV",
        data=lambda: audit.export_csv(ctx, query),
        file_name="audit-log.csv",
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
        on_click="ignore",
    )
    row.download_button(
        "Download Excel",
        data=lambda: audit.export_xlsx(ctx, query, about=about_rows(about, datetime.now(UTC))),
        file_name="audit-log.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
    about_button(row, about, "audit-log", key=key)
