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

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from db.audit import distinct_values
from db.models import AuditEvent, Region

P = ParamSpec("P")
R = TypeVar("R")

MAX_ENTRIES = 256


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


def freshness(session: Session, topics: Sequence[str], region_ids: Sequence[int] | None) -> int:
    """The newest audit event id for these kinds of record (every kind when ``topics`` is
    empty) in these regions (national records, with no region, count for every region);
    0 when there is none.

    Asked as one small lookup per kind and region, each the last entry of the index
    (entity_type, region_id, id): a single query with IN and OR lists makes the
    database read every matching event (0.06 s a read at 1.4 million events)."""
    regions: list[int | None] = list(
        session.scalars(select(Region.id)) if region_ids is None else region_ids
    )
    regions.append(None)
    # Every kind of record: the kinds in the log, found by hopping along the index.
    kinds = list(topics) or distinct_values(session, AuditEvent.entity_type)
    arms = []
    for kind in kinds:
        for region in regions:
            arm = select(func.max(AuditEvent.id).label("newest"))
            arm = arm.where(AuditEvent.entity_type == kind)
            arm = arm.where(
                AuditEvent.region_id.is_(None) if region is None else AuditEvent.region_id == region
            )
            arms.append(arm)
    newest = 0
    if not arms:
        return newest
    for start in range(0, len(arms), _ARMS_PER_QUERY):
        chunk = union_all(*arms[start : start + _ARMS_PER_QUERY]).subquery()
        newest = max(newest, session.scalar(select(func.max(chunk.c.newest))) or 0)
    return newest


#: SQLite allows 500 SELECTs in one compound statement.
_ARMS_PER_QUERY = 400


def _freeze(value: Any) -> Hashable:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_freeze(v) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def cached_read(*topics: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache ``fn(session, region_ids_or_id, ...)`` until a write changes one of ``topics``
    (audit entity types; none named: any kind of record) in those regions. The result
    must not be mutated by callers: pandas frames are returned as copies."""

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
            url = session.get_bind().url.render_as_string(hide_password=True)
            key = (
                function.__module__,
                function.__qualname__,
                url,
                regions,
                version,
                _freeze(args),
                _freeze(kwargs),
            )
            found, value = _store.get(key)
            if not found:
                value = function(session, region_ids, *args, **kwargs)
                _store.put(key, value)
            return value.copy() if hasattr(value, "copy") else value

        wrapper.uncached = function  # type: ignore[attr-defined]
        return wrapper

    return decorate


def clear() -> None:
    """Forget everything (tests, and after a restore from backup)."""
    _store.clear()


def stats() -> dict[str, int]:
    return {"entries": len(_store.items), "hits": _store.hits, "misses": _store.misses}
