"""One list of the kinds of record (core.entities.Entity): the registered writes, the
audit log and the read cache all name kinds from it, and every kind a cached read
depends on is changed by some write (or the cache could never be refreshed)."""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import db
from core.entities import Entity
from core.permissions import SYSTEM_ACTOR
from db import cache
from db.writes import WRITE_REGISTRY, registered_write, unit_of_work

ROOT = Path(__file__).resolve().parents[2]


def _import_everything_that_declares_writes_or_cached_reads() -> None:
    for package in ("db", "services", "reports"):
        module = importlib.import_module(package)
        for info in pkgutil.iter_modules(module.__path__):
            if package == "db" and info.name == "manage":
                continue
            importlib.import_module(f"{package}.{info.name}")


@pytest.fixture(scope="module", autouse=True)
def everything_imported() -> None:
    _import_everything_that_declares_writes_or_cached_reads()


def test_every_registered_write_changes_a_listed_kind_of_record():
    assert WRITE_REGISTRY
    for spec in WRITE_REGISTRY.values():
        assert isinstance(spec.entity, Entity), spec.name


def test_every_kind_of_record_has_a_write():
    """No kind is listed that nothing changes (a kind no longer written is removed)."""
    written = {spec.entity for spec in WRITE_REGISTRY.values()}
    assert set(Entity) == written


def test_every_cache_topic_is_the_entity_of_some_registered_write():
    assert cache.CACHE_TOPICS, "no cached read was found"
    written = {spec.entity for spec in WRITE_REGISTRY.values()}
    assert not cache.CACHE_TOPICS - written, cache.CACHE_TOPICS - written


def test_an_unlisted_kind_is_refused_where_it_is_named():
    with pytest.raises(ValueError, match="not a valid Entity"):
        registered_write(entity="no_such_kind")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a valid Entity"):
        cache.cached_read("no_such_kind")  # type: ignore[arg-type]


def test_an_audit_event_names_a_listed_kind(engine):
    with (
        pytest.raises(ValueError, match="not a valid Entity"),
        unit_of_work(engine, SYSTEM_ACTOR) as uow,
    ):
        uow.audit("no_such_kind", None, "create")  # type: ignore[arg-type]
    with unit_of_work(engine, SYSTEM_ACTOR) as uow:
        event = uow.audit("metric_value", None, "create")
    assert event.entity_type == Entity.METRIC_VALUE
    assert type(event.entity_type) is str  # stored as the plain word


def test_migrations_write_only_listed_kinds():
    """Data migrations write audit events of their own: their kinds are listed too."""
    versions = ROOT / "db" / "migrations" / "versions"
    named = set()
    for path in versions.glob("*.py"):
        named |= set(re.findall(r'"entity_type": "([a-z_]+)"', path.read_text()))
    assert named <= {e.value for e in Entity}


def test_db_modules_are_all_found():
    """The import above sees every module of db (so no write or cached read is missed)."""
    names = {info.name for info in pkgutil.iter_modules(db.__path__)}
    assert {"writes", "cache", "metrics", "plan"} <= names
