"""The request context every service function takes, and the session it opens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.config import Settings
from core.permissions import Actor


@dataclass(frozen=True)
class RequestContext:
    """Who is asking (the signed-in actor), with which settings, against which database."""

    settings: Settings
    engine: Engine
    actor: Actor
    display_name: str = ""

    @property
    def threshold(self) -> int:
        """The disclosure threshold (counts of people below it are hidden)."""
        return self.settings.disclosure_threshold


@contextmanager
def reading(ctx: RequestContext) -> Iterator[Session]:
    """A session for reads, closed when the block ends (writes go through ``db.writes``)."""
    with Session(ctx.engine) as session:
        yield session
