"""The screens of the Forum meeting's presentation, one function a kind of screen
(core.presentation plans them). Each fits a 1280 by 720 screen in presentation type;
every figure comes from the meeting's figures as the viewer may see them
(services.meetings.MeetingFigures applies disclosure control)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components.badges import status_markdown
from components.charts import show_chart
from components.metric_chart import metric_chart_spec
from components.present_style import CHART_HEIGHT, presentation_chart
from core import meetings as words
from core import presentation as plan
from core import quarterly as rules
from core.disclosure import percentage_note
from core.feedback_rules import format_days, format_share
from core.formatting import escape_markdown
from core.projects import COMMITMENT_RULE
from core.statuses import FEEDBACK_STATUSES, PROGRESS_STATUSES, PROJECT_STATUSES
from services.meetings import MeetingFigures

#: The newest quarters a metric's screen lists beside its chart (the pack has them all).
TABLE_QUARTERS = 6
#: The metrics a theme's screen names (each has its own screen after it).
THEME_METRICS_LISTED = 6


def plan_for(figures: MeetingFigures) -> list[plan.Screen]:
    """The screens of this meeting, from its figures."""
    metrics = [
        plan.MetricOnScreen(int(m["metric_id"]), int(m["theme_id"]), f"{m['code']}: {m['name']}")
        for m in figures.metrics.to_dict("records")
    ]
    quarters = [
        plan.QuarterToReview(item.state.label, len(item.names), len(item.missing))
        for item in figures.quarters
    ]
    return plan.plan_screens(
        themes=list(zip(figures.themes["theme_id"], figures.themes["theme"], strict=True)),
        metrics=metrics,
        quarters=quarters,
        projects=len(figures.projects),
        waiting=len(figures.waiting),
        answered=len(figures.answered),
        decisions=[len(str(text)) for text in figures.decisions["text"]],
    )


def _escaped(table: pd.DataFrame) -> pd.DataFrame:
    """A table for ``st.table`` (which renders markdown in its cells): text escaped."""
    return table.map(lambda v: escape_markdown(v) if isinstance(v, str) else v)


def _table(table: pd.DataFrame) -> None:
    st.table(_escaped(table), hide_index=True)


# --- the quarterly figures to review ----------------------------------------------------------


def quarter_screen(figures: MeetingFigures, screen: plan.Screen, threshold: int) -> None:
    """A quarter's figures beside the quarter before's, a screenful of metrics at a time."""
    item = figures.quarters[int(screen.item or 0)]
    style = rules.STAGES[item.state.stage]
    stage = escape_markdown(f"{style.symbol} {style.label}")
    st.markdown(f"**{stage}**: {escape_markdown(style.meaning)}")
    table = item.changes(threshold, controlled=figures.controlled)
    _table(table.iloc[screen.start : screen.stop])


def reasons_screen(figures: MeetingFigures, screen: plan.Screen, _threshold: int) -> None:
    """Why some metrics have no value for the quarter."""
    item = figures.quarters[int(screen.item or 0)]
    lines = item.missing[screen.start : screen.stop]
    st.markdown("\n".join(f"- {escape_markdown(plan.shorten(line))}" for line in lines))


# --- a theme and its metrics ------------------------------------------------------------------


def theme_screen(figures: MeetingFigures, screen: plan.Screen, _threshold: int) -> None:
    """A theme's status, why, its actions complete and its metrics by status."""
    themes = figures.themes
    row = themes[themes["theme_id"] == screen.item].iloc[0]
    style = PROGRESS_STATUSES[row["status"]]
    cols = st.columns(3)
    cols[0].metric("Status", style.label, icon=f":material/{style.icon}:")
    cols[1].metric("Metrics with a score", f"{row['metrics_counted']} of {row['metrics_total']}")
    total = int(row["actions_total"])
    cols[2].metric(
        "Actions complete",
        f"{int(row['actions_complete'])} of {total}" if total else "No actions",
    )
    st.markdown(f"### {escape_markdown(plan.shorten(row['explanation']))}")
    mine = figures.metrics[figures.metrics["theme_id"] == screen.item]
    if mine.empty:
        st.markdown("No metrics are set up for this theme yet.")
        return
    listed = mine.head(THEME_METRICS_LISTED).to_dict("records")
    lines = [
        f"- {status_markdown(PROGRESS_STATUSES[m['status']])} "
        + escape_markdown(plan.shorten(str(m["code"]) + ": " + str(m["name"]), 90))
        for m in listed
    ]
    st.markdown("\n".join(lines))
    if len(mine) > len(listed):
        st.markdown(f"…and {len(mine) - len(listed)} more, each on a screen of its own.")


def _explanation(
    figures: MeetingFigures, metric: dict[str, Any], shown: Any, threshold: int
) -> str:
    """The metric's status sentence, as the viewer may see it."""
    if not figures.controlled:
        return metric["explanation"]
    return words.disclose_explanation(
        metric["explanation"],
        metric["unit"],
        threshold,
        suppressed=shown.starred > 0,
        counts_people=bool(metric["counts_people"]),
        shown=shown,
    )


