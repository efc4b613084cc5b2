"""Community projects on screen: the table (and its download), a project's card and the
count against the plan's commitment (Community projects page)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components.badges import status_markdown
from components.comments import item_comments_panel
from components.corrections import delete_project
from components.downloads import download_buttons
from components.history import history_view
from components.project_forms import edit_project_form
from core.export_about import ExportAbout
from core.formatting import escape_markdown as md
from core.meetings import people_reached_rule
from core.projects import COMMITMENT_TARGET, ENTITY, national_commitment
from core.statuses import PROJECT_STATUSES
from services.context import RequestContext
from services.forum import PageComments


def said(text: object, empty: str) -> str:
    """Typed text for markdown, or ``empty`` when there is none."""
    return md(text) if isinstance(text, str) and text.strip() else empty


def day(value: date | None) -> str:
    return value.strftime("%-d %b %Y")


def when(start: date | None, end: date | None) -> str:
    """``1 Jun 2024 to 23 Nov 2025``, ``from 1 Jun 2024``, or ``dates not set yet``."""
    start = start if isinstance(start, date) else None
    end = end if isinstance(end, date) else None
    if start and end:
        return f"{day(start)} to {day(end)}"
    if start:
        return f"from {day(start)}, end date not set"
    if end:
        return f"until {day(end)}, start date not set"
    return "dates not set yet"


def file_stem(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def download_frame(frame: pd.DataFrame, *, with_region: bool) -> pd.DataFrame:
    """The projects as people read them: the table shown and the file downloaded."""
    table = pd.DataFrame(
        {
            "Region": frame["region"],
            "Title": frame["title"],
            "Status": [
                PROJECT_STATUSES[s].label if s in PROJECT_STATUSES else s for s in frame["status"]
            ],
            "Place": frame["place"],
            "Area": frame["area"].fillna(""),
            "Start": frame["start_date"],
            "End": frame["end_date"],
            "People reached": frame["people_reached_words"],
            "Partners": frame["partners"],
            "Communities engaged": frame["communities_engaged"],
            "Themes": frame["themes"],
            "Outcomes": frame["outcomes"],
            "Next steps": frame["next_steps"],
        }
    )
    return table if with_region else table.drop(columns="Region")


def project_table(
    frame: pd.DataFrame,
    file_stem: str,
    key: str,
    *,
    with_region: bool,
    about: ExportAbout,
    threshold: int,
) -> None:
    """The projects (``services.projects.as_seen``) as a table, with its downloads
    (``about``: what their files are, ``components.file_abouts.projects``) and, when any
    row's people reached is under disclosure control, the rule in a caption."""
    table = download_frame(frame, with_region=with_region)
    shown = [c for c in table.columns if c not in ("Outcomes", "Next steps")]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_order=shown,
        column_config={
            "Start": st.column_config.DateColumn(format="D MMM YYYY"),
            "End": st.column_config.DateColumn(format="D MMM YYYY"),
        },
    )
    if not frame["people_reached_exact"].all():
        st.caption(people_reached_rule(threshold))
    download_buttons(table, file_stem, key=key, about=about)


def project_card(
    ctx: RequestContext,
    row: pd.Series,
    theme_names: dict[int, str],
    *,
    can_edit: bool,
    comments: PageComments | None = None,
) -> None:
    """A project's card: what it is, where, when, its history, its comments (with
    ``comments``, the page's, read at once) and, for its editors, the edit form."""
    with st.container(border=True, key=f"project-card-{int(row['id'])}"):
        top = [f"#### {md(row['title'])}"]  # the card's words: one element, not three
        if row["status"] in PROJECT_STATUSES:
            top.append(status_markdown(PROJECT_STATUSES[row["status"]]))
        where = md(row["place"]) if row["place"] else "place not recorded"
        if isinstance(row["area"], str) and row["area"] and row["area"] not in row["place"]:
            where += f" ({md(row['area'])})"
        lines = [
            f"**Where:** {where}",
            f"**When:** {when(row['start_date'], row['end_date'])}",
            f"**People reached:** {md(row['people_reached_words'])}",
            f"**Communities engaged:** {said(row['communities_engaged'], 'not recorded yet')}",
            f"**Themes:** {said(row['themes'], 'none chosen')}",
            f"**Partners:** {said(row['partners'], 'none recorded yet')}",
            f"**Outcomes:** {said(row['outcomes'], 'none recorded yet')}",
            f"**Next steps:** {said(row['next_steps'], 'none recorded yet')}",
        ]
        st.markdown("\n\n".join([*top, "  \n".join(lines)]))
        history_view(
            ctx,
            ENTITY,
            [int(row["id"])],
            key=f"history-project-{row['id']}",
            title=f"History of {row['title']}",
            extra=delete_project(ctx, int(row["id"])) if can_edit else None,
        )
        if comments is not None:
            item_comments_panel(ctx, comments, int(row["id"]))
        if can_edit:
            edit_project_form(ctx, int(row["id"]), row["title"], theme_names)


def national_line(counts_everywhere: pd.DataFrame) -> None:
    """Every region's projects against the plan's three: a count of projects, which
    everyone may see."""
    commitment = national_commitment(counts_everywhere)
    st.markdown(
        f"{status_markdown(commitment.style)} {md(commitment.sentence)} (the plan's "
        f"commitment is at least {COMMITMENT_TARGET} across the whole organisation)."
    )


def status_line(by_status: dict[str, int]) -> None:
    """One badge a status, with how many projects have it."""
    st.markdown(
        "  ".join(
            status_markdown(style, suffix=f": {by_status[code]}")
            for code, style in PROJECT_STATUSES.items()
            if by_status.get(code)
        )
    )
