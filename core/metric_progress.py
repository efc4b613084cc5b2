"""A metric's progress status from its definition and its values (Open SDG method)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.periods import year_fraction
from core.progress import ProgressResult, apply_manual_status, measure


@dataclass(frozen=True)
class MetricSpec:
    direction: str
    unit: str
    baseline_period: date | None = None
    target_value: float | None = None
    target_date: date | None = None
    limit_value: float | None = None
    manual_status: str | None = None
    manual_status_reason: str = ""

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> MetricSpec:
        """From a metric's row (a dict, a pandas row or a ``metric_definitions`` record)."""

        def get(name: str) -> Any:
            value = row.get(name)
            return None if value is None or value != value else value  # NaN -> None

        return cls(
            direction=row["direction"],
            unit=row["unit"],
            baseline_period=get("baseline_period"),
            target_value=get("target_value"),
            target_date=get("target_date"),
            limit_value=get("limit_value"),
            manual_status=get("manual_status"),
            manual_status_reason=get("manual_status_reason") or "",
        )


def metric_progress(
    spec: MetricSpec, series: Iterable[tuple[date, float | None]]
) -> ProgressResult:
    """Progress of one series of (period start, value); a manual status overrides it."""
    points = [(year_fraction(start), value) for start, value in series]
    has_target = spec.target_value is not None and spec.target_date is not None
    result = measure(
        points,
        direction=spec.direction,
        target=spec.target_value if has_target else None,
        target_year=year_fraction(spec.target_date) if has_target and spec.target_date else None,
        base_year=year_fraction(spec.baseline_period) if spec.baseline_period else None,
        limit=spec.limit_value,
        unit=spec.unit,
    )
    if spec.manual_status:
        return apply_manual_status(result, spec.manual_status, spec.manual_status_reason)
    return result
