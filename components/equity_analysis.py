"""The Equity page's analysis: a measure by a characteristic, its trend and data quality."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from components import downloads, url_state
from components.charts import show_chart
from components.equity_charts import TREND_COLOURS, chart_of, plot_height, trend_chart
from core import equity as eq
from core.disclosure import percentage_note
from core.equity import CharacteristicInfo, Measure, file_stem
from core.export_about import ExportAbout
from core.formatting import escape_markdown
from core.periods import format_period
from services import equity
from services.context import RequestContext
from services.equity import EquityFigures, EquityScope

#: Where equity figures come from.
SOURCE = "Equity figures recorded in the dashboard by the region (entered or imported)"


def file_about(
    ctx: RequestContext, scope: EquityScope, measure: Measure, title: str, period: str
) -> ExportAbout:
    """What an equity download says about itself, for this viewer."""
    return downloads.for_viewer(
        ctx,
        ExportAbout(
            title=title,
            definition=measure.description,
            source=SOURCE,
            period=period,
            notes=(
                "Percentages and shares are 0 to 100; rates are per 100,000 people; a ratio "
                "of 1 means the same as the reference. Intervals are 95% confidence "
                "intervals, each limit in its own column.",
            ),
        ),
        region_id=scope.region_id,
        region_name=scope.region_name,
    )


def analysis_section(ctx: RequestContext, scope: EquityScope) -> None:
    """Choose a measure, characteristic and period; show its figures, trend and gaps."""
    catalogue, characteristics = scope.catalogue, scope.characteristics
    if catalogue.empty:
        st.info(
            f"There are no equity figures for {escape_markdown(scope.region_name)} yet."
            + (" Add them under 'Enter or import figures' below." if scope.may_edit else ""),
            icon=":material/info:",
        )
        return
    recorded = set(catalogue["measure"])
    measures = [m for m in eq.MEASURES.values() if m.code in recorded]
    left, middle, right = st.columns(3)
    with left:
        measure = url_state.pick(
            st.selectbox,
            "Measure",
            measures,
            param=url_state.MEASURE,
            key="eq-measure",
            encode=lambda m: m.code,
            format_func=lambda m: m.label,
        )
    in_measure = catalogue[catalogue["measure"] == measure.code]
    recorded_for = set(in_measure["characteristic"])
    char_codes = [c for c in characteristics if c in recorded_for]
    with middle:
        char_code = url_state.pick(
            st.selectbox,
            "Characteristic",
            char_codes,
            param=url_state.CHARACTERISTIC,
            key="eq-characteristic",
            format_func=lambda c: characteristics[c].name,
        )
    info = characteristics[char_code]
    periods = sorted(
        in_measure[in_measure["characteristic"] == char_code]["period_start"], reverse=True
    )
    with right:
        period = url_state.pick(
            st.selectbox,
            "Period",
            periods,
            param=url_state.PERIOD,
            key=f"eq-period-{measure.code}",
            encode=url_state.day,
            format_func=lambda p: format_period(p, measure.frequency),
        )
    st.caption(measure.description)

    figures = equity.equity_figures(ctx, scope, measure.code, char_code, periods)
    counts = figures.counts[figures.counts["period_start"] == period]
    names = [g.name for g in eq.analysis_groups(counts["group"], info.groups)]
    if not names:
        st.info("Every record for this period has the group not stated or not known.")
        data_quality(scope, counts, info, measure)
        return
    reference = eq.EVERYONE_ELSE
    if measure.kind != "count":
        options = [eq.EVERYONE_ELSE, *names]
        default = eq.default_reference(char_code, names)
        reference = st.selectbox(
            "Compare each group with",
            options,
            index=options.index(default),
            format_func=eq.shown_name,
            key=f"eq-reference-{char_code}",
            help="The reference group. 'Everyone else' compares each group with all the "
            "other groups put together.",
        )
    population = figures.populations[period]
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
            + (" Add them under 'Enter or import figures' below." if scope.may_edit else ""),
            icon=":material/info:",
        )
        if measure.kind == "rate":
            data_quality(scope, counts, info, measure)
            return
    view = scope.view
    analysis = eq.analyse(
        measure,
        counts,
        population.frame,
        info.groups,
        reference,
        threshold=scope.threshold,
        disclosed=view.suppressed,
    )
    period_label = format_period(period, measure.frequency)
    where = scope.region_name if scope.region_id else "All regions"
    st.header(eq.analysis_heading(measure), anchor=False)
    sentences = eq.disparity_sentences(analysis, measure, reference)
    if sentences:
        st.markdown("**Significant differences**")
        st.markdown("\n".join(f"- {escape_markdown(s)}" for s in sentences))
    else:
        st.write(escape_markdown(eq.no_disparity_sentence(analysis, measure, reference)))

    frame = eq.chart_frame(analysis, measure, view)
    x_title, line, what = eq.chart_words(analysis, measure, reference, view)
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
            key="eq-chart",
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
        st.caption(percentage_note(scope.threshold))
    about = file_about(ctx, scope, measure, title, period_label)
    local = ""
    if measure.kind in ("count", "rate") and not population.empty:
        years = ", ".join(str(y) for y in population.years)
        local = f"{years} ({'; '.join(population.sources) or 'source not given'})"
        about = replace(about, source=f"{SOURCE}; local population: {local}")
    downloads.download_buttons(
        table,
        file_stem("equity", where, measure.code, char_code, period_label),
        key="eq-table",
        about=about,
    )
    if local:
        st.caption(f"Local population: {escape_markdown(local)}.")

    trends(scope, figures, info, measure, reference, names, about)
    data_quality(scope, counts, info, measure, about)


def trends(
    scope: EquityScope,
    figures: EquityFigures,
    info: CharacteristicInfo,
    measure: Measure,
    reference: str,
    names: list[str],
    about: ExportAbout | None = None,
) -> None:
    st.header("Trends over time", anchor=False)
    periods = sorted(set(figures.counts["period_start"]))
    if len(periods) < 2:
        st.write("There is only one period of figures so far, so there is no trend yet.")
        return
    view = scope.view
    analyses = eq.trend_analyses(
        figures.counts,
        figures.populations,
        info.groups,
        measure,
        reference,
        threshold=scope.threshold,
        disclosed=view.suppressed,
    )
    long = eq.trend_frame(analyses, measure, view)
    label = eq.trend_value_label(analyses[-1][1], measure)
    default = [n for n in names if n == reference] + [n for n in names if n != reference]
    chosen = st.multiselect(
        "Groups to show in the trend",
        names,
        default=default[:4],
        max_selections=len(TREND_COLOURS),
        format_func=eq.shown_name,
        key=f"eq-trend-groups-{info.code}",
    )
    chosen = [eq.shown_name(group) for group in chosen]  # as the trend table names them
    shown = long[long["Group"].isin(chosen)]
    plotted = shown.dropna(subset=["Value"]).rename(
        columns={"Value": "value", "Lower 95% limit": "low", "Upper 95% limit": "high"}
    )
    if plotted.empty:
        st.write("Choose at least one group with enough people to show.")
    else:
        chart = trend_chart(
            plotted,
            order=[format_period(p, measure.frequency) for p in periods],
            chosen=chosen,
            label=label,
            title=f"{label} over time: {measure.label}, by {info.name.lower()}",
        )
        show_chart(chart, width="stretch", height=380, key="eq-trend-chart")
    table = shown.rename(columns={"Value": label})
    st.dataframe(table, hide_index=True, width="stretch")
    if view.suppressed:
        st.caption(percentage_note(scope.threshold))
    downloads.download_buttons(
        table,
        file_stem("equity-trend", measure.code, info.code),
        key="eq-trend",
        about=_retitled(
            about,
            title=f"{label} over time: {measure.label}, by {info.name.lower()}",
            period=f"{format_period(periods[0], measure.frequency)} to "
            f"{format_period(periods[-1], measure.frequency)}",
        ),
    )


def _retitled(about: ExportAbout | None, **changes: str) -> ExportAbout | None:
    """The page's About for another of its tables (None stays None)."""
    return None if about is None else replace(about, **changes)


def data_quality(
    scope: EquityScope,
    counts: pd.DataFrame,
    info: CharacteristicInfo,
    measure: Measure,
    about: ExportAbout | None = None,
) -> None:
    st.header("Data quality", anchor=False)
    view = scope.view
    missing = eq.missing_data(counts, info.groups, measure)
    sentence = eq.missing_sentence(
        info.name, measure, missing, exact=view.exact, threshold=scope.threshold
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
    downloads.download_buttons(
        table,
        file_stem("equity-missing", measure.code, info.code),
        key="eq-missing",
        about=_retitled(
            about, title=f"{measure.records.capitalize()} with {info.name.lower()} not known"
        ),
    )
