"""Reference content for the AMHE dashboard, read from the data files in ``seed/data``.

Everything here is seed data: the loader (seed/load.py) copies it into the database
once, after which admins may edit it there. The content itself is in plain data files
that someone who does not program can edit (``seed/data/README.md`` says what each
holds); this module reads them when it is imported and checks their shape, so a
mistake in a file stops the app at start-up with the file and entry named. Nothing in
this module touches a database or Streamlit.

Sources
-------
- Themes, action areas and plan actions: Rethink Mental Illness, *Advancing
  Mental Health Equalities Plan* (2025), pages 9 to 17 (``seed-plan.txt``).
  Plan text is kept word for word; only PDF line breaks, footnote markers and
  doubled spaces were removed, and bullets are written as ``- `` lines.
- Regions: NHS England's seven regions; areas are real integrated care boards
  (ICBs) as of 2024, 3 to 6 per region (not all 42). ICBs merge from April
  2026, which is why these are editable reference data.
- Ethnicity: ONS 2021 census classification and NHS Data Dictionary ETHNIC
  CATEGORY codes, mapped as in NHS England's Mental Health Act statistics.

Important: the plan's KEY icons (which theme each action serves) were images
and were lost when the PDF was turned into text. The ``themes`` on each
``PlanAction`` were inferred by reading the action against the theme
definitions: they are proposed, and the app says so until a national lead
confirms them (db.plan.confirm_action_themes).

``NATIONAL_METRICS`` and ``LOCAL_METRIC_EXAMPLES`` are illustrative
definitions for a demo, with made-up baselines and targets; they are not
Rethink's agreed metrics.

Shapes (all frozen dataclasses; every ``code`` is a lower-case slug unless
noted, and unique within its list). A ``sort_order`` is the entry's place in its
file (from 1), so the files list everything in the order the app shows it.
-----------------------------------------------------------------------------
Theme(code, name, definition, monitoring: bool, sort_order: int)
    THEMES: the six monitoring themes (monitoring=True), in the plan's order.
    LEADERSHIP_THEME: "leadership_governance", monitoring=False; the plan's
    KEY tags actions with it but it is not monitored by metrics.
    ALL_THEMES = THEMES + (LEADERSHIP_THEME,).  (data/themes.toml)
ActionArea(code, name, sort_order)
    ACTION_AREAS: the six areas of plan pages 12 to 17, in page order.
    (data/action_areas.csv)
PlanAction(code, action_area, title, description, themes, page, sort_order,
           organisation_wide=False)
    PLAN_ACTIONS: 23 actions. ``code`` like "LG1" (upper case), ``action_area``
    is an ActionArea code, ``themes`` a tuple of Theme codes (any of
    ALL_THEMES), ``page`` the plan page, ``sort_order`` 1..23 across the plan.
    ``organisation_wide`` marks the actions the plan keeps once for the whole
    organisation (LG1 Board champion, WF2 Ethnicity Pay Gap report, WF3 EDI
    Strategic Plan): national leads keep them; regions see them read-only.
    (data/plan_actions.toml)
Area(code, name)
Region(code, name, sort_order, areas: tuple[Area, ...])
    REGIONS: NHS England's seven regions. Area codes are unique across regions,
    made from the area's name ("Devon ICB" -> "devon"). (data/regions.csv)
Group(code, name, sort_order, parent=None, nhs_code=None, is_missing=False)
    ``parent`` is the code of another Group in the same characteristic;
    ``nhs_code`` is an NHS ETHNIC CATEGORY code ("A".."S", "Z", "99");
    ``is_missing`` marks "Not stated" / "Not known".
Characteristic(code, name, sort_order, groups: tuple[Group, ...])
    CHARACTERISTICS: ethnicity, ethnicity_broad, age_band, sex, disability,
    religion, sexual_orientation. Group codes are unique within one
    characteristic (ethnicity and ethnicity_broad share the high-level codes).
    (data/characteristics.csv, data/characteristic_groups.csv)
NHS_ETHNIC_CATEGORIES: dict code -> (name, high-level group name or None).
    (data/nhs_ethnic_categories.csv)
Metric(code, name, definition, theme, unit, direction, frequency, limit,
       data_source, disaggregated_by, baseline_value, target_value)
    NATIONAL_METRICS. ``code`` like "CA01" (upper case); ``theme`` a monitoring
    Theme code; ``unit`` in UNITS; ``direction`` in DIRECTIONS ("increase"
    means higher is better); ``frequency`` in FREQUENCIES; ``limit`` 100 for
    percentages else None; ``disaggregated_by`` None or a Characteristic code.
    (data/national_metrics.toml)
CoproductionRecord(agreed_with, where, note)
    ``where`` may contain "{region}", to be filled with the region's name.
LocalMetricTemplate(code_suffix, name, definition, theme, unit, direction,
                    frequency, limit, data_source, disaggregated_by,
                    baseline_value, target_value, coproduction)
    LOCAL_METRIC_EXAMPLES: four templates the demo generator instantiates per
    region, e.g. code f"{region.code}_{code_suffix}". ``coproduction`` is a
    CoproductionRecord or None (shown as "not yet coproduced").
    (data/local_metric_examples.toml)
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import re
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, TypeVar

UNITS = ("count", "percentage", "rate", "score")
DIRECTIONS = ("increase", "decrease")
FREQUENCIES = ("quarterly",)

#: The data files, next to this module (the app runs from its checkout).
DATA_DIR = Path(__file__).resolve().with_name("data")


# ---------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    definition: str
    monitoring: bool
    sort_order: int


@dataclass(frozen=True)
class ActionArea:
    code: str
    name: str
    sort_order: int


@dataclass(frozen=True)
class PlanAction:
    code: str
    action_area: str
    title: str
    description: str
    themes: tuple[str, ...]
    page: int
    sort_order: int
    #: Kept once for the whole organisation by national leads (not adopted by regions).
    organisation_wide: bool = False


@dataclass(frozen=True)
class Area:
    code: str
    name: str


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    sort_order: int
    areas: tuple[Area, ...]


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    sort_order: int
    parent: str | None = None
    nhs_code: str | None = None
    is_missing: bool = False


@dataclass(frozen=True)
class Characteristic:
    code: str
    name: str
    sort_order: int
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    definition: str
    theme: str
    unit: str
    direction: str
    frequency: str
    limit: float | None
    data_source: str
    disaggregated_by: str | None
    baseline_value: float
    target_value: float
    #: False for counts of events, agreements or organisations (not suppressed).
    counts_people: bool = True


@dataclass(frozen=True)
class CoproductionRecord:
    agreed_with: str
    where: str
    note: str


@dataclass(frozen=True)
class LocalMetricTemplate:
    code_suffix: str
    name: str
    definition: str
    theme: str
    unit: str
    direction: str
    frequency: str
    limit: float | None
    data_source: str
    disaggregated_by: str | None
    baseline_value: float
    target_value: float
    coproduction: CoproductionRecord | None
    #: False for counts of events, agreements or organisations (not suppressed).
    counts_people: bool = True


# ---------------------------------------------------------------------------
# Reading the data files
# ---------------------------------------------------------------------------


class ReferenceDataError(ValueError):
    """A data file in seed/data is missing, unreadable or has an entry of the wrong shape."""


@dataclass(frozen=True)
class ReferenceData:
    """Everything the data files hold, read and checked (see :func:`load`)."""

    all_themes: tuple[Theme, ...]
    action_areas: tuple[ActionArea, ...]
    plan_actions: tuple[PlanAction, ...]
    regions: tuple[Region, ...]
    characteristics: tuple[Characteristic, ...]
    nhs_ethnic_categories: dict[str, tuple[str, str | None]]
    national_metrics: tuple[Metric, ...]
    local_metric_examples: tuple[LocalMetricTemplate, ...]


#: Every data file :func:`load` reads.
DATA_FILES = (
    "themes.toml",
    "action_areas.csv",
    "plan_actions.toml",
    "regions.csv",
    "characteristics.csv",
    "characteristic_groups.csv",
    "nhs_ethnic_categories.csv",
    "national_metrics.toml",
    "local_metric_examples.toml",
)


def load(data_dir: Path = DATA_DIR) -> ReferenceData:
    """Read and check every data file; ReferenceDataError names the file and entry of
    the first mistake."""
    files = _Files(data_dir)
    return ReferenceData(
        all_themes=_themes(files),
        action_areas=_action_areas(files),
        plan_actions=_plan_actions(files),
        regions=_regions(files),
        characteristics=_characteristics(files),
        nhs_ethnic_categories=_nhs_ethnic_categories(files),
        national_metrics=_national_metrics(files),
        local_metric_examples=_local_metric_examples(files),
    )


class _Files:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def toml(self, name: str, table: str) -> list[dict[str, Any]]:
        """The entries of ``[[table]]`` in data file ``name``."""
        path = self.data_dir / name
        try:
            with path.open("rb") as handle:
                document = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ReferenceDataError(f"{name}: {exc}") from exc
        entries = document.get(table)
        if set(document) != {table} or not isinstance(entries, list) or not entries:
            raise ReferenceDataError(f"{name}: expected only [[{table}]] entries")
        return entries

    def csv(self, name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
        """The rows of CSV data file ``name``, whose first line must name ``columns``."""
        path = self.data_dir / name
        rows = []
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle, strict=True)
                found = tuple(reader.fieldnames or ())
                if found != columns:
                    raise ReferenceDataError(
                        f"{name}: the first line must be {','.join(columns)}, not {','.join(found)}"
                    )
                for row in reader:
                    if None in row or None in row.values():
                        raise ReferenceDataError(
                            f"{name}, line {reader.line_num}: needs {len(columns)} columns"
                        )
                    rows.append({key: value.strip() for key, value in row.items()})
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ReferenceDataError(f"{name}: {exc}") from exc
        if not rows:
            raise ReferenceDataError(f"{name}: no rows")
        return rows


def _blank_is_none(value: str) -> str | None:
    return value or None


def _yes(value: str, where: str) -> bool:
    if value.lower() in ("yes", ""):
        return value.lower() == "yes"
    raise ReferenceDataError(f"{where}: write yes or leave it empty, not {value!r}")


def _described(hint: Any) -> str:
    """A field's type in words, for a message about a data file."""
    if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union:
        return " or ".join(_described(h) for h in typing.get_args(hint))
    if typing.get_origin(hint) is tuple:
        return "a list of " + _described(typing.get_args(hint)[0])
    words = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
    return words.get(hint, "left out" if hint is NoneType else getattr(hint, "__name__", str(hint)))


