"""Putting mistakes right on the pages: the "Withdraw this value", "Retire this metric"
and "Delete ..." forms (a required reason and a confirmation box), and the corrections
made, worded for whoever reads them (services.corrections applies the disclosure rule).

The forms sit inside the item's existing expanders (its history or its edit form), so
they are made only while those are open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from components.history import history_view
from components.outcome import run_write
from core.corrections import (
    ACTION_UPDATE,
    CONFIRM,
    REASON_MAX,
    Kind,
    corrections_label,
    short,
)
from core.entities import Entity
from core.formatting import escape_markdown as plain
from core.formatting import format_value
from core.periods import format_period
from services import corrections as service
from services.context import RequestContext

REASON_LABEL = "Reason (required; kept in the history and the audit log)"


def correction_notes(lines: Sequence[str]) -> None:
    """The corrections, one sentence each (plain text)."""
    for line in lines:
        st.markdown(":material/undo: " + plain(line))


def corrections_panel(lines: Sequence[str], *, key: str) -> None:
    """``Corrections (2)``: an expander listing what was put right in a list whose items
    are gone (deleted projects, feedback). Nothing when there is none."""
    if not lines:
        return
    with st.expander(corrections_label(len(lines)), icon=":material/undo:", key=key):
        correction_notes(lines)


def correction_form(
    *,
    key: str,
    kind: Kind,
    button: str,
    run: Callable[[int | None, str, bool], Any],
    success: str,
    where: str = "page",
    choices: Mapping[int, str] | None = None,
    pick: str = "Which one",
    intro: str = "",
) -> None:
    """A form to correct a mistake: what (when ``choices`` are given), the reason and the
    confirmation, then ``run(chosen id or None, reason, confirmed)``."""
    with st.form(key):
        st.markdown(f"**{plain(button)}**")
        if intro:
            st.caption(plain(intro))
        chosen = None
        if choices:
            chosen = st.selectbox(
                pick, list(choices), format_func=lambda i: choices[i], key=f"{key}-which"
            )
        reason = st.text_input(REASON_LABEL, max_chars=REASON_MAX, key=f"{key}-reason")
        confirmed = st.checkbox(CONFIRM[kind], key=f"{key}-confirm")
        submitted = st.form_submit_button(button, icon=":material/delete:")
    if submitted:
        run_write(run, chosen, reason, confirmed, success=success, where=where)


# --- the Metrics page ---------------------------------------------------------------------


def value_choices(values: pd.DataFrame, unit: str) -> dict[int, str]:
    """A metric's values to pick from, newest first: ``Q2 2026/27: 12`` (or with the
    group). For those who enter values, who see them exactly."""
    ordered = values.sort_values(["period_start", "characteristic", "group_name"], ascending=False)
    return {
        int(r["id"]): format_period(r["period_start"])
        + (f", {r['group_name']}" if r["group_name"] else "")
        + f": {format_value(r['value'], unit)}"
        + ("" if r["signed_off"] is False else " (signed off, locked)" if r["signed_off"] else "")
        for _, r in ordered.iterrows()
    }


def withdraw_value_form(
    ctx: RequestContext, row: Mapping[str, Any], values: pd.DataFrame, where: str
) -> None:
    """For those who enter the region's values: withdraw one with a reason."""
    if values.empty:
        return
    versions = {int(r["id"]): int(r["version"]) for _, r in values.iterrows()}

    def withdraw(value_id: int | None, reason: str, confirmed: bool) -> None:
        service.withdraw_value(
            ctx, int(value_id or 0), reason, versions.get(int(value_id or 0)), confirmed=confirmed
        )

    correction_form(
        key=f"withdraw-{row['id']}",
        kind=Kind.VALUE_WITHDRAWN,
        button="Withdraw this value",
        run=withdraw,
        success="The value was withdrawn. It has left every figure; the history says why.",
        where=where,
        choices=value_choices(values, row["unit"]),
        pick="Value",
        intro="For a value entered by mistake. A signed-off quarter is locked: reopen it first.",
    )


