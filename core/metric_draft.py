"""A metric's definition as a person fills it in, and what is wrong with it, in words.

Pure (no database): the Metrics page checks a draft before saving, and the writes in
``db.metrics`` check it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.metric_words import CODE_PATTERN, DIRECTION_CHOICES, UNIT_CHOICES, none_if_blank
from core.periods import quarter_start
from core.progress import STATUS_LABELS


@dataclass(frozen=True)
class MetricDraft:
    """Everything a person fills in to define a metric."""

    code: str
    name: str
    theme_id: int | None
    unit: str
    direction: str | None
    definition: str = ""
    baseline_period: date | None = None
    baseline_value: float | None = None
    target_value: float | None = None
    target_date: date | None = None
    limit_value: float | None = None
    start_period: date | None = None
    end_period: date | None = None
    data_source: str = ""
    disaggregated_by: str | None = None
    coproduced_with: str = ""
    coproduced_at: str = ""
    coproduced_on: date | None = None
    manual_status: str | None = None
    manual_status_reason: str = ""
    #: Whether its counts (a count value, or a numerator and denominator) are counts of
    #: people, which disclosure control hides or rounds for forum members and in
    #: published reports. Events held, partnership agreements and organisations are not.
    counts_people: bool = True
    #: The Regional Forum decision that agreed a local metric (or its latest change):
    #: the coproduction record as a link to the meeting. None when it was agreed
    #: elsewhere (the free-text fields above say where); national metrics have none.
    agreed_decision_id: int | None = None

    def cleaned(self) -> MetricDraft:
        """Text trimmed, the code in capitals, empty choices as None."""
        return MetricDraft(
            code=self.code.strip().upper(),
            name=self.name.strip(),
            theme_id=self.theme_id,
            unit=self.unit,
            direction=self.direction or None,
            definition=self.definition.strip(),
            baseline_period=self.baseline_period,
            baseline_value=self.baseline_value,
            target_value=self.target_value,
            target_date=self.target_date,
            limit_value=self.limit_value,
            start_period=self.start_period,
            end_period=self.end_period,
            data_source=self.data_source.strip(),
            disaggregated_by=self.disaggregated_by or None,
            coproduced_with=self.coproduced_with.strip(),
            coproduced_at=self.coproduced_at.strip(),
            coproduced_on=self.coproduced_on,
            manual_status=self.manual_status or None,
            manual_status_reason=self.manual_status_reason.strip(),
            counts_people=bool(self.counts_people),
            agreed_decision_id=(
                int(self.agreed_decision_id) if self.agreed_decision_id is not None else None
            ),
        )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> MetricDraft:
        """From a metric's row (:func:`metric_record`), to edit it."""
        text = {
            "code",
            "name",
            "definition",
            "data_source",
            "coproduced_with",
            "coproduced_at",
            "manual_status_reason",
        }
        values = {}
        for name in cls.__dataclass_fields__:
            value = none_if_blank(record.get(name))
            values[name] = (value or "") if name in text else value
        values["counts_people"] = values["counts_people"] is not False  # unknown: people
        if values["agreed_decision_id"] is not None:
            values["agreed_decision_id"] = int(values["agreed_decision_id"])
        return cls(**values)


def _number_problems(label: str, number: float | None, unit: str) -> list[str]:
    if number is None:
        return []
    if unit == "percentage" and not 0 <= number <= 100:
        return [f"The {label} is a percentage, so it must be between 0 and 100."]
    if unit == "count" and (number < 0 or not float(number).is_integer()):
        return [f"The {label} is a count, so it must be a whole number, not negative."]
    if unit == "rate" and number < 0:
        return [f"The {label} is a rate, so it must not be negative."]
    return []


def _quarter_problem(label: str, day: date | None) -> list[str]:
    if day is not None and (day != quarter_start(day) or day.day != 1):
        return [f"The {label} must be the first day of a quarter."]
    return []


def definition_problems(
    draft: MetricDraft, *, scope: str = "local", today: date | None = None
) -> list[str]:
    """Everything wrong with a metric definition, in words; empty when it may be saved.

    A local metric's coproduction record needs the date it was agreed; for a national
    core metric the date is optional.
    """
    d = draft.cleaned()
    today = today or date.today()
    problems: list[str] = []
    if not d.code:
        problems.append("Give the metric a short code, such as LON-L05.")
    elif not CODE_PATTERN.match(d.code):
        problems.append(
            "The code may use only letters, numbers, '-' and '_' (up to 40 characters)."
        )
    if not d.name:
        problems.append("Give the metric a name.")
    elif len(d.name) > 200:
        problems.append("Keep the name to 200 characters or fewer.")
    if d.theme_id is None:
        problems.append("Choose the theme the metric monitors.")
    if d.unit not in UNIT_CHOICES:
        problems.append("Choose a unit: count, percentage, rate or score.")
    if d.direction not in DIRECTION_CHOICES:
        problems.append(
            "Say whether a higher or a lower value is better. The dashboard never guesses "
            "this, because the progress status depends on it."
        )
    unit = d.unit
    problems += _number_problems("baseline value", d.baseline_value, unit)
    problems += _number_problems("target value", d.target_value, unit)
    for label, day in (
        ("baseline quarter", d.baseline_period),
        ("first quarter", d.start_period),
        ("last quarter", d.end_period),
    ):
        problems += _quarter_problem(label, day)
    if d.baseline_value is not None and d.baseline_period is None:
        problems.append("Say which quarter the baseline value is for.")
    if (d.target_value is None) != (d.target_date is None):
        problems.append("A target needs both a value and a date (or neither).")
    if d.target_date and d.baseline_period and d.target_date <= d.baseline_period:
        problems.append("The target date must be after the baseline quarter.")
    if d.start_period and d.end_period and d.end_period < d.start_period:
        problems.append("The last quarter must not be before the first quarter.")
    if d.limit_value is not None and unit == "percentage" and not 0 < d.limit_value <= 100:
        problems.append("A natural limit for a percentage must be more than 0 and at most 100.")
    if d.coproduced_with and d.coproduced_on is None and scope == "local":
        problems.append("Say when the metric was agreed with " + d.coproduced_with + ".")
    if not d.coproduced_with and (d.coproduced_on or d.coproduced_at):
        problems.append("Say who the metric was agreed with.")
    if d.coproduced_on and d.coproduced_on > today:
        problems.append("The date it was agreed cannot be in the future.")
    if d.manual_status is not None:
        if d.manual_status not in STATUS_LABELS:
            problems.append("Choose a progress status from the list.")
        elif not d.manual_status_reason:
            problems.append("Give the reason for setting the progress status by hand.")
    if len(d.data_source) > 200:
        problems.append("Keep the data source to 200 characters or fewer.")
    if len(d.coproduced_with) > 200 or len(d.coproduced_at) > 200:
        problems.append("Keep who and where it was agreed to 200 characters or fewer.")
    return problems
