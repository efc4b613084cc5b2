"""Equity: who we support, and whether experience and outcomes are fair for every group."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from components.charts import show_chart
from components.context import current
from components.downloads import download_buttons
from components.history import history_view
from components.importer import import_section
from components.region_picker import choose_region
from core import equity as eq
from core.disclosure import percentage_note, rule_text
from core.equity_import import (
    COUNT_OPTIONAL,
    COUNT_REQUIRED,
    POPULATION_OPTIONAL,
    POPULATION_REQUIRED,
    period_problem,
    template_rows,
)
from core.formatting import escape_markdown
from core.importer import ImportPreview
from core.periods import financial_year_of, format_period
from core.permissions import Action, PermissionDenied, can
from core.statuses import OKABE_ITO
from db import equity as db_equity
from db.writes import WriteRefused

NATIONAL = "All regions (national)"
ONE_REGION = "One region"
COMPARISON_COLOURS = {
    "Reference group": OKABE_ITO["black"],
    "Significantly higher": OKABE_ITO["vermillion"],
    "Significantly lower": OKABE_ITO["blue"],
    "No significant difference": OKABE_ITO["grey"],
    "Not compared": OKABE_ITO["sky_blue"],
}
COMPARISON_SHAPES = {
    "Reference group": "square",
    "Significantly higher": "triangle-up",
    "Significantly lower": "triangle-down",
    "No significant difference": "circle",
    "Not compared": "diamond",
}
TREND_COLOURS = [
    OKABE_ITO[c]
    for c in ("black", "orange", "sky_blue", "bluish_green", "blue", "vermillion", "reddish_purple")
]

ctx = current()
threshold = ctx.settings.disclosure_threshold
st.title("Equity")
st.write(
    "Who our services support, and whether every group gets the same experience and "
    "outcomes. Each figure has a 95% confidence interval: the range the true value is "
    "likely to lie in. A difference is called significant only when that range for the "
    "ratio does not include 1."
)

# -- scope -----------------------------------------------------------------------------
if can(ctx.actor, Action.VIEW_ALL_REGIONS):
    scope = st.radio("Show figures for", [NATIONAL, ONE_REGION], horizontal=True, key="eq-scope")
    if scope == ONE_REGION:
        region_id, region_name = choose_region(ctx, key="eq-region")
    else:
        region_id, region_name = None, "all regions"
else:
    region_id, region_name = choose_region(ctx, key="eq-region")
region_ids = None if region_id is None else [region_id]
view = eq.view_for(ctx.actor, region_id, threshold)
may_edit = region_id is not None and can(ctx.actor, Action.EDIT_EQUITY, region_id)

with Session(ctx.engine) as session:
    characteristics = db_equity.characteristics(session)
    catalogue = db_equity.equity_catalogue(session, region_ids)

if view.exact:
    st.caption(
        "You see exact figures for "
        + (f"{escape_markdown(region_name)}." if region_id else "every region.")
        + " Regional Forum members see them with NHS disclosure control applied."
    )
else:
    st.caption(rule_text(threshold), help="NHS disclosure control keeps any person unidentifiable.")


def chart_of(
    frame: pd.DataFrame, *, title: str, description: str, x_title: str, line: float | None
) -> alt.LayerChart | alt.Chart:
    """Each group's value as a point with its 95% interval, and a dashed reference line."""
    y = alt.Y("group:N", sort=None, title=None, axis=alt.Axis(labelLimit=320))
    shown = set(frame["comparison"])
    domain = [c for c in COMPARISON_COLOURS if c in shown]
    colour = alt.Color(
        "comparison:N",
        title="Compared with the reference",
        scale=alt.Scale(domain=domain, range=[COMPARISON_COLOURS[c] for c in domain]),
    )
    shape = alt.Shape(
        "comparison:N",
        title="Compared with the reference",
        scale=alt.Scale(domain=domain, range=[COMPARISON_SHAPES[c] for c in domain]),
    )
    tooltip = [
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("value:Q", title=x_title),
        alt.Tooltip("low:Q", title="Lower 95% limit"),
        alt.Tooltip("high:Q", title="Upper 95% limit"),
        alt.Tooltip("comparison:N", title="Compared with the reference"),
    ]
    base = alt.Chart(frame)
    bars = base.mark_rule(color=OKABE_ITO["grey"], strokeWidth=2).encode(
        y=y, x=alt.X("low:Q", title=x_title), x2="high:Q", tooltip=tooltip
    )
    points = base.mark_point(filled=True, size=90, opacity=1).encode(
        y=y, x="value:Q", color=colour, shape=shape, tooltip=tooltip
    )
    layers: list[alt.Chart] = [bars, points]
    if line is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"reference": [line]}))
            .mark_rule(strokeDash=[6, 4], color=OKABE_ITO["black"])
            .encode(x="reference:Q")
        )
    return alt.layer(*layers).properties(
        title=title, description=description, height=plot_height(frame)
    )


