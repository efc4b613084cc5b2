"""Forum meeting: a region's Regional Forum meeting, opening on what changed since the last
one; a presentation mode for the screen in the room (one agenda section at a time, large
type, no editing controls); decisions and new plan actions recorded during the meeting
(regional leads and administrators); and the meeting pack to circulate (PDF)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from components.badges import status_markdown
from components.charts import show_chart
from components.context import current
from components.downloads import download_buttons
from components.metric_chart import metric_chart_spec
from components.region_picker import choose_region
from core import meetings as words
from core.disclosure import SUPPRESSED, percentage_note, rule_text, suppress_count
from core.feedback_rules import WAITING_STATUSES, feedback_figures, format_days, format_share
from core.formatting import escape_markdown
from core.permissions import Action, PermissionDenied, Role, can
from core.statuses import FEEDBACK_STATUSES, PROGRESS_STATUSES, PROJECT_STATUSES
from db import feedback as db_feedback
from db import meetings as db_meetings
from db import plan
from db import projects as db_projects
from db.theme_progress import theme_statuses
from db.writes import StaleWrite, WriteRefused
from reports.meeting_pack import build_meeting_pack, file_name

ctx = current()
threshold = ctx.settings.disclosure_threshold
#: Forum members see figures below national level with disclosure control applied.
disclosed = ctx.actor.role == Role.FORUM_MEMBER


def flash(text: str, *, problem: bool = False) -> None:
    """Keep a message to show after the rerun that shows the saved data."""
    st.session_state["forum-flash"] = (text, problem)


def show_flash() -> None:
    kept = st.session_state.pop("forum-flash", None)
    if kept:
        text, problem = kept
        if problem:
            st.error(escape_markdown(text), icon=":material/sync_problem:")
        else:
            st.success(escape_markdown(text), icon=":material/check_circle:")


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


st.title("Forum meeting")
region_id, region_name = choose_region(ctx)
manage = can(ctx.actor, Action.MANAGE_MEETINGS, region_id)
show_flash()

with Session(ctx.engine) as session:
    meetings = db_meetings.region_meetings(session, region_id)


# --- starting a meeting -------------------------------------------------------------------


def meeting_form(prefix: str, record: dict | None) -> tuple[bool, dict]:
    """The meeting's details as a form; (submitted, values)."""
    with st.form(prefix, clear_on_submit=record is None):
        day = st.date_input(
            "Meeting date",
            value=record["meeting_date"] if record else date.today(),
            format="DD/MM/YYYY",
        )
        attendees = st.number_input(
            "How many people attended (leave blank if not known)",
            min_value=0,
            max_value=db_meetings.ATTENDEES_MAX,
            value=record["attendees_count"] if record else None,
            step=1,
        )
        chair = st.text_input(
            "Who chaired the meeting",
            value=record["chair"] if record else "",
            max_chars=db_meetings.CHAIR_MAX,
        )
        notes = st.text_area(
            "Notes (optional)",
            value=record["notes"] if record else "",
            max_chars=db_meetings.NOTES_MAX,
        )
        label = "Save the meeting's details" if record else "Start the meeting"
        submitted = st.form_submit_button(label, type="primary", icon=":material/save:")
    return submitted, {
        "meeting_date": day,
        "attendees_count": attendees,
        "chair": chair,
        "notes": notes,
    }


def start_meeting_view() -> None:
    with st.expander("Start a new meeting", icon=":material/add:", expanded=meetings.empty):
        submitted, values = meeting_form(f"forum-new-{region_id}", None)
    if not submitted:
        return
    try:
        new_id = db_meetings.create_meeting(ctx.engine, ctx.actor, region_id, **values)
    except (WriteRefused, PermissionDenied) as exc:
        st.error(escape_markdown(str(exc)), icon=":material/error:")
        return
    st.session_state[f"forum-new-meeting-{region_id}"] = new_id  # chosen on the next run
    flash(f"The meeting on {values['meeting_date']:%d %B %Y} has been started.")
    st.rerun()


if meetings.empty:
    st.info(
        f"No Regional Forum meetings are recorded for {escape_markdown(region_name)} yet."
        + (" Start one below." if manage else " The regional lead records them."),
        icon=":material/info:",
    )
    if manage:
        start_meeting_view()
    st.stop()

labels = {
    int(row.id): db_meetings.meeting_words(row.meeting_date, row.attendees_count, row.chair)
    for row in meetings.itertuples()
}
choice_key = f"forum-meeting-{region_id}"
if (started := st.session_state.pop(f"forum-new-meeting-{region_id}", None)) in labels:
    st.session_state[choice_key] = started
