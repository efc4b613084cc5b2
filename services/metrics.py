"""The Metrics page: a region's metric definitions, their values and progress (under the
viewer's disclosure rule), data entry and the definition of metrics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from core.disclosure import disclosed_explanation, suppress_metric_values
from core.forum import DecisionChoice
from core.metric_draft import MetricDraft
from core.metric_grid import Series, ValueChange, overall_series_by_metric
from core.metric_progress import MetricSpec, metric_progress
from core.metric_undo import SavedValues
from core.permissions import Action, can
from core.progress import ProgressResult
from db import forum as dbf
from db import metric_undo, queries
from db import metrics as dbm
from services.context import RequestContext, reading


@dataclass(frozen=True)
class MetricsPage:
    """What every view of the page needs: the region, its metric definitions (also by
    id), the monitoring themes (also their names by id) and the characteristics a metric
    can be broken down by (names by code)."""

    region_id: int
    region_name: str
    definitions: pd.DataFrame
    themes: pd.DataFrame
    characteristic_names: dict[str, str]
    by_id: dict[int, Mapping[str, Any]]
    theme_names: dict[int, str]


@dataclass(frozen=True)
class MetricsProgress:
    """Some metrics' progress: ``results`` from the exact figures, ``figures`` (overall
    series) as this person may see them; ``suppressed`` when under disclosure control,
    in which case the explanations quote the figures as shown."""

    figures: dict[int, Series]
    results: dict[int, ProgressResult | str]
    suppressed: bool


def metrics_page(ctx: RequestContext, region_id: int, region_name: str) -> MetricsPage:
    with reading(ctx) as session:
        definitions = queries.metric_definitions(session, region_id)
        themes = queries.monitoring_themes(session)
        characteristics = dbm.characteristics(session)
    return MetricsPage(
        region_id=region_id,
        region_name=region_name,
        definitions=definitions,
        themes=themes,
        characteristic_names=dict(
            zip(characteristics["code"], characteristics["name"], strict=True)
        ),
        by_id={int(r["id"]): r for _, r in definitions.iterrows()},
        theme_names=dict(zip(themes["id"], themes["name"], strict=True)),
    )


def progress_of(row: Mapping[str, Any], series: Series) -> ProgressResult | str:
    """The metric's progress, or the reason it cannot be worked out."""
    try:
        spec = MetricSpec.from_mapping(row)
        return metric_progress(spec, series)
    except ValueError as exc:
        return str(exc)


def _controlled(ctx: RequestContext, region_id: int) -> bool:
    return not can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)


def _disclosure(shown: pd.DataFrame) -> tuple[dict[int, str], dict[int, bool]]:
    units = dict(zip(shown["id"].astype(int), shown["unit"], strict=True))
    people = dict(zip(shown["id"].astype(int), shown["counts_people"].astype(bool), strict=True))
    return units, people


def metrics_progress(ctx: RequestContext, region_id: int, shown: pd.DataFrame) -> MetricsProgress:
    """The progress of the metrics (rows of definitions) ``shown``, with their overall
    figures as this person may see them."""
    with reading(ctx) as session:
        # The summary needs only the overall figures; groups only for the cards shown.
        values = dbm.metric_values(
            session, region_id, shown["id"].astype(int).tolist(), overall_only=True
        )
    exact = overall_series_by_metric(values)
    results = {
        int(r["id"]): progress_of(r, exact.get(int(r["id"]), [])) for _, r in shown.iterrows()
    }
    suppress = _controlled(ctx, region_id)
    threshold = ctx.settings.disclosure_threshold
    units, people = _disclosure(shown)
    if suppress:
        # Statuses come from the exact figures; the figures shown follow disclosure control.
        values = suppress_metric_values(values, units, threshold, people)
    figures = overall_series_by_metric(values)
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
    return MetricsProgress(figures, results, suppress)


