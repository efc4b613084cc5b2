"""How far the first national core metric is set up: the three steps of the first run
(define it, record its coproduction, set its target). Read by ``db.first_run``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FirstRunState:
    """Which of the three steps are done, and the metric each open step is about."""

    #: Active national core metrics defined.
    national_metrics: int
    #: Some national core metric records who it was agreed with, where and when.
    coproduced: bool
    #: Some national core metric has a target (a value and a date).
    target_set: bool
    #: The first national core metric without a whole coproduction record (None: none).
    to_coproduce: int | None = None
    #: The first national core metric without a target (None: none).
    to_target: int | None = None

    @property
    def defined(self) -> bool:
        return self.national_metrics > 0

    @property
    def complete(self) -> bool:
        """Every step done: the guide is no longer needed."""
        return self.defined and self.coproduced and self.target_set
