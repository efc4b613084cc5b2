"""Audit log: every recorded change, for administrators and national leads, in words,
with filters, a search and downloads of everything that matches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from components import file_abouts
from components.audit_downloads import audit_downloads
from components.context import current
from core.audit_format import kind_words, who_words
from core.permissions import Action, can
from services import audit
from services.context import RequestContext
from services.regions import regions as active_regions

EVERYONE = ""


@dataclass(frozen=True)
class Filters:
    region_ids: list[int]
    entity_types: list[str]
    username: str
    since: date
    until: date
    search: str


def filters(choices: audit.LogChoices, region_names: dict[int, str]) -> Filters:
    with st.container(border=True):
        st.markdown("**Filters**")
        search = st.text_input(
            "Search",
            placeholder="A name, metric, quarter, project, meeting, reason ...",
            help=(
                "Finds the changes whose words hold this text, in any case: who made them, "
                "the region, the record, what was done, the changes and the reason."
            ),
        )
        left, middle = st.columns(2)
        chosen_regions = left.multiselect(
            "Region",
            list(region_names),
            format_func=region_names.get,
            placeholder="All regions and national records",
        )
        chosen_kinds = middle.multiselect(
            "Kind of record",
            choices.entity_types,
            format_func=kind_words,
            placeholder="All kinds",
        )
        person_column, from_column, to_column = st.columns(3)
        person = person_column.selectbox(
            "Person",
            [EVERYONE, *choices.usernames],
            format_func=lambda name: (
                "Everyone" if name == EVERYONE else who_words(name, choices.names.get(name))
            ),
        )
        first_day = choices.first.date()
        last_day = max(choices.last.date(), date.today())
        since = from_column.date_input("From", value=first_day, format="DD/MM/YYYY")
        until = to_column.date_input("To (including this day)", value=last_day, format="DD/MM/YYYY")
    return Filters(chosen_regions, chosen_kinds, person, since, until, search.strip())


def audit_log_page(ctx: RequestContext) -> None:
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
    choices = audit.log_choices(ctx)
    regions = active_regions(ctx)
    if choices.first is None:
        st.info("Nothing has been recorded yet. Changes will appear here as people make them.")
        return

    names = dict(zip(regions["id"], regions["name"], strict=True))
    chosen = filters(choices, names)
    if chosen.since > chosen.until:
        st.warning("The 'From' date is after the 'To' date. Please change one of them.")
        return

    query = audit.LogQuery(
        region_ids=chosen.region_ids or None,
        entity_types=chosen.entity_types or None,
        username=chosen.username or None,
        since=chosen.since,
        until=chosen.until,
        search=chosen.search,
    )
    found = audit.recent_changes(ctx, query)
    events, limit = found.events, audit.LOG_LIMIT
    if events.empty:
        if found.cut:
            st.info(
                f"No changes match among the newest {audit.SEARCH_SCAN:,} that might. "
                "Narrow the dates to search further back."
            )
        else:
            st.info("No changes match these filters.")
        return
    if found.more:
        st.info(
            f"More than {limit} changes match, so only the newest {limit} are shown. "
            "Narrow the filters (for example the dates) to see older ones, or download them all.",
            icon=":material/info:",
        )
    elif found.cut:
        st.info(
            f"The search looked through the newest {audit.SEARCH_SCAN:,} changes that might "
            f"match and found {len(events)}. Narrow the dates to search further back.",
            icon=":material/info:",
        )
    else:
        noun = "change matches" if len(events) == 1 else "changes match"
        st.caption(f"{len(events)} {noun} these filters. At most the newest {limit} are shown.")

    st.dataframe(
        events,
        hide_index=True,
        width="stretch",
        column_config={
            "When": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
        },
    )
    person = who_words(query.username, choices.names.get(query.username)) if query.username else ""
    about = file_abouts.audit_log(
        ctx, query, region_names=names, person=person, limit=audit.EXPORT_LIMIT
    )
    audit_downloads(ctx, query, key="audit-log", about=about)


audit_log_page(current())
