"""Metrics: the region's national core and local coproduced metrics with their progress,
data entry in a grid, and metric definitions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from components.badges import status_badge
from components.context import current
from components.downloads import download_buttons
from components.first_run import first_run_notice, requested_definition
from components.history import history_view
from components.metric_chart import metric_chart
from components.region_picker import choose_region
from core.disclosure import disclosed_explanation, rule_text, suppress_metric_values
from core.formatting import escape_markdown as plain
from core.formatting import format_value
from core.metric_progress import MetricSpec, metric_progress
from core.periods import format_period, quarters_between
from core.permissions import Action, PermissionDenied, can
from core.progress import ProgressResult
from core.statuses import PROGRESS_STATUSES
from db import metrics as dbm
from db import queries
from db.writes import StaleWrite, WriteRefused

ctx = current()
st.title("Metrics")
first_run_notice(ctx)
region_id, region_name = choose_region(ctx, key="metrics-region")
can_enter = can(ctx.actor, Action.EDIT_METRIC_VALUES, region_id)
can_define_local = can(ctx.actor, Action.DEFINE_LOCAL_METRIC, region_id)
can_define_national = can(ctx.actor, Action.DEFINE_NATIONAL_METRIC)

with Session(ctx.engine) as session:
    definitions = queries.metric_definitions(session, region_id)
    themes = queries.monitoring_themes(session)
theme_names = dict(zip(themes["id"], themes["name"], strict=True))
by_id: dict[int, Mapping[str, Any]] = {int(r["id"]): r for _, r in definitions.iterrows()}

VIEW_PROGRESS = "Metrics and progress"
VIEW_ENTER = "Enter values"
VIEW_DEFINE = "Define or change a metric"
ALL_THEMES = "All themes"
CARDS_PER_PAGE = 4
FLASH = "metrics:flash"


def flash(kind: str, text: str) -> None:
    """A message to show after the rerun that follows a save."""
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind == "success":
        st.success(plain(text), icon=":material/check_circle:")
    elif kind == "error":
        st.error(plain(text), icon=":material/error:")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def label(row: Mapping[str, Any]) -> str:
    return f"{row['code']} · {row['name']}"


def progress_of(row: Mapping[str, Any], series: dbm.Series) -> ProgressResult | str:
    """The metric's progress, or the reason it cannot be worked out."""
    try:
        spec = MetricSpec.from_mapping(row)
        return metric_progress(spec, series)
    except ValueError as exc:
        return str(exc)


def status_words(result: ProgressResult | str) -> str:
    if isinstance(result, str):
        return "Cannot be worked out"
    return result.label + (" (set by hand)" if result.is_manual else "")


def theme_filter(key: str) -> int | None:
    options = [None, *themes["id"].tolist()]
    chosen = st.selectbox(
        "Theme", options, format_func=lambda t: ALL_THEMES if t is None else theme_names[t], key=key
    )
    return chosen


# --- view 1: the metrics and their progress ---------------------------------------


def coproduction_line(row: Mapping[str, Any]) -> None:
    if row["scope"] == "local" and not dbm.is_coproduced(row):
        st.markdown(":orange-badge[:material/pending: Not yet coproduced]")
        st.caption(
            "Nobody has recorded who this local metric was agreed with, where or when. "
            "Agree it with the Regional Forum or a partner, then record it."
        )
        return
    with_whom = dbm.none_if_blank(row.get("coproduced_with"))
    if not with_whom:
        st.markdown(":material/handshake: **Coproduction:** not recorded.")
        return
    with_whom = plain(with_whom)
    where = plain(dbm.none_if_blank(row.get("coproduced_at")) or "not recorded")
    when = dbm.none_if_blank(row.get("coproduced_on"))
    st.markdown(
        f":material/handshake: **Agreed with:** {with_whom} · **Where:** {where} · "
        f"**When:** {f'{when:%-d %B %Y}' if when else 'not recorded'}"
    )


