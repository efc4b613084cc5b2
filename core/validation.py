"""Rules a metric value must meet before anything is written.

Used by the data-entry grid and by the importer, so both refuse the same things with
the same words. A problem names the column it is about; the importer adds the row.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.periods import PERIOD_HINT, Period, PeriodError, format_period, parse_period

#: The largest whole number a count may be: the database keeps counts as 32-bit integers.
MAX_WHOLE = 2_147_483_647


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, in words a person can act on."""

    column: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"Row {self.row}, " if self.row is not None else ""
        return f"{where}{self.column}: {self.message}"


@dataclass(frozen=True)
class MetricRules:
    """What the rules need to know about a metric."""

    code: str
    unit: str
    start_period: date | None = None
    end_period: date | None = None


class NumberError(ValueError):
    """Text that is not a number, or not clearly one; the message is fit to show and
    starts with the text quoted (``'12,5' could be ...``)."""


#: Digits grouped in threes by a separator: ``1,250`` or ``12 500 000``.
_GROUPED = r"\d{1,3}(?:%s\d{3})+"
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}\b)")


def _ungroup(whole: str, separator: str) -> str | None:
    """The whole-number part ``whole`` without its thousands separators, or None unless
    ``separator`` falls only between groups of three digits (``1,250`` -> ``1250``)."""
    sign = whole[:1] if whole[:1] in "+-" else ""
    if not re.fullmatch(_GROUPED % re.escape(separator), whole[len(sign) :]):
        return None
    return sign + whole[len(sign) :].replace(separator, "")


def parse_number(raw: object, *, decimal_comma: bool = False) -> float | None:
    """A number from a cell someone typed or a file gave: blank is None; anything else
    that is not clearly a number raises :class:`NumberError` (a ``ValueError``) with a
    message fit to show.

    A full stop marks decimals and a comma groups thousands (``1,250.5``), unless
    ``decimal_comma`` (a semicolon-separated file, as Excel writes where a comma is the
    decimal mark): then the comma marks decimals and a full stop groups thousands
    (``1.250,5``). Without it, ``12,5`` is refused as ambiguous rather than read as 125.
    Spaces may group thousands (``12 500``); a trailing ``%`` is ignored.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NumberError(f"'{raw}' is not a number.")
    if isinstance(raw, (int, float, Decimal)):
        number = float(raw)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise NumberError(f"'{raw}' is not a finite number.")
        return number
    shown = " ".join(str(raw).split())
    text = str(raw).strip().replace("\u2212", "-")
    if text == "":
        return None
    if text.endswith("%"):
        text = text[:-1].strip()
    text = _SPACES.sub("", text)
    if decimal_comma:
        text = _decimal_comma_text(text, shown)
    elif "," in text:
        whole, dot, fraction = text.partition(".")
        ungrouped = _ungroup(whole, ",")
        if ungrouped is None or "," in fraction:
            if re.fullmatch(r"[+-]?\d[\d,]*(?:\.\d*)?", text):
                raise NumberError(_comma_message(shown))
            raise NumberError(f"'{shown}' is not a number.")
        text = ungrouped + dot + fraction
    if not _PLAIN.fullmatch(text):
        raise NumberError(f"'{shown}' is not a number.")
    number = float(text)
    if math.isinf(number):
        raise NumberError(f"'{shown}' is too large a number.")
    return number


def _decimal_comma_text(text: str, shown: str) -> str:
    """``1.250,5`` -> ``1250.5``; ``12,5`` -> ``12.5``; a full stop alone must be a
    decimal point that cannot be a thousands separator (``12.5``, not ``1.250``)."""
    if text.count(",") > 1:
        raise NumberError(
            f"'{shown}' is not a number: in this file a comma marks decimals, so a number "
            "has at most one comma."
        )
    whole, comma, fraction = text.partition(",")
    if comma:
        if "." in fraction:
            raise NumberError(f"'{shown}' is not a number.")
        if "." in whole:
            ungrouped = _ungroup(whole, ".")
            if ungrouped is None:
                raise NumberError(
                    f"'{shown}' is not a number: in this file a comma marks decimals and a "
                    "full stop separates thousands, like 1.250,5."
                )
            whole = ungrouped
        return f"{whole}.{fraction}"
    ungrouped = _ungroup(text, ".") if "." in text else None
    if ungrouped is not None and text.count(".") > 1:
        return ungrouped
    if ungrouped is not None:
        raise NumberError(
            f"'{shown}' is ambiguous: it could be a whole number or a decimal. In this "
            "file a comma marks decimals. Write 1250 for a thousand two hundred and fifty, "
            "or 1,25 for one and a quarter."
        )
    return text


def _comma_message(shown: str) -> str:
    return (
        f"'{shown}' is ambiguous: it could be a decimal (with a comma as the decimal mark) "
        "or a whole number. Write decimals with a full stop, like 12.5, and thousands with a comma "
        "between groups of three digits, like 1,250."
    )


def number_text(value: float | None) -> str:
    """A stored number as a person would type it: ``12.5``, ``1250``, blank for None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def read_period(text: object) -> Period:
    """:func:`core.periods.parse_period` for a cell someone typed: raises only
    :class:`PeriodError`, with a message fit to show. ``0000/01`` and ``9999/00 Q4`` have
    the shape of a period but name dates Python cannot hold (``ValueError``)."""
    try:
        return parse_period(text)
    except PeriodError:
        raise
    except (ValueError, OverflowError):
        raw = " ".join(str("" if text is None else text).split())
        raise PeriodError(f"'{raw}' is not a plausible period. {PERIOD_HINT}") from None


def _whole_and_not_negative(column: str, number: float) -> list[Problem]:
    if number < 0:
        return [Problem(column, "must not be negative.")]
    if not float(number).is_integer():
        return [Problem(column, "must be a whole number.")]
    return []


def value_problems(
    rules: MetricRules,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
    period_start: date | None = None,
) -> list[Problem]:
    """Everything wrong with one value of a metric (empty when it may be saved)."""
    problems: list[Problem] = []
    if value is None:
        problems.append(Problem("value", "a value is needed."))
    elif rules.unit == "percentage" and not 0 <= value <= 100:
        problems.append(Problem("value", f"a percentage must be between 0 and 100, not {value:g}."))
    elif rules.unit == "count":
        problems += _whole_and_not_negative("value", value)
    elif rules.unit == "rate" and value < 0:
        problems.append(Problem("value", "a rate must not be negative."))
    for column, number in (("numerator", numerator), ("denominator", denominator)):
        if number is not None:
            problems += _whole_and_not_negative(column, number)
    if denominator is not None and denominator == 0:
        problems.append(Problem("denominator", "must be more than 0."))
    if numerator is not None and denominator is not None and numerator > denominator:
        problems.append(
            Problem("numerator", f"{numerator:g} is more than the denominator {denominator:g}.")
        )
    if period_start is not None:
        problems += period_problems(rules, period_start)
    return problems


def period_problems(rules: MetricRules, period_start: date) -> list[Problem]:
    """A period must fall inside the metric's life."""
    if rules.start_period and period_start < rules.start_period:
        return [
            Problem(
                "period",
                f"{format_period(period_start)} is before {rules.code} started "
                f"({format_period(rules.start_period)}).",
            )
        ]
    if rules.end_period and period_start > rules.end_period:
        return [
            Problem(
                "period",
                f"{format_period(period_start)} is after {rules.code} ended "
                f"({format_period(rules.end_period)}).",
            )
        ]
    return []
