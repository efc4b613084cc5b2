"""The Forum meeting page's meeting pack downloads (the PDF and the same pack as an
accessible HTML file) and its community projects section, whose rows are the pack's."""

from __future__ import annotations

import streamlit as st

from components import downloads, file_abouts
from core import meetings as words
from core.disclosure import rule_text
from core.projects import COMMITMENT_RULE
from reports.meeting_pack import file_name, render_meeting_pack
from reports.meeting_pack_html import file_name as html_file_name
from reports.meeting_pack_html import render_meeting_pack_html
from services.context import RequestContext
from services.meetings import MeetingFigures


def pack_downloads(ctx: RequestContext, figures: MeetingFigures) -> None:
    """The meeting pack as a PDF and as one HTML file (for screen readers: the PDF is
    untagged), both made from the figures this page shows, when clicked."""
    threshold, demo = ctx.threshold, ctx.settings.demo_mode
    row = st.container(horizontal=True, gap="small")  # wraps on narrow screens
    row.download_button(
        "Download the meeting pack (PDF)",
        data=lambda: render_meeting_pack(figures, disclosure_threshold=threshold, demo=demo),
        file_name=file_name(figures.region_name, figures.meeting_date),
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key=f"forum-pack-{figures.meeting_id}",
    )
    row.download_button(
        "Download the meeting pack (accessible HTML)",
        data=lambda: render_meeting_pack_html(
            figures, disclosure_threshold=threshold, demo=demo
        ).encode("utf-8"),
        file_name=html_file_name(figures.region_name, figures.meeting_date),
        mime="text/html",
        icon=":material/accessibility_new:",
        on_click="ignore",
        key=f"forum-pack-html-{figures.meeting_id}",
    )
    st.caption(
        "The pack has what changed since the last meeting, the quarters to review, the theme "
        "statuses, every metric's chart with its figures, the community projects, the open "
        "feedback and the decisions. The HTML file says the same as the PDF, with headings, "
        "tables and a description of each chart that screen readers can use. Both are ready "
        "to circulate whoever downloads them. " + rule_text(threshold)
    )


def community_projects(ctx: RequestContext, figures: MeetingFigures) -> None:
    """The region's community projects (folded), as the meeting pack lists them."""
    threshold = ctx.threshold
    # Made only while open, like the page's other folded tables.
    with st.expander(
        f"Community projects ({len(figures.projects)})",
        key="forum-projects-open",
        on_change="rerun",
    ) as box:
        if not box.open:
            return
        st.caption(COMMITMENT_RULE)
        table = figures.project_rows(threshold)
        if table.empty:
            st.write("No community projects are recorded for the region yet.")
            return
        st.dataframe(table, hide_index=True, width="stretch")
        downloads.download_buttons(
            table,
            f"community-projects-{words.slug(figures.region_name)}",
            key="forum-projects",
            about=file_abouts.meeting(
                ctx,
                figures,
                "Community projects",
                file_abouts.PROJECT_ROWS + " As the meeting pack lists them.",
                people=True,
            ),
        )
