"""A read cache that can never show stale data after a write.

Every write records an audit event in its own transaction (db.writes), so the newest
audit event id for some kinds of record in some regions tells whether anything they
depend on has changed. A cached read is keyed by its arguments *and* by that id: a
write invalidates exactly the kinds and regions it touched, in every session and in
every copy of the app sharing the database, and a failed write (rolled back, so no
audit event) invalidates nothing. The check is one indexed query
(ix_audit_event_type_region_id).

Results are shared by every user, so cached functions take the regions they read as an
argument and never anything about who is asking; pages apply role rules (such as
disclosure control) to what they get back.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, ParamSpec, TypeVar

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.entities import Entity
from db.audit import distinct_values
from db.models import AuditEvent, Region

P = ParamSpec("P")
R = TypeVar("R")

#: Enough for each region's entries of the per-region reads at national scale (70
#: regions) as well as the whole-region-list reads.
MAX_ENTRIES = 2048


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> tuple[bool, Any]:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                self.hits += 1
                return True, self.items[key]
            self.misses += 1
            return False, None

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_store = _LRU(MAX_ENTRIES)

#: Every kind of record some cached read depends on (each must be the entity of a
#: registered write, or no write would ever refresh the read: tests/db/test_entities.py).
CACHE_TOPICS: set[Entity] = set()


def _topics(topics: Sequence[str]) -> tuple[Entity, ...]:
    """The topics as :class:`Entity` members (an unknown kind fails at import)."""
    kinds = tuple(Entity(t) for t in topics)
    CACHE_TOPICS.update(kinds)
    return kinds


def freshness_by_region(
    session: Session, topics: Sequence[str], region_ids: Sequence[int] | None
) -> dict[int | None, int]:
    """For each region, the newest audit event id for these kinds of record (every kind
    when ``topics`` is empty) in that region or in national records (with no region,
    which count for every region); 0 when there is none. ``region_ids`` None: every
    region. The key None holds the national records' own newest id.

    Asked as one lookup per kind and region, each the last entry of the index
    (entity_type, region_id, id), written as a subquery per kind beside each region: a
    single query with IN and OR lists makes the database read every matching event
    (0.06 s a read at 1.4 million events), and a UNION of one SELECT per kind and region
    costs ten times as much to plan as to run."""
    # Every kind of record: the kinds in the log, found by hopping along the index.
    kinds = list(topics) or distinct_values(session, AuditEvent.entity_type)
    found: dict[int, int] = {}
    national = 0
    if kinds:
        # One statement: each region's newest per kind, and the national newest per kind
        # (the same on every row; asked alone when no region matches).
        query = select(Region.id, *_newest(kinds, None), *_newest(kinds, Region.id))
        if region_ids is not None:
            query = query.where(Region.id.in_([int(r) for r in region_ids]))
        rows = session.execute(query).all() or [
            (None, *session.execute(select(*_newest(kinds, None))).one())
        ]
        national = max(n or 0 for n in rows[0][1 : 1 + len(kinds)])
        found = {
            int(r[0]): max(n or 0 for n in r[1 + len(kinds) :]) for r in rows if r[0] is not None
        }
    regions = found if region_ids is None else [int(r) for r in region_ids]
    by_region: dict[int | None, int] = {r: max(found.get(r, 0), national) for r in regions}
    by_region[None] = national
    return by_region


def _newest(kinds: Sequence[str], region: Any) -> list[Any]:
    """Per kind, the newest event id for ``region`` (a column such as Region.id, or None
    for national records) as a scalar subquery."""
    in_region = AuditEvent.region_id.is_(None) if region is None else AuditEvent.region_id == region
    return [
        select(func.max(AuditEvent.id))
        .where(AuditEvent.entity_type == kind, in_region)
        .correlate_except(AuditEvent)
        .scalar_subquery()
        for kind in kinds
    ]


def freshness(session: Session, topics: Sequence[str], region_ids: Sequence[int] | None) -> int:
    """:func:`freshness_by_region` for the regions together: the newest of them."""
    if region_ids is None and not topics:
        # Any change anywhere: the newest event of all, one lookup of the primary key.
        return session.scalar(select(func.max(AuditEvent.id))) or 0
    return max(freshness_by_region(session, topics, region_ids).values())


def _freeze(value: Any) -> Hashable:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_freeze(v) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def cached_read(*topics: Entity) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache ``fn(session, region_ids_or_id, ...)`` until a write changes one of ``topics``
    (audit entity types; none named: any kind of record) in those regions. The result
    must not be mutated by callers: pandas frames are returned as copies."""
    topics = _topics(topics)

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(session: Session, region_ids: Sequence[int] | int | None, *args, **kwargs):
            if region_ids is None:
                regions = None
            elif isinstance(region_ids, int):
                regions = (region_ids,)
            else:
                regions = tuple(sorted(int(r) for r in region_ids))
            version = freshness(session, topics, regions)
            key = _key(function, session, regions, version, args, kwargs)
            found, value = _store.get(key)
            if not found:
                value = function(session, region_ids, *args, **kwargs)
                _store.put(key, value)
            return value.copy() if hasattr(value, "copy") else value

        wrapper.uncached = function  # type: ignore[attr-defined]
        return wrapper

    return decorate


def cached_by_region(*topics: Entity) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Like :func:`cached_read`, for ``fn(session, region_ids, ...)`` returning a frame
    with a ``region_id`` column whose rows for a region depend only on that region (and
    on national records), in the order of ``region_ids``.

    Each region's rows are kept on their own, so a write in one region makes only that
    region's rows be worked out again: a page that shows every region stays quick after
    a write. What is missing is worked out in one call for all the regions missing."""
    topics = _topics(topics)

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(session: Session, region_ids: Sequence[int], *args, **kwargs):
            wanted = [int(r) for r in region_ids]
            versions = freshness_by_region(session, topics, wanted)
            keys = {r: _key(function, session, (r,), versions[r], args, kwargs) for r in wanted}
            parts: dict[int, Any] = {}
            for region in wanted:
                found, part = _store.get(keys[region])
                if found:
                    parts[region] = part
            missing = [r for r in dict.fromkeys(wanted) if r not in parts]
            if missing or not wanted:
                made = function(session, missing, *args, **kwargs)
                if not wanted:
                    return made
                for region, part in _split_by_region(made, missing).items():
                    _store.put(keys[region], part)
                    parts[region] = part
            return pd.concat([parts[r] for r in wanted], ignore_index=True).infer_objects()

        wrapper.uncached = function  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _split_by_region(frame: pd.DataFrame, regions: Sequence[int]) -> dict[int, pd.DataFrame]:
    groups = {int(r): part for r, part in frame.groupby("region_id", sort=False)}
    return {r: groups.get(r, frame.iloc[0:0]).reset_index(drop=True) for r in regions}


def _key(
    function: Callable, session: Session, regions: Any, version: int, args: Any, kwargs: Any
) -> Hashable:
    url = session.get_bind().url.render_as_string(hide_password=True)
    return (
        function.__module__,
        function.__qualname__,
        url,
        regions,
        version,
        _freeze(args),
        _freeze(kwargs),
    )


def clear() -> None:
    """Forget everything (tests, and after a restore from backup)."""
    _store.clear()


def stats() -> dict[str, int]:
    return {"entries": len(_store.items), "hits": _store.hits, "misses": _store.misses}
