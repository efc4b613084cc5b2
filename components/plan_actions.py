"""The plan's actions on screen: badges, cards, an action's details and updates, the
organisation-wide actions and a region's earlier copies of them (Local plan page)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from components import file_abouts
from components.badges import status_markdown
from components.comments import item_comments_panel
from components.corrections import update_corrections
from components.downloads import download_buttons
from components.history import history_view
from core.entities import Entity
from core.formatting import escape_markdown as plain
from core.forum import comments_label
from core.plan_words import (
    action_label,
    due_words,
    needs_update_words,
    overdue_words,
    status_label,
)
from core.statuses import ACTION_STATUSES
from services.context import RequestContext
from services.forum import PageComments
from services.plan import ActionFilters, PlanSetting


def overdue_badge(days: int) -> str:
    return f":red-badge[:material/warning: {overdue_words(days)}]"


def status_badges(row: pd.Series) -> str:
    badges = [status_markdown(ACTION_STATUSES[row["status"]])]
    if row["overdue"]:
        badges.append(overdue_badge(int(row["days_overdue"])))
    return "  ".join(badges)


def update_line(update: pd.Series) -> str:
    words = f"**{update['update_date']:%d %b %Y}**"
    if pd.notna(update["author"]) and update["author"]:
        words += f", {plain(update['author'])}"
    words += f": {plain(update['note'])}"
    if pd.notna(update["status_to"]):
        words += (
            f" Status changed from {status_label(update['status_from'])} "
            f"to {status_label(update['status_to'])}."
        )
    return words


def themes_words(row: pd.Series, unconfirmed: set[int]) -> str:
    """'Workforce, Co-learning' (for markdown), saying when a national action's themes
    (or those an adopted copy took from it) are still proposed rather than confirmed."""
    words = plain(", ".join(row["themes"])) or "none yet"
    national = row["id"] if pd.isna(row["region_id"]) else row["template_id"]
    if pd.notna(national) and int(national) in unconfirmed:
        words += " (proposed from the plan's text, not yet confirmed by the national team)"
    return words


def download_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Code": frame["code"],
            "Action": frame["title"],
            "Action area": frame["action_area"],
            "Themes": [", ".join(t) for t in frame["themes"]],
            "Owner": frame["owner"],
            "Due date": frame["due_date"],
            "Status": frame["status_label"],
            "Days overdue": frame["days_overdue"],
            "Progress updates": frame["updates"],
            "Latest update": frame["last_update"],
        }
    )


def status_counts(actions: pd.DataFrame) -> None:
    """One badge a status, with how many of the actions shown have it."""
    by_status = actions["status"].value_counts()
    st.markdown(
        "  ".join(
            status_markdown(style, suffix=f": {int(by_status[code])}")
            for code, style in ACTION_STATUSES.items()
            if code in by_status.index
        )
    )


def card_top(row: Mapping[str, Any], setting: PlanSetting) -> list[str]:
    """An action card's first lines (markdown paragraphs): its label, its status badges,
    whether it needs an update, and its themes. A card draws its lines as one markdown
    element: a page of cards is drawn (and felt) element by element in the browser."""
    lines = [f"**{plain(action_label(row['code'], row['title']))}**", status_badges(row)]
    needs = needs_update_line(row, setting)
    if needs:
        lines.append(needs)
    lines.append("Themes: " + themes_words(row, setting.unconfirmed_templates))
    return lines


def needs_update_line(row: Mapping[str, Any], setting: PlanSetting) -> str | None:
    """'Needs an update: on track, but its due date passed ...' (markdown) when the
    action's status and dates disagree (``core.plan_words.needs_update_words``)."""
    last = row.get("last_update")
    words = needs_update_words(
        row["status"],
        row["due_date"],
        None if last is None or pd.isna(last) else last,
        on=setting.today,
    )
    return f":orange-badge[:material/update: Needs an update] {words}" if words else None


def paragraphs(lines: Sequence[str]) -> str:
    """Markdown lines as paragraphs of one element."""
    return "\n\n".join(lines)


#: Set when "Open details and history" is pressed: the page scrolls to the details.
SCROLL_TO_DETAILS = "plan-scroll-to-details"
DETAILS_KEY = "plan-details"


def _open_action(region_id: int, action_id: int) -> None:
    st.session_state[f"plan-selected-{region_id}"] = action_id
    st.session_state[SCROLL_TO_DETAILS] = True


def action_card(
    row: Mapping[str, Any], setting: PlanSetting, comments: PageComments | None = None
) -> None:
    """An action's card: one markdown element (under a rule) and its "Open details and
    history" button, which shows the action below the list with its progress updates,
    its comments and its history. With ``comments`` (the page's, read at once), the card
    says how many comments the action has; they are read and written in its details (a
    panel on each of some forty cards cost the page more in the browser than anything
    else on it)."""
    lines = card_top(row, setting)
    owner = plain(row["owner"]) if row["owner"] else "No owner yet"
    due = due_words(row["due_date"], on=setting.today)
    if row["updates"]:
        count = f"{row['updates']} progress update{'s' if row['updates'] != 1 else ''}"
        latest = f"the latest on {row['last_update']:%d %b %Y}"
        last = f"Owner: {owner}. {due}. {count}, {latest}."
    else:
        last = f"Owner: {owner}. {due}. No progress updates yet."
    if comments is not None:
        last += f" {comments_label(len(comments.of(int(row['id']))))}."
    lines.append(last)
    # A rule above each card instead of a bordered container: a container is one more
    # element, and each of a page's elements costs the browser a few milliseconds.
    st.markdown(paragraphs(["---", *lines]))
    st.button(
        "Open details and history",
        key=f"plan-open-{row['id']}",
        on_click=_open_action,
        args=(setting.region_id, int(row["id"])),
        icon=":material/expand_circle_down:",
    )


