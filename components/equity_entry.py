"""The Equity page's data entry: a count or a population figure at a time, or a file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components import downloads, file_abouts
from components.history import history_view
from components.importer import import_section
from components.outcome import run_write
from core import equity as eq
from core.entities import Entity
from core.equity import file_stem
from core.equity_import import (
    COUNT_OPTIONAL,
    COUNT_REQUIRED,
    HELP_COLUMNS,
    POPULATION_OPTIONAL,
    POPULATION_REQUIRED,
    count_columns_help,
    population_columns_help,
    population_template_rows,
    template_rows,
)
from core.export_about import ExportAbout
from core.formatting import escape_markdown
from core.importer import ImportCounts, ImportPreview
from core.periods import format_period, last_ended_quarter, quarter_choices, year_choices
from core.permissions import Action
from services import equity, quarterly
from services.context import RequestContext
from services.equity import EquityScope


def entry_section(ctx: RequestContext, scope: EquityScope) -> None:
    """Forms and imports for the region's counts and local population (leads only)."""
    st.header("Enter or import figures", anchor=False)
    st.write(
        f"Add or correct {escape_markdown(scope.region_name)}'s counts and local population. "
        "Counts are totals for a group, never details about a person."
    )
    one, many, pop_one, pop_many = st.tabs(
        ["Enter a count", "Import counts", "Enter local population", "Import local population"]
    )
    with one:
        enter_count(ctx, scope)
    with many:
        import_counts(ctx, scope)
    with pop_one:
        enter_population(ctx, scope)
    with pop_many:
        import_population(ctx, scope)


def _group_choice(scope: EquityScope, key: str) -> tuple[str, str]:
    characteristics = scope.characteristics
    left, right = st.columns(2)
    code = left.selectbox(
        "Characteristic",
        list(characteristics),
        format_func=lambda c: characteristics[c].name,
        key=f"{key}-characteristic",
    )
    group = right.selectbox(
        "Group", [g.name for g in characteristics[code].groups], key=f"{key}-group"
    )
    return code, group


def _save(write: Callable[..., Any], *args: Any, where: str, **kwargs: Any) -> bool:
    """Run a save, saying why when it is refused; True when it saved."""
    return run_write(write, *args, where=where, rerun=False, **kwargs) is not None


def period_picker(where: Any, measure: eq.Measure, *, key: str) -> date:
    """A picker of the quarters (or, for a yearly measure, the financial years) up to
    today's, newest first, shown as "Q1 2024/25" (or "2024/25"). It opens on the last
    one that has ended."""
    today = quarterly.today()
    yearly = measure.frequency != "quarter"
    choices = year_choices(today) if yearly else quarter_choices(today)
    return where.selectbox(
        "Year" if yearly else "Quarter",
        choices,
        index=1,
        format_func=lambda start: format_period(start, "year" if yearly else "quarter"),
        key=f"{key}-{'year' if yearly else 'quarter'}",
        help="The newest first. A period that has not begun cannot be chosen.",
    )


def enter_count(ctx: RequestContext, scope: EquityScope) -> None:
    region_id = scope.region_id
    assert region_id is not None
    left, right = st.columns(2)
    measure = left.selectbox(
        "Measure", list(eq.MEASURES.values()), format_func=lambda m: m.label, key="eq-in-measure"
    )
    period = period_picker(right, measure, key="eq-in-period")
    code, group = _group_choice(scope, "eq-in")
    stored = None
    if period is not None:
        stored = equity.stored_count(ctx, region_id, period, measure.code, code, group)
        if stored is not None:
            st.caption(
                f"Saved now: {stored.numerator}"
                + (f" out of {stored.denominator}" if stored.denominator is not None else "")
                + ". Saving replaces it."
            )
    a, b = st.columns(2)
    numerator = a.number_input(
        measure.numerator,
        min_value=0,
        step=1,
        value=stored.numerator if stored else 0,
        key="eq-in-numerator",
    )
    denominator = None
    if measure.kind == "proportion":
        denominator = b.number_input(
            measure.denominator,
            min_value=0,
            step=1,
            value=stored.denominator if stored and stored.denominator else 0,
            key="eq-in-denominator",
        )
    reason = st.text_input("Reason for the change (optional)", key="eq-in-reason")
    if st.button("Save count", type="primary", icon=":material/save:", key="eq-in-save"):
        saved = _save(
            equity.save_count,
            ctx,
            region_id,
            period,
            measure.code,
            code,
            group,
            int(numerator),
            None if denominator is None else int(denominator),
            expected_version=stored.version if stored else None,
            reason=reason,
            where="eq-count",
        )
        if not saved:
            return
        st.success("Saved.", icon=":material/check_circle:")
    if period is not None:
        ids = equity.count_ids(ctx, region_id, measure.code, code, period)
        if ids:
            history_view(ctx, Entity.EQUITY_COUNT, ids, key="history-eq-count")