if st.session_state.get(choice_key) not in labels:
    st.session_state.pop(choice_key, None)
meeting_id = st.selectbox(
    "Meeting (newest first)", list(labels), format_func=labels.get, key=choice_key
)
meeting = meetings[meetings["id"] == meeting_id].iloc[0]
meeting_date: date = meeting["meeting_date"]
present = st.toggle(
    "Present on a shared screen",
    key="forum-present",
    help="Shows one agenda section at a time in large type, with no editing controls. "
    "Use the Previous and Next buttons (or the left and right arrow keys).",
)
if manage and not present:
    start_meeting_view()

with Session(ctx.engine) as session:
    themes = theme_statuses(session, [region_id])
    tags_note = plan.theme_tags_note(session)
    project_aim = db_projects.project_aims(session, [region_id]).get(region_id)
    metrics, values = db_meetings.theme_metrics(session, region_id)
    changes = db_meetings.changes_since_last_meeting(session, region_id, meeting_id)
    window = db_meetings.meeting_window(session, meeting_id)
    decisions = db_meetings.meeting_decisions(session, meeting_id)
    record = db_meetings.meeting_record(session, meeting_id)
    waiting = db_feedback.feedback_items(session, region_id, statuses=sorted(WAITING_STATUSES))
    answered = db_feedback.feedback_items(session, region_id, statuses=["responded", "closed"])
    timings = db_feedback.feedback_timings(session, [region_id])
    projects = db_projects.projects(session, [region_id])
    if manage:
        action_areas = plan.action_areas(session)


# --- shared pieces ----------------------------------------------------------------------------


def metric_figures(metric: pd.Series) -> words.DisclosedValues:
    """One metric's values as this viewer sees them (disclosure control for forum
    members): the chart's points, the table and the figures hidden all come from the
    same rows, oldest first."""
    mine = values[values["metric_id"] == metric["metric_id"]]
    return words.disclose_metric_values(
        mine,
        metric["unit"],
        threshold,
        counts_people=bool(metric["counts_people"]),
        controlled=disclosed,
    )


def tidy(table: pd.DataFrame) -> pd.DataFrame:
    """The table without columns that are empty throughout (such as Note)."""
    keep = [c for c in table.columns if c == "Quarter" or table[c].astype(str).str.strip().any()]
    return table[keep]


def metric_view(metric: pd.Series, *, key: str) -> None:
    """A metric in large type: its name, status in words, the chart and (folded) its
    figures, with disclosure control for forum members."""
    shown = metric_figures(metric)
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
        metric, shown.chart, title=f"{metric['code']} values by quarter", height=300
    )
    show_chart(chart, width="stretch", key=f"{key}-chart")
    with st.expander("The figures behind this chart"):
        if disclosed and bool(metric["counts_people"]):
            st.caption(percentage_note(threshold))
        st.dataframe(tidy(table), hide_index=True, width="stretch", key=f"{key}-table")
        download_buttons(tidy(table), f"{slug(region_name)}-{slug(metric['code'])}", key=key)


def people_reached(value: object) -> str:
    if value is None or pd.isna(value):
        return "not recorded"
    if disclosed:
        shown = suppress_count(int(value), threshold=threshold)
        return "fewer than 5" if shown == SUPPRESSED else f"about {shown:,}"
    return f"{int(value):,}"


def projects_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Project": projects["title"],
            "Status": [PROJECT_STATUSES[s].label for s in projects["status"]],
            "Place": projects["place"],
            "Communities engaged": projects["communities_engaged"],
            "People reached": [people_reached(v) for v in projects["people_reached"]],
            "Partners": projects["partners"],
        }
    )


def feedback_metrics() -> None:
    figures = feedback_figures(timings.to_dict("records"), date.today())
    cols = st.columns(4)
    cols[0].metric("Feedback items", f"{figures.total:,}")
    cols[1].metric("Answered", format_share(figures.share_answered))
    cols[2].metric("Median time to respond", format_days(figures.median_days_to_respond))
    cols[3].metric("Still waiting for a response", f"{figures.waiting:,}")


def waiting_table() -> pd.DataFrame:
    ordered = waiting.sort_values("received_on")
    return pd.DataFrame(
        {
            "Received": ordered["received_on"],
            "From": ordered["source"],
            "Theme": ordered["theme_name"].fillna(""),
            "You said": ordered["summary"],
            "Status": [FEEDBACK_STATUSES[s].label for s in ordered["status"]],
        }
    )


# --- presentation mode --------------------------------------------------------------------------

sections = words.agenda(list(zip(themes["theme_id"], themes["theme"], strict=True)))
section_key = f"forum-section-{meeting_id}"


