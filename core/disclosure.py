"""NHS disclosure control for every export and every view forum members see.

The rule follows the Mental Health Services Data Set publications: below national
level, counts under the threshold (5) are shown as ``*`` and other counts are
rounded to the nearest 5; a proportion or rate is not shown when its numerator or
denominator is under the threshold, and otherwise is worked out from the *rounded*
counts, so it reveals nothing the rounded counts do not (an exact 33.3% beside "5 of 20"
could only be 7 of 21). A percentage worked out that way is shown as a whole number
unless its rounded denominator is at least 4,000 (then to one decimal place), as NHS
secondary care statistics do, rounded half up as people round (5 of 40 is 13%). A rate
is worked out from the rounded counts on its own scale (per 1,000, per 100,000).
National figures are not rounded. Only counts of people are controlled: counts of
events, agreements or organisations are shown as recorded. Statuses may still be worked
out from the exact figures. Some NHS outputs (Hospital Episode Statistics) suppress 1 to
7 instead: pass ``threshold=8`` for that.

Decisions:

- 0 is shown as ``*`` too (below national level), so ``*`` never tells a reader
  whether a group is empty or small.
- A count that would round to 0 (possible only with a threshold below 3) is shown
  as ``*``: a rounded 0 would claim nobody, when somebody was counted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from numbers import Integral, Real

import pandas as pd

from core.formatting import format_value

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
    """``numerator / denominator`` (0..1) as published, or None when not shown.

    National: from the exact counts (None only when the denominator is 0). Below
    national level: :func:`disclosed_proportion`, worked out from the *rounded* counts
    and not shown when either count is suppressed.
    """
    _check_threshold(threshold)
    num, den = _as_count(numerator), _as_count(denominator)
    if num > den:
        raise ValueError(f"A numerator ({num}) cannot exceed its denominator ({den}).")
    if den == 0:
        return None
    if not national:
        return disclosed_proportion(num, den, threshold=threshold)
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
    is (re)computed by :func:`suppress_proportion` (0..1, NaN when not shown: below
    national level from the rounded counts, nationally from the exact ones) and is
    added if absent. Other columns are left as they are, and a missing count stays
    missing.
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
        f"counts of people below {shown_as_star} are shown as *, other counts of people are "
        "rounded to the nearest 5, and a percentage, rate or interval is worked out from "
        f"the rounded counts (it is not shown when it is based on fewer than {threshold} "
        f"{people}). Counts of things such as events or agreements are shown as recorded. "
        "National figures are not rounded."
    )


def suppress_metric_values(
    values: pd.DataFrame,
    units: Mapping[int, str],
    threshold: int = DEFAULT_THRESHOLD,
    counts_people: Mapping[int, bool] | None = None,
) -> pd.DataFrame:
    """A region's metric values as people without exact access see them: each row
    through :func:`disclose_metric_figure` (numbers stay numbers so charts still draw; a
    hidden figure becomes empty).

    ``values`` has metric_id, value, numerator and denominator (other columns are kept
    as they are). ``units`` and ``counts_people`` are keyed by metric id; a metric missing
    from ``counts_people`` is taken to count people, the safe side.
    """
    out = values.copy()
    if out.empty:
        return out
    people = counts_people or {}
    shown_value, shown_num, shown_den = [], [], []
    for metric_id, value, numerator, denominator in zip(
        out["metric_id"], out["value"], out["numerator"], out["denominator"], strict=True
    ):
        key = int(metric_id)
        figure = disclose_metric_figure(
            value,
            numerator,
            denominator,
            unit=units.get(key, ""),
            counts_people=bool(people.get(key, True)),
            threshold=threshold,
        )
        shown_value.append(figure.value)
        shown_num.append(figure.numerator)
        shown_den.append(figure.denominator)
    out["value"] = pd.Series(shown_value, index=out.index, dtype="float64")
    out["numerator"] = pd.Series(shown_num, index=out.index, dtype="float64")
    out["denominator"] = pd.Series(shown_den, index=out.index, dtype="float64")
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


def _decimal(value: float) -> Decimal:
    number = float(value)
    return Decimal(int(number)) if number.is_integer() else Decimal(repr(number))


def round_half_up(value: float, places: int = 0) -> float:
    """``value`` rounded as people round (12.5 -> 13, 0.25 -> 0.3 at one place), not
    half-to-even on binary floats as :func:`round` does."""
    step = Decimal(1).scaleb(-places)
    return float(_decimal(value).quantize(step, rounding=ROUND_HALF_UP))


def percent_of(numerator: float, denominator: float, places: int) -> float:
    """``100 * numerator / denominator`` rounded half up to ``places``, worked out in
    decimal arithmetic so 5 of 40 is 13 (not 12, as binary rounding of 12.5 gives)."""
    share = _decimal(numerator) * 100 / _decimal(denominator)
    return float(share.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


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
    if num > den:
        # Rounding never turns num <= den into num > den, so the counts were so.
        raise ValueError(
            f"A numerator ({numerator}) cannot exceed its denominator ({denominator})."
        )
    return num / den


def disclosed_percentage(
    numerator: int, denominator: int, *, threshold: int = DEFAULT_THRESHOLD
) -> float | None:
    """The percentage a person under disclosure control sees: from the rounded counts,
    rounded half up to :func:`percentage_places` places; None when it is not shown."""
    if disclosed_proportion(numerator, denominator, threshold=threshold) is None:
        return None
    num = suppress_count(numerator, threshold=threshold)
    den = suppress_count(denominator, threshold=threshold)
    assert isinstance(num, int) and isinstance(den, int)
    return percent_of(num, den, percentage_places(den))


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


def _rate_scale(value: float, numerator: float, denominator: float) -> float:
    """What a rate is "per" (1,000, 100,000 ...), from the recorded value and its
    counts: the nearest power of ten when within 5% of one (a value recorded to a few
    places), else the ratio itself to three significant figures."""
    scale = value * denominator / numerator
    if scale <= 0:
        return scale
    power = 10.0 ** round(math.log10(scale))
    if abs(scale / power - 1) <= 0.05:
        return power
    return float(f"{scale:.3g}")


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
    number unless the rounded denominator is at least 4,000; rounded half up), a rate
    from the rounded counts on the recorded rate's own scale (per 1,000, per 100,000 ...,
    one decimal place), and any value resting on a hidden count is hidden. A percentage
    or rate recorded without both its counts is shown as recorded (there are no counts
    to give away). A metric that does not count people (events, agreements,
    organisations) is shown as recorded.
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
    elif num is not None and den is not None and raw_num and raw_den:
        if unit == "percentage":
            places = percentage_places(den)
            shown = percent_of(min(num, den), den, places)
        elif unit == "rate":
            shown = round_half_up(_rate_scale(raw_value, raw_num, raw_den) * num / den, 1)
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
    """The note shown beside a table whose percentages, rates or intervals follow the rule."""
    _check_threshold(threshold)
    return (
        "Percentages, rates and intervals here are worked out from the rounded counts, so "
        "they give away nothing the rounded counts do not; percentages are shown as whole "
        f"numbers unless the rounded total is at least {LARGE_DENOMINATOR:,}. Counts of "
        f"people below {max(threshold, 3)} are shown as * and other counts of people are "
        "rounded to the nearest 5."
    )


# The phrases of ``core.progress`` explanations that quote observed values (targets and
# limits are aims, not figures, and are left alone).
_OBSERVED = re.compile(
    r"(?P<lead>went from |to |still |latest value is |starting value of )"
    r"(?P<number>-?\d[\d,]*(?:\.\d+)?%?)(?![\d/])"
)


def disclose_sentence(
    text: str,
    unit: str | None,
    figures: Iterable[tuple[float | None, float | None]],
    *,
    counts_people: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
) -> str | None:
    """A status explanation ("it went from 33.3% to 40%") fit to show under control, or
    None when it cannot be shown without giving a figure away.

    ``figures``: (exact value, disclosed value or None when hidden) for the metric's
    values in the region, as :func:`disclose_metric_figure` gives them. Each observed
    value the sentence quotes becomes the value as shown: a count through the rule
    (``*`` when small), any other value as its disclosed figure (so a percentage is the
    rounded counts' own). When a quoted value is hidden, or its text stands for values
    shown differently, the sentence is left out (None). A metric that does not count
    people keeps its sentence.
    """
    if not counts_people:
        return text
    shown: dict[str, set[str | None]] = {}
    for exact, disclosed in figures:
        if exact is None or _is_missing(exact):
            continue
        key = format_value(float(exact), unit)
        shown.setdefault(key, set()).add(
            None if disclosed is None or _is_missing(disclosed) else format_value(disclosed, unit)
        )
    left_out = False

    def replace(match: re.Match[str]) -> str:
        nonlocal left_out
        number = match.group("number")
        if unit == "count":
            count = float(number.replace(",", ""))
            if count.is_integer() and count >= 0:
                rounded = suppress_count(int(count), threshold=threshold)
                return match.group("lead") + (
                    SUPPRESSED if rounded == SUPPRESSED else f"{rounded:,}"
                )
            return match.group(0)
        options = shown.get(number)
        if options is None:
            return match.group(0)
        if len(options) != 1 or None in options:
            left_out = True
            return match.group(0)
        return match.group("lead") + str(next(iter(options)))

    out = _OBSERVED.sub(replace, text)
    return None if left_out else out


#: What replaces a status explanation that would give a hidden figure away.
LEFT_OUT_SENTENCE = (
    "The sentence explaining this status is left out: it would show a figure that "
    "disclosure control hides."
)


def disclosed_explanation(
    text: str,
    unit: str | None,
    exact: Iterable[tuple[object, float | None]],
    shown: Iterable[tuple[object, float | None]],
    *,
    counts_people: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
) -> str:
    """:func:`disclose_sentence` for a metric's (period, value) series as recorded
    (``exact``) and as shown under control (``shown``, the same periods), with
    :data:`LEFT_OUT_SENTENCE` when the sentence cannot be shown."""
    shown_at = dict(shown)
    figures = [(value, shown_at.get(period)) for period, value in exact]
    out = disclose_sentence(text, unit, figures, counts_people=counts_people, threshold=threshold)
    return LEFT_OUT_SENTENCE if out is None else out
