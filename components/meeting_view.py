"""The Forum meeting's normal view, section by section: the meeting's details, what
changed since the last meeting, the decisions, the themes at a glance and the feedback
still waiting for a response."""

from __future__ import annotations

import streamlit as st

from components import downloads
from components.meeting_present import feedback_metrics
from core import meetings as words
from core.formatting import escape_markdown
from services.meetings import MeetingFigures


def meeting_details(figures: MeetingFigures) -> None:
    """The meeting's heading, who attended and chaired, and its notes."""
    record = figures.record
    st.header(
        f"{escape_markdown(figures.region_name)} Regional Forum, {figures.meeting_date:%d %B %Y}",
        anchor=False,
    )
    chair = escape_markdown(record["chair"]) if record["chair"] else ""
    line = words.details_line(record["attendees_count"], chair)
    if line:
        st.markdown(line)
    if record["notes"]:
        st.markdown(f"**Notes:** {escape_markdown(record['notes'])}")


def since_last_meeting(figures: MeetingFigures) -> None:
    """What changed in the region between the previous meeting and this one."""
    changes, region = figures.changes, words.slug(figures.region_name)
    st.subheader("Since the last meeting", anchor=False)
    st.write(figures.window.sentence)
    if changes.empty:
        st.info("Nothing was recorded in this period.", icon=":material/info:")
        return
    counts = words.change_counts(changes)
    cols = st.columns(min(len(counts), 4))
    for n, row in enumerate(counts.itertuples(index=False)):
        cols[n % len(cols)].metric(
            row.kind,
            words.count_words(row.kind, int(row.changes), int(row.items)),
            icon=f":material/{words.KIND_ICONS.get(row.kind, 'info')}:",
        )
    for kind in words.KINDS:
        mine = changes[changes["kind"] == kind]
        if mine.empty:
            continue
        st.markdown(f"**{kind}**")
        st.markdown("\n".join(f"- {escape_markdown(s)}" for s in mine["summary"]))
    with st.expander("All the changes as a table"):
        table = words.changes_table(changes)
        st.dataframe(table, hide_index=True, width="stretch")
        downloads.download_buttons(table, f"since-last-meeting-{region}", key="forum-changes")


def decisions(figures: MeetingFigures) -> None:
    """The decisions recorded for this meeting, as a table."""
    st.subheader("Decisions and new actions", anchor=False)
    if figures.decisions.empty:
        st.write("No decisions have been recorded for this meeting yet.")
        return
    table = words.decisions_table(figures.decisions)
    st.dataframe(table, hide_index=True, width="stretch")
    stem = f"decisions-{words.slug(figures.region_name)}-{figures.meeting_date}"
    downloads.download_buttons(table, stem, key="forum-decisions")


def themes_at_a_glance(figures: MeetingFigures) -> None:
    """Each theme's status, why, and the actions complete."""
    st.subheader("The themes at a glance", anchor=False)
    summary = words.themes_summary(figures.themes)
    st.dataframe(summary, hide_index=True, width="stretch")
    stem = f"theme-statuses-{words.slug(figures.region_name)}"
    downloads.download_buttons(summary, stem, key="forum-themes")
    if figures.tags_note:
        st.caption(figures.tags_note)
    st.caption(
        "Switch on “Present on a shared screen” to go through the quarter's figures, the "
        "themes and their metrics, the projects, the feedback and the decisions one screen "
        "at a time."
    )


def waiting_feedback(figures: MeetingFigures) -> None:
    """The feedback figures and the items still waiting for a response (folded)."""
    with st.expander("Feedback still waiting for a response"):
        feedback_metrics(figures)
        table = words.waiting_table(figures.waiting)
        if table.empty:
            st.write("No feedback is waiting for a response.")
        else:
            st.dataframe(table, hide_index=True, width="stretch")
            stem = f"open-feedback-{words.slug(figures.region_name)}"
            downloads.download_buttons(table, stem, key="forum-waiting")