def plot_height(frame: pd.DataFrame) -> int:
    return max(120, 30 * len(frame))


def file_stem(*parts: str) -> str:
    return "-".join(p.lower().replace(" ", "-").replace("/", "-") for p in parts if p)


# -- choices ---------------------------------------------------------------------------
def analysis_section() -> None:
    if catalogue.empty:
        st.info(
            f"There are no equity figures for {escape_markdown(region_name)} yet."
            + (" Add them under 'Enter or import figures' below." if may_edit else ""),
            icon=":material/info:",
        )
        return
    recorded = set(catalogue["measure"])
    measures = [m for m in eq.MEASURES.values() if m.code in recorded]
    left, middle, right = st.columns(3)
    measure = left.selectbox("Measure", measures, format_func=lambda m: m.label, key="eq-measure")
    in_measure = catalogue[catalogue["measure"] == measure.code]
    recorded_for = set(in_measure["characteristic"])
    char_codes = [c for c in characteristics if c in recorded_for]
    char_code = middle.selectbox(
        "Characteristic",
        char_codes,
        format_func=lambda c: characteristics[c].name,
        key="eq-characteristic",
    )
    info = characteristics[char_code]
    periods = sorted(
        in_measure[in_measure["characteristic"] == char_code]["period_start"], reverse=True
    )
    period = right.selectbox(
        "Period",
        periods,
        format_func=lambda p: format_period(p, measure.frequency),
        key=f"eq-period-{measure.code}",
    )
    st.caption(measure.description)

    with Session(ctx.engine) as session:
        all_counts = db_equity.equity_counts(session, region_ids, measure.code, char_code)
        populations = {
            p: db_equity.population_for(session, region_ids, char_code, financial_year_of(p))
            for p in periods
        }
    counts = all_counts[all_counts["period_start"] == period]
    names = [g.name for g in eq.analysis_groups(counts["group"], info.groups)]
    if not names:
        st.info("Every record for this period has the group not stated or not known.")
        data_quality(counts, info, measure)
        return
    reference = eq.EVERYONE_ELSE
    if measure.kind != "count":
        options = [eq.EVERYONE_ELSE, *names]
        default = eq.default_reference(char_code, names)
        reference = st.selectbox(
            "Compare each group with",
            options,
            index=options.index(default),
            key=f"eq-reference-{char_code}",
            help="The reference group. 'Everyone else' compares each group with all the "
            "other groups put together.",
        )
    population = populations[period]
    if measure.kind in ("count", "rate") and population.empty:
        st.info(
            f"There are no local population figures for {escape_markdown(info.name.lower())} "
            "here, so "
            + (
                "rates cannot be worked out."
                if measure.kind == "rate"
                else "access cannot be compared with the local population. The table shows "
                "each group's share of the people supported."
            )
            + (" Add them under 'Enter or import figures' below." if may_edit else ""),
            icon=":material/info:",
        )
        if measure.kind == "rate":
            data_quality(counts, info, measure)
            return
    analysis = eq.analyse(
        measure,
        counts,
        population.frame,
        info.groups,
        reference,
        threshold=threshold,
        disclosed=view.suppressed,
    )
    period_label = format_period(period, measure.frequency)
    where = region_name if region_id else "All regions"
    heading = (
        "Access: who we support against the local population"
        if measure.kind == "count"
        else ("Rates per 100,000 people" if measure.kind == "rate" else "Outcomes and experience")
    )
    st.header(heading, anchor=False)
    sentences = eq.disparity_sentences(analysis, measure, reference)
    if sentences:
        st.markdown("**Significant differences**")
        st.markdown("\n".join(f"- {escape_markdown(s)}" for s in sentences))
    else:
        st.write(escape_markdown(eq.no_disparity_sentence(analysis, measure, reference)))

    frame = eq.chart_frame(analysis, measure, view)
    if eq.plots_ratio(analysis, measure):
        x_title = "Representation ratio (1 = in proportion to the local population)"
        line = 1.0
        what = (
            "each group's share of the people supported divided by its share of the local "
            "population, with its 95% interval; the dashed line at 1 means in proportion"
        )
    else:
        x_title = eq.value_label(measure)
        line = (
            eq.reference_value(analysis, measure, reference, view)
            if measure.kind != "count"
            else None
        )
        what = (
            f"each group's {x_title.lower()} with its 95% interval; the dashed line is "
            + (
                "the figure for everyone"
                if reference == eq.EVERYONE_ELSE
                else f"the figure for {eq.group_phrase(reference, measure.people)}"
            )
            if line is not None
            else f"each group's {x_title.lower()} with its 95% interval"
        )
    title = f"{measure.label} by {info.name.lower()}, {where}, {period_label}"
    if frame.empty:
        st.info("No group has enough people to show a figure.")
    else:
        show_chart(
            chart_of(
                frame,
                title=title,
                description=f"Chart of {what}. The same figures are in the table below.",
                x_title=x_title,
                line=line,
            ),
            width="stretch",
            height=plot_height(frame) + 120,
        )
    if measure.kind != "count":
        st.caption(
            f"The ratio compares how likely each group was to {measure.outcome} with "
            + (
                "all other groups put together."
                if reference == eq.EVERYONE_ELSE
                else f"{escape_markdown(eq.group_phrase(reference, measure.people))}."
            )
        )
    table = eq.display_table(analysis, measure, view)
    st.dataframe(table, hide_index=True, width="stretch")
    if view.suppressed:
        st.caption(percentage_note(threshold))
    download_buttons(
        table, file_stem("equity", where, measure.code, char_code, period_label), key="eq-table"
    )
    if measure.kind in ("count", "rate") and not population.empty:
        years = ", ".join(str(y) for y in population.years)
        sources = "; ".join(population.sources) or "source not given"
        st.caption(f"Local population: {years} ({escape_markdown(sources)}).")

    trends(all_counts, populations, info, measure, reference, names)
    data_quality(counts, info, measure)


