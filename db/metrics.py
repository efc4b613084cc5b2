"""Metric definitions and values: the reads, the data-entry grids and the writes.

The writes (:func:`save_values`, :func:`create_metric`, :func:`update_metric`) check
permission with the record's region, validate everything before writing anything,
and audit each changed record in the same transaction.

Saving values uses optimistic concurrency: each :class:`ValueChange` carries the
``version`` of the value the page loaded (``None`` for a cell that was empty). When
any value was changed by someone else since then, :func:`save_values` saves *nothing*
and raises :class:`ValueConflict`, which names each such value with the other
person's figure. Refusing the whole save keeps the rule simple ("nothing was saved")
and keeps one save one transaction.

The grid helpers (``core.metric_grid``), the draft of a definition
(``core.metric_draft``) and the wording (``core.metric_words``) are pure and live in
``core``; they are re-exported here until every caller imports them from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.disclosure import suppress_metric_values
from core.entities import Entity
from core.metric_draft import MetricDraft, definition_problems
from core.metric_grid import (
    Cell,
    CellProblem,
    Conflict,
    DisclosedFigures,
    ValueChange,
    ValueConflict,
    ValueProblems,
    change_problems,
    overall_series_by_metric,
)
from core.metric_undo import PriorValue, SavedValue, SavedValues
from core.periods import format_period
from core.permissions import Action
from core.validation import MetricRules
from db.forum import decision_problem
from db.models import (
    Characteristic,
    CharacteristicGroup,
    Metric,
    MetricValue,
    QuarterReview,
    Region,
    Theme,
    User,
    utcnow,
)
from db.quarterly import period_problems
from db.writes import UnitOfWork, WriteRefused, jsonable, registered_write

VALUE_FIELDS = ("value", "numerator", "denominator", "note")
METRIC_FIELDS = (
    "code",
    "name",
    "definition",
    "unit",
    "counts_people",
    "direction",
    "scope",
    "region_id",
    "baseline_period",
    "baseline_value",
    "target_value",
    "target_date",
    "limit_value",
    "start_period",
    "end_period",
    "data_source",
    "disaggregated_by",
    "coproduced_with",
    "coproduced_at",
    "coproduced_on",
    "manual_status",
    "manual_status_reason",
    "agreed_decision_id",
)

# --- reads --------------------------------------------------------------------------

VALUE_COLUMNS = [
    "id",
    "metric_id",
    "period_start",
    "characteristic",
    "group_name",
    "value",
    "numerator",
    "denominator",
    "note",
    "version",
    "entered_by",
    "entered_at",
    "signed_off",
]


def metric_values(
    session: Session,
    region_id: int,
    metric_ids: Sequence[int] | None = None,
    *,
    overall_only: bool = False,
) -> pd.DataFrame:
    """A region's values of some metrics, with who entered each and whether their
    quarter is signed off (``signed_off``; otherwise the value is provisional); oldest
    first."""
    query = (
        select(
            MetricValue.id,
            MetricValue.metric_id,
            MetricValue.period_start,
            MetricValue.characteristic,
            MetricValue.group_name,
            MetricValue.value,
            MetricValue.numerator,
            MetricValue.denominator,
            MetricValue.note,
            MetricValue.version,
            User.display_name,
            MetricValue.entered_at,
            # Whether the value's quarter is signed off (otherwise it is provisional).
            QuarterReview.id.is_not(None),
        )
        .outerjoin(User, User.id == MetricValue.entered_by_id)
        .outerjoin(
            QuarterReview,
            (QuarterReview.region_id == MetricValue.region_id)
            & (QuarterReview.period_start == MetricValue.period_start)
            & (QuarterReview.status == "signed_off"),
        )
        .where(MetricValue.region_id == region_id)
    )
    if metric_ids is not None:
        query = query.where(MetricValue.metric_id.in_(list(metric_ids)))
    if overall_only:
        query = query.where(MetricValue.characteristic == "")
    rows = session.execute(
        query.order_by(
            MetricValue.metric_id,
            MetricValue.period_start,
            MetricValue.characteristic,
            MetricValue.group_name,
        )
    ).all()
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def metric_record(session: Session, metric_id: int) -> dict[str, Any] | None:
    """One metric's definition as a plain dict (every column), or None."""
    metric = session.get(Metric, metric_id)
    if metric is None:
        return None
    return {c.key: getattr(metric, c.key) for c in Metric.__table__.columns}