def _fits(value: Any, hint: Any) -> bool:
    """Whether a value read from a file fits a field's type (as far as these shapes need)."""
    if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union:
        return any(_fits(value, h) for h in typing.get_args(hint))
    if hint is NoneType:
        return value is None
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return isinstance(value, tuple) and all(_fits(v, item) for v in value)
    if hint is float:  # a whole number is a float too (limit = 100)
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


_T = TypeVar("_T")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(cls: type[_T], where: str, /, **fields: Any) -> _T:
    """``cls(**fields)``, refusing unknown, missing or wrongly typed fields with a message
    that names the file and entry."""
    known = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise ReferenceDataError(f"{where}: unknown field(s) {', '.join(unknown)}")
    try:
        value = cls(**fields)
    except TypeError as exc:
        raise ReferenceDataError(f"{where}: {exc}") from None
    hints = _hints(cls)
    for name in known:
        if not _fits(getattr(value, name), hints[name]):
            raise ReferenceDataError(
                f"{where}: {name} should be {_described(hints[name])}, not {getattr(value, name)!r}"
            )
    return value


def _themes(files: _Files) -> tuple[Theme, ...]:
    themes = tuple(
        _build(Theme, f"themes.toml, theme {entry.get('code', order)}", sort_order=order, **entry)
        for order, entry in enumerate(files.toml("themes.toml", "theme"), start=1)
    )
    if [t.monitoring for t in themes].count(False) != 1 or themes[-1].monitoring:
        raise ReferenceDataError(
            "themes.toml: exactly one theme has monitoring = false, and it comes last"
        )
    return themes