def trends(all_counts, populations, info, measure, reference, names) -> None:
    st.header("Trends over time", anchor=False)
    periods = sorted(set(all_counts["period_start"]))
    if len(periods) < 2:
        st.write("There is only one period of figures so far, so there is no trend yet.")
        return
    analyses = []
    for p in periods:
        counts = all_counts[all_counts["period_start"] == p]
        present = {g.name for g in eq.analysis_groups(counts["group"], info.groups)}
        ref = reference if reference in present else eq.EVERYONE_ELSE
        analyses.append(
            (
                format_period(p, measure.frequency),
                eq.analyse(
                    measure,
                    counts,
                    populations[p].frame,
                    info.groups,
                    ref,
                    threshold=threshold,
                    disclosed=view.suppressed,
                ),
            )
        )
    long = eq.trend_frame(analyses, measure, view)
    label = eq.trend_value_label(analyses[-1][1], measure)
    default = [n for n in names if n == reference] + [n for n in names if n != reference]
    chosen = st.multiselect(
        "Groups to show in the trend",
        names,
        default=default[:4],
        max_selections=len(TREND_COLOURS),
        key=f"eq-trend-groups-{info.code}",
    )
    shown = long[long["Group"].isin(chosen)]
    plotted = shown.dropna(subset=["Value"]).rename(
        columns={"Value": "value", "Lower 95% limit": "low", "Upper 95% limit": "high"}
    )
    if plotted.empty:
        st.write("Choose at least one group with enough people to show.")
    else:
        order = [format_period(p, measure.frequency) for p in periods]
        x = alt.X("Period:N", sort=order, title="Period")
        colour = alt.Color(
            "Group:N",
            scale=alt.Scale(domain=chosen, range=TREND_COLOURS[: len(chosen)]),
            legend=alt.Legend(title="Group", labelLimit=260, orient="right"),
        )
        tooltip = ["Period:N", "Group:N", alt.Tooltip("value:Q", title=label)]
        base = alt.Chart(plotted)
        chart = alt.layer(
            base.mark_line().encode(x=x, y=alt.Y("value:Q", title=label), color=colour),
            base.mark_point(filled=True, size=60).encode(
                x=x,
                y="value:Q",
                color=colour,
                shape=alt.Shape("Group:N", legend=None),
                tooltip=tooltip,
            ),
        ).properties(
            title=f"{label} over time: {measure.label}, by {info.name.lower()}",
            description=(
                f"Line chart of {label.lower()} for each chosen group in each period. "
                "Periods where a group has too few people are left out. The same figures "
                "are in the table below."
            ),
            height=300,
        )
        show_chart(chart, width="stretch", height=380)
    table = shown.rename(columns={"Value": label})
    st.dataframe(table, hide_index=True, width="stretch")
    if view.suppressed:
        st.caption(percentage_note(threshold))
    download_buttons(table, file_stem("equity-trend", measure.code, info.code), key="eq-trend")