def retire_metric_form(ctx: RequestContext, row: Mapping[str, Any], where: str) -> None:
    """For those who define the metric: retire it with a reason."""

    def retire(_chosen: int | None, reason: str, confirmed: bool) -> None:
        service.retire_metric(ctx, int(row["id"]), int(row["version"]), reason, confirmed=confirmed)

    correction_form(
        key=f"retire-{row['id']}",
        kind=Kind.METRIC_RETIRED,
        button="Retire this metric",
        run=retire,
        success=f"{row['code']} is retired: it is no longer asked for; its history stays.",
        where=where,
        intro="It leaves the grid, the quarterly submission and new quarters. "
        "Its values and history stay, labelled retired.",
    )


@dataclass(frozen=True)
class MetricCorrections:
    """What a metric card's histories need: the value ids whose events it lists (the
    withdrawn ones too, for those who see details), the corrections worded for this
    person, and the forms this person may use (None: none)."""

    value_ids: list[int]
    notes: list[str]
    withdraw: Callable[[], None] | None
    retire: Callable[[], None] | None


def metric_corrections(
    ctx: RequestContext, region_id: int, row: Mapping[str, Any], mine: pd.DataFrame, where: str
) -> MetricCorrections:
    """The corrections part of a metric's card (one read: its withdrawn values)."""
    metric_id = int(row["id"])
    notes = service.correction_lines(
        ctx, region_id, [Kind.VALUE_WITHDRAWN], parent_ids=[metric_id]
    ).get(metric_id, [])
    withdrawn = service.withdrawn_value_ids(ctx, region_id, metric_id) if notes else []
    rights = service.correction_rights(ctx, region_id)
    return MetricCorrections(
        value_ids=mine["id"].astype(int).tolist() + withdrawn,
        notes=notes,
        withdraw=(lambda: withdraw_value_form(ctx, row, mine, where))
        if rights.withdraw_values
        else None,
        retire=(lambda: retire_metric_form(ctx, row, where))
        if rights.retire(str(row["scope"]))
        else None,
    )


def retired_metrics_panel(ctx: RequestContext, region_id: int) -> None:
    """The region's retired metrics, each labelled "Retired on ...", with the history of
    its definition (which stays visible, with the retirement and its reason)."""
    retired = service.retired_metrics(ctx, region_id)
    if not retired:
        return
    st.header(f"Retired metrics ({len(retired)})", anchor=False)
    st.caption("No longer asked for. Their values and history are kept.")
    for metric in retired:
        st.markdown(
            f"**{plain(metric['code'])} · {plain(metric['name'])}** "
            f":gray-badge[:material/inventory_2: {plain(metric['label'])}]"
        )
        history_view(
            ctx,
            Entity.METRIC,
            [metric["id"]],
            key=f"history-retired-{metric['id']}",
            title=f"History of {metric['code']}",
            notes=metric["notes"],
        )


# --- the other pages ----------------------------------------------------------------------


def delete_form(
    ctx: RequestContext,
    entity: Entity | str,
    *,
    key: str,
    kind: Kind,
    button: str,
    success: str,
    where: str = "page",
    record_id: int | None = None,
    choices: Mapping[int, str] | None = None,
    pick: str = "Which one",
) -> None:
    """``Delete ...`` for one record (``record_id``) or one of ``choices``."""

    def delete(chosen: int | None, reason: str, confirmed: bool) -> None:
        target = record_id if record_id is not None else chosen
        service.delete_record(ctx, entity, int(target or 0), reason, confirmed=confirmed)

    correction_form(
        key=key,
        kind=kind,
        button=button,
        run=delete,
        success=success,
        where=where,
        choices=choices,
        pick=pick,
        intro="Only for something entered by mistake. Everyone who can see the region "
        "sees that it was deleted; the reason is kept in the history.",
    )


