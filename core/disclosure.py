"""NHS disclosure control for every export and every view forum members see.

The rule follows the Mental Health Services Data Set publications: below national
level, counts under the threshold (5) are shown as ``*`` and other counts are
rounded to the nearest 5; a proportion or rate is not shown when its numerator or
denominator is under the threshold, and otherwise is worked out from the *rounded*
counts, so it reveals nothing the rounded counts do not (an exact 33.3% beside "5 of 20"
could only be 7 of 21). A percentage worked out that way is shown as a whole number
unless its rounded denominator is at least 4,000 (then to one decimal place), as NHS
secondary care statistics do. National figures are not rounded. Only counts of people
are controlled: counts of events, agreements or organisations are shown as recorded.
Statuses may still be worked out from the exact figures. Some NHS outputs (Hospital Episode
Statistics) suppress 1 to 7 instead: pass ``threshold=8`` for that.

Decisions:

- 0 is shown as ``*`` too (below national level), so ``*`` never tells a reader
  whether a group is empty or small.
- A count that would round to 0 (possible only with a threshold below 3) is shown
  as ``*``: a rounded 0 would claim nobody, when somebody was counted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real

import pandas as pd

DEFAULT_THRESHOLD = 5
ROUND_TO = 5
SUPPRESSED = "*"


def _as_count(value: object) -> int:
    """An int from an int-like value (numpy ints, or floats such as 12.0)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"A count must be a number, not {value!r}.")
    if not (isinstance(value, Integral) or float(value).is_integer()):
        raise ValueError(f"A count must be a whole number, not {value}.")
    count = int(value)
    if count < 0:
        raise ValueError(f"A count cannot be negative ({count}).")
    return count


def _check_threshold(threshold: int) -> None:
    if threshold < 1:
        raise ValueError(f"The disclosure threshold must be at least 1, not {threshold}.")