def characteristics(session: Session) -> pd.DataFrame:
    """Characteristics a metric can be broken down by (code, name)."""
    rows = session.execute(
        select(Characteristic.code, Characteristic.name).order_by(Characteristic.id)
    ).all()
    return pd.DataFrame(rows, columns=["code", "name"])


def entry_groups(session: Session, characteristic: str) -> list[str]:
    """The groups values are entered for: the most detailed groups (a group that others
    sit under, such as 'Asian' over 'Indian', is their total and is left out), with
    'Not stated' and 'Not known' last."""
    groups = session.execute(
        select(
            CharacteristicGroup.code,
            CharacteristicGroup.name,
            CharacteristicGroup.parent_code,
            CharacteristicGroup.is_missing,
        )
        .join(Characteristic, Characteristic.id == CharacteristicGroup.characteristic_id)
        .where(Characteristic.code == characteristic)
        .order_by(CharacteristicGroup.is_missing, CharacteristicGroup.sort_order)
    ).all()
    parents = {g.parent_code for g in groups if g.parent_code}
    return [g.name for g in groups if g.code not in parents]


# --- progress helpers for pages -----------------------------------------------------


def disclosed_figures(session: Session, region_id: int, threshold: int) -> DisclosedFigures:
    """:class:`DisclosedFigures` of every active metric of a region (two queries)."""
    metrics = session.execute(
        select(Metric.id, Metric.unit, Metric.counts_people).where(
            (Metric.scope == "national") | (Metric.region_id == region_id)
        )
    ).all()
    units = {int(m.id): m.unit for m in metrics}
    people = {int(m.id): bool(m.counts_people) for m in metrics}
    values = metric_values(session, region_id, overall_only=True)
    shown = suppress_metric_values(values, units, threshold, people)
    return DisclosedFigures(
        exact=overall_series_by_metric(values),
        shown=overall_series_by_metric(shown),
        units=units,
        counts_people=people,
        threshold=threshold,
    )


@dataclass(frozen=True)
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    value_ids: tuple[int, ...] = field(default=())
    #: What the save changed, each value as it was before, to undo it
    #: (``db.metric_undo.undo_values``); None when nothing was saved.
    undo: SavedValues | None = None

    @property
    def saved(self) -> int:
        return self.created + self.updated


def _value_payload(value: float | None, numerator: Any, denominator: Any, note: str) -> dict:
    return {"value": value, "numerator": numerator, "denominator": denominator, "note": note}