def data_quality(counts: pd.DataFrame, info, measure) -> None:
    st.header("Data quality", anchor=False)
    missing = eq.missing_data(counts, info.groups, measure)
    sentence = eq.missing_sentence(
        info.name, measure, missing, exact=view.exact, threshold=threshold
    )
    st.write(escape_markdown(sentence))
    missing_names = eq.missing_groups(info.groups)
    rows = counts[counts["group"].isin(missing_names)]
    if rows.empty:
        return
    column = "denominator" if measure.kind == "proportion" else "numerator"
    table = pd.DataFrame({"Group": rows["group"].tolist()})
    table[measure.records.capitalize()] = eq.count_column(rows[column].reset_index(drop=True), view)
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, file_stem("equity-missing", measure.code, info.code), key="eq-missing")


# -- data entry ------------------------------------------------------------------------
def entry_section() -> None:
    st.header("Enter or import figures", anchor=False)
    st.write(
        f"Add or correct {escape_markdown(region_name)}'s counts and local population. "
        "Counts are totals for a group, never details about a person."
    )
    one, many, pop_one, pop_many = st.tabs(
        ["Enter a count", "Import counts", "Enter local population", "Import local population"]
    )
    with one:
        enter_count()
    with many:
        import_counts()
    with pop_one:
        enter_population()
    with pop_many:
        import_population()


def _group_choice(key: str) -> tuple[str, str]:
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


def enter_count() -> None:
    assert region_id is not None
    left, right = st.columns(2)
    measure = left.selectbox(
        "Measure", list(eq.MEASURES.values()), format_func=lambda m: m.label, key="eq-in-measure"
    )
    example = "2024/25 Q1" if measure.frequency == "quarter" else "2024/25"
    period_text = right.text_input(
        "Period", placeholder=example, key="eq-in-period", help=f"For example {example}."
    )
    code, group = _group_choice("eq-in")
    period = None
    if period_text.strip():
        period, problems = period_problem(measure, period_text)
        for problem in problems:
            st.error(escape_markdown(problem.message.capitalize()), icon=":material/error:")
    stored = None
    if period is not None:
        with Session(ctx.engine) as session:
            stored = db_equity.count_cell(session, region_id, period, measure.code, code, group)
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
        if period is None:
            st.error(f"Enter the period first, for example {example}.", icon=":material/error:")
            return
        try:
            db_equity.save_equity_count(
                ctx.engine,
                ctx.actor,
                region_id,
                period,
                measure.code,
                code,
                group,
                int(numerator),
                None if denominator is None else int(denominator),
                expected_version=stored.version if stored else None,
                reason=reason,
            )
        except (WriteRefused, PermissionDenied) as exc:
            st.error(escape_markdown(str(exc)), icon=":material/error:")
            return
        st.success("Saved.", icon=":material/check_circle:")
    if period is not None:
        with Session(ctx.engine) as session:
            rows = db_equity.region_counts(session, region_id, measure.code, code, period)
        if not rows.empty:
            history_view(ctx, "equity_count", rows["id"].tolist(), key="history-eq-count")