def round_to_nearest_5(count: int) -> int:
    """Nearest multiple of 5 (7 -> 5, 8 -> 10, 12 -> 10, 13 -> 15); no ties for whole counts."""
    return ROUND_TO * ((count + ROUND_TO // 2) // ROUND_TO)


def too_few(numerator: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when a figure rests on too few people to show ("too few to show", never 0)."""
    _check_threshold(threshold)
    return _as_count(numerator) < threshold


def suppress_count(
    count: int, *, threshold: int = DEFAULT_THRESHOLD, national: bool = False
) -> str | int:
    """``"*"`` for a small count, else the count rounded to the nearest 5; national unrounded."""
    _check_threshold(threshold)
    value = _as_count(count)
    if national:
        return value
    rounded = round_to_nearest_5(value)
    if value < threshold or rounded == 0:
        return SUPPRESSED
    return rounded


def suppress_proportion(
    numerator: int,
    denominator: int,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    national: bool = False,
) -> float | None:
    """``numerator / denominator`` (0..1) from unrounded counts, or None when not shown.

    Not shown below national level when either count is under the threshold, and
    never when the denominator is 0.
    """
    _check_threshold(threshold)
    num, den = _as_count(numerator), _as_count(denominator)
    if num > den:
        raise ValueError(f"A numerator ({num}) cannot exceed its denominator ({den}).")
    if den == 0:
        return None
    if not national and (num < threshold or den < threshold):
        return None
    return num / den


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _check_columns(df: pd.DataFrame, names: Iterable[str]) -> None:
    missing = [name for name in names if name not in df.columns]
    if missing:
        raise KeyError(f"Columns not in the table: {', '.join(map(str, missing))}.")


def suppress_table(
    df: pd.DataFrame,
    *,
    count_columns: Iterable[str],
    proportions: Mapping[str, tuple[str, str]] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    national: bool = False,
) -> pd.DataFrame:
    """A copy of ``df`` with the disclosure rule applied.

    ``count_columns`` are shown as ``*`` or rounded. ``proportions`` maps each
    proportion column to its ``(numerator column, denominator column)``; the column
    is (re)computed from those unrounded counts (0..1, NaN when not shown)
    before any count is rounded, and is added if absent. Other columns are left as
    they are, and a missing count stays missing.
    """
    count_columns = list(count_columns)
    proportions = dict(proportions or {})
    sources = [column for pair in proportions.values() for column in pair]
    _check_columns(df, count_columns + sources)
    overlap = set(count_columns) & set(proportions)
    if overlap:
        raise ValueError(f"Columns cannot be both counts and proportions: {sorted(overlap)}.")

    out = df.copy()
    for column, (numerator, denominator) in proportions.items():
        values = [
            None
            if _is_missing(num) or _is_missing(den)
            else suppress_proportion(num, den, threshold=threshold, national=national)
            for num, den in zip(df[numerator], df[denominator], strict=True)
        ]
        out[column] = pd.Series(values, index=df.index, dtype="float64")
    for column in count_columns:
        values = [
            None
            if _is_missing(value)
            else suppress_count(value, threshold=threshold, national=national)
            for value in df[column]
        ]
        out[column] = pd.Series(values, index=df.index, dtype="Int64" if national else object)
    return out


def rule_text(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The plain-English rule a report prints under its tables."""
    _check_threshold(threshold)
    shown_as_star = max(threshold, 3)  # 1 and 2 would round to 0, so they are * too.
    people = "person" if threshold == 1 else "people"
    return (
        "Figures below national level follow NHS disclosure control: "
        f"counts below {shown_as_star} are shown as *, other counts are rounded to the "
        f"nearest 5, and a percentage or rate is not shown when it is based on fewer than "
        f"{threshold} {people}. National figures are not rounded."
    )


def suppress_metric_values(
    values: pd.DataFrame, units: Mapping[int, str], threshold: int = DEFAULT_THRESHOLD
) -> pd.DataFrame:
    """A region's metric values as people without exact access see them (numbers stay
    numbers so charts still draw; a hidden figure becomes empty).

    ``values`` has metric_id, value, numerator and denominator. Numerators and
    denominators are counts of people: below the threshold they are hidden, others
    rounded to the nearest 5; a percentage or rate resting on a hidden count is hidden.
    A value recorded as a count is treated as a count of people, since the dashboard
    cannot tell what it counts. Other values are shown as recorded.
    """
    out = values.copy()
    if out.empty:
        return out

    def count(raw: object) -> float | None:
        if _is_missing(raw):
            return None
        number = float(raw)  # type: ignore[arg-type]
        if number < threshold:
            return None
        return float(round_to_nearest_5(int(number))) if number.is_integer() else number

    hidden_base = [
        (not _is_missing(n) and float(n) < threshold)
        or (not _is_missing(d) and float(d) < threshold)
        for n, d in zip(out["numerator"], out["denominator"], strict=True)
    ]
    shown = []
    for metric_id, value, hide in zip(out["metric_id"], out["value"], hidden_base, strict=True):
        unit = units.get(int(metric_id), "")
        if unit == "count":
            shown.append(count(value))
        elif hide and unit in ("percentage", "rate"):
            shown.append(None)
        else:
            shown.append(None if _is_missing(value) else float(value))
    out["value"] = pd.Series(shown, index=out.index, dtype="float64")
    out["numerator"] = pd.Series(
        [count(v) for v in out["numerator"]], index=out.index, dtype="float64"
    )
    out["denominator"] = pd.Series(
        [count(v) for v in out["denominator"]], index=out.index, dtype="float64"
    )
    return out


# ----------------------------------------------------------------- the rule, once per viewer

#: A percentage worked out from rounded counts gets one decimal place only when its
#: rounded denominator is at least this (NHS secondary care statistics).
LARGE_DENOMINATOR = 4000


def percentage_places(rounded_denominator: float | None) -> int:
    """Decimal places of a percentage worked out from rounded counts: 0, or 1 when the
    rounded denominator is at least :data:`LARGE_DENOMINATOR`."""
    if rounded_denominator is None or _is_missing(rounded_denominator):
        return 0
    return 1 if float(rounded_denominator) >= LARGE_DENOMINATOR else 0


def disclosed_proportion(
    numerator: int, denominator: int, *, threshold: int = DEFAULT_THRESHOLD
) -> float | None:
    """``numerator / denominator`` (0..1) worked out from the *rounded* counts, or None
    when either count is suppressed (or the denominator is 0). Below national level only:
    a national figure uses :func:`suppress_proportion` with ``national=True``."""
    num = suppress_count(numerator, threshold=threshold)
    den = suppress_count(denominator, threshold=threshold)
    if num == SUPPRESSED or den == SUPPRESSED:
        return None
    assert isinstance(num, int) and isinstance(den, int)
    if num > den:  # 7 of 8 rounds to 5 of 10, never more than the whole
        num = den
    return num / den


def disclosed_percentage(
    numerator: int, denominator: int, *, threshold: int = DEFAULT_THRESHOLD
) -> float | None:
    """The percentage a person under disclosure control sees: from the rounded counts,
    rounded to :func:`percentage_places` places; None when it is not shown."""
    share = disclosed_proportion(numerator, denominator, threshold=threshold)
    if share is None:
        return None
    rounded_den = suppress_count(denominator, threshold=threshold)
    return round(100.0 * share, percentage_places(rounded_den))  # type: ignore[arg-type]


@dataclass(frozen=True)
class MetricFigure:
    """One metric value as a viewer sees it.

    ``value``, ``numerator`` and ``denominator`` are numbers (None when not recorded or
    hidden by the rule); ``starred`` counts the figures hidden (shown as ``*``),
    ``rounded`` the counts changed by rounding; ``value_places`` is the decimal places a
    percentage worked out from rounded counts is shown with (None: format as usual).
    """

    value: float | None
    numerator: float | None
    denominator: float | None
    value_hidden: bool = False
    numerator_hidden: bool = False
    denominator_hidden: bool = False
    rounded: int = 0
    value_places: int | None = None

    @property
    def starred(self) -> int:
        return int(self.value_hidden) + int(self.numerator_hidden) + int(self.denominator_hidden)


def _number(value: object) -> float | None:
    return None if _is_missing(value) else float(value)  # type: ignore[arg-type]


def _controlled_count(value: float | None, threshold: int) -> tuple[float | None, bool, bool]:
    """(shown, hidden, rounded) for a count of people under control."""
    if value is None:
        return None, False, False
    if not float(value).is_integer() or value < 0:
        # Not a whole count (an average, say): hidden when small, else as recorded.
        return (None, True, False) if value < threshold else (value, False, False)
    shown = suppress_count(int(value), threshold=threshold)
    if shown == SUPPRESSED:
        return None, True, False
    return float(shown), False, shown != int(value)


def disclose_metric_figure(
    value: object,
    numerator: object = None,
    denominator: object = None,
    *,
    unit: str | None,
    counts_people: bool = True,
    controlled: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
) -> MetricFigure:
    """The one rule for a metric value, used by every surface.

    Not ``controlled`` (exact rights, or a national figure): everything as recorded.
    Under control, for a metric that counts people: a count value, a numerator and a
    denominator below the threshold are hidden, others rounded to the nearest 5; a
    percentage with both counts recorded is worked out from the rounded counts (whole
    number unless the rounded denominator is at least 4,000), a rate is scaled the same
    way, and any value resting on a hidden count is hidden. A metric that does not
    count people (events, agreements, organisations) is shown as recorded.
    """
    _check_threshold(threshold)
    raw_value, raw_num, raw_den = _number(value), _number(numerator), _number(denominator)
    if not controlled or not counts_people:
        return MetricFigure(raw_value, raw_num, raw_den)
    num, num_hidden, num_rounded = _controlled_count(raw_num, threshold)
    den, den_hidden, den_rounded = _controlled_count(raw_den, threshold)
    rounded = int(num_rounded) + int(den_rounded)
    shown: float | None = raw_value
    value_hidden = False
    places: int | None = None
    if raw_value is None:
        shown = None
    elif unit == "count":
        shown, value_hidden, was_rounded = _controlled_count(raw_value, threshold)
        rounded += int(was_rounded)
    elif num_hidden or den_hidden:
        shown, value_hidden = None, True
    elif num is not None and den is not None and raw_num is not None and raw_den:
        share = min(num, den) / den if den else None
        if share is None:
            shown, value_hidden = None, True
        elif unit == "percentage":
            places = percentage_places(den)
            shown = round(100.0 * share, places)
        elif unit == "rate" and raw_num:
            scale = raw_value * raw_den / raw_num  # per 1,000, per 100,000 ...
            shown = round(scale * share, 1)
    return MetricFigure(
        shown,
        num,
        den,
        value_hidden=value_hidden,
        numerator_hidden=num_hidden,
        denominator_hidden=den_hidden,
        rounded=rounded,
        value_places=places,
    )


def percentage_note(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The note shown beside a table whose percentages follow the rule."""
    return (
        "Percentages here are worked out from the rounded counts, so they give away "
        "nothing the rounded counts do not, and are shown as whole numbers unless the "
        f"rounded total is at least {LARGE_DENOMINATOR:,}. Counts below "
        f"{max(threshold, 3)} are shown as * and other counts of people are rounded to "
        "the nearest 5."
    )