def move(step: int) -> None:
    st.session_state[section_key] = words.clamp_section(
        st.session_state.get(section_key, 0) + step, len(sections)
    )


def theme_section(theme_id: int) -> None:
    row = themes[themes["theme_id"] == theme_id].iloc[0]
    style = PROGRESS_STATUSES[row["status"]]
    cols = st.columns(3)
    cols[0].metric("Status", style.label, icon=f":material/{style.icon}:")
    cols[1].metric("Metrics with a score", f"{row['metrics_counted']} of {row['metrics_total']}")
    total = int(row["actions_total"])
    cols[2].metric(
        "Actions complete",
        f"{int(row['actions_complete'])} of {total}" if total else "No actions",
        help=tags_note,
    )
    st.markdown(f"### {escape_markdown(row['explanation'])}")
    mine = metrics[metrics["theme_id"] == theme_id]
    if mine.empty:
        st.info("No metrics are set up for this theme yet.", icon=":material/info:")
    for metric in mine.to_dict("records"):
        metric_view(pd.Series(metric), key=f"present-{metric['metric_id']}")


def projects_section() -> None:
    counted = int(projects["status"].isin(db_projects.COUNTS_TOWARD).sum())
    cols = st.columns(2)
    cols[0].metric("Projects", f"{len(projects)}")
    # The plan's three is across the organisation: a region is measured only against
    # an aim of its own, when it has set one.
    cols[1].metric(
        "Active or completed",
        f"{counted} of {project_aim} (own aim)" if project_aim else f"{counted}",
        help=db_projects.COMMITMENT_RULE,
    )
    if projects.empty:
        st.markdown("### No community projects are recorded yet.")
        return
    for row in projects.to_dict("records"):
        style = PROJECT_STATUSES[row["status"]]
        st.subheader(escape_markdown(row["title"]), anchor=False)
        st.markdown(
            f"{status_markdown(style)} **Where:** {escape_markdown(row['place'] or 'not recorded')}"
            f" · **People reached:** {people_reached(row['people_reached'])}"
        )
        if row["outcomes"]:
            st.markdown(f"**Outcomes:** {escape_markdown(row['outcomes'])}")
        if row["next_steps"]:
            st.markdown(f"**Next steps:** {escape_markdown(row['next_steps'])}")
    with st.expander("All projects as a table"):
        table = projects_table()
        st.dataframe(table, hide_index=True, width="stretch")
        download_buttons(table, f"projects-{slug(region_name)}", key="present-projects")


def feedback_section() -> None:
    feedback_metrics()
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
    recent = answered.sort_values("responded_on", ascending=False).head(3)
    if recent.empty:
        st.markdown("No feedback has been answered yet.")
    for row in recent.to_dict("records"):
        st.markdown(
            f"#### You said: {escape_markdown(row['summary'])}\n\n"
            f"**We did:** {escape_markdown(row['response'])}"
        )


def presentation() -> None:
    index = words.clamp_section(st.session_state.get(section_key, 0), len(sections))
    st.session_state[section_key] = index
    section = sections[index]
    st.markdown(f"## {words.section_words(index, len(sections))}: {escape_markdown(section.title)}")
    st.caption(
        f"{escape_markdown(region_name)} Regional Forum, {meeting_date:%d %B %Y}. "
        + ("Figures follow NHS disclosure control. " if disclosed else "")
        + "Keys: left and right arrows move between sections."
    )
    buttons = st.container(horizontal=True)
    buttons.button(
        "Previous",
        icon=":material/arrow_back:",
        on_click=move,
        args=(-1,),
        disabled=index == 0,
        key="forum-previous",
        shortcut="Left",
    )
    buttons.button(
        "Next",
        icon=":material/arrow_forward:",
        on_click=move,
        args=(1,),
        disabled=index == len(sections) - 1,
        type="primary",
        key="forum-next",
        shortcut="Right",
    )
    if section.kind == "theme":
        theme_section(int(section.theme_id))
    elif section.kind == "projects":
        projects_section()
    else:
        feedback_section()


if present:
    presentation()
    st.stop()


# --- the normal view --------------------------------------------------------------------------

st.header(f"{escape_markdown(region_name)} Regional Forum, {meeting_date:%d %B %Y}", anchor=False)
details = []
if pd.notna(meeting["attendees_count"]):
    details.append(f"{int(meeting['attendees_count'])} attending")
if meeting["chair"]:
    details.append(f"chaired by {escape_markdown(meeting['chair'])}")
if details:
    line = ", ".join(details)
    st.markdown(line[:1].upper() + line[1:] + ".")
if meeting["notes"]:
    st.markdown(f"**Notes:** {escape_markdown(meeting['notes'])}")