def about(row: Mapping[str, Any]) -> None:
    unit = row["unit"]
    lines = [
        f"**What it measures:** {plain(row['definition'] or 'No definition yet.')}",
        f"**Unit:** {dbm.unit_words(unit)} · **Counts people:** "
        f"{'yes' if row.get('counts_people', True) is not False else 'no'} · **Direction:** "
        f"{dbm.direction_words(row['direction'])}",
        f"**Data source:** {plain(row['data_source'] or 'Not recorded')}",
    ]
    baseline_period = dbm.none_if_blank(row.get("baseline_period"))
    baseline_value = dbm.none_if_blank(row.get("baseline_value"))
    target_value = dbm.none_if_blank(row.get("target_value"))
    target_date = dbm.none_if_blank(row.get("target_date"))
    facts = []
    if baseline_period is not None:
        shown = format_value(baseline_value, unit) if baseline_value is not None else "(recorded)"
        facts.append(f"**Baseline:** {shown} in {format_period(baseline_period)}")
    if target_value is not None and target_date is not None:
        facts.append(
            f"**Target:** {format_value(target_value, unit)} by {format_period(target_date)}"
        )
    else:
        facts.append("**Target:** none set")
    limit = dbm.none_if_blank(row.get("limit_value"))
    if limit is not None:
        facts.append(f"**Natural limit:** {format_value(limit, unit)}")
    characteristic = dbm.none_if_blank(row.get("disaggregated_by"))
    if characteristic:
        facts.append(
            f"**Broken down by:** {plain(characteristic_names.get(characteristic, characteristic))}"
        )
    lines.append(" · ".join(facts))
    st.markdown("\n\n".join(lines))


def status_block(result: ProgressResult | str) -> None:
    if isinstance(result, str):
        st.markdown(":gray-badge[:material/help: Cannot be worked out]")
        st.write(plain(result))
        return
    style = PROGRESS_STATUSES[result.status]
    status_badge(style, suffix=" (set by hand)" if result.is_manual else "")
    if result.is_manual:
        st.write(
            "Status set by hand, overriding the calculation. Reason: " + plain(result.manual_reason)
        )
    else:
        st.write(plain(result.explanation))


def group_table(row: Mapping[str, Any], values: pd.DataFrame) -> None:
    groups = values[(values["metric_id"] == row["id"]) & (values["characteristic"] != "")]
    if groups.empty:
        return
    latest = max(groups["period_start"])
    at = groups[groups["period_start"] == latest]
    table = pd.DataFrame(
        {
            "Group": at["group_name"].to_numpy(),
            "Value": at["value"].astype("float64").to_numpy(),
            "Numerator": at["numerator"].astype("float64").to_numpy(),
            "Denominator": at["denominator"].astype("float64").to_numpy(),
        }
    )
    st.markdown(f"**By group, {format_period(latest)}**")
    st.dataframe(table, hide_index=True, width="stretch", key=f"groups-{row['id']}", placeholder="")
    download_buttons(table, f"{row['code']}-by-group-{format_period(latest)}", key=f"g-{row['id']}")


def metric_card(row: Mapping[str, Any], values: pd.DataFrame, result: ProgressResult | str) -> None:
    mine = values[values["metric_id"] == row["id"]]
    with st.container(border=True):
        st.subheader(plain(row["name"]), anchor=False)
        scope = (
            "National core metric, shared by all regions"
            if row["scope"] == "national"
            else f"Local metric for {plain(region_name)}"
        )
        st.caption(f"{plain(row['code'])} · {scope}")
        status_block(result)
        about(row)
        coproduction_line(row)
        metric_chart(row, mine, key=f"metric-{row['id']}")
        group_table(row, values)
        history_view(
            ctx,
            "metric",
            [int(row["id"])],
            key=f"history-metric-{row['id']}",
            title="History of this definition",
        )
        history_view(
            ctx,
            "metric_value",
            mine["id"].astype(int).tolist(),
            key=f"history-values-{row['id']}",
            title="History of its values",
        )


