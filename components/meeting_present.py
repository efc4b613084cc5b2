"""The Forum meeting's presentation mode: one agenda section at a time in large type, with
no editing controls (the themes, the community projects, the feedback), and the pieces
the normal view shares with it (a metric in large type, the feedback figures)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components import downloads
from components.badges import status_markdown
from components.charts import show_chart
from components.metric_chart import metric_chart_spec
from core import meetings as words
from core.disclosure import percentage_note
from core.feedback_rules import format_days, format_share
from core.formatting import escape_markdown
from core.projects import COMMITMENT_RULE
from core.statuses import FEEDBACK_STATUSES, PROGRESS_STATUSES, PROJECT_STATUSES
from services.meetings import MeetingFigures


def feedback_metrics(figures: MeetingFigures) -> None:
    """The region's feedback figures, four across."""
    shown = figures.feedback(date.today())
    cols = st.columns(4)
    cols[0].metric("Feedback items", f"{shown.total:,}")
    cols[1].metric("Answered", format_share(shown.share_answered))
    cols[2].metric("Median time to respond", format_days(shown.median_days_to_respond))
    cols[3].metric("Still waiting for a response", f"{shown.waiting:,}")


def metric_view(
    figures: MeetingFigures, metric: dict[str, Any], threshold: int, *, key: str
) -> None:
    """A metric in large type: its name, status in words, the chart and (folded) its
    figures, with disclosure control for forum members."""
    disclosed = figures.controlled
    shown = figures.metric_values(metric, threshold)
    table = shown.table
    title = f"{metric['code']}: {metric['name']}"
    style = PROGRESS_STATUSES[metric["status"]]
    explanation = (
        words.disclose_explanation(
            metric["explanation"],
            metric["unit"],
            threshold,
            suppressed=shown.starred > 0,
            counts_people=bool(metric["counts_people"]),
            shown=shown,
        )
        if disclosed
        else metric["explanation"]
    )
    st.subheader(escape_markdown(title), anchor=False)
    st.markdown(f"{status_markdown(style)} {escape_markdown(explanation)}")
    if table.empty:
        st.info("No values have been recorded for this metric yet.", icon=":material/info:")
        return
    chart = metric_chart_spec(
        pd.Series(metric), shown.chart, title=f"{metric['code']} values by quarter", height=300
    )
    show_chart(chart, width="stretch", key=f"{key}-chart")
    with st.expander("The figures behind this chart"):
        if disclosed and bool(metric["counts_people"]):
            st.caption(percentage_note(threshold))
        st.dataframe(words.tidy(table), hide_index=True, width="stretch", key=f"{key}-table")
        stem = f"{words.slug(figures.region_name)}-{words.slug(metric['code'])}"
        downloads.download_buttons(words.tidy(table), stem, key=key)


def _theme_section(figures: MeetingFigures, theme_id: int, threshold: int) -> None:
    themes = figures.themes
    row = themes[themes["theme_id"] == theme_id].iloc[0]
    style = PROGRESS_STATUSES[row["status"]]
    cols = st.columns(3)
    cols[0].metric("Status", style.label, icon=f":material/{style.icon}:")
    cols[1].metric("Metrics with a score", f"{row['metrics_counted']} of {row['metrics_total']}")
    total = int(row["actions_total"])
    cols[2].metric(
        "Actions complete",
        f"{int(row['actions_complete'])} of {total}" if total else "No actions",
        help=figures.tags_note,
    )
    st.markdown(f"### {escape_markdown(row['explanation'])}")
    mine = figures.metrics[figures.metrics["theme_id"] == theme_id]
    if mine.empty:
        st.info("No metrics are set up for this theme yet.", icon=":material/info:")
    for metric in mine.to_dict("records"):
        metric_view(figures, metric, threshold, key=f"present-{metric['metric_id']}")