def actions_by_area(
    actions: pd.DataFrame,
    setting: PlanSetting,
    filters: ActionFilters,
    *,
    may_edit: bool,
    ctx: RequestContext | None = None,
    comments: PageComments | None = None,
) -> None:
    """The actions shown, under each action area, with the download of them (and, with
    ``comments``, how many comments each action has)."""
    region_name = setting.region_name
    if setting.total == 0:
        st.info(
            f"{plain(region_name)} has no actions in its plan yet."
            + (" Add one, or adopt one from the national plan, below." if may_edit else ""),
            icon=":material/info:",
        )
        return
    if actions.empty:
        st.info("No actions match these filters.", icon=":material/filter_alt_off:")
        return
    download_buttons(
        download_table(actions),
        f"local-plan-{region_name.lower().replace(' ', '-')}",
        key="plan",
        about=file_abouts.local_plan(ctx, setting, filters) if ctx else None,
    )
    by_area: dict[int, list[dict[str, Any]]] = {}
    for record in actions.to_dict("records"):  # plain dicts: quicker to read than rows
        by_area.setdefault(int(record["action_area_id"]), []).append(record)
    for area_id, area_name in setting.area_names.items():
        if filters.action_area_ids and area_id not in filters.action_area_ids:
            continue
        in_area = by_area.get(area_id, [])
        st.subheader(f"{plain(area_name)} ({len(in_area)})", anchor=False)
        if not in_area:
            st.write(
                "No actions here match these filters."
                if filters.any
                else "No actions in this area yet."
            )
        for row in in_area:
            action_card(row, setting, comments)


def action_details(
    ctx: RequestContext,
    row: pd.Series,
    updates_of_action: pd.DataFrame,
    setting: PlanSetting,
    comments: PageComments | None = None,
) -> None:
    """The action picked: its details, progress updates, comments and change history."""
    origin = (
        "Adopted from the national plan."
        if pd.notna(row["template_id"])
        else "A local action of this region."
    )
    lines = [status_badges(row), needs_update_line(row, setting)]
    lines += [
        plain(row["description"]) or "_No description yet._",
        f"Action area: {plain(row['action_area'])}.  \n"
        f"Themes: {themes_words(row, setting.unconfirmed_templates)}.  \n"
        f"Owner: {plain(row['owner']) or 'no owner yet'}.  \n"
        f"{due_words(row['due_date'], on=setting.today)}.  \n{origin}",
    ]
    with st.container(border=True, key=DETAILS_KEY):
        st.subheader(plain(action_label(row["code"], row["title"])), anchor=False)
        st.markdown(paragraphs([line for line in lines if line]))
    st.subheader("Progress updates", anchor=False)
    if updates_of_action.empty:
        st.write("No progress updates yet.")
    else:
        st.markdown("\n".join(f"1. {update_line(u)}" for _, u in updates_of_action.iterrows()))
    if comments is not None:
        item_comments_panel(ctx, comments, int(row["id"]))
    notes, delete = update_corrections(ctx, row, updates_of_action)
    history_view(
        ctx,
        Entity.PLAN_ACTION,
        [int(row["id"])],
        key=f"history-action-{row['id']}",
        title="Change history",
        notes=notes,
        extra=delete,
    )


def organisation_wide_card(
    ctx: RequestContext,
    row: pd.Series,
    updates_of_action: pd.DataFrame,
    setting: PlanSetting,
    comments: PageComments | None = None,
) -> None:
    lines = card_top(row, setting)
    owner = plain(row["owner"]) if row["owner"] else "no owner named yet"
    due = due_words(row["due_date"], on=setting.today)
    lines.append(f"Kept by the national team. Owner: {owner}. {due}.")
    if updates_of_action.empty:
        lines.append("No progress updates yet.")
    else:
        lines.append(f"Latest progress update: {update_line(updates_of_action.iloc[-1])}")
    with st.container(border=True):
        st.markdown(paragraphs(lines))
        history_view(
            ctx,
            Entity.PLAN_ACTION,
            [int(row["id"])],
            key=f"history-wide-{setting.region_id}-{row['id']}",
            title="Change history",
        )
        if comments is not None:
            item_comments_panel(ctx, comments, int(row["id"]))


def superseded_copies(ctx: RequestContext, setting: PlanSetting, updates: pd.DataFrame) -> None:
    """The region's earlier copies of organisation-wide actions, kept for their history."""
    region_name = setting.region_name
    superseded = setting.superseded
    with st.expander(
        f"{plain(region_name)}'s earlier copies of organisation-wide actions "
        f"({len(superseded)}), kept for their history"
    ):
        st.markdown(
            f"{plain(region_name)} adopted these before the national team kept them once "
            "for the whole organisation. They are kept with their progress updates and "
            "history, but they are no longer part of the region's plan, are not counted and "
            "cannot be changed."
        )
        for _, old in superseded.iterrows():
            st.markdown(
                f"**{plain(action_label(old['code'], old['title']))}**: "
                f"{old['status_label']} when it was last updated; owner "
                f"{plain(old['owner']) or 'not named'}."
            )
            mine = updates[updates["action_id"] == old["id"]]
            if not mine.empty:
                st.markdown("\n".join(f"1. {update_line(u)}" for _, u in mine.iterrows()))
            history_view(
                ctx,
                Entity.PLAN_ACTION,
                [int(old["id"])],
                key=f"history-superseded-{old['id']}",
                title="Change history",
            )
