from datetime import datetime, timedelta

from core.lockout import lock_message, locked_until

T0 = datetime(2026, 1, 1, 9, 0)


def minutes(*values: float) -> list[datetime]:
    return [T0 + timedelta(minutes=v) for v in values]


def test_four_failures_do_not_lock():
    assert locked_until(minutes(0, 1, 2, 3), T0 + timedelta(minutes=4)) is None


def test_five_failures_within_fifteen_minutes_lock_for_fifteen_minutes():
    failures = minutes(0, 1, 2, 3, 4)
    assert locked_until(failures, T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=19)
    assert locked_until(failures, T0 + timedelta(minutes=18, seconds=59)) is not None
    assert locked_until(failures, T0 + timedelta(minutes=19)) is None


def test_five_failures_spread_over_more_than_fifteen_minutes_do_not_lock():
    assert locked_until(minutes(0, 5, 10, 15, 15.5), T0 + timedelta(minutes=16)) is None


def test_the_window_slides():
    failures = minutes(0, 10, 12, 13, 14, 15)
    assert locked_until(failures, T0 + timedelta(minutes=16)) == T0 + timedelta(minutes=30)


def test_message_says_how_long():
    text = lock_message(T0 + timedelta(minutes=14, seconds=30), T0)
    assert "15 minutes" in text and "locked" in text
    assert "1 minute," in lock_message(T0 + timedelta(seconds=20), T0)
