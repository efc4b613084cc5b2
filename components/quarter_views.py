"""The quarterly cycle on screen: a quarter's card with its stage and history, and the
forms of each step (submit, reopen, answer the forum's questions; at a meeting: the
attendance and the forum's outcome). Each form saves through ``run_write``; the pages
show the outcome at :data:`WHERE`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.outcome import run_write
from core import quarterly as rules
from core.formatting import escape_markdown
from core.permissions import Action
from services import quarterly as cycle
from services.context import RequestContext
from services.meetings import MeetingFigures

WHERE = "quarterly"


def stage_heading(state: cycle.QuarterState) -> None:
    """'Q2 2026/27: ✓ Signed off', with the stage's meaning (never colour alone)."""
    style = rules.STAGES[state.stage]
    st.subheader(escape_markdown(f"{state.label}: {style.symbol} {style.label}"), anchor=False)
    st.caption(escape_markdown(style.meaning))


def quarter_facts(state: cycle.QuarterState) -> None:
    if state.stage == rules.Stage.NOT_DUE:
        st.write(rules.early_message(state.period_start))
    elif state.stage in (rules.Stage.DUE, rules.Stage.OVERDUE):
        st.write(f"Figures due by {rules.long_date(state.due)}.")
    for line in state.history():
        st.text(line)


def questions_view(ctx: RequestContext, state: cycle.QuarterState, *, answer: bool) -> None:
    """The forum's questions about the quarter and the region's answers."""
    if state.questions.empty:
        return
    st.markdown("**The Regional Forum's questions**")
    for row in state.questions.itertuples():
        with st.container(border=True):
            st.text(f"Asked by {row.asked_by} on {rules.long_date(row.asked_at)}:")
            st.text(row.question)
            if row.answer:
                st.text(f"Answer from the region ({row.answered_by}): {row.answer}")
            elif answer:
                with st.form(f"answer-{row.id}"):
                    text = st.text_area("The region's answer", max_chars=2000)
                    sent = st.form_submit_button("Save the answer")
                if sent:
                    run_write(
                        cycle.answer, ctx, int(row.id), text, success="Answer saved.", where=WHERE
                    )
            else:
                st.caption("Waiting for the region's answer.")


def submit_open_key(state: cycle.QuarterState) -> str:
    """The key of a quarter's "Submit" expander (open while True)."""
    return f"submit-open-{state.region_id}-{state.period_start}"


def submit_form(ctx: RequestContext, state: cycle.QuarterState, *, first: bool = True) -> None:
    """The regional lead submits the quarter: every active metric with its value, and a
    short reason where one is missing. Open at first only for the ``first`` quarter
    waiting (the oldest); the others are made only once opened (each is a table of
    every metric)."""
    with st.expander(
        f"Submit {state.label} for the Regional Forum to review",
        expanded=first,
        key=submit_open_key(state),
        on_change="rerun",
    ) as box:
        if box.open:
            _submit_fields(ctx, state)


