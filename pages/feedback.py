"""Feedback: "You said, we did". The patient and carer feedback mechanism (PCREF part 3).

Forum members and regional leads add feedback for their region; regional leads answer it.
Everyone sees the share answered, the time it takes to respond and what is still waiting.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from components.badges import status_markdown
from components.context import current
from components.downloads import download_buttons
from components.history import history_view
from components.region_picker import choose_region
from core.feedback_rules import (
    ANSWERED_STATUSES,
    NO_PERSONAL_DETAILS,
    RESPONSE_MAX_CHARS,
    SUMMARY_MAX_CHARS,
    days_to_respond,
    feedback_figures,
    format_days,
    format_share,
)
from core.formatting import escape_markdown as md
from core.permissions import Action, PermissionDenied, can
from core.statuses import FEEDBACK_SOURCES, FEEDBACK_STATUSES
from db import queries
from db.feedback import (
    add_feedback,
    feedback_figures_by_region,
    feedback_items,
    feedback_table,
    feedback_timings,
    linkable_actions,
    respond_to_feedback,
    update_feedback_status,
)
from db.writes import StaleWrite, WriteRefused

FLASH = "feedback-flash"
ADD_FORM_ROUND = "feedback-add-round"
LIST_LIMIT = 30
NO_THEME = "Not about one theme"
NO_ACTION = 0
#: The status offered first when changing only the status (closed: reopen it).
NEXT_STATUS = {
    "received": "in_progress",
    "in_progress": "responded",
    "responded": "closed",
    "closed": "in_progress",
}

ctx = current()
today = date.today()
st.title("Feedback: you said, we did")
st.write(
    "Feedback from service users, carers, Experts by Experience, the advisory boards, "
    "Regional Forums and partners, and what we did about it."
)
region_id, region_name = choose_region(ctx, key="feedback-region")
may_add = can(ctx.actor, Action.ADD_FEEDBACK, region_id)
may_respond = can(ctx.actor, Action.RESPOND_FEEDBACK, region_id)
see_all = can(ctx.actor, Action.VIEW_ALL_REGIONS)

with Session(ctx.engine) as session:
    themes = queries.monitoring_themes(session)
    timings = feedback_timings(session, [region_id])
    all_regions = queries.regions(session) if see_all else None
    all_figures = (
        feedback_figures_by_region(session, all_regions["id"].tolist(), today) if see_all else None
    )
theme_names = dict(zip(themes["id"], themes["name"], strict=True))


def day(value: date | None) -> str:
    return value.strftime("%-d %b %Y") if isinstance(value, date) else ""


def flash(kind: str, message: str) -> None:
    st.session_state[FLASH] = (kind, message)


def show_flash() -> None:
    if FLASH in st.session_state:
        kind, message = st.session_state.pop(FLASH)
        (st.success if kind == "success" else st.warning)(message)


# --- headline figures -------------------------------------------------------------


def headline() -> None:
    figures = feedback_figures(timings.to_dict("records"), today)
    st.header(f"How feedback is answered in {md(region_name)}", anchor=False)
    answered, median, waiting, oldest = st.columns(4)
    answered.metric(
        "Answered",
        format_share(figures.share_answered),
        help="Feedback marked Responded or Closed, out of all feedback received.",
    )
    answered.caption(f"{figures.answered} of {figures.total} items")
    median.metric(
        "Median time to respond",
        format_days(figures.median_days_to_respond),
        help="Half of the answered feedback was answered faster than this.",
    )
    waiting.metric(
        "Still waiting",
        figures.waiting,
        help="Feedback Received or In progress, with no response yet.",
    )
    oldest.metric(
        "Oldest waiting",
        "None waiting"
        if figures.oldest_waiting_days is None
        else format_days(figures.oldest_waiting_days),
        help="How long the oldest feedback still waiting has waited.",
    )


# --- adding -----------------------------------------------------------------------


def add_form() -> None:
    with st.expander("Add feedback", icon=":material/add_comment:"):
        st.info(NO_PERSONAL_DETAILS, icon=":material/privacy_tip:")
        round_ = st.session_state.get(ADD_FORM_ROUND, 0)
        with st.form(f"feedback-add-{round_}"):
            source = st.selectbox("Who the feedback came from", FEEDBACK_SOURCES)
            received = st.date_input(
                "Date received", value=today, max_value=today, format="DD/MM/YYYY"
            )
            theme = st.selectbox(
                "Theme", [None, *theme_names], format_func=lambda t: theme_names.get(t, NO_THEME)
            )
            summary = st.text_area(
                "What they said (a short summary)",
                max_chars=SUMMARY_MAX_CHARS,
                help=f"Up to {SUMMARY_MAX_CHARS} characters. {NO_PERSONAL_DETAILS}",
            )
            submitted = st.form_submit_button("Add feedback", type="primary")
        if submitted:
            try:
                add_feedback(ctx.engine, ctx.actor, region_id, source, received, summary, theme)
            except (WriteRefused, PermissionDenied) as exc:
                st.error(md(str(exc)))
                return
            st.session_state[ADD_FORM_ROUND] = round_ + 1
            flash("success", "Thank you. The feedback has been added.")
            st.rerun()


# --- the list ---------------------------------------------------------------------


def filters() -> tuple[list[str] | None, list[int] | None, list[str] | None]:
    status_col, theme_col, source_col = st.columns(3)
    statuses = status_col.multiselect(
        "Status",
        list(FEEDBACK_STATUSES),
        format_func=lambda s: FEEDBACK_STATUSES[s].label,
        placeholder="All statuses",
        key="feedback-filter-status",
    )
    chosen_themes = theme_col.multiselect(
        "Theme",
        list(theme_names),
        format_func=theme_names.get,
        placeholder="All themes",
        key="feedback-filter-theme",
    )
    sources = source_col.multiselect(
        "Source",
        list(FEEDBACK_SOURCES),
        placeholder="All sources",
        key="feedback-filter-source",
    )
    return statuses or None, chosen_themes or None, sources or None


def waiting_sentence(row: pd.Series) -> str:
    if row["status"] in ANSWERED_STATUSES and isinstance(row["responded_on"], date):
        days = days_to_respond(row["received_on"], row["responded_on"])
        return f"Answered on {day(row['responded_on'])}, after {format_days(days)}."
    if row["status"] in ANSWERED_STATUSES:
        return "Answered."
    return f"Waiting for a response for {format_days(max((today - row['received_on']).days, 0))}."


def item_card(row: pd.Series, where: str) -> None:
    """One item, "You said" and "We did"; ``where`` ("list" or "detail") keys its box."""
    style = FEEDBACK_STATUSES[row["status"]]
    theme = row["theme_name"] if isinstance(row["theme_name"], str) else NO_THEME
    with st.container(border=True, key=f"feedback-{where}-{int(row['id'])}"):
        st.markdown(
            f"{status_markdown(style)} **{md(row['source'])}**, received "
            f"{day(row['received_on'])} · {md(theme)}"
        )
        st.markdown(f"**You said:** {md(row['summary'])}")
        if row["response"]:
            st.markdown(f"**We did:** {md(row['response'])}")
        if row["action_taken"]:
            st.markdown(f"**Action taken:** {md(row['action_taken'])}")
        if isinstance(row["action_title"], str):
            st.markdown(
                f"**Plan action it led to:** {md(row['action_code'])} {md(row['action_title'])}"
            )
        st.caption(waiting_sentence(row))


def the_list(items: pd.DataFrame, filtered: bool) -> None:
    if items.empty:
        st.write(
            "No feedback matches these filters."
            if filtered
            else f"No feedback has been recorded for {md(region_name)} yet."
        )
        return
    shown = items.head(LIST_LIMIT)
    if len(items) > LIST_LIMIT:
        st.caption(
            f"Showing the {LIST_LIMIT} newest of {len(items)} items. Use the filters, or "
            "see them all in the table below."
        )
    else:
        st.caption(f"{len(items)} item{'s' if len(items) != 1 else ''}, newest first.")
    for _, row in shown.iterrows():
        item_card(row, "list")
    with st.expander("All of this feedback as a table"):
        table = feedback_table(items)
        st.dataframe(table, hide_index=True, width="stretch")
        download_buttons(table, f"feedback-{region_name.lower().replace(' ', '-')}", key="fb-list")


# --- one item: history and responding ---------------------------------------------


def item_label(row: pd.Series) -> str:
    summary = row["summary"] if len(row["summary"]) <= 60 else row["summary"][:57] + "..."
    return f"{day(row['received_on'])}, {row['source']}: {summary}"


def respond_forms(row: pd.Series, actions: pd.DataFrame) -> None:
    feedback_id = int(row["id"])
    loaded_key = f"feedback-loaded-{feedback_id}"
    # The version this person first saw, so a change made meanwhile by someone else is
    # caught (the page rereads the database on every run, including the save's).
    loaded = st.session_state.setdefault(loaded_key, int(row["version"]))
    action_titles = {NO_ACTION: "No linked plan action"} | {
        int(a.id): f"{a.code} {a.title}".strip() for a in actions.itertuples()
    }
    current_action = int(row["action_id"]) if pd.notna(row["action_id"]) else NO_ACTION
    statuses = list(FEEDBACK_STATUSES)
    default_status = "responded" if row["status"] == "received" else row["status"]

    with st.form(f"feedback-respond-{feedback_id}-{loaded}"):
        st.markdown("**Respond: what we did**")
        response = st.text_area(
            "We did (the response people will see)",
            value=row["response"],
            max_chars=RESPONSE_MAX_CHARS,
        )
        action_taken = st.text_area(
            "Action taken", value=row["action_taken"], max_chars=RESPONSE_MAX_CHARS
        )
        status = st.selectbox(
            "Status",
            statuses,
            index=statuses.index(default_status),
            format_func=lambda s: FEEDBACK_STATUSES[s].label,
        )
        action_id = st.selectbox(
            "Plan action it led to",
            list(action_titles),
            index=list(action_titles).index(current_action)
            if current_action in action_titles
            else 0,
            format_func=action_titles.get,
        )
        st.caption(
            "Marking it Responded or Closed records today as the response date (the first "
            "response date is kept if it was answered before). " + NO_PERSONAL_DETAILS
        )
        save = st.form_submit_button("Save response", type="primary")
    if save:
        run_write(
            loaded_key,
            "The response has been saved.",
            lambda: respond_to_feedback(
                ctx.engine,
                ctx.actor,
                feedback_id,
                loaded,
                response,
                action_taken,
                status,
                None if action_id == NO_ACTION else action_id,
            ),
        )

    with st.form(f"feedback-status-{feedback_id}-{loaded}"):
        st.markdown("**Change only the status**")
        others = [s for s in statuses if s != row["status"]]
        new_status = st.selectbox(
            "New status",
            others,
            index=others.index(NEXT_STATUS[row["status"]]),
            format_func=lambda s: FEEDBACK_STATUSES[s].label,
        )
        reason = st.text_input("Reason (optional)", max_chars=200)
        change = st.form_submit_button("Change status")
    if change:
        run_write(
            loaded_key,
            f"The status is now {FEEDBACK_STATUSES[new_status].label}.",
            lambda: update_feedback_status(
                ctx.engine, ctx.actor, feedback_id, loaded, new_status, reason
            ),
        )


def run_write(loaded_key: str, done: str, write) -> None:
    try:
        write()
    except StaleWrite as exc:
        st.session_state.pop(loaded_key, None)
        flash("warning", md(str(exc)))
        st.rerun()
    except (WriteRefused, PermissionDenied) as exc:
        st.error(md(str(exc)))
        return
    st.session_state.pop(loaded_key, None)
    flash("success", done)
    st.rerun()


def one_item(items: pd.DataFrame, actions: pd.DataFrame | None) -> None:
    st.header("Respond to feedback" if may_respond else "One item in detail", anchor=False)
    if items.empty:
        st.write("No feedback to look at: none matches the filters above.")
        return
    labels = {int(r["id"]): item_label(r) for _, r in items.iterrows()}
    chosen = st.selectbox(
        "Feedback item", list(labels), format_func=labels.get, key="feedback-chosen"
    )
    row = items[items["id"] == chosen].iloc[0]
    item_card(row, "detail")
    if may_respond and actions is not None:
        respond_forms(row, actions)
    history_view(
        ctx,
        "feedback_item",
        [int(chosen)],
        key=f"history-feedback-{chosen}",
        title="History of this item",
    )


# --- every region (national roles) ------------------------------------------------


def every_region() -> None:
    assert all_regions is not None and all_figures is not None
    st.header("Every region", anchor=False)
    names = dict(zip(all_regions["id"], all_regions["name"], strict=True))
    table = pd.DataFrame(
        [{"Region": names[region]} | figures.as_row() for region, figures in all_figures.items()]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, "feedback-by-region", key="fb-regions")


# --- the page ---------------------------------------------------------------------

show_flash()
headline()
if may_add:
    add_form()

st.header("You said, we did", anchor=False)
statuses, theme_ids, sources = filters()
with Session(ctx.engine) as session:
    items = feedback_items(
        session, region_id, statuses=statuses, theme_ids=theme_ids, sources=sources
    )
    actions = linkable_actions(session, region_id) if may_respond else None
the_list(items, filtered=bool(statuses or theme_ids or sources))
one_item(items, actions)
if see_all:
    every_region()
