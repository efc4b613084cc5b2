"""Fuzzing the imports against the demo database, on SQLite and PostgreSQL.

Files of arbitrary rows, mixing good and bad ones, built from the real reference lists
(regions, metric codes, periods, groups, and figures already stored), go through the
same dry run and commit a person's upload reaches. Whatever the file:

- the dry run writes nothing, and gives a clean preview or a list of problems;
- a preview with problems cannot be saved;
- a commit writes every row of a clean preview, exactly as previewed, with one audit
  event per new or changed figure, or it changes nothing at all: when it is refused
  (``WriteRefused``, ``StaleWrite``, ``PermissionDenied``), when someone else changed a
  figure since the dry run, and when it fails halfway through.

The examples share one database, so each example compares the tables with a snapshot
taken at its own start rather than with the demo data.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from core.equity import MEASURES
from core.equity_import import (
    COUNT_OPTIONAL,
    COUNT_REQUIRED,
    POPULATION_OPTIONAL,
    POPULATION_REQUIRED,
)
from core.importer import FILE, ImportCounts, ImportPreview
from core.metric_import import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from core.periods import format_period, quarters_between
from core.permissions import Action, Actor, PermissionDenied, can
from db import equity as de
from db.metric_import import import_metric_values, preview_metric_values
from db.models import (
    AuditEvent,
    Characteristic,
    CharacteristicGroup,
    EquityCount,
    Metric,
    MetricValue,
    PopulationCount,
    Region,
)
from db.users import actor_for
from db.writes import StaleWrite, WriteRefused

DB_FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
#: Who uploads: weighted towards people who may import London's figures.
USERS = ["london.lead", "admin", "northwest.lead", "london.lead", "national.lead", "london.forum"]
#: What happens between the dry run and the save, or during it.
COMMITS = ["plain", "another person", "changed meanwhile", "fails halfway"]
NASTY = ["", " ", "=1+1", "-1", "1e309", "NaN", "2147483648", "1e300", "0000/01 Q1",
         "9999/00 Q4", "2024/25 Q9", "Atlantis", "😀", "a\nb", '"', "x" * 300]  # fmt: skip


class Boom(Exception):
    """A failure in the middle of a save (a lost connection, say)."""


# ------------------------------------------------------------------ what is stored


@dataclass(frozen=True)
class Catalogue:
    """The reference lists and a sample of the stored figures, read once a database."""

    regions: tuple[tuple[int, str, str], ...]  # id, code, name
    metrics: tuple[tuple[str, str, str | None, int | None], ...]  # code, unit, by, region
    groups: dict[str, tuple[str, ...]]  # characteristic -> every name, code and NHS code
    metric_groups: dict[str, tuple[str, ...]]  # the same without NHS codes (equity only)
    stored_values: tuple[dict[str, str], ...]  # file rows for figures already stored
    stored_counts: tuple[dict[str, str], ...]
    stored_population: tuple[dict[str, str], ...]


_CATALOGUES: dict[str, Catalogue] = {}


def catalogue(engine: Engine) -> Catalogue:
    key = str(engine.url)
    if key not in _CATALOGUES:
        with Session(engine) as session:
            _CATALOGUES[key] = _read_catalogue(session)
    return _CATALOGUES[key]


def _read_catalogue(session: Session) -> Catalogue:
    regions = tuple(
        (r.id, r.code, r.name) for r in session.execute(select(Region.id, Region.code, Region.name))
    )
    names = {region_id: name for region_id, _code, name in regions}
    metrics = tuple(
        (m.code, m.unit, m.disaggregated_by, m.region_id)
        for m in session.execute(
            select(Metric.code, Metric.unit, Metric.disaggregated_by, Metric.region_id).order_by(
                Metric.code
            )
        )
    )
    groups: dict[str, list[str]] = {}
    metric_groups: dict[str, list[str]] = {}
    for code, name, group_code, nhs_code in session.execute(
        select(
            Characteristic.code,
            CharacteristicGroup.name,
            CharacteristicGroup.code,
            CharacteristicGroup.nhs_code,
        )
        .join(Characteristic, Characteristic.id == CharacteristicGroup.characteristic_id)
        .order_by(CharacteristicGroup.id)
    ):
        groups.setdefault(code, []).extend(t for t in (name, group_code, nhs_code) if t)
        metric_groups.setdefault(code, []).extend((name, group_code))
    wanted = [r for r, code, _n in regions if code in ("london", "north_west")]
    codes = {m.id: m.code for m in session.execute(select(Metric.id, Metric.code))}
    values = session.scalars(
        select(MetricValue)
        .where(MetricValue.region_id.in_(wanted))
        .order_by(MetricValue.id)
        .limit(40)
    ).all()
    counts = session.scalars(
        select(EquityCount)
        .where(EquityCount.region_id.in_(wanted), EquityCount.area_id_key == 0)
        .order_by(EquityCount.id.desc())
        .limit(40)
    ).all()
    population = session.scalars(
        select(PopulationCount)
        .where(PopulationCount.region_id.in_(wanted), PopulationCount.area_id_key == 0)
        .order_by(PopulationCount.id)
        .limit(40)
    ).all()
    return Catalogue(
        regions=regions,
        metrics=metrics,
        groups={code: tuple(texts) for code, texts in groups.items()},
        metric_groups={code: tuple(texts) for code, texts in metric_groups.items()},
        stored_values=tuple(
            {
                "region": names[v.region_id],
                "metric_code": codes[v.metric_id],
                "period": format_period(v.period_start),
                "value": "" if v.value is None else repr(v.value),
                "numerator": "" if v.numerator is None else repr(v.numerator),
                "denominator": "" if v.denominator is None else repr(v.denominator),
                "characteristic": v.characteristic,
                "group": v.group_name,
                "note": "",
            }
            for v in values
        ),
        stored_counts=tuple(
            {
                "region": names[c.region_id],
                "period": format_period(c.period_start, MEASURES[c.measure].frequency),
                "measure": c.measure,
                "characteristic": c.characteristic,
                "group": c.group_name,
                "numerator": str(c.numerator),
                "denominator": "" if c.denominator is None else str(c.denominator),
            }
            for c in counts
        ),
        stored_population=tuple(
            {
                "region": names[p.region_id],
                "characteristic": p.characteristic,
                "group": p.group_name,
                "year": str(p.year),
                "population": str(p.population),
                "source": p.source,
            }
            for p in population
        ),
    )


# ------------------------------------------------------------------ rows of a file

#: Latest first (hypothesis draws the first more often): the demo's figures end in Q2
#: 2026/27, so the first few are new figures and the rest replace stored ones.
QUARTERS = [format_period(q) for q in quarters_between(date(2023, 10, 1), date(2028, 1, 1))][::-1]
YEARS = [format_period(date(y, 4, 1), "year") for y in range(2027, 2021, -1)]


def region_texts(cat: Catalogue, region_ids: list[int]) -> st.SearchStrategy[str]:
    """These regions by name or code, as people write them."""
    texts = [t for i, code, name in cat.regions if i in region_ids for t in (name, code)]
    return st.sampled_from(texts + [t.upper() for t in texts])


def region_id(cat: Catalogue, text: str) -> int | None:
    key = text.strip().lower()
    return next((i for i, code, name in cat.regions if key in (code, name.lower())), None)


def _figure(unit: str) -> st.SearchStrategy[str]:
    if unit == "percentage":
        return st.floats(0, 100).map(repr)
    if unit == "count":
        return st.integers(0, 10**6).map(str)
    return st.floats(0, 10**6).map(repr)


@st.composite
def fresh_metric_rows(
    draw: st.DrawFn, cat: Catalogue, regions: st.SearchStrategy[str], good: bool
) -> dict[str, str]:
    region = draw(regions)
    here = region_id(cat, region)
    metrics = [m for m in cat.metrics if not good or m[3] in (None, here)]
    code, unit, characteristic, _region = draw(st.sampled_from(metrics))
    row = {
        "region": region,
        "metric_code": code,
        "period": draw(st.sampled_from(QUARTERS)),
        "value": draw(_figure(unit)),
        "numerator": "",
        "denominator": "",
        "characteristic": "",
        "group": "",
        "note": draw(st.sampled_from(["", "", "checked", "=HYPERLINK(1)"])),
    }
    if characteristic and draw(st.booleans()):
        row["characteristic"] = characteristic
        row["group"] = draw(st.sampled_from(cat.metric_groups[characteristic]))
    return row


@st.composite
def fresh_count_rows(
    draw: st.DrawFn, cat: Catalogue, regions: st.SearchStrategy[str], good: bool
) -> dict[str, str]:
    measure = draw(st.sampled_from(list(MEASURES.values())))
    characteristic = draw(st.sampled_from(sorted(cat.groups)))
    numerator = draw(st.integers(0, 10**5))
    denominator = ""
    if measure.kind == "proportion":
        denominator = str(draw(st.integers(max(numerator, 1), 10**6)))
    return {
        "region": draw(regions),
        "period": draw(st.sampled_from(QUARTERS if measure.frequency == "quarter" else YEARS)),
        "measure": draw(st.sampled_from([measure.code, measure.label])),
        "characteristic": characteristic,
        "group": draw(st.sampled_from(cat.groups[characteristic])),
        "numerator": str(numerator),
        "denominator": denominator,
    }


@st.composite
def fresh_population_rows(
    draw: st.DrawFn, cat: Catalogue, regions: st.SearchStrategy[str], good: bool
) -> dict[str, str]:
    characteristic = draw(st.sampled_from(sorted(cat.groups)))
    return {
        "region": draw(regions),
        "characteristic": characteristic,
        "group": draw(st.sampled_from(cat.groups[characteristic])),
        "year": draw(st.sampled_from(["2021", "2021/22", "2023"])),
        "population": str(draw(st.integers(0, 10**7))),
        "source": draw(st.sampled_from(["", "ONS Census 2021", "local estimate"])),
    }


@st.composite
def any_row(
    draw: st.DrawFn,
    fresh: st.SearchStrategy[dict[str, str]],
    stored: list[dict[str, str]],
    figure: str,
    good: bool,
) -> dict[str, str]:
    """A new figure, or one already stored (as it is, or with another figure); in a file
    that is not meant to be good, sometimes with a cell or two replaced by something wrong."""
    how = draw(st.sampled_from(["fresh", "fresh", "stored", "stored with another figure"]))
    row = dict(draw(st.sampled_from(stored))) if how != "fresh" and stored else draw(fresh)
    if how == "stored with another figure":
        row[figure] = str(draw(st.integers(0, 100)))
    if not good:
        for column in draw(st.lists(st.sampled_from(sorted(row)), max_size=2)):
            row[column] = draw(st.sampled_from(NASTY))
    return row


def to_file(columns: tuple[str, ...], rows: list[dict[str, str]], excel: bool) -> bytes:
    """The rows as the CSV or Excel file a person would upload."""
    if excel:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(list(columns))
        for row in rows:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", row.get(c, "")) for c in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows([[row.get(c, "") for c in columns] for row in rows])
    return text.getvalue().encode("utf-8")


# ----------------------------------------------------------------- the importers


@dataclass(frozen=True)
class Importer:
    """One import as the test drives it, and what its commit must write."""

    name: str
    columns: tuple[str, ...]
    model: type
    key: tuple[str, ...]  # the columns naming one figure, in the table and the preview row
    fields: tuple[str, ...]  # what the import writes, from the preview row
    entity_type: str
    action: Action
    preview: Callable[[Engine, Actor, bytes, str], ImportPreview]
    commit: Callable[..., ImportCounts]
    fresh: Callable[..., st.SearchStrategy[dict[str, str]]]
    stored: Callable[[Catalogue], tuple[dict[str, str], ...]]
    figure: str  # the column holding the figure
    names: tuple[str, ...]  # the columns of the file that name one figure
    clears_rows_on_problems: bool


METRIC_VALUES = Importer(
    "metric values",
    (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS),
    MetricValue,
    ("metric_id", "region_id", "period_start", "characteristic", "group_name"),
    ("value", "numerator", "denominator", "note"),
    "metric_value",
    Action.EDIT_METRIC_VALUES,
    preview_metric_values,
    lambda engine, actor, preview, progress: import_metric_values(
        engine, actor, preview, progress=progress
    ),
    fresh_metric_rows,
    lambda cat: cat.stored_values,
    "value",
    ("region", "metric_code", "period", "characteristic", "group"),
    clears_rows_on_problems=True,
)
EQUITY_COUNTS = Importer(
    "equity counts",
    (*COUNT_REQUIRED, *COUNT_OPTIONAL),
    EquityCount,
    ("region_id", "period_start", "measure", "characteristic", "group_name"),
    ("numerator", "denominator"),
    "equity_count",
    Action.EDIT_EQUITY,
    de.preview_equity_counts,
    de.import_equity_counts,
    fresh_count_rows,
    lambda cat: cat.stored_counts,
    "numerator",
    ("region", "period", "measure", "characteristic", "group"),
    clears_rows_on_problems=False,
)
POPULATION = Importer(
    "population",
    (*POPULATION_REQUIRED, *POPULATION_OPTIONAL),
    PopulationCount,
    ("region_id", "characteristic", "group_name", "year"),
    ("population", "source"),
    "population_count",
    Action.EDIT_EQUITY,
    de.preview_population_counts,
    de.import_population_counts,
    fresh_population_rows,
    lambda cat: cat.stored_population,
    "population",
    ("region", "characteristic", "group", "year"),
    clears_rows_on_problems=False,
)

# ------------------------------------------------------------------- the tables

Rows = dict[int, dict[str, Any]]


@dataclass(frozen=True)
class State:
    rows: Rows  # every stored figure of the importer's table, by id
    events: int
    last_event: int


def state(engine: Engine, importer: Importer) -> State:
    with Session(engine) as session:
        rows = {
            r["id"]: dict(r)
            for r in session.execute(select(importer.model.__table__)).mappings().all()
        }
        events = session.scalar(select(func.count(AuditEvent.id))) or 0
        last = session.scalar(select(func.max(AuditEvent.id))) or 0
    return State(rows, events, last)


def actor(engine: Engine, username: str) -> Actor:
    with Session(engine) as session:
        found = actor_for(session, username)
    assert found is not None
    return found


def assert_written_exactly(
    engine: Engine,
    importer: Importer,
    before: State,
    preview: ImportPreview,
    committer: Actor,
    counts: ImportCounts,
) -> None:
    """Every row of the preview is stored as previewed; nothing else changed; one audit
    event per new or changed figure."""
    after = state(engine, importer)
    changes = Counter(r["change"] for r in preview.rows)
    assert (counts.new, counts.updated, counts.unchanged) == (
        changes["new"],
        changes["updated"],
        changes["unchanged"],
    )
    updated: dict[int, dict[str, Any]] = {}
    new: dict[tuple, dict[str, Any]] = {}
    for row in preview.rows:
        if row["change"] == "unchanged":
            continue
        old = before.rows.get(row["existing_id"]) if row["existing_id"] else None
        written = {f: row[f] for f in importer.fields}
        if "note" in written and written["note"] is None:  # a blank note keeps the old one
            written["note"] = old["note"] if old else ""
        if old is None:
            new[tuple(row[k] for k in importer.key)] = {**written, "version": 1}
        else:
            updated[old["id"]] = {**old, **written, "version": old["version"] + 1}
    for row_id, old in before.rows.items():
        now = after.rows[row_id]
        if row_id not in updated:
            assert now == old, f"{importer.name} {row_id} changed but was not in the file"
            continue
        want = dict(updated[row_id])
        if "entered_by_id" in want:
            want["entered_by_id"] = committer.user_id
        for volatile in ("entered_at",):
            want.pop(volatile, None)
            now = {k: v for k, v in now.items() if k != volatile}
        assert now == want
    added = {i: r for i, r in after.rows.items() if i not in before.rows}
    assert len(added) == len(new)
    for row in added.values():
        want = new[tuple(row[k] for k in importer.key)]
        assert {f: row[f] for f in want} == want
        if "area_id_key" in row:
            assert (row["area_id"], row["area_id_key"]) == (None, 0)
        if "entered_by_id" in row:
            assert row["entered_by_id"] == committer.user_id
    with Session(engine) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.id > before.last_event)).all()
    assert after.events == before.events + len(new) + len(updated) == before.events + len(events)
    assert {e.reason for e in events} <= {f"Imported from {preview.source}"}
    assert {e.entity_type for e in events} <= {importer.entity_type}
    assert Counter(e.entity_id for e in events) == Counter([*updated, *added])
    assert Counter(e.action for e in events) == Counter(
        ["update"] * len(updated) + ["create"] * len(new)
    )


def change_one_meanwhile(engine: Engine, importer: Importer, row: dict[str, Any]) -> None:
    """Someone else saves the figure of ``row`` between the dry run and the save."""
    with Session(engine) as session, session.begin():
        if row["existing_id"] is not None:
            session.execute(
                update(importer.model)
                .where(importer.model.id == row["existing_id"])
                .values(version=importer.model.version + 1)
            )
            return
        values = {k: row[k] for k in importer.key}
        values.update({f: row[f] for f in importer.fields})
        if importer.model is MetricValue:
            values["note"] = values["note"] or ""
        else:
            values["area_id_key"] = 0
        session.add(importer.model(**values, version=1))


def may_commit(importer: Importer, who: Actor, preview: ImportPreview) -> bool:
    return all(can(who, importer.action, r["region_id"]) for r in preview.rows)


# ------------------------------------------------------------------- the property


def fuzz_import(engine: Engine, importer: Importer, data: st.DataObject) -> None:
    cat = catalogue(engine)
    uploader = actor(engine, data.draw(st.sampled_from(USERS), label="uploader"))
    # A file meant to be good: only regions the uploader may edit, no damaged cells (it
    # may still have problems: a figure given twice, a numerator over its denominator).
    good = data.draw(st.sampled_from([True, True, False]), label="meant to be good")
    allowed = [i for i, _c, _n in cat.regions if can(uploader, importer.action, i)]
    ids = allowed if good and allowed else [i for i, _c, _n in cat.regions]
    london = [i for i, code, _n in cat.regions if code == "london" and i in ids]
    regions = st.one_of(region_texts(cat, london or ids[:1]), region_texts(cat, ids))
    stored = [r for r in importer.stored(cat) if region_id(cat, r["region"]) in ids]
    fresh = importer.fresh(cat, regions, good)
    rows = data.draw(
        st.lists(
            any_row(fresh, stored, importer.figure, good),
            min_size=1,
            max_size=8,
            # Mostly one row a figure; the same figure written two ways is still a problem.
            unique_by=lambda row: tuple(row[c] for c in importer.names),
        ),
        label="rows",
    )
    excel = data.draw(st.booleans(), label="excel")
    filename = f"fuzz.{'xlsx' if excel else 'csv'}"

    before = state(engine, importer)
    preview = importer.preview(engine, uploader, to_file(importer.columns, rows, excel), filename)
    assert state(engine, importer) == before, "a dry run never writes"

    if preview.problems:
        event(f"{importer.name}: problems")
        for problem in preview.problems:
            assert problem.column and problem.message
            assert problem.row is not None or problem.column == FILE
        if importer.clears_rows_on_problems:
            assert preview.rows == []
        with pytest.raises(WriteRefused, match="still has problems"):
            importer.commit(engine, uploader, preview, None)
        assert state(engine, importer) == before
        return
    assert preview.rows and len(preview.rows) <= len(rows)  # wholly blank rows are skipped

    how = data.draw(st.sampled_from(COMMITS), label="commit")
    event(f"{importer.name}: clean preview, commit {how}")
    committer = uploader
    if how == "another person":
        committer = actor(engine, data.draw(st.sampled_from(USERS), label="committer"))
    elif how == "changed meanwhile":
        index = data.draw(st.integers(0, len(preview.rows) - 1), label="changed row")
        change_one_meanwhile(engine, importer, preview.rows[index])
        before = state(engine, importer)
        with pytest.raises(StaleWrite):
            importer.commit(engine, committer, preview, None)
        assert state(engine, importer) == before
        return
    calls: list[float] = []
    fail_at = data.draw(st.integers(1, 3), label="fail at") if how == "fails halfway" else 0

    def progress(share: float) -> None:
        calls.append(share)
        if len(calls) == fail_at:
            raise Boom

    try:
        counts = importer.commit(engine, committer, preview, progress)
    except Boom:
        assert state(engine, importer) == before, "a save that failed halfway left changes"
        return
    except PermissionDenied:
        assert not may_commit(importer, committer, preview)
        assert state(engine, importer) == before
        return
    assert may_commit(importer, committer, preview)
    assert calls and calls[-1] == pytest.approx(1.0) and calls == sorted(calls)
    event(f"{importer.name}: saved " + ", ".join(k for k, v in counts.__dict__.items() if v))
    assert_written_exactly(engine, importer, before, preview, committer, counts)


@DB_FUZZ
@given(data=st.data())
def test_metric_value_files_are_saved_whole_or_not_at_all(demo_engine, data):
    fuzz_import(demo_engine, METRIC_VALUES, data)


@DB_FUZZ
@given(data=st.data())
def test_equity_count_files_are_saved_whole_or_not_at_all(demo_engine, data):
    fuzz_import(demo_engine, EQUITY_COUNTS, data)


@DB_FUZZ
@given(data=st.data())
def test_population_files_are_saved_whole_or_not_at_all(demo_engine, data):
    fuzz_import(demo_engine, POPULATION, data)