def _submit_fields(ctx: RequestContext, state: cycle.QuarterState) -> None:
    rows = cycle.submission_rows(ctx, state.region_id, state.period_start)
    missing = [r for r in rows if not r.has_value]
    st.dataframe(
        pd.DataFrame(
            {
                "Metric": [f"{r.code} {r.name}" for r in rows],
                "Value": [r.value or "No value" for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form(f"submit-{state.region_id}-{state.period_start}"):
        reasons = {}
        if missing:
            st.write(
                f"{len(missing)} metric{'s have' if len(missing) != 1 else ' has'} no value "
                "for the quarter. Say why for each (or enter the value on the Metrics page "
                "first)."
            )
        for row in missing:
            reasons[row.metric_id] = st.text_input(
                escape_markdown(f"Why {row.code} has no value"),
                max_chars=300,
                key=f"why-{row.metric_id}",
            )
        sent = st.form_submit_button(f"Submit {state.label}", type="primary")
    if sent:
        run_write(
            cycle.submit,
            ctx,
            state.region_id,
            state.period_start,
            reasons,
            state.version,
            success=f"{state.label} submitted. The Regional Forum reviews it at its next meeting.",
            where=WHERE,
        )


def reopen_form(ctx: RequestContext, state: cycle.QuarterState) -> None:
    with st.expander(f"Reopen {state.label} to change a figure"):
        with st.form(f"reopen-{state.region_id}-{state.period_start}"):
            reason = st.text_area(
                "Why the quarter is reopened (the Regional Forum sees this)", max_chars=1000
            )
            sent = st.form_submit_button(f"Reopen {state.label}")
        if sent:
            run_write(
                cycle.reopen,
                ctx,
                state.region_id,
                state.period_start,
                reason,
                state.version,
                success=f"{state.label} reopened: its figures can be changed, then submit it "
                "again for the forum to sign off.",
                where=WHERE,
            )


def quarter_cards(ctx: RequestContext, states: list[cycle.QuarterState]) -> None:
    """The region's quarters, newest first, each a :func:`quarter_card`; of those waiting
    to be submitted, the oldest (the first to do) has its form open."""
    waiting = [s for s in states if s.stage in rules.SUBMITTABLE]
    oldest = min(waiting, key=lambda s: s.period_start) if waiting else None
    for state in states:
        quarter_card(ctx, state, first=state is oldest)


def quarter_card(ctx: RequestContext, state: cycle.QuarterState, *, first: bool = True) -> None:
    """One quarter: its stage, dates and history, its questions, and the step the
    person may take now (``first``: its submit form open at first)."""
    with st.container(border=True):
        stage_heading(state)
        quarter_facts(state)
        may_answer = cycle.may(ctx, Action.ANSWER_FORUM, state.region_id)
        questions_view(ctx, state, answer=may_answer)
        if state.stage in rules.SUBMITTABLE and cycle.may(
            ctx, Action.SUBMIT_QUARTER, state.region_id
        ):
            submit_form(ctx, state, first=first)
        if state.stage == rules.Stage.SIGNED_OFF and cycle.may(
            ctx, Action.REOPEN_QUARTER, state.region_id
        ):
            reopen_form(ctx, state)


def national_grid(ctx: RequestContext) -> None:
    st.header("Where each region is", anchor=False)
    st.dataframe(cycle.national_grid(ctx), hide_index=True, width="stretch")
    legend = " · ".join(
        f"{style.symbol} {style.label}: {style.meaning}" for style in rules.STAGES.values()
    )
    st.caption(escape_markdown(legend))


# --- at a meeting ---------------------------------------------------------------------


def attendance_form(
    ctx: RequestContext,
    region_id: int | None,
    meeting_id: int,
    chair: str,
    *,
    may_record: bool | None = None,
) -> None:
    """Who was at the meeting, by who they were there as (names optional). Whoever may
    record it is worked out from the region (``may_record`` says it for a meeting of a
    national body, whose page is open only to those who keep them)."""
    recorded = cycle.meeting_attendance(ctx, meeting_id)
    st.write(f"Attendance: {recorded.words()}.")
    if recorded.names.strip():
        st.text(f"Names: {recorded.names}")
    allowed = (
        may_record
        if may_record is not None
        else region_id is not None and cycle.may(ctx, Action.RECORD_ATTENDANCE, region_id)
    )
    if not allowed:
        return
    with st.expander("Record attendance", expanded=not recorded.recorded):
        with st.form(f"attendance-{meeting_id}"):
            columns = st.columns(4)
            counts = {}
            for column, (key, label) in zip(columns, rules.Attendance.LABELS, strict=True):
                counts[key] = column.number_input(
                    label, min_value=0, max_value=500, step=1, value=getattr(recorded, key)
                )
            names = st.text_area(
                "Names (optional, as people agreed to be named)",
                value=recorded.names,
                max_chars=2000,
            )
            chaired = st.text_input("Who chaired the meeting", value=chair, max_chars=120)
            sent = st.form_submit_button("Save attendance")
        if sent:
            run_write(
                cycle.record_attendance,
                ctx,
                meeting_id,
                rules.Attendance(names=names, **counts),
                chaired,
                success="Attendance saved.",
                where=WHERE,
            )


def outcome_form(ctx: RequestContext, meeting_id: int, item: cycle.ReviewItem) -> None:
    """The forum's outcome on a submitted quarter, recorded by the person chairing."""
    state = item.state
    with st.form(f"outcome-{meeting_id}-{state.period_start}"):
        choice = st.radio(
            "The Regional Forum's outcome",
            ["agreed", "questions"],
            format_func={
                "agreed": "Agreed: sign off these figures",
                "questions": "Questions for the region first",
            }.get,
        )
        questions = st.text_area("The forum's questions (if any)", max_chars=2000)
        chair = st.text_input(
            "Your name, as the person chairing the meeting",
            value=st.session_state.get("display_name", ""),
            max_chars=120,
        )
        chairing = st.checkbox("I am chairing this meeting and record the forum's outcome")
        sent = st.form_submit_button("Record the outcome", type="primary")
    if sent:
        if not chairing:
            st.error(
                "Tick the box to confirm you are chairing the meeting.", icon=":material/error:"
            )
            return
        run_write(
            cycle.review,
            ctx,
            meeting_id,
            state.period_start,
            agreed=choice == "agreed",
            chair=chair,
            questions=questions,
            expected_version=state.version,
            success=(
                f"{state.label} signed off by the Regional Forum."
                if choice == "agreed"
                else f"The forum's questions on {state.label} are recorded."
            ),
            where=WHERE,
        )


def review_agenda(ctx: RequestContext, figures: MeetingFigures) -> None:
    """The quarters waiting for the forum, as an agenda item of the meeting: what changed
    since the quarter before, the reasons for missing values, the questions, and the
    outcome form (for whoever may record it)."""
    st.header("Quarterly figures to review", anchor=False)
    if not figures.quarters:
        st.write("No quarter is waiting for the Regional Forum's review.")
        return
    region_id = figures.region_id
    for item in figures.quarters:
        with st.container(border=True):
            stage_heading(item.state)
            for line in item.state.history():
                st.text(line)
            st.dataframe(
                item.changes(ctx.threshold, controlled=figures.controlled),
                hide_index=True,
                width="stretch",
            )
            if item.missing:
                st.markdown("**Metrics without a value, and why**")
                for line in item.missing:
                    st.text(line)
            questions_view(ctx, item.state, answer=cycle.may(ctx, Action.ANSWER_FORUM, region_id))
            if item.state.stage == rules.Stage.SUBMITTED and cycle.may(
                ctx, Action.SIGN_OFF_QUARTER, region_id
            ):
                if figures.meeting_date > cycle.today():
                    st.caption("The outcome can be recorded on the day of the meeting.")
                elif not rules.has_ended(item.state.period_start, figures.meeting_date):
                    st.caption(
                        "This meeting was before the quarter ended: record the forum's "
                        "outcome at a meeting after it."
                    )
                else:
                    outcome_form(ctx, figures.meeting_id, item)