def _action_areas(files: _Files) -> tuple[ActionArea, ...]:
    rows = files.csv("action_areas.csv", ("code", "name"))
    return tuple(
        _build(ActionArea, f"action_areas.csv, line {order + 1}", sort_order=order, **row)
        for order, row in enumerate(rows, start=1)
    )


def _plan_actions(files: _Files) -> tuple[PlanAction, ...]:
    actions = []
    for order, entry in enumerate(files.toml("plan_actions.toml", "action"), start=1):
        where = f"plan_actions.toml, action {entry.get('code', order)}"
        themes = entry.pop("themes", None)
        if isinstance(themes, list):
            themes = tuple(themes)
        actions.append(_build(PlanAction, where, themes=themes, sort_order=order, **entry))
    return tuple(actions)


def _slug(text: str) -> str:
    """'Bristol, North Somerset ... ICB' -> 'bristol_north_somerset_...'."""
    text = re.sub(r"\bICB$", "", text.strip())
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _regions(files: _Files) -> tuple[Region, ...]:
    rows = files.csv("regions.csv", ("region_code", "region_name", "area_name"))
    names: dict[str, str] = {}
    areas: dict[str, list[Area]] = {}
    for line, row in enumerate(rows, start=2):
        code, where = row["region_code"], f"regions.csv, line {line}"
        if names.setdefault(code, row["region_name"]) != row["region_name"]:
            raise ReferenceDataError(f"{where}: region {code} has two names")
        name = row["area_name"]
        areas.setdefault(code, []).append(_build(Area, where, code=_slug(name), name=name))
    return tuple(
        _build(
            Region,
            f"regions.csv, region {code}",
            code=code,
            name=name,
            sort_order=order,
            areas=tuple(areas[code]),
        )
        for order, (code, name) in enumerate(names.items(), start=1)
    )


