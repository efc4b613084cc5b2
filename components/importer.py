"""The import widget every importer shares: template, upload, dry run, confirm, save.

Nothing is written until the person has seen a clean dry run and pressed the confirm
button. The dry run is kept in ``st.session_state[key]`` for the uploaded file, so a
rerun (any click on the page) does not check the file again; it is cleared when the
file changes, when it is removed, and after a save.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from components import file_abouts
from components.downloads import download_buttons
from core.errors import StaleWrite, WriteRefused
from core.export_about import ExportAbout
from core.formatting import escape_markdown
from core.importer import ImportPreview, problem_rows, too_big_message
from core.permissions import PermissionDenied

PreviewFunction = Callable[[bytes, str], ImportPreview]
CommitFunction = Callable[[ImportPreview, Callable[[float], None]], str]


def _state(key: str) -> dict[str, Any]:
    if key not in st.session_state:
        st.session_state[key] = {"file_id": None, "preview": None, "generation": 0, "done": ""}
    return st.session_state[key]


def _file_identity(uploaded: Any) -> str:
    return f"{getattr(uploaded, 'file_id', '')}:{uploaded.name}:{uploaded.size}"


def import_section(
    *,
    key: str,
    columns_help: pd.DataFrame | str,
    template: pd.DataFrame,
    template_name: str,
    preview: PreviewFunction,
    commit: CommitFunction,
    max_bytes: int,
    about: ExportAbout,
) -> None:
    """Draw the whole import: template, upload, dry run and confirm.

    ``about``: what the template is (``components.file_abouts.import_template``); the
    files of a dry run's problems and rows say what they are from it.

    ``preview(data, filename)`` checks a file and writes nothing; ``commit(preview,
    progress)`` writes a clean preview (calling ``progress`` with 0 to 1) and returns
    the message to show on success. It may raise ``WriteRefused`` (including
    ``StaleWrite``) or ``PermissionDenied``, whose message is shown.
    """
    state = _state(key)

    st.header("1. Download the template", anchor=False)
    if isinstance(columns_help, pd.DataFrame):
        st.dataframe(columns_help, hide_index=True, width="stretch")
    else:
        st.markdown(columns_help)
    st.caption(
        "Fill in the template in Excel or any spreadsheet, one figure to a row. Keep the "
        "heading row as it is. Only the first sheet of a workbook is read."
    )
    download_buttons(template, template_name, key=f"{key}-template", about=about)

    st.header("2. Upload your file and check it", anchor=False)
    done, state["done"] = state["done"], ""  # shown once, after the save's rerun
    if done:
        st.success(escape_markdown(done), icon=":material/check_circle:")
    limit_mb = max(1, math.ceil(max_bytes / (1024 * 1024)))
    uploaded = st.file_uploader(
        f"CSV or Excel file to import (up to {limit_mb} MB)",
        type=["csv", "xlsx"],
        key=f"{key}-file-{state['generation']}",
        max_upload_size=limit_mb,
        help="Nothing is saved until you have checked the file and pressed the save button.",
    )
    if uploaded is None:
        state["file_id"] = None
        state["preview"] = None
        if not done:
            st.caption("Upload a file to check it. Nothing is saved at this step.")
        return
    if uploaded.size > max_bytes:
        state["file_id"] = None
        state["preview"] = None
        st.error(too_big_message(uploaded.size, max_bytes), icon=":material/error:")
        return

    identity = _file_identity(uploaded)
    if state["file_id"] != identity or state["preview"] is None:
        with st.spinner("Checking the file..."):
            state["preview"] = preview(uploaded.getvalue(), uploaded.name)
        state["file_id"] = identity
    result: ImportPreview = state["preview"]

    if result.problems:
        count = len(result.problems)
        st.error(
            f"We found {count:,} problem{'s' if count != 1 else ''} in "
            f"{escape_markdown(uploaded.name)}. "
            "Nothing has been saved. Fix them in your file and upload it again.",
            icon=":material/error:",
        )
        problems = pd.DataFrame(problem_rows(result.problems), columns=["Row", "Column", "Problem"])
        st.dataframe(problems, hide_index=True, width="stretch")
        download_buttons(
            problems,
            f"{template_name}-problems",
            key=f"{key}-problems",
            about=file_abouts.import_problems(about, uploaded.name),
        )
        return

    st.header("3. Check the changes and save", anchor=False)
    if not result.changes:
        st.info(
            f"Nothing to save: {escape_markdown(result.summary)}. Everything in "
            f"{escape_markdown(uploaded.name)} is already "
            "saved as it is.",
            icon=":material/info:",
        )
    else:
        st.success(
            f"The file is ready: {escape_markdown(result.summary)}.", icon=":material/task_alt:"
        )
    for notice in result.notices:  # early figures: saved all the same
        st.warning(escape_markdown(notice), icon=":material/schedule:")
    table = pd.DataFrame(result.display if result.display is not None else result.rows)
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(
        table,
        f"{template_name}-preview",
        key=f"{key}-preview",
        about=file_abouts.import_preview(about, uploaded.name),
    )
    if not result.changes:
        return
    label = f"Save {result.changes:,} {result.noun}{'s' if result.changes != 1 else ''}"
    if not st.button(label, type="primary", icon=":material/save:", key=f"{key}-confirm"):
        st.caption("Nothing is saved until you press the button.")
        return

    bar = st.progress(0.0, text="Saving...")

    def report(share: float) -> None:
        share = min(max(float(share), 0.0), 1.0)
        bar.progress(share, text=f"Saving... {round(share * 100)}%")

    try:
        message = commit(result, report)
    except StaleWrite as exc:
        bar.empty()
        state["preview"] = None  # check the file again against the latest figures
        state["file_id"] = None
        st.error(escape_markdown(str(exc)), icon=":material/sync_problem:")
        return
    except (WriteRefused, PermissionDenied) as exc:
        bar.empty()
        text = str(exc)
        if "nothing was saved" not in text.lower():
            text += " Nothing was saved."
        st.error(escape_markdown(text), icon=":material/error:")
        return
    state["done"] = message
    state["preview"] = None
    state["file_id"] = None
    state["generation"] += 1  # a fresh, empty uploader
    st.rerun()
