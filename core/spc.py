"""Statistical process control as NHS England's "Making Data Count" does it: the XmR
chart (individual values and their moving ranges), its special-cause rules, and the
variation and assurance icons. NHSRplotthedots is the reference implementation.

The stable API is :func:`xmr`; pages, reports and tests all call it.

- Centre line: the mean of the values.
- Process limits: ``mean ± 2.66 × mean moving range``, where the moving ranges are
  ``|x[i] - x[i-1]|``. With ``screen_outliers``, moving ranges at or above
  ``3.267 ×`` their mean are left out and the mean worked out again.
- A point is special cause when any rule holds:
  (a) it lies beyond a process limit;
  (b) it is one of seven or more consecutive points on the same side of the mean
      (a point exactly on the mean breaks the run);
  (c) it is one of seven or more consecutive points each higher than the one before,
      or each lower (a tie breaks the run);
  (d) it lies beyond the two-sigma line (``mean ± 2/3 × 2.66 × mean moving range``)
      and within three consecutive points all on that side of the mean, at least two
      of which lie beyond that line (only the points beyond the line are flagged).
- A special-cause point is an improvement on the improving side of the mean and a
  concern otherwise; for a neutral measure it is ``neutral_high`` above the mean and
  ``neutral_low`` otherwise.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

LIMIT_FACTOR = 2.66
SCREEN_FACTOR = 3.267
RUN_LENGTH = 7
TREND_LENGTH = 7
#: The fewest points an SPC chart is drawn for; with fewer, a run chart only.
MIN_POINTS = 12
#: The fewest points from a recalculation point before its limits are used (limits on
#: fewer than MIN_POINTS are provisional, and the view says so).
MIN_SEGMENT = 6

IMPROVEMENTS = ("increase", "decrease", "neutral")
COMMON_CAUSE = "common_cause"
IMPROVEMENT = "improvement"
CONCERN = "concern"
NEUTRAL_HIGH = "neutral_high"
NEUTRAL_LOW = "neutral_low"

#: The rules, by the letter used in :attr:`XmrResult.rules`.
RULE_LIMIT = "limit"
RULE_SHIFT = "shift"
RULE_TREND = "trend"
RULE_TWO_OF_THREE = "two_of_three"


@dataclass(frozen=True)
class XmrResult:
    """An XmR chart's lines and each point's type."""

    values: tuple[float, ...]
    improvement: str
    target: float | None
    mean: float
    mean_moving_range: float
    lower: float
    upper: float
    lower_two_sigma: float
    upper_two_sigma: float
    point_types: tuple[str, ...]
    #: For each point, the rules that made it special cause (empty for common cause).
    rules: tuple[frozenset[str], ...]
    variation: str
    assurance: str | None


def _checked(values: Sequence[float]) -> tuple[float, ...]:
    out = []
    for position, value in enumerate(values):
        if value is None or isinstance(value, bool):
            raise ValueError(f"Value {position + 1} is missing; SPC needs a number for each.")
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise ValueError(f"Value {position + 1} is not a number; SPC needs a number for each.")
        out.append(number)
    if not out:
        raise ValueError("SPC needs at least one value.")
    return tuple(out)


def moving_ranges(values: Sequence[float]) -> list[float]:
    """``|x[i] - x[i-1]|`` for each value after the first."""
    return [abs(b - a) for a, b in itertools.pairwise(values)]


def mean_moving_range(values: Sequence[float], *, screen_outliers: bool = True) -> float:
    """The mean moving range; with ``screen_outliers``, ranges at or above 3.267 times
    the mean are left out and the mean worked out again (0 for a single value)."""
    ranges = moving_ranges(values)
    if not ranges:
        return 0.0
    mean = sum(ranges) / len(ranges)
    if screen_outliers and mean > 0:
        kept = [r for r in ranges if r < SCREEN_FACTOR * mean]
        if kept:
            mean = sum(kept) / len(kept)
    return mean


def _side(value: float, mean: float) -> int:
    """1 above the mean, -1 below, 0 exactly on it."""
    return (value > mean) - (value < mean)


def _shift_points(values: Sequence[float], mean: float) -> set[int]:
    flagged: set[int] = set()
    start = 0
    for i in range(1, len(values) + 1):
        if i < len(values) and _side(values[i], mean) == _side(values[start], mean):
            continue
        if _side(values[start], mean) != 0 and i - start >= RUN_LENGTH:
            flagged.update(range(start, i))
        start = i
    return flagged


def _trend_points(values: Sequence[float]) -> set[int]:
    flagged: set[int] = set()
    for direction in (1, -1):
        start = 0
        for i in range(1, len(values) + 1):
            if i < len(values) and (values[i] - values[i - 1]) * direction > 0:
                continue
            if i - start >= TREND_LENGTH:
                flagged.update(range(start, i))
            start = i
    return flagged


def _two_of_three_points(
    values: Sequence[float], mean: float, lower_two: float, upper_two: float
) -> set[int]:
    def beyond(value: float, side: int) -> bool:
        return value > upper_two if side > 0 else value < lower_two

    flagged: set[int] = set()
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        for side in (1, -1):
            if not all(_side(values[i], mean) == side for i in window):
                continue
            outside = [i for i in window if beyond(values[i], side)]
            if len(outside) >= 2:
                flagged.update(outside)
    return flagged


def _point_type(value: float, mean: float, improvement: str) -> str:
    if improvement == "neutral":
        return NEUTRAL_HIGH if value > mean else NEUTRAL_LOW
    improving = value > mean if improvement == "increase" else value < mean
    return IMPROVEMENT if improving else CONCERN


def _assurance(improvement: str, target: float | None, lower: float, upper: float) -> str | None:
    if target is None or improvement == "neutral":
        return None
    failing_limit_passed = target < lower if improvement == "increase" else target > upper
    improving_limit_passed = target > upper if improvement == "increase" else target < lower
    if failing_limit_passed:
        return "pass"
    if improving_limit_passed:
        return "fail"
    return "inconsistent"


def xmr(
    values: Sequence[float],
    *,
    improvement: str,
    target: float | None = None,
    screen_outliers: bool = True,
) -> XmrResult:
    """The XmR chart of ``values`` (in time order) for a measure whose ``improvement``
    is ``"increase"``, ``"decrease"`` or ``"neutral"``."""
    if improvement not in IMPROVEMENTS:
        raise ValueError(
            f"improvement must be one of {', '.join(IMPROVEMENTS)}, not {improvement!r}."
        )
    points = _checked(values)
    mean = sum(points) / len(points)
    mmr = mean_moving_range(points, screen_outliers=screen_outliers)
    spread = LIMIT_FACTOR * mmr
    lower, upper = mean - spread, mean + spread
    lower_two, upper_two = mean - spread * 2 / 3, mean + spread * 2 / 3

    by_rule = {
        RULE_LIMIT: {i for i, v in enumerate(points) if v > upper or v < lower},
        RULE_SHIFT: _shift_points(points, mean),
        RULE_TREND: _trend_points(points),
        RULE_TWO_OF_THREE: _two_of_three_points(points, mean, lower_two, upper_two),
    }
    rules = tuple(
        frozenset(name for name, flagged in by_rule.items() if i in flagged)
        for i in range(len(points))
    )
    types = tuple(
        _point_type(value, mean, improvement) if rules[i] else COMMON_CAUSE
        for i, value in enumerate(points)
    )
    return XmrResult(
        values=points,
        improvement=improvement,
        target=None if target is None else float(target),
        mean=mean,
        mean_moving_range=mmr,
        lower=lower,
        upper=upper,
        lower_two_sigma=lower_two,
        upper_two_sigma=upper_two,
        point_types=types,
        rules=rules,
        variation=types[-1],
        assurance=_assurance(improvement, target, lower, upper),
    )


VARIATION_WORDS = {
    COMMON_CAUSE: "Common cause variation: no significant change",
    IMPROVEMENT: "Special cause of improvement",
    CONCERN: "Special cause of concern",
    NEUTRAL_HIGH: "Special cause variation: higher than usual",
    NEUTRAL_LOW: "Special cause variation: lower than usual",
}

ASSURANCE_WORDS = {
    "pass": "The target is consistently met",
    "fail": "The target is consistently missed",
    "inconsistent": "The target is met only some of the time",
    None: "No target to assure against",
}


def _run_end(result: XmrResult, rule: str) -> int:
    """How many points up to and including the last are flagged by ``rule`` in a row."""
    count = 0
    for flags in reversed(result.rules):
        if rule not in flags:
            break
        count += 1
    return count


def variation_sentence(result: XmrResult, unit: str = "quarters") -> str:
    """One plain sentence about the latest point, e.g. "Special cause of concern:
    seven quarters in a row below the average"."""
    head = VARIATION_WORDS[result.variation]
    last_rules = result.rules[-1]
    if not last_rules:
        return f"{head}."
    last, mean = result.values[-1], result.mean
    where = "above" if last > mean else "below"
    if RULE_LIMIT in last_rules:
        limit = "upper" if last > result.upper else "lower"
        return f"{head}: the latest value is beyond the {limit} process limit."
    if RULE_SHIFT in last_rules:
        run = _run_end(result, RULE_SHIFT)
        return f"{head}: {_count_words(run)} {unit} in a row {where} the average."
    if RULE_TREND in last_rules:
        run = _run_end(result, RULE_TREND)
        rising = result.values[-1] > result.values[-2]
        step = "higher" if rising else "lower"
        return f"{head}: {_count_words(run)} {unit} in a row each {step} than the one before."
    limit = "upper" if where == "above" else "lower"
    return f"{head}: two of the last three {unit} close to the {limit} process limit."


