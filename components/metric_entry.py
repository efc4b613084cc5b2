"""The Metrics page's data entry: several metrics one value a quarter, or one metric in
detail (numerator, denominator, note and each group's values), in editable grids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from components.metric_card import label, theme_filter
from components.metric_entry_save import (
    OUTCOME,
    early_note,
    generation,
    number_column,
    problems_and_save,
    snapshot_key,
    status_column,
)
from components.outcome import show_outcome
from core.formatting import escape_markdown as plain
from core.metric_grid import (
    DETAIL_COLUMNS,
    STATUS_COLUMN,
    WIDE_PERIOD_COLUMN,
    detail_grid,
    detail_grid_changes,
    detail_rows,
    loaded_cells,
    wide_grid,
    wide_grid_changes,
)
from core.metric_words import direction_words, none_if_blank, unit_words
from core.quarterly import grid_quarters
from services.context import RequestContext
from services.metrics import MetricsPage, entry_values, overall_values
from services.quarterly import today


def wide_entry(ctx: RequestContext, page: MetricsPage, quarters: int) -> None:
    chosen = theme_filter(page, "entry-theme")
    metrics = [
        r
        for _, r in page.definitions.iterrows()
        if not none_if_blank(r["disaggregated_by"]) and (chosen is None or r["theme_id"] == chosen)
    ]
    if not metrics:
        st.info(
            "No metrics here are entered one value a quarter. Choose another theme, or enter "
            "a broken-down metric in detail.",
            icon=":material/info:",
        )
        return
    ids = [int(m["id"]) for m in metrics]
    key = snapshot_key("wide", page.region_id, chosen or 0, quarters, *ids)

    def reload(keep: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The saved values; the quarters shown (those ended and the current one, so a
        save never moves them on) are worked out afresh unless kept."""
        values = overall_values(ctx, page.region_id, ids)
        cells = loaded_cells(values)
        periods = keep["periods"] if keep is not None else grid_quarters(today(), quarters)
        return {"periods": periods, "cells": cells, "display": cells}

    if key not in st.session_state:
        st.session_state[key] = reload()
    grid = st.session_state[key]
    periods = grid["periods"]
    frame = wide_grid(periods, metrics, grid["display"], today())
    config: dict[str, Any] = {
        WIDE_PERIOD_COLUMN: st.column_config.TextColumn("Quarter", disabled=True, width=120),
        STATUS_COLUMN: status_column(),
    }
    for row in metrics:
        config[str(row["code"])] = number_column(row, str(row["code"]))
    st.caption(
        f"One row per quarter, one column per metric: the last {quarters} quarters that "
        "have ended and, in the last row, the current quarter. Type numbers in figures, "
        "like 12.5 or 1,250. Changing a value here clears its numerator and denominator "
        "unless they still give it. To enter numerators, denominators or notes, enter one "
        "metric in detail."
    )
    early_note(periods)
    st.markdown(
        "\n".join(
            f"- **{plain(m['code'])}**: {plain(m['name'])} ({unit_words(m['unit']).lower()}; "
            f"{direction_words(m['direction']).lower()})"
            for m in metrics
        )
    )
    edited = st.data_editor(
        frame,
        hide_index=True,
        column_config=config,
        num_rows="fixed",
        key=f"{key}:editor:{generation(key)}",
        alt=f"Metric values for {page.region_name} by quarter, one column per metric",
        placeholder="",
        width="content",
    )
    changes, problems = wide_grid_changes(edited, periods, metrics, grid["cells"])
    problems_and_save(ctx, page, key, changes, problems, reload)


def detail_entry(ctx: RequestContext, page: MetricsPage, quarters: int) -> None:
    options = [int(i) for i in page.definitions["id"]]
    metric_id = st.selectbox(
        "Metric", options, format_func=lambda i: label(page.by_id[i]), key="entry-metric"
    )
    row = page.by_id[metric_id]
    characteristic = none_if_blank(row["disaggregated_by"]) or ""
    key = snapshot_key("detail", page.region_id, metric_id, quarters)

    def reload(keep: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The saved values; the rows shown are worked out afresh unless kept."""
        values, groups = entry_values(ctx, page.region_id, metric_id, characteristic)
        extra = sorted(
            set(values.loc[values["characteristic"] == characteristic, "group_name"]) - set(groups)
        )
        groups = [*groups, *[g for g in extra if g]]
        cells = loaded_cells(values)
        periods = grid_quarters(today(), quarters)
        rows = detail_rows(periods, row, groups)
        if keep is not None:
            periods, rows = keep["periods"], keep["rows"]
        return {"periods": periods, "rows": rows, "cells": cells, "display": cells}

    if key not in st.session_state:
        st.session_state[key] = reload()
    grid = st.session_state[key]
    frame = detail_grid(grid["rows"], grid["display"], today())
    unit = row["unit"]
    names = page.characteristic_names
    st.caption(
        f"{unit_words(unit)}; {direction_words(row['direction']).lower()}. "
        + (
            f"One row per quarter for everyone, then one per group "
            f"({plain(names.get(characteristic, characteristic))}). "
            if characteristic
            else "One row per quarter. "
        )
        + "Type numbers in figures, like 12.5 or 1,250. "
        + (
            "For a percentage you may give the numerator and denominator and leave the value "
            "blank: it is worked out for you."
            if unit == "percentage"
            else ""
        )
    )
    early_note(sorted({c.period_start for c in grid["rows"]}))
    config = {
        "Quarter": st.column_config.TextColumn("Quarter", disabled=True, width=120),
        "Status": status_column(),
        "Group": st.column_config.TextColumn("Group", disabled=True, width=220),
        "Value": number_column(row, "Value (%)" if unit == "percentage" else "Value"),
        "Numerator": st.column_config.TextColumn(
            "Numerator", width=110, help="The count on top, such as the people who said yes."
        ),
        "Denominator": st.column_config.TextColumn(
            "Denominator", width=110, help="The count below, such as everyone who answered."
        ),
        "Note": st.column_config.TextColumn("Note", width=260, max_chars=500),
    }
    columns = DETAIL_COLUMNS if characteristic else [c for c in DETAIL_COLUMNS if c != "Group"]
    edited = st.data_editor(
        frame,
        hide_index=True,
        column_config=config,
        column_order=columns,
        num_rows="fixed",
        key=f"{key}:editor:{generation(key)}",
        alt=f"Values of {row['code']} for {page.region_name} by quarter",
        placeholder="",
        width="content",
    )
    changes, problems = detail_grid_changes(edited, grid["rows"], row, grid["cells"])
    problems_and_save(ctx, page, key, changes, problems, reload)


def entry_view(ctx: RequestContext, page: MetricsPage) -> None:
    st.header("Enter values", anchor=False)
    show_outcome(OUTCOME)
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
        format_func=lambda n: f"The last {n} quarters and the current one",
        key="entry-quarters",
    )
    st.write(
        "Values are checked before anything is saved. If someone else changes a value "
        "while you are working, nothing is saved and you will see their value, so that "
        "nobody's figures are overwritten by mistake."
    )
    if mode.startswith("Several"):
        wide_entry(ctx, page, quarters)
    else:
        detail_entry(ctx, page, quarters)
