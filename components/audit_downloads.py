"""The audit log's downloads: every change matching the filters, not only those shown.

The files are made only when a button is clicked (Streamlit runs the function then, on
another thread), from the database, in chunks: the page itself reads no more than it
shows. They are made by core.spreadsheet (formulas neutralised), through the service."""

from __future__ import annotations

import streamlit as st

from services import audit
from services.context import RequestContext


def audit_downloads(ctx: RequestContext, query: audit.LogQuery, *, key: str) -> None:
    """CSV and Excel buttons for every change matching ``query`` (up to the export limit)."""
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
        data=lambda: audit.export_xlsx(ctx, query),
        file_name="audit-log.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