def enter_population() -> None:
    assert region_id is not None
    code, group = _group_choice("eq-pop")
    a, b = st.columns(2)
    year = a.number_input(
        "Year of the figures",
        min_value=1990,
        max_value=2100,
        value=2021,
        step=1,
        key="eq-pop-year",
    )
    with Session(ctx.engine) as session:
        stored = db_equity.population_cell(session, region_id, code, group, int(year))
        table = db_equity.region_population(session, region_id, code)
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
        try:
            db_equity.save_population_count(
                ctx.engine,
                ctx.actor,
                region_id,
                code,
                group,
                int(year),
                int(population),
                source,
                expected_version=stored.version if stored else None,
            )
        except (WriteRefused, PermissionDenied) as exc:
            st.error(escape_markdown(str(exc)), icon=":material/error:")
            return
        st.success("Saved.", icon=":material/check_circle:")
        with Session(ctx.engine) as session:
            table = db_equity.region_population(session, region_id, code)
    if table.empty:
        name = escape_markdown(characteristics[code].name.lower())
        st.write(f"No local population figures for {name} yet.")
        return
    shown = table.rename(
        columns={"year": "Year", "group": "Group", "population": "Population", "source": "Source"}
    )[["Year", "Group", "Population", "Source"]]
    st.dataframe(shown, hide_index=True, width="stretch")
    download_buttons(shown, file_stem("population", region_name, code), key="eq-pop-table")
    history_view(ctx, "population_count", table["id"].tolist(), key="history-eq-pop")


def _help(columns: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(columns, columns=["Column", "Needed", "What to write"])


def import_counts() -> None:
    groups = [g.name for g in characteristics["ethnicity_broad"].groups]
    measure = eq.MEASURES["right_support"]
    template = pd.DataFrame(
        template_rows(region_name, "2025/26 Q1", measure, "ethnicity_broad", groups),
        columns=[*COUNT_REQUIRED, *COUNT_OPTIONAL],
    )
    codes = ", ".join(eq.MEASURES)
    help_table = _help(
        [
            ("region", "Yes", f"The region's name ({region_name})."),
            ("period", "Yes", "A quarter, such as 2024/25 Q1; a year (2024/25) for detentions."),
            ("measure", "Yes", f"One of: {codes}."),
            ("characteristic", "Yes", "Such as ethnicity, ethnicity_broad, age_band, sex."),
            ("group", "Yes", "The group's name as listed on this page, or an NHS ethnic code."),
            ("numerator", "Yes", "How many people (a whole number)."),
            ("denominator", "For percentages", "How many in all; blank for counts and rates."),
        ]
    )

    def preview(data: bytes, filename: str) -> ImportPreview:
        return db_equity.preview_equity_counts(ctx.engine, ctx.actor, data, filename)

    def commit(result: ImportPreview, progress) -> str:
        counts = db_equity.import_equity_counts(ctx.engine, ctx.actor, result, progress)
        return f"Saved: {counts.describe('figure')}. Each change is in the figure's history."

    import_section(
        key="equity-counts-import",
        columns_help=help_table,
        template=template,
        template_name=file_stem("equity-counts", region_name),
        preview=preview,
        commit=commit,
        max_bytes=db_equity.IMPORT_MAX_BYTES,
    )


def import_population() -> None:
    groups = [g.name for g in characteristics["ethnicity_broad"].groups if not g.is_missing]
    template = pd.DataFrame(
        [
            {
                "region": region_name,
                "characteristic": "ethnicity_broad",
                "group": g,
                "year": "2021",
                "population": "",
                "source": "ONS Census 2021",
            }
            for g in groups
        ],
        columns=[*POPULATION_REQUIRED, *POPULATION_OPTIONAL],
    )
    help_table = _help(
        [
            ("region", "Yes", f"The region's name ({region_name})."),
            ("characteristic", "Yes", "Such as ethnicity, ethnicity_broad, age_band, sex."),
            ("group", "Yes", "The group's name as listed on this page."),
            ("year", "Yes", "The year the figures describe, such as 2021 for the census."),
            ("population", "Yes", "How many people live in the region in that group."),
            ("source", "No", "Where the figures come from, such as ONS Census 2021."),
        ]
    )

    def preview(data: bytes, filename: str) -> ImportPreview:
        return db_equity.preview_population_counts(ctx.engine, ctx.actor, data, filename)

    def commit(result: ImportPreview, progress) -> str:
        counts = db_equity.import_population_counts(ctx.engine, ctx.actor, result, progress)
        return f"Saved: {counts.describe('population figure')}."

    import_section(
        key="equity-population-import",
        columns_help=help_table,
        template=template,
        template_name=file_stem("population", region_name),
        preview=preview,
        commit=commit,
        max_bytes=db_equity.IMPORT_MAX_BYTES,
    )


analysis_section()
if may_edit:
    entry_section()
