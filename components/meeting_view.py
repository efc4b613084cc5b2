"""The Forum meeting's normal view, section by section: the meeting's details, what
changed since the last meeting, the decisions, the themes at a glance and the feedback
still waiting for a response."""

from __future__ import annotations

import streamlit as st

from components import downloads, file_abouts
from components.meeting_present import feedback_metrics
from core import meetings as words
from core.formatting import escape_markdown
from services.context import RequestContext
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


def since_last_meeting(ctx: RequestContext, figures: MeetingFigures) -> None:
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
    # Folded tables are made only while open: their grids and downloads cost the
    # browser time on every visit.
    with st.expander(
        "All the changes as a table", key="forum-changes-open", on_change="rerun"
    ) as box:
        if not box.open:
            return
        table = words.changes_table(changes)
        st.dataframe(table, hide_index=True, width="stretch")
        about = file_abouts.meeting(
            ctx,
            figures,
            "Since the last meeting",
            "Every change recorded in the region between the previous meeting and the end of "
            "this meeting's day, in words: what kind, when, and what changed. No value itself "
            "is quoted.",
            since=True,
        )
        downloads.download_buttons(
            table, f"since-last-meeting-{region}", key="forum-changes", about=about
        )


def decisions(ctx: RequestContext, figures: MeetingFigures) -> None:
    """The decisions recorded for this meeting, as a table."""
    st.subheader("Decisions and new actions", anchor=False)
    if figures.decisions.empty:
        st.write("No decisions have been recorded for this meeting yet.")
        return
    table = words.decisions_table(figures.decisions)
    st.dataframe(table, hide_index=True, width="stretch")
    stem = f"decisions-{words.slug(figures.region_name)}-{figures.meeting_date}"
    about = file_abouts.meeting(
        ctx,
        figures,
        "Decisions and new actions",
        "Each decision the meeting recorded: its theme (or the plan as a whole), what was "
        "decided, and the new plan action it led to, with its status.",
    )
    downloads.download_buttons(table, stem, key="forum-decisions", about=about)


def themes_at_a_glance(ctx: RequestContext, figures: MeetingFigures) -> None:
    """Each theme's status, why, and the actions complete."""
    st.subheader("The themes at a glance", anchor=False)
    summary = words.themes_summary(figures.themes)
    st.dataframe(summary, hide_index=True, width="stretch")
    stem = f"theme-statuses-{words.slug(figures.region_name)}"
    about = file_abouts.meeting(
        ctx,
        figures,
        "The themes at a glance",
        "Each monitoring theme's status, why (from its metrics' latest values and its "
        "actions), and how many of its actions are complete.",
    )
    downloads.download_buttons(summary, stem, key="forum-themes", about=about)
    if figures.tags_note:
        st.caption(figures.tags_note)
    st.caption(
        "Switch on “Present on a shared screen” to go through the quarter's figures, the "
        "themes and their metrics, the projects, the feedback and the decisions one screen "
        "at a time."
    )


def waiting_feedback(ctx: RequestContext, figures: MeetingFigures) -> None:
    """The feedback figures and the items still waiting for a response (folded)."""
    with st.expander(
        "Feedback still waiting for a response", key="forum-waiting-open", on_change="rerun"
    ) as box:
        if not box.open:
            return
        feedback_metrics(figures)
        table = words.waiting_table(figures.waiting)
        if table.empty:
            st.write("No feedback is waiting for a response.")
        else:
            st.dataframe(table, hide_index=True, width="stretch")
            stem = f"open-feedback-{words.slug(figures.region_name)}"
            about = file_abouts.meeting(
                ctx,
                figures,
                "Feedback still waiting for a response",
                "Each piece of feedback not yet answered, oldest first: when it was received, "
                "the kind of source (never a name), its theme, what was said and its status.",
            )
            downloads.download_buttons(table, stem, key="forum-waiting", about=about)
