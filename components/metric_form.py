"""Defining or changing a metric on the Metrics page: which metric, and the form with
what it measures, its baseline and target, its coproduction and its progress status."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from components.metric_card import label
from components.metric_entry_save import OUTCOME
from components.outcome import keep_outcome, show_outcome
from core.errors import WriteRefused
from core.formatting import escape_markdown as plain
from core.metric_draft import MetricDraft, definition_problems
from core.metric_words import (
    COPRODUCTION_BODIES,
    DIRECTION_CHOICES,
    UNIT_CHOICES,
    direction_words,
    unit_words,
)
from core.periods import format_period, quarters_between
from core.permissions import PermissionDenied
from core.statuses import PROGRESS_STATUSES
from services.context import RequestContext
from services.metrics import (
    MetricsPage,
    create_metric,
    forum_decisions,
    metric_record,
    region_code_prefix,
    update_metric,
)

NEW_LOCAL = "new-local"
NEW_NATIONAL = "new-national"
PARTNER = "A community partner or another group (name it below)"
NOT_AGREED = "Not agreed yet"
NOT_AT_FORUM = "Not agreed at a Regional Forum meeting recorded here"
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


def define_view(
    ctx: RequestContext, page: MetricsPage, can_define_local: bool, can_define_national: bool
) -> None:
    st.header("Define or change a metric", anchor=False)
    show_outcome(OUTCOME)
    choices: list[Any] = []
    if can_define_local:
        choices.append(NEW_LOCAL)
    if can_define_national:
        choices.append(NEW_NATIONAL)
    for _, row in page.definitions.iterrows():
        local_ok = row["scope"] == "local" and can_define_local
        national_ok = row["scope"] == "national" and can_define_national
        if local_ok or national_ok:
            choices.append(int(row["id"]))
    pending = st.session_state.pop("metrics:define-choice", None)
    if pending in choices:
        st.session_state["define-metric"] = pending

    def describe(choice: Any) -> str:
        if choice == NEW_LOCAL:
            return f"A new local metric for {page.region_name}"
        if choice == NEW_NATIONAL:
            return "A new national core metric (for every region)"
        return label(page.by_id[choice])

    choice = st.selectbox("Metric", choices, format_func=describe, key="define-metric")
    if isinstance(choice, int):
        record = metric_record(ctx, choice)
        if record is None:
            st.error("That metric no longer exists.")
            return
        draft = MetricDraft.from_record(record)
        version = int(record["version"])
        scope_text = (
            "a national core metric: changes apply to every region"
            if record["scope"] == "national"
            else f"a local metric for {plain(page.region_name)}"
        )
        st.write(f"{plain(record['code'])} is {scope_text}.")
    else:
        prefix = region_code_prefix(ctx, page.region_id) if choice == NEW_LOCAL else ""
        draft = MetricDraft(code=prefix, name="", theme_id=None, unit="percentage", direction=None)
        version = 0
    metric_form(ctx, page, choice, draft, version)


def is_local(page: MetricsPage, choice: Any) -> bool:
    return isinstance(choice, int) and page.by_id[choice]["scope"] == "local"


def forum_decision_select(
    ctx: RequestContext, page: MetricsPage, draft: MetricDraft, k: str
) -> int | None:
    """The coproduction record as a link: the decision of one of the region's Regional
    Forum meetings that agreed the metric (or this change to it), or none."""
    decisions = {d.id: d.label for d in forum_decisions(ctx, page.region_id)}
    options: list[int | None] = [None, *decisions]
    current = draft.agreed_decision_id if draft.agreed_decision_id in decisions else None
    return st.selectbox(
        "Agreed at a Regional Forum meeting",
        options,
        index=options.index(current),
        format_func=lambda d: NOT_AT_FORUM if d is None else decisions[d],
        key=f"{k}-decision",
        help="The decision recorded at the meeting (Forum meeting page) that agreed this "
        "metric, or this change to it. The metric's card then says it was agreed at the "
        "Regional Forum on that date. For a metric agreed elsewhere, leave this and fill in "
        "who, where and when below.",
    )


def metric_form(
    ctx: RequestContext, page: MetricsPage, choice: Any, draft: MetricDraft, version: int
) -> None:
    k = f"define-{choice}-{version}"
    theme_ids = page.themes["id"].astype(int).tolist()
    chars = page.characteristic_names
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
            format_func=lambda t: page.theme_names[t],
            key=f"{k}-theme",
            placeholder="Choose a theme",
        )
        units = list(UNIT_CHOICES)
        unit = st.selectbox(
            "Unit",
            units,
            index=units.index(draft.unit) if draft.unit in units else 0,
            format_func=unit_words,
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
        directions = list(DIRECTION_CHOICES)
        direction = st.radio(
            "Which direction is better?",
            directions,
            index=directions.index(draft.direction) if draft.direction in directions else None,
            format_func=direction_words,
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
        agreed_decision_id = None
        if choice == NEW_LOCAL or is_local(page, choice):
            agreed_decision_id = forum_decision_select(ctx, page, draft, k)
        bodies = [NOT_AGREED, *COPRODUCTION_BODIES, PARTNER]
        current_with = draft.coproduced_with
        if not current_with:
            body_index = 0
        elif current_with in COPRODUCTION_BODIES:
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
    new = MetricDraft(
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
        agreed_decision_id=agreed_decision_id,
    )
    if body == PARTNER and not agreed_with:
        problems = ["Name the community partner or group it was agreed with."]
    else:
        problems = definition_problems(
            new, scope="local" if choice == NEW_LOCAL or is_local(page, choice) else "national"
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
            update_metric(ctx, choice, version, new, reason)
            saved_id = choice
        else:
            saved_id = create_metric(ctx, new, page.region_id if choice == NEW_LOCAL else None)
    except (WriteRefused, PermissionDenied) as exc:
        st.error(plain(str(exc)), icon=":material/error:")
        return
    keep_outcome(f"Saved {new.cleaned().code}.", where=OUTCOME)
    st.session_state["metrics:define-choice"] = saved_id
    st.rerun()
