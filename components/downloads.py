"""Download buttons for a table: CSV and Excel, with formulas neutralised."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.spreadsheet import to_csv_bytes, to_xlsx_bytes


def download_buttons(table: pd.DataFrame, file_stem: str, *, key: str) -> None:
    """Two buttons side by side; the file name says what the table is.

    The files are made only when a button is clicked (Streamlit calls the function then),
    so a page with many tables, or a 10,000-row preview, costs nothing per rerun.
    """
    frozen = table.copy()
    left, right = st.columns(2, gap="small", width=420)
    left.download_button(
        "Download CSV",
        data=lambda: to_csv_bytes(frozen),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
    )
    right.download_button(
        "Download Excel",
        data=lambda: to_xlsx_bytes(frozen),
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        icon=":material/download:",
    )
