"""The Forum meeting's presentation planned as screens (core.presentation, pure): the
order, one metric a screen, long lists split, "3 of 12" and clamping."""

from __future__ import annotations

import pytest

from core import presentation as p

THEMES = [(1, "Cultural awareness"), (2, "Coproduction")]
METRICS = [
    p.MetricOnScreen(11, 1, "CA1: Staff trained"),
    p.MetricOnScreen(12, 1, "CA2: Events held"),
    p.MetricOnScreen(21, 2, "CP1: Forum members"),
]


def kinds(screens):
    return [s.kind for s in screens]


def test_each_theme_is_followed_by_one_screen_for_each_of_its_metrics():
    screens = p.plan_screens(themes=THEMES, metrics=METRICS)
    assert [(s.kind, s.title, s.item) for s in screens[:5]] == [
        (p.THEME, "Cultural awareness", 1),
        (p.METRIC, "CA1: Staff trained", 11),
        (p.METRIC, "CA2: Events held", 12),
        (p.THEME, "Coproduction", 2),
        (p.METRIC, "CP1: Forum members", 21),
    ]
    # With nothing else recorded, each other item still has one screen saying so.
    assert kinds(screens[5:]) == [p.PROJECTS, p.FEEDBACK, p.WAITING, p.ANSWERED, p.DECISIONS]
    assert all(s.start == s.stop == 0 for s in screens[5:])


def test_the_quarterly_figures_come_first_and_long_lists_are_split():
    screens = p.plan_screens(
        themes=THEMES[:1],
        quarters=[p.QuarterToReview("Q2 2026/27", rows=14, reasons=2)],
        projects=5,
        waiting=5,
        answered=1,
        decisions=[50] * 7,
    )
    titles = [s.title for s in screens]
    assert titles[:4] == [
        "Quarterly figures to review: Q2 2026/27 (1 of 3)",
        "Quarterly figures to review: Q2 2026/27 (2 of 3)",
        "Quarterly figures to review: Q2 2026/27 (3 of 3)",
        "Q2 2026/27: metrics without a value, and why",
    ]
    assert [(s.start, s.stop) for s in screens[:3]] == [(0, 6), (6, 12), (12, 14)]
    projects = [s for s in screens if s.kind == p.PROJECTS]
    assert [(s.start, s.stop) for s in projects] == [(0, 2), (2, 4), (4, 5)]
    assert projects[-1].title == "Community projects (3 of 3)"
    decisions = [s for s in screens if s.kind == p.DECISIONS]
    assert [(s.start, s.stop) for s in decisions] == [(0, 3), (3, 6), (6, 7)]
    assert screens[-1].kind == p.DECISIONS, "the decisions are the last screens"
    waiting = [s for s in screens if s.kind == p.WAITING]
    assert [s.title for s in waiting] == [
        "Feedback still waiting for a response (1 of 2)",
        "Feedback still waiting for a response (2 of 2)",
    ]


def test_a_quarter_without_reasons_has_no_reasons_screen():
    screens = p.plan_screens(themes=[], quarters=[p.QuarterToReview("Q1 2026/27", rows=3)])
    assert kinds(screens)[:2] == [p.QUARTER, p.PROJECTS]
    assert screens[0].title == "Quarterly figures to review: Q1 2026/27"


def test_feedback_waiting_is_capped_with_the_rest_in_the_pack():
    screens = p.plan_screens(themes=[], waiting=40, answered=9)
    waiting = [s for s in screens if s.kind == p.WAITING]
    assert waiting[-1].stop == p.WAITING_SHOWN
    answered = [s for s in screens if s.kind == p.ANSWERED]
    assert answered[-1].stop == p.ANSWERED_SHOWN


def test_every_screen_of_a_split_list_holds_at_most_a_screenful():
    screens = p.plan_screens(
        themes=THEMES,
        metrics=METRICS,
        quarters=[p.QuarterToReview("Q2 2026/27", rows=31, reasons=11)],
        projects=9,
        waiting=13,
        answered=5,
        decisions=[100] * 10,
    )
    size = {
        p.QUARTER: p.QUARTER_ROWS_PER_SCREEN,
        p.REASONS: p.REASONS_PER_SCREEN,
        p.PROJECTS: p.PROJECTS_PER_SCREEN,
        p.WAITING: p.WAITING_PER_SCREEN,
        p.ANSWERED: p.ANSWERED_PER_SCREEN,
        p.DECISIONS: p.DECISIONS_PER_SCREEN,
    }
    for screen in screens:
        if screen.kind in size:
            assert 0 < screen.stop - screen.start <= size[screen.kind], screen


def test_long_decisions_are_never_cut_but_get_a_screen_of_their_own():
    lengths = [1000, 100, 100, 100, 100, 450, 300]
    assert p.pack(lengths, budget=600, most=3) == [(0, 1), (1, 4), (4, 6), (6, 7)]
    assert p.pack([], budget=600, most=3) == [(0, 0)]
    assert p.pack([700], budget=600, most=3) == [(0, 1)]
    with pytest.raises(ValueError):
        p.pack([1], budget=600, most=0)
    screens = p.plan_screens(themes=[], decisions=lengths)
    decisions = [s for s in screens if s.kind == p.DECISIONS]
    assert [(s.start, s.stop) for s in decisions] == [(0, 1), (1, 4), (4, 6), (6, 7)]
    assert decisions[0].title == "Decisions and new actions (1 of 4)"


def test_chunks():
    assert p.chunks(0, 3) == [(0, 0)]
    assert p.chunks(3, 3) == [(0, 3)]
    assert p.chunks(4, 3) == [(0, 3), (3, 4)]
    with pytest.raises(ValueError):
        p.chunks(4, 0)


@pytest.mark.parametrize(
    ("index", "total", "expected"),
    [
        (0, 12, 0),
        (11, 12, 11),
        (12, 12, 11),
        (-1, 12, 0),
        (5, 0, 0),
        ("3", 12, 3),
        ("not a number", 12, 0),
        (None, 12, 0),
        (True, 12, 0),
    ],
)
def test_clamp(index, total, expected):
    assert p.clamp(index, total) == expected


def test_position_words():
    assert p.position_words(2, 12) == "3 of 12"
    assert p.position_words(40, 12) == "12 of 12"
    assert p.position_words(-3, 12) == "1 of 12"
    assert p.position_words(0, 0) == "0 of 0"


def test_find_screen():
    screens = p.plan_screens(themes=THEMES, metrics=METRICS)
    assert p.find_screen(screens, p.METRIC) == 1
    assert p.find_screen(screens, p.METRIC, 21) == 4
    assert p.find_screen(screens, p.QUARTER) is None


def test_shorten_cuts_long_text_at_a_word():
    assert p.shorten("  a  short\ntext ") == "a short text"
    long = "word " * 100
    cut = p.shorten(long, 42)
    assert len(cut) <= 42 and cut.endswith("…") and not cut.endswith(" …")
    assert p.shorten("x" * 50, 10) == "x" * 9 + "…"
    assert p.shorten(None) == ""