def delete_project(ctx: RequestContext, project_id: int) -> Callable[[], None]:
    """The project's "Delete this project" form (drawn inside its history)."""
    return lambda: delete_form(
        ctx,
        Entity.COMMUNITY_PROJECT,
        key=f"delete-project-{project_id}",
        kind=Kind.PROJECT_DELETED,
        button="Delete this project",
        success="The project was deleted. The region's corrections say when and why.",
        where="projects",  # components.project_forms.WHERE
        record_id=project_id,
    )


def deleted_projects(ctx: RequestContext, region_id: int) -> None:
    """The region's deleted projects, worded for this person."""
    lines = service.correction_lines(ctx, region_id, [Kind.PROJECT_DELETED]).get(None, [])
    corrections_panel(lines, key=f"corrections-projects-{region_id}")


def update_corrections(
    ctx: RequestContext, row: pd.Series, updates: pd.DataFrame
) -> tuple[list[str], Callable[[], None] | None]:
    """An action's deleted progress updates (worded for this person) and, for those who
    keep its region's plan, the form to delete one of its updates."""
    region_id = None if pd.isna(row["region_id"]) else int(row["region_id"])
    action_id = int(row["id"])
    notes = (
        service.correction_lines(ctx, region_id, [Kind.UPDATE_DELETED], parent_ids=[action_id]).get(
            action_id, []
        )
        if region_id is not None
        else []
    )
    if (
        region_id is None
        or updates.empty
        or not service.correction_rights(ctx, region_id).delete_updates
    ):
        return notes, None
    choices = {
        int(u["id"]): f"{u['update_date']:%d %b %Y}: {short(u['note'], 70)}"
        for _, u in updates.iloc[::-1].iterrows()
    }
    return notes, lambda: delete_form(
        ctx,
        ACTION_UPDATE,
        key=f"delete-update-{action_id}",
        kind=Kind.UPDATE_DELETED,
        button="Delete a progress update",
        success="The progress update was deleted. The change history says when and why.",
        where="update",
        choices=choices,
        pick="Progress update",
    )


def delete_feedback(ctx: RequestContext, feedback_id: int) -> Callable[[], None]:
    """The item's "Delete this feedback" form (drawn inside its history)."""
    return lambda: delete_form(
        ctx,
        Entity.FEEDBACK_ITEM,
        key=f"delete-feedback-{feedback_id}",
        kind=Kind.FEEDBACK_DELETED,
        button="Delete this feedback",
        success="The feedback was deleted. The page's corrections say when and why.",
        where="feedback",  # components.feedback_forms.WHERE
        record_id=feedback_id,
    )


def deleted_feedback(ctx: RequestContext, region_id: int) -> None:
    """The region's deleted feedback, worded for this person."""
    lines = service.correction_lines(ctx, region_id, [Kind.FEEDBACK_DELETED]).get(None, [])
    corrections_panel(lines, key=f"corrections-feedback-{region_id}")


def meeting_decision_corrections(
    ctx: RequestContext, region_id: int, meeting_id: int, decisions: pd.DataFrame, manage: bool
) -> None:
    """Under a meeting's decisions: those deleted (worded for this person) and, for
    whoever records the meeting's decisions, the form to delete one recorded by mistake."""
    correction_notes(
        service.correction_lines(
            ctx, region_id, [Kind.DECISION_DELETED], parent_ids=[meeting_id]
        ).get(meeting_id, [])
    )
    if not manage or decisions.empty:
        return
    with st.expander("Delete a decision recorded by mistake", icon=":material/delete:"):
        delete_form(
            ctx,
            Entity.MEETING_DECISION,
            key=f"delete-decision-{meeting_id}",
            kind=Kind.DECISION_DELETED,
            button="Delete this decision",
            success="The decision was deleted. The meeting page says when and why.",
            where="forum",  # components.meeting_forms.WHERE
            choices={int(r["id"]): short(r["text"], 80) for _, r in decisions.iterrows()},
            pick="Decision",
        )