@registered_write(Action.EDIT_METRIC_VALUES, entity=Entity.METRIC_VALUE)
def save_values(uow: UnitOfWork, region_id: int, changes: Sequence[ValueChange]) -> SaveResult:
    """Save a region's changed values in one transaction, one audit event per value.

    Refused (nothing saved) when any value breaks the rules (:class:`ValueProblems`) or
    was changed by someone else since it was loaded (:class:`ValueConflict`).
    """
    uow.require(Action.EDIT_METRIC_VALUES, region_id)
    session = uow.session
    if session.get(Region, region_id) is None:
        raise WriteRefused("There is no such region.")
    changes = list(changes)
    if not changes:
        return SaveResult()
    undo: list[SavedValue] = []
    metrics = {
        m.id: m
        for m in session.scalars(
            select(Metric).where(Metric.id.in_({c.metric_id for c in changes}))
        )
    }
    problems: list[CellProblem | str] = []
    seen: set[Cell] = set()
    for change in changes:
        metric = metrics.get(change.metric_id)
        if metric is None or not metric.active:
            problems.append(f"There is no metric number {change.metric_id} to save values for.")
            continue
        if metric.scope != "national" and metric.region_id != region_id:
            problems.append(f"{metric.code} is another region's local metric.")
            continue
        if change.characteristic not in ("", metric.disaggregated_by or ""):
            problems.append(f"{metric.code} is not broken down by {change.characteristic}.")
        elif bool(change.characteristic) != bool(change.group_name):
            problems.append(f"{metric.code}: a group needs both a characteristic and a name.")
        if change.cell in seen:
            problems.append(
                f"{metric.code}, {format_period(change.period_start)}"
                f"{', ' + change.group_name if change.group_name else ''} is given twice."
            )
        seen.add(change.cell)
        problems += change_problems(_rules_of(metric), change)
    blocked = period_problems(session, {(region_id, c.period_start) for c in changes})
    problems += sorted(set(blocked.values()))
    if problems:
        raise ValueProblems(problems)

    rows = session.scalars(
        select(MetricValue).where(
            MetricValue.region_id == region_id,
            MetricValue.metric_id.in_(list(metrics)),
            MetricValue.period_start.in_({c.period_start for c in changes}),
        )
    ).all()
    existing = {Cell(r.metric_id, r.period_start, r.characteristic, r.group_name): r for r in rows}
    names = _user_names(session, {r.entered_by_id for r in rows if r.entered_by_id})
    conflicts = []
    for change in changes:
        row = existing.get(change.cell)
        moved = (
            (row is not None)
            if change.expected_version is None
            else (row is None or row.version != change.expected_version)
        )
        if moved:
            metric = metrics[change.metric_id]
            conflicts.append(
                Conflict(
                    metric.code,
                    metric.unit,
                    change.period_start,
                    change.group_name,
                    change.value,
                    row.value if row else None,
                    names.get(row.entered_by_id, "") if row else "",
                    row.entered_at if row else None,
                    exists=row is not None,
                )
            )
    if conflicts:
        raise ValueConflict(conflicts)

    now = utcnow()
    created = updated = unchanged = 0
    ids: list[int] = []
    for change in changes:
        metric = metrics[change.metric_id]
        context = {"metric": metric.code, "quarter": format_period(change.period_start)}
        if change.group_name:
            context["group"] = change.group_name
        new = _value_payload(change.value, change.numerator, change.denominator, change.note or "")
        row = existing.get(change.cell)
        if row is None:
            row = MetricValue(
                metric_id=metric.id,
                region_id=region_id,
                period_start=change.period_start,
                characteristic=change.characteristic,
                group_name=change.group_name,
                entered_by_id=uow.actor.user_id,
                entered_at=now,
                version=1,
                **new,
            )
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                raise ValueConflict(
                    [
                        Conflict(
                            metric.code,
                            metric.unit,
                            change.period_start,
                            change.group_name,
                            change.value,
                            None,
                            "someone else",
                            None,
                        )
                    ]
                ) from None
            uow.audit(
                Entity.METRIC_VALUE,
                row.id,
                "create",
                after={**context, **{k: v for k, v in new.items() if v not in (None, "")}},
                region_id=region_id,
            )
            created += 1
            ids.append(row.id)
            undo.append(
                SavedValue(row.id, metric.code, change.period_start, change.group_name, 1, None)
            )
            continue
        before = _value_payload(row.value, row.numerator, row.denominator, row.note or "")
        if jsonable(before) == jsonable(new):
            unchanged += 1
            continue
        result = session.execute(
            update(MetricValue)
            .where(MetricValue.id == row.id, MetricValue.version == change.expected_version)
            .values(
                **new,
                version=MetricValue.version + 1,
                entered_by_id=uow.actor.user_id,
                entered_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # changed between our check and our update
            raise ValueConflict(
                [
                    Conflict(
                        metric.code,
                        metric.unit,
                        change.period_start,
                        change.group_name,
                        change.value,
                        None,
                        "someone else",
                        None,
                    )
                ]
            )
        uow.audit(
            Entity.METRIC_VALUE,
            row.id,
            "update",
            before=before,
            after={**context, **new},
            region_id=region_id,
        )
        updated += 1
        ids.append(row.id)
        prior = PriorValue(**before, entered_by_id=row.entered_by_id, entered_at=row.entered_at)
        undo.append(
            SavedValue(
                row.id,
                metric.code,
                change.period_start,
                change.group_name,
                int(change.expected_version or 0) + 1,
                prior,
            )
        )
    saved = SavedValues(region_id, now, tuple(undo)) if undo else None
    return SaveResult(created, updated, unchanged, tuple(ids), saved)


def _rules_of(metric: Metric) -> MetricRules:
    return MetricRules(metric.code, metric.unit, metric.start_period, metric.end_period)


def _user_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = session.execute(
        select(User.id, User.display_name).where(User.id.in_(list(user_ids)))
    ).all()
    return {r.id: r.display_name for r in rows}


# --- metric definitions -------------------------------------------------------------


def _check_references(
    session: Session, draft: MetricDraft, metric_id: int | None, region_id: int | None
) -> None:
    theme = session.get(Theme, draft.theme_id) if draft.theme_id is not None else None
    if theme is None or not theme.monitoring:
        raise WriteRefused("Choose one of the six monitoring themes.")
    if draft.disaggregated_by and (
        session.scalar(
            select(Characteristic.id).where(Characteristic.code == draft.disaggregated_by)
        )
        is None
    ):
        raise WriteRefused(f"'{draft.disaggregated_by}' is not a characteristic we know.")
    clash = session.scalar(select(Metric.id).where(Metric.code == draft.code))
    if clash is not None and clash != metric_id:
        raise WriteRefused(f"The code {draft.code} is already used by another metric.")
    # The coproduction record: a decision of one of the metric's region's forum meetings.
    if problem := decision_problem(session, draft.agreed_decision_id, region_id):
        raise WriteRefused(problem)


def _audit_view(session: Session, metric: Metric) -> dict[str, Any]:
    theme = session.get(Theme, metric.theme_id)
    return {
        **{f: jsonable(getattr(metric, f)) for f in METRIC_FIELDS},
        "theme": theme.name if theme else None,
    }


def _apply(metric: Metric, draft: MetricDraft) -> None:
    for name in draft.__dataclass_fields__:
        setattr(metric, name, getattr(draft, name))
    metric.coproduced_with = draft.coproduced_with
    metric.coproduced_at = draft.coproduced_at
    metric.manual_status_reason = draft.manual_status_reason if draft.manual_status else ""


@registered_write(Action.DEFINE_LOCAL_METRIC, Action.DEFINE_NATIONAL_METRIC, entity=Entity.METRIC)
def create_metric(uow: UnitOfWork, draft: MetricDraft, region_id: int | None = None) -> int:
    """Define a metric: a national core metric (``region_id`` None, national leads) or a
    region's local metric (regional leads of that region). Returns its id."""
    if region_id is None:
        uow.require(Action.DEFINE_NATIONAL_METRIC)
    else:
        uow.require(Action.DEFINE_LOCAL_METRIC, region_id)
        if uow.session.get(Region, region_id) is None:
            raise WriteRefused("There is no such region.")
    draft = draft.cleaned()
    problems = definition_problems(draft, scope="national" if region_id is None else "local")
    if problems:
        raise WriteRefused(" ".join(problems))
    _check_references(uow.session, draft, None, region_id)
    metric = Metric(
        scope="national" if region_id is None else "local",
        region_id=region_id,
        frequency="quarterly",
        version=1,
        active=True,
    )
    _apply(metric, draft)
    if metric.start_period is None:
        metric.start_period = draft.baseline_period
    uow.session.add(metric)
    uow.session.flush()
    uow.audit(
        Entity.METRIC,
        metric.id,
        "create",
        after=_audit_view(uow.session, metric),
        region_id=region_id,
    )
    return metric.id


@registered_write(Action.DEFINE_LOCAL_METRIC, Action.DEFINE_NATIONAL_METRIC, entity=Entity.METRIC)
def update_metric(
    uow: UnitOfWork, metric_id: int, expected_version: int, draft: MetricDraft, reason: str = ""
) -> int:
    """Change a metric's definition; returns its new version. Refused with
    :class:`StaleWrite` when someone else changed it since ``expected_version``."""
    metric = uow.session.scalar(select(Metric).where(Metric.id == metric_id).with_for_update())
    if metric is None:
        raise WriteRefused("That metric no longer exists.")
    if metric.scope == "national":
        uow.require(Action.DEFINE_NATIONAL_METRIC)
    else:
        uow.require(Action.DEFINE_LOCAL_METRIC, metric.region_id)
    uow.expect_version(
        metric,
        expected_version,
        f"Someone else changed {metric.code} since you opened it. Nothing was saved: "
        "open it again to see their changes, then make yours.",
    )
    draft = draft.cleaned()
    problems = definition_problems(draft, scope=metric.scope)
    if problems:
        raise WriteRefused(" ".join(problems))
    _check_references(uow.session, draft, metric.id, metric.region_id)
    before = _audit_view(uow.session, metric)
    _apply(metric, draft)
    uow.session.flush()
    after = _audit_view(uow.session, metric)
    if after == before:
        return metric.version
    metric.version += 1
    uow.session.flush()
    changed = [k for k in after if after[k] != before[k]]
    uow.audit(
        Entity.METRIC,
        metric.id,
        "update",
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
        reason=reason.strip(),
        region_id=metric.region_id,
    )
    return metric.version