st.download_button(
    "Download the meeting pack (PDF)",
    data=lambda: build_meeting_pack(
        ctx.engine,
        region_id,
        meeting_id,
        disclosure_threshold=threshold,
        demo=ctx.settings.demo_mode,
    ),
    file_name=file_name(region_name, meeting_date),
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
    key=f"forum-pack-{meeting_id}",
)
st.caption(
    "The pack has the theme statuses, every metric's chart with its figures, what changed "
    "since the last meeting, the open feedback and the decisions. It is ready to circulate "
    "whoever downloads it. " + rule_text(threshold)
)

# Since the last meeting.
st.subheader("Since the last meeting", anchor=False)
st.write(window.sentence)
if changes.empty:
    st.info("Nothing was recorded in this period.", icon=":material/info:")
else:
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
        download_buttons(table, f"since-last-meeting-{slug(region_name)}", key="forum-changes")

# Decisions.
st.subheader("Decisions and new actions", anchor=False)
if decisions.empty:
    st.write("No decisions have been recorded for this meeting yet.")
else:
    table = db_meetings.decisions_table(decisions)
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, f"decisions-{slug(region_name)}-{meeting_date}", key="forum-decisions")

if manage:
    theme_names = dict(zip(themes["theme_id"], themes["theme"], strict=True))
    area_names = dict(zip(action_areas["id"], action_areas["name"], strict=True))
    round_key = f"forum-decision-round-{meeting_id}"
    with st.form(f"forum-decision-{meeting_id}-{st.session_state.get(round_key, 0)}"):
        st.markdown("**Record a decision**")
        theme_id = st.selectbox(
            "Theme the decision is about", list(theme_names), format_func=theme_names.get
        )
        text = st.text_area("Decision", max_chars=db_meetings.DECISION_MAX)
        create = st.checkbox("Also add a new action to the local plan for this theme")
        st.caption("Only used when a new action is added:")
        title = st.text_input(
            "Action title (the decision's words if left blank)", max_chars=plan.TITLE_MAX
        )
        area_id = st.selectbox("Action area", list(area_names), format_func=area_names.get)
        owner = st.text_input("Action owner (optional)", max_chars=plan.OWNER_MAX)
        due = st.date_input("Action due date (optional)", value=None, format="DD/MM/YYYY")
        submitted = st.form_submit_button(
            "Record the decision", type="primary", icon=":material/gavel:"
        )
    if submitted:
        try:
            result = db_meetings.record_decision(
                ctx.engine,
                ctx.actor,
                meeting_id,
                theme_id,
                text,
                create_action=create,
                action_area_id=area_id,
                owner=owner,
                due_date=due,
                action_title=title or None,
            )
        except (WriteRefused, PermissionDenied) as exc:
            st.error(escape_markdown(str(exc)), icon=":material/error:")
        else:
            st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
            flash(
                "The decision has been recorded"
                + (" and the new action added to the local plan." if result.action_id else ".")
            )
            st.rerun()

# The agenda at a glance.
st.subheader("The themes at a glance", anchor=False)
summary = pd.DataFrame(
    {
        "Theme": themes["theme"],
        "Status": themes["status_label"],
        "Why": themes["explanation"],
        "Actions complete": [
            f"{c} of {t}" if t else "No actions"
            for c, t in zip(themes["actions_complete"], themes["actions_total"], strict=True)
        ],
    }
)
st.dataframe(summary, hide_index=True, width="stretch")
download_buttons(summary, f"theme-statuses-{slug(region_name)}", key="forum-themes")
if tags_note:
    st.caption(tags_note)
st.caption(
    "Switch on “Present on a shared screen” to go through the themes, the projects and "
    "the feedback one section at a time."
)

with st.expander("Feedback still waiting for a response"):
    feedback_metrics()
    table = waiting_table()
    if table.empty:
        st.write("No feedback is waiting for a response.")
    else:
        st.dataframe(table, hide_index=True, width="stretch")
        download_buttons(table, f"open-feedback-{slug(region_name)}", key="forum-waiting")

if manage:
    with st.expander("Correct this meeting's details", icon=":material/edit:"):
        submitted, new = meeting_form(f"forum-edit-{meeting_id}", record)
    if submitted:
        try:
            changed = db_meetings.update_meeting(
                ctx.engine, ctx.actor, meeting_id, **new, expected=record
            )
        except StaleWrite as exc:
            flash(str(exc), problem=True)
            st.rerun()
        except (WriteRefused, PermissionDenied) as exc:
            st.error(escape_markdown(str(exc)), icon=":material/error:")
        else:
            flash("The meeting's details have been saved." if changed else "Nothing changed.")
            st.rerun()