def progress_view() -> None:
    if definitions.empty:
        st.info("This region has no metrics yet.", icon=":material/info:")
        return
    chosen = theme_filter("metrics-theme")
    shown = definitions if chosen is None else definitions[definitions["theme_id"] == chosen]
    with Session(ctx.engine) as session:
        # The summary needs only the overall figures; groups only for the cards shown.
        values = dbm.metric_values(
            session, region_id, shown["id"].astype(int).tolist(), overall_only=True
        )
    exact = dbm.overall_series_by_metric(values)
    results = {
        int(r["id"]): progress_of(r, exact.get(int(r["id"]), [])) for _, r in shown.iterrows()
    }
    suppress = not can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)
    threshold = ctx.settings.disclosure_threshold
    units = dict(zip(shown["id"].astype(int), shown["unit"], strict=True))
    people = dict(zip(shown["id"].astype(int), shown["counts_people"].astype(bool), strict=True))
    if suppress:
        # Statuses come from the exact figures; the figures shown follow disclosure control.
        values = suppress_metric_values(values, units, threshold, people)
        st.caption(rule_text(threshold) + " An empty cell is a hidden figure.")
    summary = []
    figures = dbm.overall_series_by_metric(values)
    if suppress:
        # The sentences quote the figures as shown, never the exact ones.
        results = {
            metric_id: result
            if isinstance(result, str) or result.is_manual
            else replace(
                result,
                explanation=disclosed_explanation(
                    result.explanation,
                    units[metric_id],
                    exact.get(metric_id, []),
                    figures.get(metric_id, []),
                    counts_people=people[metric_id],
                    threshold=threshold,
                ),
            )
            for metric_id, result in results.items()
        }
    for _, row in shown.iterrows():
        series = [(p, v) for p, v in figures.get(int(row["id"]), []) if v is not None]
        last = series[-1] if series else None
        if row["scope"] == "national":
            coproduced = "National core metric"
        else:
            coproduced = "Yes" if dbm.is_coproduced(row) else "Not yet coproduced"
        summary.append(
            {
                "Code": row["code"],
                "Metric": row["name"],
                "Theme": row["theme_name"],
                "Latest quarter": format_period(last[0]) if last else "No values yet",
                "Latest value": format_value(last[1], row["unit"]) if last else "",
                "Progress": status_words(results[int(row["id"])]),
                "Coproduced": coproduced,
            }
        )
    summary_table = pd.DataFrame(summary)
    local = int((shown["scope"] == "local").sum())
    st.write(
        f"{plural(len(shown), 'metric')} for {plain(region_name)}: "
        f"{plural(len(shown) - local, 'national core metric')} (the same in every region, "
        f"so regions can be compared) and {plural(local, 'local metric')} coproduced in the "
        "region. Progress uses the Open SDG method: the growth so far against the growth "
        "needed to reach the target on time."
    )
    if chosen is not None:
        summary_table = summary_table.drop(columns=["Theme"])
    st.dataframe(
        summary_table,
        hide_index=True,
        width="stretch",
        key="metrics-summary",
        column_config={"Metric": st.column_config.TextColumn("Metric", width=320)},
    )
    download_buttons(summary_table, f"metrics-{region_name}", key="metrics-summary-dl")
    ordered = pd.concat([shown[shown["theme_id"] == t] for t in theme_names])
    on_cards = card_page(ordered)
    with Session(ctx.engine) as session:
        card_values = dbm.metric_values(session, region_id, on_cards["id"].astype(int).tolist())
    if suppress:
        card_values = suppress_metric_values(card_values, units, threshold, people)
    for theme_id, theme_name in theme_names.items():
        in_theme = on_cards[on_cards["theme_id"] == theme_id]
        if in_theme.empty:
            continue
        st.header(plain(theme_name), anchor=False)
        for _, row in in_theme.iterrows():
            metric_card(row, card_values, results[int(row["id"])])


def card_page(ordered: pd.DataFrame) -> pd.DataFrame:
    """The metrics whose cards are drawn: all of them up to CARDS_PER_PAGE, else the
    chosen page of them (a card with its chart and history costs time on every run)."""
    if len(ordered) <= CARDS_PER_PAGE:
        return ordered
    starts = list(range(0, len(ordered), CARDS_PER_PAGE))

    def describe(start: int) -> str:
        end = min(start + CARDS_PER_PAGE, len(ordered))
        first, last = ordered.iloc[start], ordered.iloc[end - 1]
        return f"{start + 1} to {end} of {len(ordered)}: {first['code']} to {last['code']}"

    start = st.selectbox(
        "Metric details to show",
        starts,
        format_func=describe,
        key="metrics-card-page",
        help="Each metric's chart, groups and history. The table above lists them all.",
    )
    return ordered.iloc[start : start + CARDS_PER_PAGE]


# --- view 2: entering values ------------------------------------------------------


