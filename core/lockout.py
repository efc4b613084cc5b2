"""Sign-in lock-out: five failed sign-ins for one username within 15 minutes lock it
for 15 minutes. Pure, so the rule is tested without a database or a clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)


def locked_until(failures: Sequence[datetime], now: datetime) -> datetime | None:
    """When the lock ends, or None when the username is not locked.

    ``failures`` are the failed attempts since the last successful sign-in.
    """
    times = sorted(failures)
    end: datetime | None = None
    for first, fifth in zip(times, times[MAX_FAILURES - 1 :], strict=False):
        if fifth - first <= WINDOW:
            candidate = fifth + LOCK_FOR
            end = candidate if end is None or candidate > end else end
    return end if end is not None and end > now else None


def lock_message(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() // 60) + 1)
    return (
        "This account is locked for now because of too many failed sign-in attempts. "
        f"Please try again in {minutes} minute{'s' if minutes != 1 else ''}, or ask an "
        "administrator to reset the password."
    )
