"""Download buttons for a table: CSV and Excel, with formulas neutralised.

With ``about`` (a :class:`core.export_about.ExportAbout`) the table is made
analyst-ready (:func:`core.export_about.export_frame`: numbers as numbers, a stated
precision, real dates, a ``Unit`` column), the Excel file has a second "About" sheet,
and a third button downloads the CSV's companion "About" text file
(``<file>-about.txt``) with the same words.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from core.export_about import (
    ExportAbout,
    about_file_name,
    about_rows,
    about_text,
    audience_words,
    disclosure_words,
    export_frame,
)
from core.permissions import Action, can
from core.spreadsheet import text_bytes, to_csv_bytes, to_xlsx_bytes
from services.context import RequestContext


def _now() -> datetime:
    return datetime.now(UTC)


def for_viewer(
    ctx: RequestContext,
    about: ExportAbout,
    *,
    region_id: int | None,
    region_name: str | None,
    people: bool = True,
) -> ExportAbout:
    """``about`` with the disclosure rule applied and who may see it, for the signed-in
    person looking at ``region_id`` (None: national figures, which are not rounded).
    ``people``: the table holds counts of people (else no disclosure rule is needed)."""
    exact = region_id is None or can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)
    return replace(
        about,
        disclosure=disclosure_words(suppressed=not exact, threshold=ctx.threshold, people=people),
        audience=audience_words(
            exact=exact, region=None if region_id is None else region_name, role=ctx.actor.role
        ),
    )


def download_buttons(
    table: pd.DataFrame, file_stem: str, *, key: str, about: ExportAbout | None = None
) -> None:
    """Buttons side by side; the file name says what the table is.

    The files are made only when a button is clicked (Streamlit calls the function then),
    so a page with many tables, or a 10,000-row preview, costs nothing per rerun; the
    extraction time in the About is the time of the click.
    """
    frozen = export_frame(table, about.unit) if about is not None else table.copy()
    # A row that wraps: fixed columns cut the labels off on narrow screens.
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "Download CSV",
        data=lambda: to_csv_bytes(frozen),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
    )
    row.download_button(
        "Download Excel",
        data=lambda: to_xlsx_bytes(
            frozen, about=about_rows(about, _now()) if about is not None else None
        ),
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        icon=":material/download:",
    )
    if about is not None:
        row.download_button(
            "About these files",
            data=lambda: text_bytes(about_text(about, _now())),
            file_name=about_file_name(file_stem),
            mime="text/plain",
            key=f"{key}-about",
            icon=":material/info:",
            help="What the table is: definition, source, period, when it was extracted, "
            "the disclosure rule applied and who may see it.",
        )