def snapshot_key(*parts: object) -> str:
    return "metrics:grid:" + ":".join(str(p) for p in parts)


def generation(key: str) -> int:
    return int(st.session_state.get(key + ":gen", 0))


def reset_grid(key: str) -> None:
    """Forget the loaded values and the grid's edits: the next run loads afresh."""
    st.session_state.pop(key, None)
    st.session_state[key + ":gen"] = generation(key) + 1


def describe_saved(changes: list[dbm.ValueChange]) -> str:
    parts = []
    for change in changes[:8]:
        row = by_id[change.metric_id]
        where = f"{format_period(change.period_start)} · {row['code']}"
        if change.group_name:
            where += f" · {change.group_name}"
        parts.append(f"{where}: {format_value(change.value, row['unit'])}")
    more = len(changes) - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "") + "."


def save(key: str, changes: list[dbm.ValueChange], reload: Any) -> None:
    """Save the grid's changes; on a conflict, reload with the other person's values and
    keep this person's other changes in the grid (unsaved)."""
    try:
        result = dbm.save_values(ctx.engine, ctx.actor, region_id, changes)
    except dbm.ValueConflict as exc:
        # Keep the rows the person was working on; show the other person's values there.
        fresh = reload(st.session_state[key])
        clashing = {(c.metric_code, c.period_start, c.group_name) for c in exc.conflicts}
        pending = [
            c
            for c in changes
            if (by_id[c.metric_id]["code"], c.period_start, c.group_name) not in clashing
        ]
        fresh["display"] = dbm.with_pending(fresh["cells"], pending)
        reset_grid(key)
        st.session_state[key] = fresh
        flash(
            "error",
            str(exc)
            + " The grid now shows their values; your other changes are still in the grid, "
            "not saved yet.",
        )
        st.rerun()
    except (WriteRefused, PermissionDenied, StaleWrite) as exc:
        st.error(plain(str(exc)), icon=":material/error:")
        return
    reset_grid(key)
    count = result.saved
    flash(
        "success",
        f"Saved {count} value{'s' if count != 1 else ''}: {describe_saved(changes)}"
        if count
        else "Nothing needed saving: the values were already there.",
    )
    st.rerun()


def problems_and_save(
    key: str, changes: list[dbm.ValueChange], problems: list[dbm.CellProblem], reload: Any
) -> None:
    if problems:
        st.error(
            "Some values need fixing. Nothing is saved while a problem remains.",
            icon=":material/error:",
        )
        st.table(
            pd.DataFrame(
                {"Where": [p.where for p in problems], "Problem": [p.message for p in problems]}
            ),
            hide_index=True,
        )
    elif changes:
        st.caption(f"{len(changes)} changed value{'s' if len(changes) != 1 else ''} ready to save.")
    else:
        st.caption("No changes yet. Click a cell, type the value and press Enter.")
    left, right = st.columns(2, width=560)
    if left.button(
        "Save changes",
        type="primary",
        icon=":material/save:",
        disabled=bool(problems) or not changes,
        key=key + ":save",
    ):
        save(key, changes, reload)
    if right.button(
        "Discard changes and reload",
        icon=":material/refresh:",
        key=key + ":reload",
        help="Load the latest saved values. Changes you have not saved are lost.",
    ):
        reset_grid(key)
        st.rerun()


def number_column(row: Mapping[str, Any], title: str) -> Any:
    return st.column_config.NumberColumn(
        title,
        help=f"{plain(row['name'])}. {dbm.unit_words(row['unit'])}; "
        f"{dbm.direction_words(row['direction']).lower()}.",
        width=120,
    )


