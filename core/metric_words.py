"""A metric's vocabularies and wording: units, directions, coproduction, blanks.

Pure (no database): pages, services and the data layer all word a metric the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from core.formatting import format_value
from core.periods import format_period

UNIT_CHOICES: dict[str, str] = {
    "count": "Count (a whole number)",
    "percentage": "Percentage (0 to 100)",
    "rate": "Rate",
    "score": "Score or average",
}
DIRECTION_CHOICES: dict[str, str] = {
    "increase": "Higher is better",
    "decrease": "Lower is better",
}
#: Who a local metric can be agreed with; anything else is a named community partner.
COPRODUCTION_BODIES: tuple[str, ...] = (
    "Regional Forum",
    "Lived Experience Advisory Board",
    "Carers Advisory Board",
)
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
#: Label of the overall row in a disaggregated metric's grid.
OVERALL = "Overall (everyone)"


def direction_words(direction: str | None) -> str:
    return DIRECTION_CHOICES.get(direction or "", "Not set")


def unit_words(unit: str | None) -> str:
    return UNIT_CHOICES.get(unit or "", unit or "")


def is_blank(value: Any) -> bool:
    """None, NaN or NaT: a blank from a pandas row."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def none_if_blank(value: Any) -> Any:
    """None for a blank (None, NaN, NaT) from a pandas row."""
    return None if is_blank(value) else value


def is_coproduced(row: Mapping[str, Any]) -> bool:
    """A metric has a coproduction record when we know who agreed it and when."""
    return (
        bool(none_if_blank(row.get("coproduced_with")))
        and none_if_blank(row.get("coproduced_on")) is not None
    )


def coproduction_text(row: Mapping[str, Any]) -> str:
    """``Agreed with the Regional Forum at London Regional Forum on 14 September 2023.``"""
    with_whom = none_if_blank(row.get("coproduced_with")) or ""
    if not with_whom:
        return "Not yet coproduced: nobody has recorded who it was agreed with, where or when."
    where = none_if_blank(row.get("coproduced_at")) or ""
    when = none_if_blank(row.get("coproduced_on"))
    text = f"Agreed with {with_whom}"
    if where:
        text += f" at {where}"
    text += f" on {when:%-d %B %Y}." if when else " (date not recorded)."
    return text


def baseline_words(
    baseline_period: Any,
    baseline_value: float | None,
    series: Iterable[tuple[date, float | None]],
    unit: str,
) -> str:
    """The baseline as a metric's card says it: the value given, else the first value
    entered (from the baseline quarter on), else plainly that there is none yet."""
    period = none_if_blank(baseline_period)
    value = none_if_blank(baseline_value)
    if period is not None and value is not None:
        return f"{format_value(value, unit)} in {format_period(period)}"
    first = next(
        (
            (p, v)
            for p, v in sorted(series, key=lambda point: point[0])
            if none_if_blank(v) is not None and (period is None or p >= period)
        ),
        None,
    )
    if first is None:
        since = f" for {format_period(period)} or a later quarter" if period is not None else ""
        return f"No baseline yet: it is set from the first value entered{since}."
    return f"{format_value(first[1], unit)} in {format_period(first[0])} (the first value entered)"