_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty",
)  # fmt: skip


def _count_words(count: int) -> str:
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


#: How each kind of point is drawn: its words, colour (NHS Making Data Count: blue
#: improvement, orange concern, grey common cause, purple neutral) and shape, so a point's
#: type never rests on colour alone.
POINT_STYLES: dict[str, tuple[str, str, str]] = {
    COMMON_CAUSE: ("Common cause", "#7B7D7D", "circle"),
    IMPROVEMENT: ("Special cause: improvement", "#0072B2", "triangle-up"),
    CONCERN: ("Special cause: concern", "#E69F00", "square"),
    NEUTRAL_HIGH: ("Special cause: higher than usual", "#CC79A7", "diamond"),
    NEUTRAL_LOW: ("Special cause: lower than usual", "#CC79A7", "diamond"),
}


def improvement_of(direction: str | None) -> str:
    """A metric's direction ("increase", "decrease" or none set) as SPC's improvement."""
    return direction if direction in ("increase", "decrease") else "neutral"


@dataclass(frozen=True)
class Segment:
    """The points ``start`` to ``end - 1`` of a series and their own XmR chart."""

    start: int
    end: int
    result: XmrResult


def xmr_segments(
    values: Sequence[float],
    *,
    improvement: str,
    target: float | None = None,
    breaks: Sequence[int] = (),
    screen_outliers: bool = True,
) -> tuple[Segment, ...]:
    """The series split at each break (the index of the first point of a new segment,
    a recalculation point), each segment's mean, limits and point types worked out by
    :func:`xmr` on its own points alone, as NHSRplotthedots' ``rebase`` does. The last
    segment gives the variation and assurance icons. No minimum length is applied here
    (see :func:`usable_breaks`)."""
    points = _checked(values)
    cuts = sorted(set(breaks))
    if any(not 0 < b < len(points) for b in cuts):
        raise ValueError(
            "A recalculation point must fall after the first value and within the series."
        )
    bounds = [0, *cuts, len(points)]
    return tuple(
        Segment(
            start,
            end,
            xmr(
                points[start:end],
                improvement=improvement,
                target=target,
                screen_outliers=screen_outliers,
            ),
        )
        for start, end in itertools.pairwise(bounds)
    )


