"""UK financial-year periods, as NHS and charity staff count them.

Q1 is April to June, Q4 is January to March. A period is stored by its start
date; a quarter is shown as ``Q1 2024/25`` and a whole year as ``2024/25``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

PeriodKind = Literal["quarter", "year"]


class PeriodError(ValueError):
    """Raised when text cannot be read as a period; the message says why."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    kind: PeriodKind = "quarter"

    @property
    def label(self) -> str:
        return format_period(self.start, self.kind)

    @property
    def end(self) -> date:
        """The first day after the period."""
        months = 3 if self.kind == "quarter" else 12
        month_index = self.start.month - 1 + months
        return date(self.start.year + month_index // 12, month_index % 12 + 1, 1)


def financial_year_of(day: date) -> int:
    """The calendar year in which the financial year holding ``day`` starts."""
    return day.year if day.month >= 4 else day.year - 1


def quarter_number(day: date) -> int:
    """1 for April to June ... 4 for January to March."""
    return ((day.month - 4) % 12) // 3 + 1


def quarter_start(day: date) -> date:
    """The first day of the financial quarter holding ``day``."""
    month = ((day.month - 1) // 3) * 3 + 1
    return date(day.year, month, 1)


def quarter_from(year: int, quarter: int) -> date:
    """Start date of quarter ``quarter`` (1-4) of financial year ``year``/``year+1``."""
    if quarter not in (1, 2, 3, 4):
        raise PeriodError(f"Quarter must be 1 to 4, not {quarter}.")
    month = 4 + 3 * (quarter - 1)
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def year_label(year: int) -> str:
    """``2024`` -> ``2024/25``."""
    return f"{year}/{(year + 1) % 100:02d}"


def format_period(start: date, kind: PeriodKind = "quarter") -> str:
    """``date(2024, 4, 1)`` -> ``Q1 2024/25`` (or ``2024/25`` for a year)."""
    fy = financial_year_of(start)
    if kind == "year":
        return year_label(fy)
    return f"Q{quarter_number(start)} {year_label(fy)}"


def year_fraction(start: date) -> float:
    """A period's position in time in years: Q1 2024/25 (1 April 2024) is 2024.25."""
    return start.year + (start.month - 1) / 12


def financial_year_label(year_float: float) -> str:
    """The financial year holding a point in time given in years: 2027.6 -> ``2027/28``."""
    year = int(year_float // 1)
    month = int(round((year_float - year) * 12, 6)) + 1
    return year_label(financial_year_of(date(year, min(month, 12), 1)))


#: How to write a period, for messages that refuse one.
PERIOD_HINT = "Write a quarter as 'Q1 2024/25' (April to June 2024) or a whole year as '2024/25'."

_YEAR = r"(?P<y1>\d{4})\s*[/-]\s*(?P<y2>\d{2}|\d{4})"
_PATTERNS = [
    re.compile(rf"^{_YEAR}\s+Q(?P<q>\d)$", re.IGNORECASE),
    re.compile(rf"^Q(?P<q>\d)\s+{_YEAR}$", re.IGNORECASE),
    re.compile(rf"^{_YEAR}$"),
]


def parse_period(text: object) -> Period:
    """Read a period typed by a person or found in an import.

    Accepts a quarter as ``Q1 2024/25`` (the form the app shows), ``2024/25 Q1`` or
    ``2024-25 Q1``, in any case and with any spacing, and a whole year as ``2024/25``;
    also a date (a ``date``, or ``2024-04-01`` as a spreadsheet writes one), taken as the
    quarter holding it. Anything else is refused with a message showing the accepted form.
    """
    if isinstance(text, date):
        return Period(quarter_start(text), "quarter")
    raw = "" if text is None else str(text).strip()
    if not raw:
        raise PeriodError("The period is empty.")
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?", raw)
    if iso:
        try:
            day = date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError as exc:
            raise PeriodError(f"'{raw}' is not a real date.") from exc
        return Period(quarter_start(day), "quarter")
    for pattern in _PATTERNS:
        match = pattern.match(re.sub(r"\s+", " ", raw))
        if not match:
            continue
        y1 = int(match["y1"])
        y2 = int(match["y2"])
        if (y2 % 100) != (y1 + 1) % 100 or (y2 >= 100 and y2 != y1 + 1):
            raise PeriodError(
                f"'{raw}' is not a financial year: the second year should follow the first, "
                f"as in {year_label(y1)}."
            )
        if match.groupdict().get("q") is None:
            return Period(date(y1, 4, 1), "year")
        return Period(quarter_from(y1, int(match["q"])), "quarter")
    raise PeriodError(f"'{raw}' is not a period we recognise. {PERIOD_HINT}")


def last_ended_quarter(today: date) -> date:
    """The start of the quarter before the one holding ``today`` (the last complete one)."""
    current = quarter_start(today)
    return (
        date(current.year - 1, 10, 1)
        if current.month == 1
        else current.replace(month=current.month - 3)
    )


def quarter_choices(today: date, years: int = 5) -> list[date]:
    """The quarters a person may pick, newest first: the one holding ``today`` and those
    of the ``years`` financial years before it (none that has not begun)."""
    current = quarter_start(today)
    first = date(financial_year_of(current) - years, 4, 1)
    return quarters_between(first, current)[::-1]


def year_choices(today: date, years: int = 5) -> list[date]:
    """The financial years a person may pick, newest first: the one holding ``today``
    and the ``years`` before it, each by its start (1 April)."""
    current = financial_year_of(today)
    return [date(year, 4, 1) for year in range(current, current - years - 1, -1)]


def quarters_between(first: date, last: date) -> list[date]:
    """Every quarter start from ``first`` to ``last`` inclusive."""
    out: list[date] = []
    current = quarter_start(first)
    while current <= last:
        out.append(current)
        current = Period(current).end
    return out
