"""Finding things in a region: metrics, plan actions, community projects and feedback,
matched by code, title or words and ranked (the Search page).

Pure: ``db.search`` gathers the :class:`Findable` items a person may see, and
:func:`search` matches and ranks them. A code typed exactly ("CA1") comes first, then
items whose code or title holds every word, then those whose other words do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

METRIC = "metric"
ACTION = "action"
PROJECT = "project"
FEEDBACK = "feedback"

#: What each kind is called on screen, and the page it opens (by its navigation title).
KIND_WORDS = {
    METRIC: "Metric",
    ACTION: "Plan action",
    PROJECT: "Community project",
    FEEDBACK: "Feedback",
}
KIND_PAGES = {
    METRIC: "pages/metrics.py",
    ACTION: "pages/local_plan.py",
    PROJECT: "pages/projects.py",
    FEEDBACK: "pages/feedback.py",
}
_KIND_ORDER = {METRIC: 0, ACTION: 1, PROJECT: 2, FEEDBACK: 3}

#: The most results shown for one search.
MAX_RESULTS = 30
#: How much of an item's other words a result shows.
SNIPPET_CHARS = 160

_WORD = re.compile(r"[\w']+", re.UNICODE)


@dataclass(frozen=True)
class Findable:
    """Something a person may find: its kind, id, region, code, title and other words."""

    kind: str
    item_id: int
    region_id: int | None
    code: str
    title: str
    text: str = ""


@dataclass(frozen=True)
class Found:
    item: Findable
    score: int
    snippet: str

    @property
    def label(self) -> str:
        """'Metric · CA1 Staff trained in cultural awareness' (plain text)."""
        name = " ".join(p for p in (self.item.code, self.item.title) if p)
        return f"{KIND_WORDS[self.item.kind]} · {name}"

    @property
    def page(self) -> str:
        return KIND_PAGES[self.item.kind]

    def query_params(self) -> dict[str, str]:
        """What the target page reads to put the item in view (``?metric=CA1``...)."""
        value = self.item.code if self.item.kind == METRIC else str(self.item.item_id)
        params = {self.item.kind: value}
        if self.item.region_id is not None:
            params["region"] = str(self.item.region_id)
        return params


def words(text: str) -> list[str]:
    """The lower-case words of ``text``."""
    return [w.lower() for w in _WORD.findall(text or "")]


def _snippet(text: str, query_words: list[str]) -> str:
    """The part of ``text`` around the first word matched, at most SNIPPET_CHARS long."""
    text = " ".join((text or "").split())
    if len(text) <= SNIPPET_CHARS:
        return text
    lower = text.lower()
    hits = [lower.find(w) for w in query_words if lower.find(w) >= 0]
    start = max(0, min(hits) - 40) if hits else 0
    piece = text[start : start + SNIPPET_CHARS]
    return ("..." if start else "") + piece + ("..." if start + SNIPPET_CHARS < len(text) else "")


def _has(haystack: list[str], word: str) -> bool:
    return any(w.startswith(word) for w in haystack)


def score(item: Findable, query: str) -> int:
    """How well ``item`` matches ``query`` (0: not at all). Every word of the query must
    be found (as the start of a word) in the item's code, title or other words."""
    wanted = words(query)
    if not wanted:
        return 0
    code = item.code.lower()
    if " ".join(wanted) == code or query.strip().lower() == code:
        return 1000
    heading = words(item.code) + words(item.title)
    body = words(item.text)
    points = 0
    for word in wanted:
        if _has(heading, word):
            points += 20 if word in heading else 10
        elif _has(body, word):
            points += 3
        else:
            return 0
    if code and code.startswith(query.strip().lower()):
        points += 100
    return points


def search(items: Iterable[Findable], query: str, limit: int = MAX_RESULTS) -> list[Found]:
    """The items matching ``query``, best first (then metrics, actions, projects,
    feedback, and by code and title), at most ``limit``."""
    wanted = words(query)
    found = [
        Found(item, s, _snippet(item.text, wanted)) for item in items if (s := score(item, query))
    ]
    found.sort(key=lambda f: (-f.score, _KIND_ORDER.get(f.item.kind, 9), f.item.code, f.item.title))
    return found[:limit]
