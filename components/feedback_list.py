"""The Feedback page's read-only pieces: the headline figures, the filters, an item's card
("You said", "We did"), the list and every region's figures."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components import downloads
from components.badges import status_markdown
from core.export_about import ExportAbout
from core.feedback_rules import (
    NO_THEME,
    STATUS_MEANINGS,
    FeedbackFigures,
    day_words,
    feedback_table,
    format_days,
    format_share,
    waiting_sentence,
    we_did,
)
from core.formatting import escape_markdown as md
from core.statuses import FEEDBACK_SOURCES, FEEDBACK_STATUSES

#: The most items the list shows as cards (the table below has them all).
LIST_LIMIT = 30


def headline(figures: FeedbackFigures, region_name: str) -> None:
    """How feedback is answered in the region: four figures."""
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


def filters(
    theme_names: dict[int, str],
) -> tuple[list[str] | None, list[int] | None, list[str] | None]:
    """The status, theme and source filters: (statuses, theme ids, sources), None when
    a filter is left empty."""
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


def item_card(row: pd.Series, where: str, today: date) -> None:
    """One item, "You said" and "We did"; ``where`` ("list" or "detail") keys its box."""
    style = FEEDBACK_STATUSES[row["status"]]
    theme = row["theme_name"] if isinstance(row["theme_name"], str) else NO_THEME
    lines = [
        f"{status_markdown(style)} **{md(row['source'])}**, received "
        f"{day_words(row['received_on'])} · {md(theme)}",
        f"**You said:** {md(row['summary'])}",
    ]
    if did := we_did(row["response"], row["action_taken"]):
        lines.append(f"**We did:** {md(did)}")
    if isinstance(row["action_title"], str):
        lines.append(
            f"**Plan action it led to:** {md(row['action_code'])} {md(row['action_title'])}"
        )
    lines.append(waiting_sentence(row, today))
    with st.container(border=True, key=f"feedback-{where}-{int(row['id'])}"):
        st.markdown("\n\n".join(lines))  # one element a card: each costs the browser time


def the_list(
    items: pd.DataFrame, *, filtered: bool, region_name: str, today: date, about: ExportAbout
) -> None:
    """The newest items as cards, and all of them as a table (folded); ``about``: what
    its files are (``components.file_abouts.feedback_list``)."""
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
        item_card(row, "list", today)
    # Made only while open: the grid and its downloads cost the browser time on each visit.
    with st.expander(
        "All of this feedback as a table", key="feedback-table-open", on_change="rerun"
    ) as box:
        if not box.open:
            return
        table = feedback_table(items)
        st.dataframe(table, hide_index=True, width="stretch")
        stem = f"feedback-{region_name.lower().replace(' ', '-')}"
        downloads.download_buttons(table, stem, key="fb-list", about=about)


def every_region(table: pd.DataFrame, about: ExportAbout) -> None:
    """Every region's figures, one row a region (national roles)."""
    st.header("Every region", anchor=False)
    st.dataframe(table, hide_index=True, width="stretch")
    downloads.download_buttons(table, "feedback-by-region", key="fb-regions", about=about)


def status_meanings() -> None:
    """What "responded" and "closed" (and the other statuses) mean, in plain words."""
    st.markdown(
        "\n".join(
            f"- {status_markdown(FEEDBACK_STATUSES[code])} {md(words.split(': ', 1)[1])}"
            for code, words in STATUS_MEANINGS.items()
        )
    )