def usable_breaks(count: int, breaks: Sequence[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Which recalculation points (indexes into a series of ``count`` values) are used,
    and which wait: a recalculation is used once at least :data:`MIN_SEGMENT` values
    have been recorded from it up to the next used one (fewer cannot show a run of
    seven, and their limits would rest on a handful of moving ranges); the values before
    it keep limits of their own, however few. Points outside the series (or at its
    first value) are left out."""
    used: list[int] = []
    waiting: list[int] = []
    last = count
    for b in sorted({b for b in breaks if 0 < b < count}, reverse=True):
        if last - b >= MIN_SEGMENT:
            used.append(b)
            last = b
        else:
            waiting.append(b)
    return tuple(sorted(used)), tuple(sorted(waiting))


def break_indexes(periods: Sequence[object], starts: Sequence[object]) -> tuple[int, ...]:
    """Where recalculation points fall in a series: for each quarter ``starts`` names,
    the index of the series' first period on or after it (a quarter with no value moves
    the point to the next quarter that has one). Points at or before the first period,
    or after the last, are left out."""
    ordered = list(periods)
    found: set[int] = set()
    for start in starts:
        index = next((i for i, p in enumerate(ordered) if p >= start), None)  # type: ignore[operator]
        if index:
            found.add(index)
    return tuple(sorted(found))


@dataclass(frozen=True)
class SpcView:
    """What the Variation (SPC) view shows for one metric's series."""

    result: XmrResult | None
    quarters: tuple[str, ...]
    #: Why there is no SPC chart (fewer than 12 points), or "" when there is one.
    reason: str
    sentence: str
    variation_words: str
    assurance_words: str
    #: Each segment's chart (one segment without recalculation points; empty without
    #: an SPC chart); ``result`` is the last one's.
    segments: tuple[Segment, ...] = ()
    #: Recalculation points not used yet (fewer than MIN_SEGMENT quarters from them).
    waiting: tuple[int, ...] = ()


def spc_view(
    quarters: Sequence[str],
    values: Sequence[float],
    *,
    direction: str | None,
    target: float | None = None,
    breaks: Sequence[int] = (),
) -> SpcView:
    """The SPC view of a metric's values (oldest first, labelled by ``quarters``): the
    XmR chart when there are at least :data:`MIN_POINTS` values, else the reason why
    only the run chart is shown. ``breaks``: the indexes of recalculation points, from
    which the limits are worked out afresh (see :func:`usable_breaks`)."""
    labels = tuple(quarters)
    if len(values) < MIN_POINTS:
        have = len(values)
        reason = (
            f"An SPC chart needs at least {MIN_POINTS} quarters of values to tell a real "
            f"change from everyday ups and downs; this metric has {have}. Until it has "
            f"{MIN_POINTS}, here is the run chart: its values with their median."
        )
        return SpcView(None, labels, reason, "", "", "")
    used, waiting = usable_breaks(len(values), breaks)
    segments = xmr_segments(
        values, improvement=improvement_of(direction), target=target, breaks=used
    )
    result = segments[-1].result
    return SpcView(
        result=result,
        quarters=labels,
        reason="",
        sentence=variation_sentence(result),
        variation_words=VARIATION_WORDS[result.variation],
        assurance_words=ASSURANCE_WORDS[result.assurance],
        segments=segments,
        waiting=waiting,
    )


def spc_rows(view: SpcView, values: Sequence[float]) -> list[dict[str, object]]:
    """The chart's table: one row per quarter, oldest first, with the lines and the
    point's type in words (the run chart's median when there is no SPC chart)."""
    rows: list[dict[str, object]] = []
    if view.result is None:
        ordered = sorted(values)
        middle = len(ordered) // 2
        median = (
            (ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2)
            if ordered
            else None
        )
        for quarter, value in zip(view.quarters, values, strict=True):
            rows.append({"Quarter": quarter, "Value": value, "Median": median})
        return rows
    segments = view.segments or (Segment(0, len(view.quarters), view.result),)
    for segment in segments:
        result = segment.result
        labels = view.quarters[segment.start : segment.end]
        for quarter, value, kind in zip(labels, result.values, result.point_types, strict=True):
            row: dict[str, object] = {
                "Quarter": quarter,
                "Value": value,
                "Average": result.mean,
                "Lower process limit": result.lower,
                "Upper process limit": result.upper,
                "Point": POINT_STYLES[kind][0],
            }
            if len(segments) > 1:
                row["Limits from"] = view.quarters[segment.start]
            rows.append(row)
    return rows