def enter_population(ctx: RequestContext, scope: EquityScope) -> None:
    region_id = scope.region_id
    assert region_id is not None
    code, group = _group_choice(scope, "eq-pop")
    a, b = st.columns(2)
    year = a.number_input(
        "Year of the figures",
        min_value=1990,
        max_value=2100,
        value=2021,
        step=1,
        key="eq-pop-year",
    )
    stored = equity.stored_population(ctx, region_id, code, group, int(year))
    table = equity.region_population(ctx, region_id, code)
    population = b.number_input(
        "Population",
        min_value=0,
        step=1,
        value=stored.population if stored else 0,
        key="eq-pop-population",
    )
    source = st.text_input(
        "Source",
        value=stored.source if stored else "",
        key="eq-pop-source",
        placeholder="For example: ONS Census 2021, table TS021",
    )
    if st.button("Save population", type="primary", icon=":material/save:", key="eq-pop-save"):
        saved = _save(
            equity.save_population,
            ctx,
            region_id,
            code,
            group,
            int(year),
            int(population),
            source,
            expected_version=stored.version if stored else None,
            where="eq-pop",
        )
        if not saved:
            return
        st.success("Saved.", icon=":material/check_circle:")
        table = equity.region_population(ctx, region_id, code)
    if table.empty:
        name = escape_markdown(scope.characteristics[code].name.lower())
        st.write(f"No local population figures for {name} yet.")
        return
    shown = table.rename(
        columns={"year": "Year", "group": "Group", "population": "Population", "source": "Source"}
    )[["Year", "Group", "Population", "Source"]]
    st.dataframe(shown, hide_index=True, width="stretch")
    characteristic = scope.characteristics[code].name
    downloads.download_buttons(
        shown,
        file_stem("population", scope.region_name, code),
        key="eq-pop-table",
        about=downloads.for_page(
            ctx,
            ExportAbout(
                title=f"Local population of {scope.region_name} by {characteristic.lower()}",
                definition="Residents of the region's local area in each group, by year.",
                source="; ".join(sorted({str(s) for s in shown["Source"].dropna() if s})),
                period=", ".join(str(y) for y in sorted(set(shown["Year"]))),
                disclosure="None needed: population figures are published counts.",
            ),
            action=Action.VIEW_REGION,
            page="Equity",
            region_name=scope.region_name,
        ),
    )
    history_view(ctx, Entity.POPULATION_COUNT, table["id"].tolist(), key="history-eq-pop")


def _file_import(
    ctx: RequestContext,
    *,
    key: str,
    help_rows: list[tuple[str, str, str]],
    template: pd.DataFrame,
    template_name: str,
    what: str,
    period: str,
    region_name: str,
    check: Callable[[RequestContext, bytes, str], ImportPreview],
    save: Callable[[RequestContext, ImportPreview, Callable[[float], None]], ImportCounts],
    saved: Callable[[ImportCounts], str],
) -> None:
    """The shared import widget, with the service's dry run and save for this person."""

    def preview(data: bytes, filename: str) -> ImportPreview:
        return check(ctx, data, filename)

    def commit(result: ImportPreview, progress: Callable[[float], None]) -> str:
        return saved(save(ctx, result, progress))

    import_section(
        key=key,
        columns_help=pd.DataFrame(help_rows, columns=list(HELP_COLUMNS)),
        template=template,
        template_name=template_name,
        preview=preview,
        commit=commit,
        max_bytes=equity.IMPORT_MAX_BYTES,
        about=file_abouts.import_template(
            ctx,
            what=what,
            region_name=region_name,
            period=period,
            page="Equity",
            action=Action.EDIT_EQUITY,
        ),
    )


def import_counts(ctx: RequestContext, scope: EquityScope) -> None:
    groups = [g.name for g in scope.characteristics["ethnicity_broad"].groups]
    measure = eq.MEASURES["right_support"]
    period = format_period(last_ended_quarter(quarterly.today()))
    _file_import(
        ctx,
        key="equity-counts-import",
        help_rows=count_columns_help(scope.region_name),
        template=pd.DataFrame(
            template_rows(
                scope.region_name,
                period,
                measure,
                "ethnicity_broad",
                groups,
            ),
            columns=[*COUNT_REQUIRED, *COUNT_OPTIONAL],
        ),
        template_name=file_stem("equity-counts", scope.region_name),
        what="equity counts",
        period=period,
        region_name=scope.region_name,
        check=equity.preview_counts,
        save=equity.import_counts,
        saved=lambda counts: (
            f"Saved: {counts.describe('figure')}. Each change is in the figure's history."
        ),
    )


def import_population(ctx: RequestContext, scope: EquityScope) -> None:
    groups = [g.name for g in scope.characteristics["ethnicity_broad"].groups if not g.is_missing]
    _file_import(
        ctx,
        key="equity-population-import",
        help_rows=population_columns_help(scope.region_name),
        template=pd.DataFrame(
            population_template_rows(scope.region_name, "ethnicity_broad", groups),
            columns=[*POPULATION_REQUIRED, *POPULATION_OPTIONAL],
        ),
        template_name=file_stem("population", scope.region_name),
        what="local population figures",
        period="The years you fill in.",
        region_name=scope.region_name,
        check=equity.preview_population,
        save=equity.import_population,
        saved=lambda counts: f"Saved: {counts.describe('population figure')}.",
    )