def card_values(ctx: RequestContext, region_id: int, on_cards: pd.DataFrame) -> pd.DataFrame:
    """All the values (groups too) of the metrics whose cards are drawn, as this person
    may see them."""
    with reading(ctx) as session:
        values = dbm.metric_values(session, region_id, on_cards["id"].astype(int).tolist())
    if _controlled(ctx, region_id):
        units, people = _disclosure(on_cards)
        values = suppress_metric_values(values, units, ctx.settings.disclosure_threshold, people)
    return values


def overall_values(ctx: RequestContext, region_id: int, metric_ids: Sequence[int]) -> pd.DataFrame:
    """The saved overall values of some metrics, exact (for the data-entry grid)."""
    with reading(ctx) as session:
        return dbm.metric_values(session, region_id, metric_ids, overall_only=True)


def entry_values(
    ctx: RequestContext, region_id: int, metric_id: int, characteristic: str
) -> tuple[pd.DataFrame, list[str]]:
    """One metric's saved values (groups too), exact, and the groups values are entered
    for (none when it is not broken down)."""
    with reading(ctx) as session:
        values = dbm.metric_values(session, region_id, [metric_id])
        groups = dbm.entry_groups(session, characteristic) if characteristic else []
    return values, groups


def metric_record(ctx: RequestContext, metric_id: int) -> dict[str, Any] | None:
    """One metric's definition (every column), or None."""
    with reading(ctx) as session:
        return dbm.metric_record(session, metric_id)


def region_code_prefix(ctx: RequestContext, region_id: int) -> str:
    """The start of a new local metric's code: the region's code and a dash."""
    with reading(ctx) as session:
        codes = queries.regions(session)
    match = codes[codes["id"] == region_id]
    return (str(match["code"].iloc[0]).upper() + "-") if not match.empty else ""


def save_values(
    ctx: RequestContext, region_id: int, changes: Sequence[ValueChange]
) -> dbm.SaveResult:
    """Save a region's changed values (the registered write ``db.metrics.save_values``)."""
    return dbm.save_values(ctx.engine, ctx.actor, region_id, changes)


def undo_values(ctx: RequestContext, saved: SavedValues) -> int:
    """Undo a save of the grid (the registered write ``db.metric_undo.undo_values``)."""
    return metric_undo.undo_values(ctx.engine, ctx.actor, saved)


def create_metric(ctx: RequestContext, draft: MetricDraft, region_id: int | None) -> int:
    """Define a metric (national when ``region_id`` is None); returns its id."""
    return dbm.create_metric(ctx.engine, ctx.actor, draft, region_id)


def update_metric(
    ctx: RequestContext, metric_id: int, version: int, draft: MetricDraft, reason: str
) -> int:
    """Change a metric's definition; returns its new version."""
    return dbm.update_metric(ctx.engine, ctx.actor, metric_id, version, draft, reason)


def card_agreements(ctx: RequestContext, on_cards: pd.DataFrame) -> dict[int, DecisionChoice]:
    """The Regional Forum decision each metric on the cards was agreed at (by metric
    id; those agreed elsewhere are left out), in one read."""
    if "agreed_decision_id" not in on_cards or on_cards.empty:
        return {}
    linked = on_cards[on_cards["agreed_decision_id"].notna()]
    if linked.empty:
        return {}
    with reading(ctx) as session:
        decisions = dbf.decisions_by_id(session, linked["agreed_decision_id"].astype(int).tolist())
    return {
        int(metric_id): decisions[int(decision_id)]
        for metric_id, decision_id in zip(linked["id"], linked["agreed_decision_id"], strict=True)
        if int(decision_id) in decisions
    }


def forum_decisions(ctx: RequestContext, region_id: int) -> list[DecisionChoice]:
    """The decisions of a region's forum meetings, newest first: the metric form's
    "Agreed at a Regional Forum meeting"."""
    with reading(ctx) as session:
        return dbf.region_decisions(session, region_id)