def metric_screen(figures: MeetingFigures, screen: plan.Screen, threshold: int) -> None:
    """A metric: its status in words, its chart in presentation type and, beside the
    chart, the newest quarters' figures (disclosure control for forum members)."""
    found = figures.metrics[figures.metrics["metric_id"] == screen.item]
    metric = found.iloc[0].to_dict()
    shown = figures.metric_values(metric, threshold)
    style = PROGRESS_STATUSES[metric["status"]]
    explanation = plan.shorten(_explanation(figures, metric, shown, threshold), 240)
    st.markdown(f"{status_markdown(style)} {escape_markdown(explanation)}")
    if shown.table.empty:
        st.markdown("No values have been recorded for this metric yet.")
        return
    left, right = st.columns([1, 1], gap="medium")
    with left:
        spec = metric_chart_spec(
            pd.Series(metric),
            shown.chart,
            title=f"{metric['code']} values by quarter",
            height=CHART_HEIGHT,
        )
        show_chart(
            presentation_chart(spec),
            downloads=False,
            width="stretch",
            key=f"present-chart-{screen.item}",
        )
    with right.container(key="present-figures"):
        _table(words.tidy(shown.newest(TABLE_QUARTERS).table))
        note = f"The newest {TABLE_QUARTERS} quarters; the meeting pack has them all."
        if figures.controlled and bool(metric["counts_people"]):
            note += " " + percentage_note(threshold)
        st.caption(note)


# --- projects, feedback and decisions ---------------------------------------------------------


def projects_screen(figures: MeetingFigures, screen: plan.Screen, threshold: int) -> None:
    """A screenful of the region's community projects, with the count on the first."""
    projects, aim, counted = figures.projects, figures.project_aim, figures.projects_counted
    if screen.start == 0:
        count = f"{len(projects)} projects; {counted} active or completed"
        st.markdown(count + (f" (the region's own aim: {aim})." if aim else "."))
        st.caption(COMMITMENT_RULE)
    if projects.empty:
        st.markdown("### No community projects are recorded yet.")
        return
    for row in projects.iloc[screen.start : screen.stop].to_dict("records"):
        style = PROJECT_STATUSES[row["status"]]
        reached = words.people_reached(
            row["people_reached"], threshold, controlled=figures.controlled
        )
        st.markdown(f"### {escape_markdown(plan.shorten(row['title'], 100))}")
        st.markdown(
            f"{status_markdown(style)} **Where:** {escape_markdown(row['place'] or 'not recorded')}"
            f" · **People reached:** {reached}"
        )
        if row["outcomes"]:
            st.markdown(f"**Outcomes:** {escape_markdown(plan.shorten(row['outcomes'], 240))}")
        if row["next_steps"]:
            st.markdown(f"**Next steps:** {escape_markdown(plan.shorten(row['next_steps'], 160))}")


def feedback_screen(figures: MeetingFigures, _screen: plan.Screen, _threshold: int) -> None:
    """The region's feedback figures."""
    shown = figures.feedback(date.today())
    top, bottom = st.columns(2), st.columns(2)
    top[0].metric("Feedback items", f"{shown.total:,}")
    top[1].metric("Answered", format_share(shown.share_answered))
    bottom[0].metric("Median time to respond", format_days(shown.median_days_to_respond))
    bottom[1].metric("Still waiting for a response", f"{shown.waiting:,}")


def waiting_screen(figures: MeetingFigures, screen: plan.Screen, _threshold: int) -> None:
    """A screenful of the feedback still waiting, oldest first."""
    waiting = figures.waiting.sort_values("received_on")
    if waiting.empty:
        st.markdown("No feedback is waiting for a response.")
        return
    for row in waiting.iloc[screen.start : screen.stop].to_dict("records"):
        st.markdown(
            f"#### You said: {escape_markdown(plan.shorten(row['summary'], 160))}\n\n"
            f"{escape_markdown(row['source'])}, received {row['received_on']:%d %B %Y} "
            f"({FEEDBACK_STATUSES[row['status']].label})"
        )
    if screen.stop == min(len(waiting), plan.WAITING_SHOWN) < len(waiting):
        st.markdown(f"…and {len(waiting) - screen.stop} more, listed in the meeting pack.")


def answered_screen(figures: MeetingFigures, screen: plan.Screen, _threshold: int) -> None:
    """A screenful of the feedback answered most recently: you said, we did."""
    recent = figures.answered.sort_values("responded_on", ascending=False)
    if recent.empty:
        st.markdown("No feedback has been answered yet.")
        return
    for row in recent.iloc[screen.start : screen.stop].to_dict("records"):
        st.markdown(
            f"#### You said: {escape_markdown(plan.shorten(row['summary'], 160))}\n\n"
            f"**We did:** {escape_markdown(plan.shorten(row['response'], 240))}"
        )


def decisions_screen(figures: MeetingFigures, screen: plan.Screen, _threshold: int) -> None:
    """A screenful of the meeting's decisions, as wrapped text (never cut off)."""
    if figures.decisions.empty:
        st.markdown("No decisions have been recorded for this meeting yet.")
        return
    table = words.decisions_table(figures.decisions).iloc[screen.start : screen.stop]
    for row in table.to_dict("records"):
        with st.container(border=True):
            if row["Theme"]:
                st.caption(escape_markdown(row["Theme"]))
            st.markdown(escape_markdown(row["Decision"]))
            st.markdown(f"**New plan action:** {escape_markdown(row['New plan action'])}")


#: The function that draws each kind of screen.
DRAW: dict[str, Callable[[MeetingFigures, plan.Screen, int], None]] = {
    plan.QUARTER: quarter_screen,
    plan.REASONS: reasons_screen,
    plan.THEME: theme_screen,
    plan.METRIC: metric_screen,
    plan.PROJECTS: projects_screen,
    plan.FEEDBACK: feedback_screen,
    plan.WAITING: waiting_screen,
    plan.ANSWERED: answered_screen,
    plan.DECISIONS: decisions_screen,
}
