"""Download buttons for a table: CSV and Excel, with formulas neutralised.

With ``about`` (a :class:`core.export_about.ExportAbout`) the table is made
analyst-ready (:func:`core.export_about.export_frame`: numbers as numbers, a stated
precision, real dates, a ``Unit`` column), the Excel file has a second "About" sheet,
and a third button downloads the CSV's companion "About" text file
(``<file>-about.txt``) with the same words. Every table the app offers passes one:
a metric's figures made for the viewer by :func:`for_viewer`, any other table by
:func:`for_page` (``components.file_abouts`` has each page's).
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
    entitled_words,
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


def for_page(
    ctx: RequestContext,
    about: ExportAbout,
    *,
    action: Action | None,
    page: str,
    region_name: str | None = None,
    people: bool = False,
    suppressed: bool = False,
) -> ExportAbout:
    """``about`` for a table (not a metric's figures: :func:`for_viewer`) shown on
    ``page`` to whoever may take ``action`` (None: everyone signed in), about
    ``region_name`` (None: no one region): who is entitled to see it, from the permission
    rules, and the disclosure rule applied (``about``'s own words, if it has them, else:
    none needed unless the table holds counts of ``people``, shown under disclosure
    control when ``suppressed``)."""
    return replace(
        about,
        disclosure=about.disclosure
        or disclosure_words(suppressed=suppressed, threshold=ctx.threshold, people=people),
        audience=entitled_words(action, page=page, region=region_name, role=ctx.actor.role),
    )


def _frozen(table: pd.DataFrame, about: ExportAbout | None) -> pd.DataFrame:
    return export_frame(table, about.unit) if about is not None else table.copy()


def _file(frozen: pd.DataFrame, kind: str, about: ExportAbout | None, when: datetime) -> bytes:
    """One of the files of a download: ``csv``, ``xlsx`` or ``about`` (the text)."""
    if kind == "csv":
        return to_csv_bytes(frozen)
    if kind == "xlsx":
        return to_xlsx_bytes(frozen, about=about_rows(about, when) if about is not None else None)
    if about is None:
        raise ValueError("A download without an About has no About file.")
    return _about_file(about, when)


def _about_file(about: ExportAbout, when: datetime) -> bytes:
    """The About text file: made here alone, for the buttons and for checking them."""
    return text_bytes(about_text(about, when))


def export_files(
    table: pd.DataFrame, file_stem: str, about: ExportAbout | None, when: datetime | None = None
) -> dict[str, bytes]:
    """Every file :func:`download_buttons` offers for ``table``, by file name, made as
    its buttons make them (for checking them)."""
    frozen, when = _frozen(table, about), when or _now()
    files = {
        f"{file_stem}.csv": _file(frozen, "csv", about, when),
        f"{file_stem}.xlsx": _file(frozen, "xlsx", about, when),
    }
    if about is not None:
        files[about_file_name(file_stem)] = _file(frozen, "about", about, when)
    return files


def download_buttons(
    table: pd.DataFrame, file_stem: str, *, key: str, about: ExportAbout | None = None
) -> None:
    """Buttons side by side; the file name says what the table is.

    The files are made only when a button is clicked (Streamlit calls the function then),
    so a page with many tables, or a 10,000-row preview, costs nothing per rerun; the
    extraction time in the About is the time of the click. A click does not rerun the
    page (``on_click="ignore"``): nothing on it changes when a file is saved.
    """
    frozen = _frozen(table, about)
    # A row that wraps: fixed columns cut the labels off on narrow screens.
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "Download CSV",
        data=lambda: _file(frozen, "csv", about, _now()),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        "Download Excel",
        data=lambda: _file(frozen, "xlsx", about, _now()),
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        on_click="ignore",
        icon=":material/download:",
    )
    if about is not None:
        about_button(row, about, file_stem, key=key)


def about_button(row, about: ExportAbout, file_stem: str, *, key: str) -> None:
    """The "About these files" button in ``row``: the CSV's companion text file."""
    row.download_button(
        "About these files",
        data=lambda: _about_file(about, _now()),
        file_name=about_file_name(file_stem),
        mime="text/plain",
        key=f"{key}-about",
        on_click="ignore",
        icon=":material/info:",
        help="What the table is: definition, source, period, when it was extracted, "
        "the disclosure rule applied and who may see it.",
    )
