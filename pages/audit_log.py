"""Audit log: every recorded change, for administrators and national leads, with filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import streamlit as st
from sqlalchemy.orm import Session

from components.context import current
from components.downloads import download_buttons
from core.permissions import Action, can
from db import queries
from db.audit import audit_log, audit_log_choices

LIMIT = 500
EVERYONE = ""

ctx = current()
if not can(ctx.actor, Action.VIEW_AUDIT_LOG):
    st.error(
        "Only national leads and administrators can see the audit log. Each record's own "
        "History view shows who changed it."
    )
    st.stop()

st.title("Audit log")
st.write(
    "Every change made through the dashboard: who made it, when, to which record, from "
    "what to what, and why. Newest first."
)

with Session(ctx.engine) as session:
    choices = audit_log_choices(session)
    regions = queries.regions(session)

if choices["first"] is None:
    st.info("Nothing has been recorded yet. Changes will appear here as people make them.")
    st.stop()

region_names = dict(zip(regions["id"], regions["name"], strict=True))


def kind_words(entity_type: str) -> str:
    return entity_type.replace("_", " ").capitalize()


with st.container(border=True):
    st.markdown("**Filters**")
    left, middle = st.columns(2)
    chosen_regions = left.multiselect(
        "Region",
        list(region_names),
        format_func=region_names.get,
        placeholder="All regions and national records",
    )
    chosen_kinds = middle.multiselect(
        "Kind of record",
        choices["entity_types"],
        format_func=kind_words,
        placeholder="All kinds",
    )
    person_column, from_column, to_column = st.columns(3)
    person = person_column.selectbox(
        "Person",
        [EVERYONE, *choices["usernames"]],
        format_func=lambda name: "Everyone" if name == EVERYONE else name,
    )
    first_day = choices["first"].date()
    last_day = max(choices["last"].date(), date.today())
    since = from_column.date_input("From", value=first_day, format="DD/MM/YYYY")
    until = to_column.date_input("To (including this day)", value=last_day, format="DD/MM/YYYY")

if since > until:
    st.warning("The 'From' date is after the 'To' date. Please change one of them.")
    st.stop()

with Session(ctx.engine) as session:
    events = audit_log(
        session,
        region_ids=chosen_regions or None,
        entity_types=chosen_kinds or None,
        username=person or None,
        since=datetime.combine(since, time.min),
        until=datetime.combine(until + timedelta(days=1), time.min),
        limit=LIMIT + 1,
    )

if events.empty:
    st.info("No changes match these filters.")
    st.stop()

if len(events) > LIMIT:
    events = events.head(LIMIT)
    st.info(
        f"More than {LIMIT} changes match, so only the newest {LIMIT} are shown. "
        "Narrow the filters (for example the dates) to see older ones.",
        icon=":material/info:",
    )
else:
    noun = "change matches" if len(events) == 1 else "changes match"
    st.caption(f"{len(events)} {noun} these filters. At most the newest {LIMIT} are shown.")

st.dataframe(events, hide_index=True, width="stretch")
download_buttons(events, "audit-log", key="audit-log")
