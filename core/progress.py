"""The Open SDG progress measure (Statistics Canada's method), for one metric or many.

Time is in years and a quarter's value sits at its start (Q1 2024/25 is 2024.25,
see ``core.periods.year_fraction``). Progress compares the observed compound annual
growth since the baseline with the growth needed to reach the target on time, or,
without a target, with fixed growth rates (1.5% and 0.5% a year).

Decisions where the published method is silent or ambiguous:

* A limit is read as a ceiling when an increase is better and a floor when a
  decrease is better. The methodology text says "only a limit that affects progress
  in the desired direction is considered", so a limit behind the baseline (a value
  already above its ceiling or below its floor) is ignored (c = 1). Limits only
  apply without a target, as in sdg-build.
* When the baseline sits exactly on the limit, the scaling factor ``c`` is 0 and
  every positive threshold becomes 0: holding at the limit or beyond (P >= 0) is
  substantial progress with a score of 5; falling back (P < 0) is deterioration,
  scored as usual. This is the published rule.
* A reached target wins over the data checks: a series that has reached its target
  is ``target_achieved`` even with less than a year of data (as in sdg-build).
* A zero base or target becomes 0.001, given the sign of the base when the base is
  negative so the ratio stays positive; a target on the other side of zero from the
  base, or a baseline after the target date, gives ``not_available``.
* When the target equals the base and the latest value has moved away from it, the
  required growth is 0 and P would be minus infinity: the result is deterioration
  with a score of -5 and ``progress`` None.
* A manual status carries no score (as in sdg-build), so ``combine`` leaves it out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from core.formatting import format_value
from core.periods import financial_year_label

__all__ = [
    "STATUS_LABELS",
    "ProgressResult",
    "apply_manual_status",
    "combine",
    "format_value",
    "measure",
]

Status = Literal[
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
]

STATUS_LABELS: dict[str, str] = {
    "target_achieved": "Target achieved",
    "substantial_progress": "Substantial progress",
    "moderate_progress": "Moderate progress",
    "limited_progress": "Limited progress",
    "deterioration": "Deterioration",
    "not_available": "Not enough data yet",
}

DIRECTIONS = {"increase": 1, "decrease": -1}
ZERO_REPLACEMENT = 0.001
LIMIT_EXPONENT = 4.44
# Thresholds on P: with a target (share of the required growth) and without (growth a year).
TARGET_THRESHOLDS = (0.95, 0.6)
NO_TARGET_THRESHOLDS = (0.015, 0.005)
MIN_YEARS = 1.0
_EPS = 1e-9  # absorbs float noise in times such as 2024 + 5/12
_HORIZON_YEARS = 50  # projections further out than this are not given a year


@dataclass(frozen=True)
class ProgressResult:
    """The outcome of the progress measure for one series, or several combined."""

    status: Status
    score: float | None
    explanation: str
    progress: float | None = None
    base_year: float | None = None
    base_value: float | None = None
    current_year: float | None = None
    current_value: float | None = None
    manual_reason: str | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def target_achieved(self) -> bool:
        return self.status == "target_achieved"

    @property
    def is_manual(self) -> bool:
        return self.manual_reason is not None


@dataclass(frozen=True)
class _Series:
    """Base and current points plus everything the formulas and sentences need."""

    t_base: float
    base: float
    t_current: float
    current: float
    direction: int
    unit: str | None

    @property
    def sign(self) -> int:
        return -1 if self.base < 0 else 1

    @property
    def years(self) -> float:
        return self.t_current - self.t_base

    def fmt(self, value: float) -> str:
        return format_value(value, self.unit)

    def change(self) -> str:
        """``it went from 30% to 25% since 2023/24``."""
        since = financial_year_label(self.t_base)
        return f"it went from {self.fmt(self.base)} to {self.fmt(self.current)} since {since}"


# --- formatting


_NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def _years_phrase(count: int) -> str:
    word = _NUMBER_WORDS[count] if count < len(_NUMBER_WORDS) else str(count)
    return f"{word} year" if count == 1 else f"{word} years"


def _fy_start(year: float) -> int:
    """The calendar year in which the financial year holding ``year`` starts."""
    return int(financial_year_label(year)[:4])


# --- the formulas


def growth_rate(value: float, base: float, t_value: float, t_base: float) -> float:
    """Compound annual growth from ``base`` at ``t_base`` to ``value`` at ``t_value``."""
    return (value / base) ** (1 / (t_value - t_base)) - 1


def limit_coefficient(base: float, limit: float) -> float:
    """The factor ``c`` (0..1) that shrinks the no-target thresholds near a natural limit.

    Absolute values are used, as in sdg-build; ``base >= 2 * limit`` is checked first so a
    base and limit of 0 give 1.
    """
    base, limit = abs(base), abs(limit)
    if base >= 2 * limit:
        return 1.0
    if base <= limit:
        return 1 - (base / limit) ** LIMIT_EXPONENT
    return 1 - ((2 * limit - base) / limit) ** LIMIT_EXPONENT


def status_with_target(progress: float) -> Status:
    high, med = TARGET_THRESHOLDS
    return _status_from_thresholds(progress, high, med)


def status_without_target(progress: float, coefficient: float = 1.0) -> Status:
    high, med = NO_TARGET_THRESHOLDS
    return _status_from_thresholds(progress, high * coefficient, med * coefficient)


def _status_from_thresholds(progress: float, high: float, med: float) -> Status:
    if progress >= high:
        return "substantial_progress"
    if progress >= med:
        return "moderate_progress"
    if progress >= 0:
        return "limited_progress"
    return "deterioration"


def score_with_target(progress: float) -> float:
    """Score from -5 to 5: 0 at P = 0.6, 5 from P = 1.3, -5 from P = -0.6."""
    if progress >= TARGET_THRESHOLDS[1]:
        return min(7.1429 * progress - 4.2857, 5.0)
    return max(4.1667 * progress - 2.5, -5.0)


def score_without_target(progress: float, coefficient: float = 1.0) -> float:
    """Score from -5 to 5: -2.5 at P = 0, 0 at 0.5% c, 2.5 at 1.5% c, 5 from 2% c."""
    high, med = (t * coefficient for t in NO_TARGET_THRESHOLDS)
    if progress < 0:
        return max(125 * progress - 2.5, -5.0)
    if coefficient == 0:
        return 5.0
    if progress >= high:
        return min(500 * progress / coefficient - 5, 5.0)
    if progress >= med:
        return 250 * progress / coefficient - 1.25
    return 500 * progress / coefficient - 2.5


def status_from_score(score: float) -> Status:
    """The status of a combined score: 2.5 to 5 substantial ... below -2.5 deterioration."""
    if score >= 2.5:
        return "substantial_progress"
    if score >= 0:
        return "moderate_progress"
    if score >= -2.5:
        return "limited_progress"
    return "deterioration"


def _nonzero(value: float, like: float) -> float:
    """Replace a zero by 0.001, with the sign of ``like`` so that ratios stay positive."""
    if value != 0:
        return value
    return -ZERO_REPLACEMENT if like < 0 else ZERO_REPLACEMENT


# --- measure


def measure(
    points: Iterable[tuple[float, float | None]],
    *,
    direction: str | None,
    target: float | None = None,
    target_year: float | None = None,
    base_year: float | None = None,
    limit: float | None = None,
    unit: str | None = None,
) -> ProgressResult:
    """The progress of one series of ``(year, value)`` points.

    ``direction`` is ``"increase"`` or ``"decrease"`` (which way is better) and is never
    guessed. ``base_year`` None means the first point; otherwise the value at or first
    after it. ``limit`` is a natural limit such as 100 for a percentage; it is only used
    without a target. ``unit`` only changes how values read in the explanation.
    """
    sense = _direction(direction)
    if target is not None and target_year is None:
        raise ValueError("A target needs a target date.")
    series = _clean(points)
    if not series:
        return _not_available("Not enough data yet: there are no values.")
    base_index = _base_index(series, base_year)
    if base_index is None:
        since = financial_year_label(base_year) if base_year is not None else "the baseline"
        return _not_available(f"Not enough data yet: there are no values from {since} onwards.")
    (t_base, base), (t_now, now) = series[base_index], series[-1]
    data = _Series(t_base, base, t_now, now, sense, unit)
    if target is None or target_year is None:  # a target without a date was refused above
        return _without_target(data, limit)
    return _with_target(data, target, target_year)


def _direction(direction: str | None) -> int:
    if direction not in DIRECTIONS:
        raise ValueError(
            f"A metric needs a direction, 'increase' or 'decrease' (which way is better), "
            f"not {direction!r}."
        )
    return DIRECTIONS[direction]


def _clean(points: Iterable[tuple[float, float | None]]) -> list[tuple[float, float]]:
    """Points sorted by time, without missing values; two values at one time are refused."""
    kept = sorted(
        (float(t), float(v)) for t, v in points if v is not None and not math.isnan(float(v))
    )
    for (t1, _), (t2, _) in itertools.pairwise(kept):
        if abs(t2 - t1) < _EPS:
            raise ValueError(f"Two values were given for the same period ({t1}).")
    return kept


def _base_index(series: Sequence[tuple[float, float]], base_year: float | None) -> int | None:
    if base_year is None:
        return 0
    for index, (t, _) in enumerate(series):
        if t >= base_year - _EPS:
            return index
    return None


def _data_problem(data: _Series) -> str | None:
    """Why the growth cannot be measured, or None when it can."""
    if (data.base > 0 > data.current) or (data.base < 0 < data.current):
        return (
            f"Progress cannot be measured: {data.change()}, crossing zero, "
            "which this measure cannot handle."
        )
    if data.years < MIN_YEARS - _EPS:
        return "Not enough data yet: we need values at least one year apart."
    return None


def _result(
    data: _Series,
    status: Status,
    score: float | None,
    explanation: str,
    progress: float | None = None,
) -> ProgressResult:
    return ProgressResult(
        status=status,
        score=score,
        explanation=explanation,
        progress=progress,
        base_year=data.t_base,
        base_value=data.base,
        current_year=data.t_current,
        current_value=data.current,
    )


def _not_available(explanation: str, data: _Series | None = None) -> ProgressResult:
    if data is None:
        return ProgressResult(status="not_available", score=None, explanation=explanation)
    return _result(data, "not_available", None, explanation)


# --- without a target


def _without_target(data: _Series, limit: float | None) -> ProgressResult:
    problem = _data_problem(data)
    if problem:
        return _not_available(problem, data)
    base = _nonzero(data.base, data.base)
    progress = (
        data.sign * data.direction * growth_rate(data.current, base, data.t_current, data.t_base)
    )
    coefficient = _coefficient(data, limit)
    status = status_without_target(progress, coefficient)
    score = score_without_target(progress, coefficient)
    text = _no_target_sentence(data, status, coefficient == 0, limit)
    return _result(data, status, score, text, progress)


def _coefficient(data: _Series, limit: float | None) -> float:
    """``c`` for a limit ahead of (or at) the base in the good direction; 1 otherwise."""
    if limit is None or data.direction * (limit - data.base) < 0:
        return 1.0
    return limit_coefficient(data.base, limit)


_NO_TARGET_OPENINGS = {
    "substantial_progress": "Improving well",
    "moderate_progress": "Improving",
    "limited_progress": "Little or no improvement",
    "deterioration": "Getting worse",
}


def _no_target_sentence(data: _Series, status: Status, at_limit: bool, limit: float | None) -> str:
    since = financial_year_label(data.t_base)
    unchanged = data.current == data.base
    if at_limit and limit is not None and status != "deterioration":
        if unchanged:
            return f"Holding at its limit of {data.fmt(limit)} since {since}."
        return f"Holding at its limit of {data.fmt(limit)}: {data.change()}."
    if unchanged:
        return f"No change since {since}: it is still {data.fmt(data.current)}."
    return f"{_NO_TARGET_OPENINGS[status]}: {data.change()}."


# --- with a target


def _with_target(data: _Series, target: float, target_year: float) -> ProgressResult:
    if data.direction * (data.current - target) >= 0:
        return _achieved(data, target, target_year)
    problem = _data_problem(data) or _target_problem(data, target, target_year)
    if problem:
        return _not_available(problem, data)
    text = _target_sentence(data, target, target_year)
    progress = _target_progress(data, target, target_year)
    if progress is None:  # the base was on target and the value has since moved away
        return _result(data, "deterioration", -5.0, text)
    return _result(data, status_with_target(progress), score_with_target(progress), text, progress)


def _target_progress(data: _Series, target: float, target_year: float) -> float | None:
    """P: observed growth as a share of the growth needed; None when none was needed."""
    base, goal = _nonzero(data.base, data.base), _nonzero(target, data.base)
    required = growth_rate(goal, base, target_year, data.t_base)
    if required == 0:
        return None
    observed = growth_rate(data.current, base, data.t_current, data.t_base)
    return data.sign * data.direction * observed / abs(required)


def _target_problem(data: _Series, target: float, target_year: float) -> str | None:
    if target_year <= data.t_base + _EPS:
        when = financial_year_label(target_year)
        return f"Progress cannot be measured: the first value comes after the target date ({when})."
    if (data.base > 0 > target) or (data.base < 0 < target):
        return (
            f"Progress cannot be measured: the target of {data.fmt(target)} is on the other "
            f"side of zero from the starting value of {data.fmt(data.base)}."
        )
    return None


def _achieved(data: _Series, target: float, target_year: float) -> ProgressResult:
    measurable = _data_problem(data) is None and _target_problem(data, target, target_year) is None
    progress = _target_progress(data, target, target_year) if measurable else None
    when = financial_year_label(data.t_current)
    text = (
        f"The target of {data.fmt(target)} has been reached: "
        f"the latest value is {data.fmt(data.current)} ({when})."
    )
    return _result(data, "target_achieved", 5.0, text, progress)


def _target_sentence(data: _Series, target: float, target_year: float) -> str:
    aim = f"the target of {data.fmt(target)}"
    ratio_now = data.current / _nonzero(data.base, data.base)
    if ratio_now == 1:
        return f"No change since {financial_year_label(data.t_base)}: still short of {aim}."
    moving_well = data.sign * data.direction * (ratio_now - 1) > 0
    if not moving_well:
        return f"Moving away from {aim}: {data.change()}."
    return _projection_sentence(data, target, target_year, ratio_now)


def _projection_sentence(data: _Series, target: float, target_year: float, ratio: float) -> str:
    """When the target would be reached if the growth seen so far carried on."""
    base = _nonzero(data.base, data.base)
    ratio_goal = _nonzero(target, data.base) / base
    aim = f"the target of {data.fmt(target)}"
    reached = math.inf
    if ratio > 0 and ratio_goal > 0:
        reached = data.t_base + data.years * math.log(ratio_goal) / math.log(ratio)
    if not math.isfinite(reached) or reached - data.t_current > _HORIZON_YEARS:
        return f"At the current rate it would take more than {_HORIZON_YEARS} years to reach {aim}."
    when, due = financial_year_label(reached), financial_year_label(target_year)
    opening = f"At the current rate {aim} would be reached in {when}"
    if reached <= target_year:
        if when == due:
            return f"{opening}, in time for the target date."
        return f"{opening}, ahead of the target date ({due})."
    late = _fy_start(reached) - _fy_start(target_year)
    if late == 0:
        return f"{opening}, just after the target date."
    return f"{opening}, {_years_phrase(late)} after the target date ({due})."


# --- manual status and combining


def apply_manual_status(result: ProgressResult, status: str, reason: str) -> ProgressResult:
    """Override a calculated result with a status chosen by a person, who must say why.

    The reason becomes the explanation. The score is dropped, as in sdg-build, because a
    chosen status has no growth rate behind it.
    """
    if status not in STATUS_LABELS:
        raise ValueError(f"Unknown progress status {status!r}.")
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A manual progress status needs a reason.")
    explanation = reason if reason[-1] in ".!?" else f"{reason}."
    return replace(
        result,
        status=status,  # type: ignore[arg-type]
        score=None,
        progress=None,
        explanation=explanation,
        manual_reason=reason,
    )


def combine(results: Iterable[ProgressResult]) -> ProgressResult:
    """One result for several series (a theme, or a metric's groups).

    The mean score gives the status; the target counts as achieved only if every scored
    series achieved it. Series without a score (not enough data, or a manual status) are
    left out.
    """
    all_results = list(results)
    scored = [r for r in all_results if r.score is not None]
    if not scored:
        return _not_available("Not enough data yet for any of its measures.")
    score = sum(r.score for r in scored if r.score is not None) / len(scored)
    achieved = all(r.target_achieved for r in scored)
    status: Status = "target_achieved" if achieved else status_from_score(score)
    text = _combined_sentence(scored, len(all_results) - len(scored))
    return ProgressResult(status=status, score=score, explanation=text)


def _combined_sentence(scored: Sequence[ProgressResult], left_out: int) -> str:
    counts: dict[str, int] = {}
    for result in scored:
        counts[result.status] = counts.get(result.status, 0) + 1
    parts = [
        f"{counts[status]} {STATUS_LABELS[status].lower()}"
        for status in STATUS_LABELS
        if status in counts
    ]
    noun = "measure" if len(scored) == 1 else "measures"
    text = f"Based on {len(scored)} {noun}: {', '.join(parts)}"
    if left_out:
        text += f" ({left_out} more not counted: not enough data yet or status set by hand)"
    return f"{text}."