def _projects_section(figures: MeetingFigures, threshold: int) -> None:
    projects, aim = figures.projects, figures.project_aim
    counted = figures.projects_counted
    cols = st.columns(2)
    cols[0].metric("Projects", f"{len(projects)}")
    # The plan's three is across the organisation: a region is measured only against
    # an aim of its own, when it has set one.
    cols[1].metric(
        "Active or completed",
        f"{counted} of {aim} (own aim)" if aim else f"{counted}",
        help=COMMITMENT_RULE,
    )
    if projects.empty:
        st.markdown("### No community projects are recorded yet.")
        return
    for row in projects.to_dict("records"):
        style = PROJECT_STATUSES[row["status"]]
        reached = words.people_reached(
            row["people_reached"], threshold, controlled=figures.controlled
        )
        st.subheader(escape_markdown(row["title"]), anchor=False)
        st.markdown(
            f"{status_markdown(style)} **Where:** {escape_markdown(row['place'] or 'not recorded')}"
            f" · **People reached:** {reached}"
        )
        if row["outcomes"]:
            st.markdown(f"**Outcomes:** {escape_markdown(row['outcomes'])}")
        if row["next_steps"]:
            st.markdown(f"**Next steps:** {escape_markdown(row['next_steps'])}")
    with st.expander("All projects as a table"):
        table = words.projects_table(projects, threshold, controlled=figures.controlled)
        st.dataframe(table, hide_index=True, width="stretch")
        stem = f"projects-{words.slug(figures.region_name)}"
        downloads.download_buttons(table, stem, key="present-projects")


def _feedback_section(figures: MeetingFigures) -> None:
    waiting = figures.waiting
    feedback_metrics(figures)
    st.markdown("### Still waiting for a response")
    if waiting.empty:
        st.markdown("No feedback is waiting for a response.")
    for row in waiting.sort_values("received_on").head(6).to_dict("records"):
        st.markdown(
            f"#### You said: {escape_markdown(row['summary'])}\n\n"
            f"{escape_markdown(row['source'])}, received {row['received_on']:%d %B %Y} "
            f"({FEEDBACK_STATUSES[row['status']].label})"
        )
    if len(waiting) > 6:
        st.markdown(f"…and {len(waiting) - 6} more, listed in the meeting pack.")
    st.markdown("### Answered most recently")
    recent = figures.answered.sort_values("responded_on", ascending=False).head(3)
    if recent.empty:
        st.markdown("No feedback has been answered yet.")
    for row in recent.to_dict("records"):
        st.markdown(
            f"#### You said: {escape_markdown(row['summary'])}\n\n"
            f"**We did:** {escape_markdown(row['response'])}"
        )


def _move(section_key: str, step: int, total: int) -> None:
    st.session_state[section_key] = words.clamp_section(
        st.session_state.get(section_key, 0) + step, total
    )


def presentation(figures: MeetingFigures, threshold: int) -> None:
    """The agenda section the room is on, with Previous and Next (arrow keys too)."""
    sections = figures.sections
    section_key = f"forum-section-{figures.meeting_id}"
    index = words.clamp_section(st.session_state.get(section_key, 0), len(sections))
    st.session_state[section_key] = index
    section = sections[index]
    st.markdown(f"## {words.section_words(index, len(sections))}: {escape_markdown(section.title)}")
    st.caption(
        f"{escape_markdown(figures.region_name)} Regional Forum, "
        f"{figures.meeting_date:%d %B %Y}. "
        + ("Figures follow NHS disclosure control. " if figures.controlled else "")
        + "Keys: left and right arrows move between sections."
    )
    buttons = st.container(horizontal=True)
    buttons.button(
        "Previous",
        icon=":material/arrow_back:",
        on_click=_move,
        args=(section_key, -1, len(sections)),
        disabled=index == 0,
        key="forum-previous",
        shortcut="Left",
    )
    buttons.button(
        "Next",
        icon=":material/arrow_forward:",
        on_click=_move,
        args=(section_key, 1, len(sections)),
        disabled=index == len(sections) - 1,
        type="primary",
        key="forum-next",
        shortcut="Right",
    )
    if section.kind == "theme":
        _theme_section(figures, int(section.theme_id), threshold)
    elif section.kind == "projects":
        _projects_section(figures, threshold)
    else:
        _feedback_section(figures)