def _characteristics(files: _Files) -> tuple[Characteristic, ...]:
    groups: dict[str, list[Group]] = {}
    columns = ("characteristic", "code", "name", "parent", "nhs_code", "missing")
    for line, row in enumerate(files.csv("characteristic_groups.csv", columns), start=2):
        where = f"characteristic_groups.csv, line {line}"
        same = groups.setdefault(row["characteristic"], [])
        same.append(
            _build(
                Group,
                where,
                code=row["code"],
                name=row["name"],
                sort_order=len(same) + 1,
                parent=_blank_is_none(row["parent"]),
                nhs_code=_blank_is_none(row["nhs_code"]),
                is_missing=_yes(row["missing"], where),
            )
        )
    characteristics = []
    rows = files.csv("characteristics.csv", ("code", "name"))
    for order, row in enumerate(rows, start=1):
        where = f"characteristics.csv, line {order + 1}"
        if row["code"] not in groups:
            raise ReferenceDataError(f"{where}: no groups in characteristic_groups.csv")
        own = tuple(groups.pop(row["code"]))
        characteristics.append(_build(Characteristic, where, sort_order=order, groups=own, **row))
    if groups:
        unknown = ", ".join(groups)
        raise ReferenceDataError(f"characteristic_groups.csv: unknown characteristic {unknown}")
    return tuple(characteristics)


def _nhs_ethnic_categories(files: _Files) -> dict[str, tuple[str, str | None]]:
    rows = files.csv("nhs_ethnic_categories.csv", ("code", "name", "high_level_group"))
    categories = {r["code"]: (r["name"], _blank_is_none(r["high_level_group"])) for r in rows}
    if len(categories) != len(rows):
        raise ReferenceDataError("nhs_ethnic_categories.csv: a code appears twice")
    return categories


#: Fields a metrics file may leave out, and the value that stands for them.
_OPTIONAL: dict[str, Any] = {"limit": None, "disaggregated_by": None}


def _national_metrics(files: _Files) -> tuple[Metric, ...]:
    return tuple(
        _build(Metric, f"national_metrics.toml, metric {entry.get('code', n)}", **_OPTIONAL | entry)
        for n, entry in enumerate(files.toml("national_metrics.toml", "metric"), start=1)
    )


def _local_metric_examples(files: _Files) -> tuple[LocalMetricTemplate, ...]:
    templates = []
    for n, entry in enumerate(files.toml("local_metric_examples.toml", "template"), start=1):
        where = f"local_metric_examples.toml, template {entry.get('code_suffix', n)}"
        record = entry.pop("coproduction", None)
        if record is not None:
            if not isinstance(record, dict):
                raise ReferenceDataError(f"{where}: coproduction must be a section")
            record = _build(CoproductionRecord, f"{where}, coproduction", **record)
        fields = _OPTIONAL | entry
        templates.append(_build(LocalMetricTemplate, where, coproduction=record, **fields))
    return tuple(templates)


# ---------------------------------------------------------------------------
# The reference content
# ---------------------------------------------------------------------------

_DATA = load()

ALL_THEMES: tuple[Theme, ...] = _DATA.all_themes
THEMES: tuple[Theme, ...] = ALL_THEMES[:-1]
# PCREF part 1, as the plan's Delivery page words it.
LEADERSHIP_THEME: Theme = ALL_THEMES[-1]
ACTION_AREAS: tuple[ActionArea, ...] = _DATA.action_areas
PLAN_ACTIONS: tuple[PlanAction, ...] = _DATA.plan_actions
REGIONS: tuple[Region, ...] = _DATA.regions
# NHS Data Dictionary ETHNIC CATEGORY: code -> (name, high-level group).
NHS_ETHNIC_CATEGORIES: dict[str, tuple[str, str | None]] = _DATA.nhs_ethnic_categories
CHARACTERISTICS: tuple[Characteristic, ...] = _DATA.characteristics
NATIONAL_METRICS: tuple[Metric, ...] = _DATA.national_metrics
LOCAL_METRIC_EXAMPLES: tuple[LocalMetricTemplate, ...] = _DATA.local_metric_examples
