"""The one path every change takes: permission check, audit event, one transaction.

A write function is declared with :func:`registered_write`, which records it in
:data:`WRITE_REGISTRY` (so the security tests can run every write as every role) and
opens a :class:`UnitOfWork` for it. Inside, the function calls :meth:`UnitOfWork.require`
before touching anything and :meth:`UnitOfWork.audit` for each change. The transaction
commits when the function returns and rolls back on any exception, so a refused or
failed write changes nothing.

Optimistic concurrency is SQLAlchemy's version counter (``version_id_col`` on the
models with a ``version`` column): every UPDATE or DELETE of such a row says ``WHERE
version = <the version read>``. A write that must not overwrite a change made since a
page read the row calls :meth:`UnitOfWork.expect_version` with the version the page
showed; when the row has moved on, whether before the write read it or between that
read and the UPDATE, the write is refused with :class:`StaleWrite` and that write's own
message, and nothing is saved.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.entities import Entity
from core.errors import StaleWrite, WriteRefused
from core.permissions import Action, Actor, require
from db.engine import writer
from db.models import AuditEvent, utcnow

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["Entity", "StaleWrite", "WriteRefused", "registered_write", "unit_of_work"]

#: What a person is told when a row they did not open in a form changed under a write
#: (writes that check a version the page showed give their own message).
STALE_MESSAGE = (
    "Someone else changed this record while it was being saved. Nothing was saved: "
    "reload the page to see their change, then try again."
)


@dataclass(frozen=True)
class WriteSpec:
    name: str
    function: Callable[..., Any]
    actions: tuple[Action, ...]
    entity: Entity


#: Every data-layer write, by name.
WRITE_REGISTRY: dict[str, WriteSpec] = {}


def jsonable(value: Any) -> Any:
    """A value as it can be kept in an audit event's JSON."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Selected attributes of a model object, for an audit event's before/after."""
    return {name: jsonable(getattr(obj, name)) for name in fields}


@dataclass
class UnitOfWork:
    session: Session
    actor: Actor
    events: list[AuditEvent] = field(default_factory=list)
    #: The message of the :class:`StaleWrite` raised when a versioned row's UPDATE or
    #: DELETE finds it changed (set by :meth:`expect_version`).
    stale_message: str = STALE_MESSAGE

    def expect_version(self, obj: Any, expected: int, message: str) -> None:
        """Save ``obj`` only if its stored version is still ``expected`` (the version
        the page showed); otherwise refuse the write with ``StaleWrite(message)``.

        A row read at another version is refused at once, before the write looks at
        anything else (so "nothing to save" never hides someone else's change). A row
        read at ``expected`` is written with ``WHERE version = expected`` by SQLAlchemy's
        version counter, so a change committed between this read and the write (which
        a comparison alone would miss on PostgreSQL) refuses it with the same message."""
        self.stale_message = message
        if obj.version != expected:
            raise StaleWrite(message)

    def require(self, action: Action, region_id: int | None = None) -> None:
        require(self.actor, action, region_id)

    def audit(
        self,
        entity_type: Entity,
        entity_id: int | None,
        action: str,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        reason: str = "",
        region_id: int | None = None,
    ) -> AuditEvent:
        event = AuditEvent(
            occurred_at=utcnow(),
            user_id=self.actor.user_id,
            username=self.actor.username,
            entity_type=Entity(entity_type).value,
            entity_id=entity_id,
            region_id=region_id,
            action=action,
            before=jsonable(before) if before is not None else None,
            after=jsonable(after) if after is not None else None,
            reason=reason,
        )
        self.session.add(event)
        self.events.append(event)
        return event


@contextmanager
def unit_of_work(engine: Engine, actor: Actor) -> Iterator[UnitOfWork]:
    """One transaction: committed on success, rolled back on any error. A versioned
    row found changed when it is written (SQLAlchemy's ``StaleDataError``) refuses the
    write with :class:`StaleWrite`."""
    with Session(writer(engine), expire_on_commit=False) as session:
        uow = UnitOfWork(session, actor)
        try:
            with session.begin():
                yield uow
        except StaleDataError as exc:
            raise StaleWrite(uow.stale_message) from exc


def registered_write(
    *actions: Action, entity: Entity
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Declare a write: ``fn(uow, ...)`` becomes ``fn(engine, actor, ...)``.

    ``actions`` documents the permissions it checks (the function itself calls
    ``uow.require`` with the right region, since only it knows the region). ``entity``:
    the kind of record it changes, one of :class:`Entity`.
    """
    kind = Entity(entity)

    def decorate(function: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(function)
        def wrapper(engine: Engine, actor: Actor, *args: Any, **kwargs: Any) -> R:
            with unit_of_work(engine, actor) as uow:
                return function(uow, *args, **kwargs)

        WRITE_REGISTRY[function.__name__] = WriteSpec(
            name=function.__name__,
            function=wrapper,
            actions=tuple(actions),
            entity=kind,
        )
        return wrapper

    return decorate
