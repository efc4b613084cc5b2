"""The Forum meeting's presentation, planned as screens (pure).

A screen is what the shared screen in the room shows at one time, and it must fit a
1280 by 720 display without scrolling: one theme's summary, one metric with its chart,
a few community projects, the feedback figures, a few feedback items, a few decisions,
a quarter's figures to review. Long lists are split across screens ("Community projects
(2 of 3)"). :func:`plan_screens` makes the list from the meeting's figures (counts and
names only, so it is pure); :func:`position_words` says "3 of 12".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: How many of each list fit one screen at 1280 by 720 in presentation type.
QUARTER_ROWS_PER_SCREEN = 6
REASONS_PER_SCREEN = 5
PROJECTS_PER_SCREEN = 2
WAITING_PER_SCREEN = 4
ANSWERED_PER_SCREEN = 2
DECISIONS_PER_SCREEN = 3
#: The characters of decisions' words one screen holds (a longer decision has a screen
#: of its own: a decision is never cut short).
DECISION_CHARACTERS = 600
#: The feedback still waiting that the presentation lists at most (the pack lists all).
WAITING_SHOWN = 12
#: The feedback answered most recently that the presentation lists.
ANSWERED_SHOWN = 4

#: Screen kinds, in the order the meeting goes through them.
QUARTER = "quarter"
REASONS = "reasons"
THEME = "theme"
METRIC = "metric"
PROJECTS = "projects"
FEEDBACK = "feedback"
WAITING = "waiting"
ANSWERED = "answered"
DECISIONS = "decisions"


@dataclass(frozen=True)
class Screen:
    """One screen of the presentation.

    ``kind``: one of the kinds above; ``title``: its heading (with "(2 of 3)" when a
    list is split); ``item``: the theme id, metric id or quarter's position in the
    meeting's list, where the kind needs one; ``start``/``stop``: the slice of the list
    this screen shows.
    """

    kind: str
    title: str
    item: int | None = None
    start: int = 0
    stop: int = 0


@dataclass(frozen=True)
class QuarterToReview:
    """A quarter on the meeting's agenda: its label, how many metrics its table has and
    how many reasons for missing values were given."""

    label: str
    rows: int
    reasons: int = 0


@dataclass(frozen=True)
class MetricOnScreen:
    """A metric of a theme: its id, its theme's id and its heading ("M1: Name")."""

    metric_id: int
    theme_id: int
    title: str


def chunks(total: int, size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each part of a list of ``total`` items, ``size`` a part; one
    empty part when the list is empty (the screen says there is nothing)."""
    if size < 1:
        raise ValueError("A screen must show at least one item.")
    if total <= 0:
        return [(0, 0)]
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def pack(lengths: Sequence[int], *, budget: int, most: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each part of a list of texts of these ``lengths`` (in
    characters): at most ``most`` texts and ``budget`` characters a part, though a text
    longer than the budget has a part of its own (it wraps, never cut). One empty part
    when the list is empty."""
    if most < 1:
        raise ValueError("A screen must show at least one item.")
    parts: list[tuple[int, int]] = []
    start, used = 0, 0
    for n, length in enumerate(lengths):
        if n > start and (n - start >= most or used + length > budget):
            parts.append((start, n))
            start, used = n, 0
        used += length
    if lengths or not parts:
        parts.append((start, len(lengths)))
    return parts


def _split(
    kind: str,
    title: str,
    total: int,
    size: int,
    item: int | None = None,
    parts: list[tuple[int, int]] | None = None,
) -> list[Screen]:
    parts = parts if parts is not None else chunks(total, size)
    return [
        Screen(
            kind,
            title if len(parts) == 1 else f"{title} ({n} of {len(parts)})",
            item,
            start,
            stop,
        )
        for n, (start, stop) in enumerate(parts, start=1)
    ]


def plan_screens(
    *,
    themes: Sequence[tuple[int, str]],
    metrics: Sequence[MetricOnScreen] = (),
    quarters: Sequence[QuarterToReview] = (),
    projects: int = 0,
    waiting: int = 0,
    answered: int = 0,
    decisions: Sequence[int] = (),
) -> list[Screen]:
    """The presentation's screens, in the meeting's order: the quarterly figures to
    review (each quarter's table, then the reasons for missing values), each theme's
    summary followed by one screen for each of its metrics, the community projects, the
    feedback figures, the feedback still waiting and answered most recently, and the
    decisions (``decisions``: the length of each one's words, so that each is shown in
    full). Lists longer than a screen holds are split."""
    screens: list[Screen] = []
    for n, quarter in enumerate(quarters):
        title = f"Quarterly figures to review: {quarter.label}"
        screens += _split(QUARTER, title, quarter.rows, QUARTER_ROWS_PER_SCREEN, n)
        if quarter.reasons:
            reasons = f"{quarter.label}: metrics without a value, and why"
            screens += _split(REASONS, reasons, quarter.reasons, REASONS_PER_SCREEN, n)
    for theme_id, name in themes:
        screens.append(Screen(THEME, name, int(theme_id)))
        screens += [
            Screen(METRIC, m.title, int(m.metric_id))
            for m in metrics
            if int(m.theme_id) == int(theme_id)
        ]
    screens += _split(PROJECTS, "Community projects", projects, PROJECTS_PER_SCREEN)
    screens.append(Screen(FEEDBACK, "Feedback: you said, we did"))
    screens += _split(
        WAITING,
        "Feedback still waiting for a response",
        min(waiting, WAITING_SHOWN),
        WAITING_PER_SCREEN,
    )
    screens += _split(
        ANSWERED,
        "Feedback answered most recently",
        min(answered, ANSWERED_SHOWN),
        ANSWERED_PER_SCREEN,
    )
    screens += _split(
        DECISIONS,
        "Decisions and new actions",
        len(decisions),
        DECISIONS_PER_SCREEN,
        parts=pack(decisions, budget=DECISION_CHARACTERS, most=DECISIONS_PER_SCREEN),
    )
    return screens


def clamp(index: object, total: int) -> int:
    """A screen's position kept inside 0 .. total - 1 (0 when there are none, or when
    the position is not a whole number, such as a stale value in the session)."""
    if total <= 0 or isinstance(index, bool):
        return 0
    try:
        number = int(index)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
    return max(0, min(number, total - 1))


def position_words(index: int, total: int) -> str:
    """'3 of 12' for the third of twelve screens (the index is clamped first)."""
    if total <= 0:
        return "0 of 0"
    return f"{clamp(index, total) + 1} of {total}"


def find_screen(screens: Sequence[Screen], kind: str, item: int | None = None) -> int | None:
    """The position of the first screen of ``kind`` (and ``item``, when given)."""
    for n, screen in enumerate(screens):
        if screen.kind == kind and (item is None or screen.item == item):
            return n
    return None


#: The longest text (a project's outcomes, a feedback response) one screen shows in full.
TEXT_MAX = 320


def shorten(text: object, limit: int = TEXT_MAX) -> str:
    """Text on one line of words, cut at a word with "…" when longer than ``limit``
    (the meeting pack has it in full)."""
    clean = " ".join(str(text or "").split())
    if len(clean) <= limit:
        return clean
    cut = clean[: limit - 1].rsplit(" ", 1)[0] if " " in clean[:limit] else clean[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"
