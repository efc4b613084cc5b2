"""The one path every change takes: permission check, audit event, one transaction.

A write function is declared with :func:`registered_write`, which records it in
:data:`WRITE_REGISTRY` (so the security tests can run every write as every role) and
opens a :class:`UnitOfWork` for it. Inside, the function calls :meth:`UnitOfWork.require`
before touching anything and :meth:`UnitOfWork.audit` for each change. The transaction
commits when the function returns and rolls back on any exception, so a refused or
failed write changes nothing.
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

from core.errors import StaleWrite, WriteRefused
from core.permissions import Action, Actor, require
from db.engine import writer
from db.models import AuditEvent, utcnow

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["StaleWrite", "WriteRefused", "registered_write", "unit_of_work"]


@dataclass(frozen=True)
class WriteSpec:
    name: str
    function: Callable[..., Any]
    actions: tuple[Action, ...]
    entity: str


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

    def require(self, action: Action, region_id: int | None = None) -> None:
        require(self.actor, action, region_id)

    def audit(
        self,
        entity_type: str,
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
            entity_type=entity_type,
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
    """One transaction: committed on success, rolled back on any error."""
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        yield UnitOfWork(session, actor)


def registered_write(
    *actions: Action, entity: str
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Declare a write: ``fn(uow, ...)`` becomes ``fn(engine, actor, ...)``.

    ``actions`` documents the permissions it checks (the function itself calls
    ``uow.require`` with the right region, since only it knows the region).
    """

    def decorate(function: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(function)
        def wrapper(engine: Engine, actor: Actor, *args: Any, **kwargs: Any) -> R:
            with unit_of_work(engine, actor) as uow:
                return function(uow, *args, **kwargs)

        WRITE_REGISTRY[function.__name__] = WriteSpec(
            name=function.__name__, function=wrapper, actions=tuple(actions), entity=entity
        )
        return wrapper

    return decorate