def wide_entry(quarters: int) -> None:
    chosen = theme_filter("entry-theme")
    metrics = [
        r
        for _, r in definitions.iterrows()
        if not dbm.none_if_blank(r["disaggregated_by"])
        and (chosen is None or r["theme_id"] == chosen)
    ]
    if not metrics:
        st.info(
            "No metrics here are entered one value a quarter. Choose another theme, or enter "
            "a broken-down metric in detail.",
            icon=":material/info:",
        )
        return
    ids = [int(m["id"]) for m in metrics]
    key = snapshot_key("wide", region_id, chosen or 0, quarters, *ids)

    def reload(keep: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The saved values; the quarters shown are worked out afresh unless kept."""
        with Session(ctx.engine) as session:
            values = dbm.metric_values(session, region_id, ids, overall_only=True)
        cells = dbm.loaded_cells(values)
        if keep is not None:
            periods = keep["periods"]
        else:
            periods = dbm.entry_periods(dbm.latest_period(values, ids), quarters, date.today())
        return {"periods": periods, "cells": cells, "display": cells}

    if key not in st.session_state:
        st.session_state[key] = reload()
    grid = st.session_state[key]
    periods = grid["periods"]
    frame = dbm.wide_grid(periods, metrics, grid["display"])
    config: dict[str, Any] = {
        dbm.WIDE_PERIOD_COLUMN: st.column_config.TextColumn("Quarter", disabled=True, width=120)
    }
    for row in metrics:
        config[str(row["code"])] = number_column(row, str(row["code"]))
    st.caption(
        f"One row per quarter, one column per metric: the last {quarters} quarters with "
        f"values and, in the last row, the next quarter ({format_period(periods[-1])}). "
        "Changing a value here clears its numerator and denominator unless they still give "
        "it. To enter numerators, denominators or notes, enter one metric in detail."
    )
    st.markdown(
        "\n".join(
            f"- **{plain(m['code'])}**: {plain(m['name'])} ({dbm.unit_words(m['unit']).lower()}; "
            f"{dbm.direction_words(m['direction']).lower()})"
            for m in metrics
        )
    )
    edited = st.data_editor(
        frame,
        hide_index=True,
        column_config=config,
        num_rows="fixed",
        key=f"{key}:editor:{generation(key)}",
        alt=f"Metric values for {region_name} by quarter, one column per metric",
        placeholder="",
        width="content",
    )
    changes, problems = dbm.wide_grid_changes(edited, periods, metrics, grid["cells"])
    problems_and_save(key, changes, problems, reload)


def detail_entry(quarters: int) -> None:
    options = [int(i) for i in definitions["id"]]
    metric_id = st.selectbox(
        "Metric", options, format_func=lambda i: label(by_id[i]), key="entry-metric"
    )
    row = by_id[metric_id]
    characteristic = dbm.none_if_blank(row["disaggregated_by"]) or ""
    key = snapshot_key("detail", region_id, metric_id, quarters)

    def reload(keep: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The saved values; the rows shown are worked out afresh unless kept."""
        with Session(ctx.engine) as session:
            values = dbm.metric_values(session, region_id, [metric_id])
            groups = dbm.entry_groups(session, characteristic) if characteristic else []
        extra = sorted(
            set(values.loc[values["characteristic"] == characteristic, "group_name"]) - set(groups)
        )
        groups = [*groups, *[g for g in extra if g]]
        cells = dbm.loaded_cells(values)
        overall = values[values["characteristic"] == ""]
        periods = dbm.entry_periods(dbm.latest_period(overall, [metric_id]), quarters, date.today())
        rows = dbm.detail_rows(periods, row, groups)
        if keep is not None:
            periods, rows = keep["periods"], keep["rows"]
        return {"periods": periods, "rows": rows, "cells": cells, "display": cells}

    if key not in st.session_state:
        st.session_state[key] = reload()
    grid = st.session_state[key]
    frame = dbm.detail_grid(grid["rows"], grid["display"])
    unit = row["unit"]
    st.caption(
        f"{dbm.unit_words(unit)}; {dbm.direction_words(row['direction']).lower()}. "
        + (
            f"One row per quarter for everyone, then one per group "
            f"({plain(characteristic_names.get(characteristic, characteristic))}). "
            if characteristic
            else "One row per quarter. "
        )
        + (
            "For a percentage you may give the numerator and denominator and leave the value "
            "blank: it is worked out for you."
            if unit == "percentage"
            else ""
        )
    )
    config = {
        "Quarter": st.column_config.TextColumn("Quarter", disabled=True, width=120),
        "Group": st.column_config.TextColumn("Group", disabled=True, width=220),
        "Value": number_column(row, "Value (%)" if unit == "percentage" else "Value"),
        "Numerator": st.column_config.NumberColumn(
            "Numerator", width=110, help="The count on top, such as the people who said yes."
        ),
        "Denominator": st.column_config.NumberColumn(
            "Denominator", width=110, help="The count below, such as everyone who answered."
        ),
        "Note": st.column_config.TextColumn("Note", width=260, max_chars=500),
    }
    columns = (
        dbm.DETAIL_COLUMNS if characteristic else [c for c in dbm.DETAIL_COLUMNS if c != "Group"]
    )
    edited = st.data_editor(
        frame,
        hide_index=True,
        column_config=config,
        column_order=columns,
        num_rows="fixed",
        key=f"{key}:editor:{generation(key)}",
        alt=f"Values of {row['code']} for {region_name} by quarter",
        placeholder="",
        width="content",
    )
    changes, problems = dbm.detail_grid_changes(edited, grid["rows"], row, grid["cells"])
    problems_and_save(key, changes, problems, reload)


def entry_view() -> None:
    st.header("Enter values", anchor=False)
    show_flash()
    mode = st.radio(
        "What to enter",
        ["Several metrics, one value a quarter", "One metric in detail"],
        captions=[
            "Quarters by metrics, for metrics that are not broken down by group.",
            "Value, numerator, denominator and note, and each group's values.",
        ],
        horizontal=True,
        key="entry-mode",
    )
    quarters = st.selectbox(
        "Quarters to show",
        [4, 8, 12],
        format_func=lambda n: f"The last {n} quarters and the next one",
        key="entry-quarters",
    )
    st.write(
        "Values are checked before anything is saved. If someone else changes a value "
        "while you are working, nothing is saved and you will see their value, so that "
        "nobody's figures are overwritten by mistake."
    )
    if mode.startswith("Several"):
        wide_entry(quarters)
    else:
        detail_entry(quarters)


# --- view 3: defining metrics -----------------------------------------------------

NEW_LOCAL = "new-local"
NEW_NATIONAL = "new-national"
PARTNER = "A community partner or another group (name it below)"
NOT_AGREED = "Not agreed yet"
CALCULATED = "Worked out from the values (recommended)"
QUARTERS = quarters_between(date(2020, 4, 1), date(2035, 1, 1))


def quarter_select(label_text: str, value: date | None, key: str, *, none_text: str) -> Any:
    options = [None, *QUARTERS]
    if value is not None and value not in options:
        options.append(value)
    return st.selectbox(
        label_text,
        options,
        index=options.index(value),
        format_func=lambda q: none_text if q is None else format_period(q),
        key=key,
    )


def define_view() -> None:
    st.header("Define or change a metric", anchor=False)
    show_flash()
    choices: list[Any] = []
    if can_define_local:
        choices.append(NEW_LOCAL)
    if can_define_national:
        choices.append(NEW_NATIONAL)
    for _, row in definitions.iterrows():
        local_ok = row["scope"] == "local" and can_define_local
        national_ok = row["scope"] == "national" and can_define_national
        if local_ok or national_ok:
            choices.append(int(row["id"]))
    pending = st.session_state.pop("metrics:define-choice", None)
    if pending in choices:
        st.session_state["define-metric"] = pending

    def describe(choice: Any) -> str:
        if choice == NEW_LOCAL:
            return f"A new local metric for {region_name}"
        if choice == NEW_NATIONAL:
            return "A new national core metric (for every region)"
        return label(by_id[choice])

    choice = st.selectbox("Metric", choices, format_func=describe, key="define-metric")
    if isinstance(choice, int):
        with Session(ctx.engine) as session:
            record = dbm.metric_record(session, choice)
        if record is None:
            st.error("That metric no longer exists.")
            return
        draft = dbm.MetricDraft.from_record(record)
        version = int(record["version"])
        scope_text = (
            "a national core metric: changes apply to every region"
            if record["scope"] == "national"
            else f"a local metric for {plain(region_name)}"
        )
        st.write(f"{plain(record['code'])} is {scope_text}.")
    else:
        prefix = region_code_prefix() if choice == NEW_LOCAL else ""
        draft = dbm.MetricDraft(
            code=prefix, name="", theme_id=None, unit="percentage", direction=None
        )
        version = 0
    metric_form(choice, draft, version)


def is_local(choice: Any) -> bool:
    return isinstance(choice, int) and by_id[choice]["scope"] == "local"


def region_code_prefix() -> str:
    with Session(ctx.engine) as session:
        codes = queries.regions(session)
    match = codes[codes["id"] == region_id]
    return (str(match["code"].iloc[0]).upper() + "-") if not match.empty else ""


def metric_form(choice: Any, draft: dbm.MetricDraft, version: int) -> None:
    k = f"define-{choice}-{version}"
    theme_ids = themes["id"].astype(int).tolist()
    chars = characteristic_names
    with st.form(k):
        st.subheader("What it measures", anchor=False)
        code = st.text_input(
            "Code",
            draft.code,
            max_chars=40,
            key=f"{k}-code",
            help="Short and unique, such as LONDON-L05.",
        )
        name = st.text_input("Name", draft.name, max_chars=200, key=f"{k}-name")
        definition = st.text_area(
            "Definition",
            draft.definition,
            key=f"{k}-definition",
            help="Exactly what is counted, and out of what, so that anyone gets the same figure.",
        )
        theme_id = st.selectbox(
            "Theme",
            theme_ids,
            index=theme_ids.index(draft.theme_id) if draft.theme_id in theme_ids else None,
            format_func=lambda t: theme_names[t],
            key=f"{k}-theme",
            placeholder="Choose a theme",
        )
        units = list(dbm.UNIT_CHOICES)
        unit = st.selectbox(
            "Unit",
            units,
            index=units.index(draft.unit) if draft.unit in units else 0,
            format_func=dbm.unit_words,
            key=f"{k}-unit",
        )
        counts_people = st.checkbox(
            "Its counts are counts of people",
            value=draft.counts_people,
            key=f"{k}-people",
            help="Leave this ticked when the value, or its numerator and denominator, counts "
            "people (service users, staff, carers). Forum members and published reports then "
            "see small counts hidden and others rounded to the nearest 5, so nobody can be "
            "identified. Untick it when it counts things that are not people, such as events "
            "held, partnership agreements or organisations: those are shown as recorded.",
        )
        directions = list(dbm.DIRECTION_CHOICES)
        direction = st.radio(
            "Which direction is better?",
            directions,
            index=directions.index(draft.direction) if draft.direction in directions else None,
            format_func=dbm.direction_words,
            horizontal=True,
            key=f"{k}-direction",
            help="Required. The progress status depends on it, so it is never guessed.",
        )
        data_source = st.text_input(
            "Data source", draft.data_source, max_chars=200, key=f"{k}-source"
        )
        char_options = [None, *chars]
        disaggregated_by = st.selectbox(
            "Broken down by",
            char_options,
            index=char_options.index(draft.disaggregated_by)
            if draft.disaggregated_by in char_options
            else 0,
            format_func=lambda c: (
                "Not broken down (one value for everyone)" if c is None else chars[c]
            ),
            key=f"{k}-char",
        )

        st.subheader("Baseline and target", anchor=False)
        left, right = st.columns(2)
        with left:
            baseline_period = quarter_select(
                "Baseline quarter", draft.baseline_period, f"{k}-bq", none_text="No baseline yet"
            )
            baseline_value = st.number_input(
                "Baseline value",
                value=draft.baseline_value,
                key=f"{k}-bv",
                placeholder="Leave blank to use the value recorded for that quarter",
            )
            start_period = quarter_select(
                "First quarter of data",
                draft.start_period,
                f"{k}-start",
                none_text="From the baseline quarter",
            )
            limit_value = st.number_input(
                "Natural limit (optional)",
                value=draft.limit_value,
                key=f"{k}-limit",
                help="A value the metric cannot pass, such as 100 for a percentage.",
            )
        with right:
            target_value = st.number_input(
                "Target value", value=draft.target_value, key=f"{k}-tv", placeholder="No target"
            )
            target_date = quarter_select(
                "Target quarter", draft.target_date, f"{k}-tq", none_text="No target"
            )
            end_period = quarter_select(
                "Last quarter of data", draft.end_period, f"{k}-end", none_text="Still in use"
            )

        st.subheader("Coproduction", anchor=False)
        bodies = [NOT_AGREED, *dbm.COPRODUCTION_BODIES, PARTNER]
        current_with = draft.coproduced_with
        if not current_with:
            body_index = 0
        elif current_with in dbm.COPRODUCTION_BODIES:
            body_index = bodies.index(current_with)
        else:
            body_index = len(bodies) - 1
        body = st.selectbox("Agreed with", bodies, index=body_index, key=f"{k}-body")
        partner = st.text_input(
            "Name of the community partner or group",
            current_with if body_index == len(bodies) - 1 else "",
            max_chars=200,
            key=f"{k}-partner",
        )
        coproduced_at = st.text_input(
            "Where it was agreed",
            draft.coproduced_at,
            max_chars=200,
            key=f"{k}-where",
            help="For example: London Regional Forum meeting.",
        )
        coproduced_on = st.date_input(
            "Date it was agreed",
            value=draft.coproduced_on,
            format="DD/MM/YYYY",
            key=f"{k}-when",
            max_value=date.today(),
        )

        st.subheader("Progress status", anchor=False)
        statuses = [None, *PROGRESS_STATUSES]
        manual = st.selectbox(
            "Progress status",
            statuses,
            index=statuses.index(draft.manual_status) if draft.manual_status in statuses else 0,
            format_func=lambda s: (
                CALCULATED if s is None else f"Set by hand: {PROGRESS_STATUSES[s].label}"
            ),
            key=f"{k}-manual",
        )
        manual_reason = st.text_area(
            "Reason for setting the status by hand",
            draft.manual_status_reason,
            key=f"{k}-manual-reason",
            help="Required when the status is set by hand.",
        )
        reason = ""
        if isinstance(choice, int):
            reason = st.text_input("Why are you changing it? (optional)", key=f"{k}-reason")
        submitted = st.form_submit_button(
            "Save changes" if isinstance(choice, int) else "Add metric",
            type="primary",
            icon=":material/save:",
        )
    if not submitted:
        return
    if body == NOT_AGREED:
        agreed_with = ""
    elif body == PARTNER:
        agreed_with = partner.strip()
    else:
        agreed_with = body
    new = dbm.MetricDraft(
        code=code,
        name=name,
        theme_id=theme_id,
        unit=unit,
        direction=direction,
        definition=definition,
        baseline_period=baseline_period,
        baseline_value=baseline_value,
        target_value=target_value,
        target_date=target_date,
        limit_value=limit_value,
        start_period=start_period,
        end_period=end_period,
        data_source=data_source,
        disaggregated_by=disaggregated_by,
        coproduced_with=agreed_with,
        coproduced_at=coproduced_at,
        coproduced_on=coproduced_on,
        manual_status=manual,
        manual_status_reason=manual_reason if manual else "",
        counts_people=counts_people,
    )
    if body == PARTNER and not agreed_with:
        problems = ["Name the community partner or group it was agreed with."]
    else:
        problems = dbm.definition_problems(
            new, scope="local" if choice == NEW_LOCAL or is_local(choice) else "national"
        )
    if problems:
        st.error(
            "Nothing was saved. Please fix these:\n\n"
            + "\n".join(f"- {plain(p)}" for p in problems),
            icon=":material/error:",
        )
        return
    try:
        if isinstance(choice, int):
            dbm.update_metric(ctx.engine, ctx.actor, choice, version, new, reason)
            saved_id = choice
        else:
            saved_id = dbm.create_metric(
                ctx.engine, ctx.actor, new, region_id if choice == NEW_LOCAL else None
            )
    except (WriteRefused, PermissionDenied) as exc:
        st.error(plain(str(exc)), icon=":material/error:")
        return
    flash("success", f"Saved {new.cleaned().code}.")
    st.session_state["metrics:define-choice"] = saved_id
    st.rerun()


# --- the page -----------------------------------------------------------------------

with Session(ctx.engine) as _session:
    characteristic_names = dict(
        zip(*[dbm.characteristics(_session)[c] for c in ("code", "name")], strict=True)
    )

views = [VIEW_PROGRESS]
if can_enter:
    views.append(VIEW_ENTER)
if can_define_local or can_define_national:
    views.append(VIEW_DEFINE)
requested = requested_definition()  # a first-run guide's link (components/first_run.py)
if requested is not None and VIEW_DEFINE in views:
    st.session_state["metrics-view"] = VIEW_DEFINE
    st.session_state["metrics:define-choice"] = requested
view = st.radio("Show", views, horizontal=True, key="metrics-view") if len(views) > 1 else views[0]

if view == VIEW_ENTER:
    entry_view()
elif view == VIEW_DEFINE:
    define_view()
else:
    show_flash()
    progress_view()
