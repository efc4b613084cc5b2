"""Fuzzing the importers with no database: arbitrary bytes and arbitrary rows.

Whatever a person uploads, the reader (:func:`core.importer.read_table`) and the row
checks (:mod:`core.metric_import`, :mod:`core.equity_import`) give either a clean
preview or a non-empty list of problems, each naming its row and column in plain words.
They never raise. The inputs are built from the real reference lists (regions, metrics,
characteristics and their groups, measures) so that many rows get deep into the checks.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.equity import MEASURES
from core.equity_import import (
    COUNT_OPTIONAL,
    COUNT_REQUIRED,
    POPULATION_OPTIONAL,
    POPULATION_REQUIRED,
    EquityReference,
    check_count_rows,
    check_population_rows,
)
from core.importer import FILE, ROW, read_table
from core.metric_import import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CharacteristicInfo,
    ExistingValue,
    Lookups,
    MetricInfo,
    RegionInfo,
    build_preview,
    check_rows,
    value_keys,
)
from core.permissions import Actor
from core.validation import Problem
from seed import reference as ref

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: Writing and reading a workbook takes far longer than a CSV.
FUZZ_WORKBOOKS = settings(FUZZ, max_examples=100)

# ----------------------------------------------------------- the reference lists

FIRST_QUARTER = date(2023, 4, 1)
REGIONS = [RegionInfo(i, r.code, r.name) for i, r in enumerate(ref.REGIONS, start=1)]
LONDON = next(r for r in REGIONS if r.code == "london")
NORTH_WEST = next(r for r in REGIONS if r.code == "north_west")


def _metrics() -> list[MetricInfo]:
    national = [
        MetricInfo(
            i, m.code, m.name, m.unit, "national", None,
            frequency=m.frequency, disaggregated_by=m.disaggregated_by,
            start_period=FIRST_QUARTER,
        )
        for i, m in enumerate(ref.NATIONAL_METRICS, start=1)
    ]  # fmt: skip
    extra = [
        MetricInfo(900, "LONDON-L01", "London local", "count", "local", LONDON.id),
        MetricInfo(901, "NORTH_WEST-L01", "North West local", "rate", "local", NORTH_WEST.id),
        MetricInfo(902, "OLD01", "Retired", "score", "national", None, active=False),
        MetricInfo(903, "AN01", "Annual survey", "score", "national", None, frequency="annual"),
        MetricInfo(
            904, "END01", "Ended", "percentage", "national", None,
            start_period=FIRST_QUARTER, end_period=date(2024, 1, 1),
        ),
    ]  # fmt: skip
    return national + extra


def _characteristics() -> list[CharacteristicInfo]:
    """As ``db.metric_import.load_lookups`` builds them from the same reference rows."""
    out = []
    for c in ref.CHARACTERISTICS:
        parents = {g.parent for g in c.groups if g.parent}
        entered = [g for g in c.groups if g.code not in parents]
        by_text: dict[str, str] = {}
        for g in entered:
            by_text.setdefault(g.code.lower(), g.name)
        for g in entered:
            by_text[g.name.lower()] = g.name
        totals = {t.lower() for g in c.groups if g.code in parents for t in (g.code, g.name)}
        out.append(
            CharacteristicInfo(
                c.code,
                c.name,
                by_text,
                tuple(g.name for g in entered),
                frozenset(totals - set(by_text)),
            )
        )
    return out


METRICS = _metrics()
LOOKUPS = Lookups.build(REGIONS, METRICS, _characteristics())


def _equity_reference() -> EquityReference:
    """As ``db.equity.equity_reference`` builds it from the same reference rows."""
    regions = {}
    for r in REGIONS:
        regions[r.code.lower()] = regions[r.name.lower()] = (r.id, r.name)
    chars: dict[str, str] = {}
    names: dict[str, str] = {}
    groups: dict[str, dict[str, str]] = {}
    for c in ref.CHARACTERISTICS:
        chars[c.code.lower()] = chars[c.name.lower()] = c.code
        names[c.code] = c.name
        lookup = groups.setdefault(c.code, {})
        for g in c.groups:
            for key in (g.code, g.name, g.nhs_code):
                if key:
                    lookup.setdefault(" ".join(key.split()).lower(), g.name)
    return EquityReference(regions, chars, groups, names)


REFERENCE = _equity_reference()
ACTORS = [
    Actor(1, "admin", "admin", None),
    Actor(2, "national.lead", "national_lead", None),
    Actor(3, "london.lead", "regional_lead", LONDON.id),
    Actor(4, "northwest.lead", "regional_lead", NORTH_WEST.id),
    Actor(5, "london.forum", "forum_member", LONDON.id),
]

METRIC_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
COUNT_COLUMNS = (*COUNT_REQUIRED, *COUNT_OPTIONAL)
POPULATION_COLUMNS = (*POPULATION_REQUIRED, *POPULATION_OPTIONAL)
ALL_COLUMNS = tuple(dict.fromkeys((*METRIC_COLUMNS, *COUNT_COLUMNS, *POPULATION_COLUMNS)))

# ----------------------------------------------------------------- cell values

GROUP_TEXTS = sorted(
    {t for c in ref.CHARACTERISTICS for g in c.groups for t in (g.code, g.name, g.nhs_code) if t}
)
REAL_TEXTS = sorted(
    {
        *(t for r in REGIONS for t in (r.code, r.name, r.name.upper())),
        *(m.code for m in METRICS),
        *(t for c in ref.CHARACTERISTICS for t in (c.code, c.name)),
        *(t for m in MEASURES.values() for t in (m.code, m.label)),
        *GROUP_TEXTS,
        "2024/25 Q1", "Q3 2025/26", "2023-24 Q4", "2024/25", "2021", "2021/22", "2024-04-01",
        "ONS Census 2021",
    }
)  # fmt: skip
NASTY_TEXTS = [
    "", " ", "\t", "=1+1", "+1", "-1", "@SUM(A1)", '=HYPERLINK("http://x","y")', "=cmd|' /C'!A0",
    "0", "12", "99.5", "100", "101", "-0", "50%", "1,000", "1_000", "١٢", "１２", "0x10", "1e3",
    "1e308", "1e309", "-1e309", "9" * 40, "1e-400", "5e-324", "2147483648", "9223372036854775808",
    "NaN", "nan", "inf", "-Infinity", "Infinity%", "TRUE", "None", "null", "'", '"', '""', ",",
    ";", "\u200b", "\ufeff", "😀", "İ", "ß", "\u2028", "\x85", "\x1c", "a\nb", "a\r\nb",
    "0000/01 Q1", "0000/01", "9999/00 Q4", "9999/00", "2024/25 Q0", "2024/25 Q9", "2024/26 Q1",
    "٢٠٢٤/٢٥ Q١", "2024-02-30", "2024-04-01 00:00:00", "2024-04-01T10:00", "99999", "1989",
    "2101", "1066/67 Q1", "x" * 5_001,
]  # fmt: skip
cell_texts = st.one_of(
    st.sampled_from(REAL_TEXTS),
    st.sampled_from(NASTY_TEXTS),
    st.text(max_size=20),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats().map(repr),
)


def _number_text(value: float) -> st.SearchStrategy[str]:
    """The ways a spreadsheet may write a number."""
    texts = [repr(value), f"{value:g}", f" {value:,} "]
    if float(value).is_integer():
        texts += [str(int(value)), f"{int(value):,}"]
    return st.sampled_from(texts)


def _period_text(year: int, quarter: int | None) -> st.SearchStrategy[str]:
    label = f"{year}/{(year + 1) % 100:02d}"
    if quarter is None:
        return st.sampled_from([label, f"{year}-{year + 1}"])
    return st.sampled_from([f"{label} Q{quarter}", f"Q{quarter} {label}", f"{label} q{quarter}"])


def _group_text(characteristic: str) -> st.SearchStrategy[tuple[str, str]]:
    info = next(c for c in ref.CHARACTERISTICS if c.code == characteristic)
    group = st.sampled_from(info.groups)
    return st.tuples(
        st.sampled_from([info.code, info.name, info.name.upper()]),
        group.flatmap(lambda g: st.sampled_from([t for t in (g.code, g.name, g.nhs_code) if t])),
    )


REGION_TEXTS = st.sampled_from(["London", "london", " LONDON ", "North West", "north_west"])
NOTE_TEXTS = st.one_of(st.just(""), st.text(max_size=30))


@st.composite
def plausible_metric_rows(draw: st.DrawFn) -> dict[str, str]:
    """A metric-value row most of whose cells could pass (all of them, often)."""
    metric = draw(st.sampled_from(METRICS))
    annual = metric.frequency == "annual"
    year = draw(st.sampled_from([2024, 2023, 2025, 2026, 2022]))  # 2022: too early
    quarter = None if annual else draw(st.integers(1, 4))
    row = dict.fromkeys(METRIC_COLUMNS, "")
    row.update(region=draw(REGION_TEXTS), metric_code=metric.code, note=draw(NOTE_TEXTS))
    row["period"] = draw(_period_text(year, quarter))
    top = 100 if metric.unit == "percentage" else 10**7
    value: float = draw(st.integers(0, top) if metric.unit == "count" else st.floats(0, top))
    row["value"] = draw(_number_text(value))
    if metric.unit == "percentage" and draw(st.booleans()):
        denominator = draw(st.integers(1, 10**6))
        numerator = draw(st.integers(0, denominator))
        row.update(numerator=str(numerator), denominator=str(denominator))
        row["value"] = repr(100 * numerator / denominator)
    if metric.disaggregated_by and draw(st.booleans()):
        row["characteristic"], row["group"] = draw(_group_text(metric.disaggregated_by))
    return row


@st.composite
def plausible_count_rows(draw: st.DrawFn) -> dict[str, str]:
    measure = draw(st.sampled_from(list(MEASURES.values())))
    year = draw(st.sampled_from([2024, 2023, 2025, 2026, 2022]))  # 2022: too early
    quarter = draw(st.integers(1, 4)) if measure.frequency == "quarter" else None
    characteristic = draw(st.sampled_from([c.code for c in ref.CHARACTERISTICS]))
    char_text, group_text = draw(_group_text(characteristic))
    numerator = draw(st.integers(0, 10**6))
    denominator = ""
    if measure.kind == "proportion":
        denominator = str(draw(st.integers(max(numerator, 1), 10**7)))
    return {
        "region": draw(REGION_TEXTS),
        "period": draw(_period_text(year, quarter)),
        "measure": draw(st.sampled_from([measure.code, measure.label, measure.label.upper()])),
        "characteristic": char_text,
        "group": group_text,
        "numerator": draw(_number_text(numerator)),
        "denominator": denominator,
    }


@st.composite
def plausible_population_rows(draw: st.DrawFn) -> dict[str, str]:
    characteristic = draw(st.sampled_from([c.code for c in ref.CHARACTERISTICS]))
    char_text, group_text = draw(_group_text(characteristic))
    return {
        "region": draw(REGION_TEXTS),
        "characteristic": char_text,
        "group": group_text,
        "year": draw(st.sampled_from(["2011", "2021", "2021/22", "2021.0", "2023"])),
        "population": draw(st.integers(0, 10**7).flatmap(_number_text)),
        "source": draw(NOTE_TEXTS),
    }


PLAUSIBLE = {
    "metric": plausible_metric_rows(),
    "count": plausible_count_rows(),
    "population": plausible_population_rows(),
}


@st.composite
def rows_for(draw: st.DrawFn, kind: str, mutations: int = 3) -> dict[str, str]:
    """A plausible row with none, one or a few of its cells replaced by anything at all."""
    row = draw(PLAUSIBLE[kind])
    for column in draw(st.lists(st.sampled_from(sorted(row)), max_size=mutations)):
        row[column] = draw(cell_texts)
    return row


# ------------------------------------------------------------------- checking


def assert_problems_are_plain(problems: Sequence[Problem], row_numbers: set[int]) -> None:
    """Each problem names a column (and a row of the file, unless it is about the whole
    file) in a short plain sentence; none is the reader's last-resort catch-all, which
    would mean an unexpected exception was swallowed."""
    for problem in problems:
        assert isinstance(problem, Problem), problem
        assert isinstance(problem.column, str) and problem.column.strip(), problem
        assert isinstance(problem.message, str) and problem.message.strip(), problem
        assert problem.message.rstrip().endswith((".", ")")), problem
        assert "Traceback" not in problem.message, problem
        assert "could not be read (" not in problem.message, f"a swallowed exception: {problem}"
        if problem.row is None:
            assert problem.column == FILE, problem
        else:
            assert isinstance(problem.row, int) and problem.row >= 1, problem
            if row_numbers:
                assert problem.row in row_numbers or problem.row < min(row_numbers), problem


def assert_each_row_clean_or_named(
    rows: Sequence[dict[str, Any]], clean_numbers: list[int], problems: Sequence[Problem]
) -> None:
    """Every row is either clean or named by a problem, never both and never neither."""
    numbers = {int(r[ROW]) for r in rows}
    problem_rows = {p.row for p in problems}
    assert len(clean_numbers) == len(set(clean_numbers))
    assert set(clean_numbers) <= numbers
    assert not set(clean_numbers) & problem_rows
    assert numbers == set(clean_numbers) | (problem_rows & numbers)


ROW_COLUMNS = {
    "metric": set(METRIC_COLUMNS) | {"region, metric_code, period, group"},
    "count": set(COUNT_COLUMNS),
    "population": set(POPULATION_COLUMNS),
}


def check_table(kind: str, rows: list[dict[str, Any]], actor: Actor) -> None:
    """Run one importer's row checks (and, for metric values, the preview) on ``rows``."""
    if kind == "metric":
        clean, problems = check_rows(rows, LOOKUPS, actor)
        numbers = [r["row"] for r in clean]
        preview = build_preview(clean, list(problems), {})
        if problems:
            assert preview.rows == [] and preview.problems == problems
        else:
            assert preview.ok and preview.new == len(rows) == len(clean)
    elif kind == "count":
        counts, problems = check_count_rows(rows, REFERENCE, actor)
        numbers = [r.row for r in counts]
        assert all(0 <= r.numerator < 2**31 for r in counts)
        assert all(r.denominator is None or 0 < r.denominator < 2**31 for r in counts)
    else:
        populations, problems = check_population_rows(rows, REFERENCE, actor)
        numbers = [r.row for r in populations]
        assert all(0 <= r.population < 2**31 for r in populations)
    event(f"{kind} rows: {'some clean' if numbers else 'none clean'}")
    assert_problems_are_plain(problems, {int(r[ROW]) for r in rows})
    assert all(p.column in ROW_COLUMNS[kind] for p in problems), problems
    assert_each_row_clean_or_named(rows, numbers, problems)


IMPORTERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "metric": (REQUIRED_COLUMNS, OPTIONAL_COLUMNS),
    "count": (COUNT_REQUIRED, COUNT_OPTIONAL),
    "population": (POPULATION_REQUIRED, POPULATION_OPTIONAL),
}


def upload(data: bytes, filename: str, actor: Actor = ACTORS[0]) -> None:
    """What a person's upload reaches: the reader, then each importer's row checks."""
    for kind, (required, optional) in IMPORTERS.items():
        rows, problems = read_table(data, filename, required=required, optional=optional)
        assert isinstance(rows, list) and isinstance(problems, list)
        assert rows or problems, "neither rows nor problems"
        numbers = [r[ROW] for r in rows]
        assert numbers == sorted(set(numbers)) and all(n >= 2 for n in numbers)
        assert_problems_are_plain(problems, set(numbers))
        for row in rows:
            assert set(row) == {ROW, *required, *optional}
            assert all(isinstance(row[c], str) for c in (*required, *optional))
        event(f"{kind} file: {'rows' if rows else 'problems only'}")
        if rows:
            check_table(kind, rows, actor)


# ------------------------------------------------------------ arbitrary bytes


NAMES = ["f.csv", "f.CSV", "f.txt", "f.xlsx", "f.XLSM", "f.xls", "f", "f.csv.pdf", "f.xlsx.csv"]


@FUZZ
@given(data=st.binary(max_size=3_000), name=st.sampled_from(NAMES))
def test_arbitrary_bytes_give_a_preview_or_problems(data, name):
    upload(data, name)


@FUZZ
@given(tail=st.binary(max_size=2_000), name=st.sampled_from(["f.xlsx", "f.csv"]))
def test_bytes_that_start_like_a_zip_or_a_bom_give_a_preview_or_problems(tail, name):
    for head in (b"PK\x03\x04", b"PK\x05\x06", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        upload(head + tail, name)


# ------------------------------------------------------------ CSV-like bytes

heading_variants = st.one_of(
    st.sampled_from(ALL_COLUMNS),
    st.sampled_from(ALL_COLUMNS).map(lambda c: f"  {c.upper().replace('_', ' ')} "),
    st.sampled_from(ALL_COLUMNS).map(lambda c: c.replace("_", "-").title()),
    st.sampled_from(["", "\ufeffregion", "extra", "Value (%)", "=1+1", "région"]),
    st.text(max_size=10),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[object], list[list[object]]]:
    """A heading row and rows of cells for one importer: usually its own columns (in any
    order, some optional ones left out, headings written the ways people write them),
    sometimes a wrong, doubled or missing heading."""
    kind = draw(st.sampled_from(list(IMPORTERS)))
    required, optional = IMPORTERS[kind]
    columns = [*required, *draw(st.lists(st.sampled_from(optional), unique=True))]
    columns = list(draw(st.permutations(columns)))
    header: list[object] = [
        draw(st.sampled_from([c, c.upper(), f" {c.replace('_', ' ').title()} "])) for c in columns
    ]
    how = draw(st.sampled_from(["as is"] * 6 + ["replace", "drop", "add", "blank"]))
    if how == "replace":
        header[draw(st.integers(0, len(header) - 1))] = draw(heading_variants)
    elif how == "drop":
        del header[draw(st.integers(0, len(header) - 1))]
    elif how == "add":
        header.insert(draw(st.integers(0, len(header))), draw(heading_variants))
    elif how == "blank":
        header.append("")
    body = [
        [row[c] for c in columns] for row in draw(st.lists(rows_for(kind), min_size=0, max_size=6))
    ]
    if draw(st.integers(0, 5)) == 0:  # a value beyond the last heading
        body.append(["London"] * (len(header) + 1))
    return header, body


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """Text that looks like a CSV export, then sometimes damaged on purpose."""
    header, body = draw(tables())
    delimiter = draw(st.sampled_from([",", ",", ",", ";", "\t", "|"]))
    terminator = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=terminator, quoting=quoting)
    records: list[list[object]] = [header, *body]
    for blank in draw(st.lists(st.integers(0, len(records)), max_size=2)):
        records.insert(blank, [])  # blank lines, even before the headings
    writer.writerows(records)
    text = buffer.getvalue()
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 0, 1, 2]))):  # broken quoting, strays
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at] + draw(st.sampled_from(['"', "'", '""', "\r", "\x00", "\ufeff"])) + text[at:]
        )
    encoding = draw(st.sampled_from(["utf-8"] * 3 + ["utf-8-sig", "utf-16", "utf-16-le", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 4)) == 0:
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xef\xbb\xbf\xa3"])) + data
    return data


@FUZZ
@given(data=csv_files(), name=st.sampled_from(["values.csv", "values.txt", "values.CSV"]))
def test_csv_like_bytes_give_a_preview_or_problems(data, name):
    upload(data, name)


@FUZZ
@given(
    cells=st.lists(
        st.lists(
            st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=12),
            max_size=10,  # one more than there are headings
        ),
        max_size=8,
    ),
    bom=st.booleans(),
)
def test_a_well_formed_csv_is_read_exactly(cells, bom):
    """Not only no crash: a CSV written properly comes back cell for cell, trimmed, with
    wholly blank rows skipped and the row numbers a spreadsheet shows."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([list(METRIC_COLUMNS), *cells])
    data = buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")
    rows, problems = read_table(
        data, "values.csv", required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS
    )
    expected = [
        (number, [c.strip() for c in record])
        for number, record in enumerate(cells, start=2)
        if any(c.strip() for c in record)
    ]
    if not expected:
        assert rows == [] and [p.message for p in problems] == [
            "the file has a heading row but no rows of values below it."
        ]
        return
    if any(any(record[len(METRIC_COLUMNS) :]) for _n, record in expected):
        assert rows == [] and problems, "values beyond the last heading are a problem"
        return
    assert problems == [], problems
    assert [r[ROW] for r in rows] == [n for n, _ in expected]
    for row, (_n, record) in zip(rows, expected, strict=True):
        padded = record + [""] * (len(METRIC_COLUMNS) - len(record))
        assert [row[c] for c in METRIC_COLUMNS] == padded[: len(METRIC_COLUMNS)]


# ---------------------------------------------------------- Excel workbooks

excel_values = st.one_of(
    st.none(),
    cell_texts.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)),
    st.sampled_from(["=1+1", "=A1/0", "=NOW()", "=SUM(A1:A3)"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)


def _as_excel(text: object) -> st.SearchStrategy[object]:
    """A cell as Excel may hold it: the text, or the number or date it reads as."""
    options: list[object] = [ILLEGAL_CHARACTERS_RE.sub("", str(text))]
    try:
        number = float(str(text).replace(",", ""))
    except ValueError:
        number = None
    if number is not None and math.isfinite(number):
        options.append(int(number) if number.is_integer() and abs(number) < 2**53 else number)
    if str(text)[:4].isdigit() and 1900 <= int(str(text)[:4]) <= 9999:
        options.append(datetime(int(str(text)[:4]), 4, 1))
    return st.sampled_from(options)


def workbook_bytes(rows: list[list[object]], sheets: int = 1) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for number in range(1, sheets):
        workbook.create_sheet(f"Sheet {number + 1}").append(["region", "x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    header, body = draw(tables())
    header = [ILLEGAL_CHARACTERS_RE.sub("", str(h)) for h in header]
    cells = [[draw(_as_excel(text)) for text in row] for row in body]
    for _ in range(draw(st.sampled_from([0, 0, 1, 3]))):  # any value Excel can hold, anywhere
        if cells:
            row = draw(st.sampled_from(cells))
            if row:
                row[draw(st.integers(0, len(row) - 1))] = draw(excel_values)
    return workbook_bytes([header, *cells], sheets=draw(st.integers(1, 2)))


@FUZZ_WORKBOOKS
@given(data=workbooks(), name=st.sampled_from(["values.xlsx", "values.XLSX", "values.xlsm"]))
@example(
    data=workbook_bytes(
        [list(METRIC_COLUMNS), ["London", "CA01", datetime(1, 1, 1), -(2**70), 1, 1]]
    ),
    name="values.xlsx",
)
@example(
    data=workbook_bytes(
        [list(COUNT_COLUMNS), ["London", date(9999, 12, 31), "=1+1", time(23, 59)]]
    ),
    name="values.xlsx",
)
def test_valid_workbooks_holding_anything_give_a_preview_or_problems(data, name):
    upload(data, name)


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The workbook with each member replaced by ``change(name, content)`` (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


MEMBERS = ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml",
           "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"]  # fmt: skip
#: Made once: a workbook's bytes hold the time it was saved, and each example must damage
#: the same bytes for hypothesis to replay it.
GOOD_WORKBOOK = workbook_bytes(
    [list(METRIC_COLUMNS), ["London", "CA01", "2024/25 Q1", 45, None, None, "", "", "n"]]
)
XML_SNIPPETS = [
    b"",
    b"<worksheet/>",
    b'<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1" t="s">'
    b"<v>999</v></c></row></sheetData></worksheet>",
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="0"><c r="ZZZZ1" t="n"><v>1e999</v></c><c r="A1" t="d">'
    b"<v>not a date</v></c></row></sheetData></worksheet>",
    b"<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;'>]><x>&b;</x>",
]


@st.composite
def corrupted_workbooks(draw: st.DrawFn) -> bytes:
    data = GOOD_WORKBOOK
    how = draw(st.sampled_from(["truncate", "flip", "member", "drop", "splice"]))
    if how == "truncate":
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "flip":
        damaged = bytearray(data)
        for at in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=8)):
            damaged[at] ^= draw(st.integers(1, 255))
        return bytes(damaged)
    member = draw(st.sampled_from(MEMBERS))
    if how == "drop":
        return _rezip(data, lambda name, content: None if name == member else content)
    replacement = draw(st.one_of(st.binary(max_size=300), st.sampled_from(XML_SNIPPETS)))
    if how == "splice":

        def change(name: str, content: bytes) -> bytes:
            if name != member:
                return content
            at = draw(st.integers(0, len(content)))
            return content[:at] + replacement + content[at:]

        return _rezip(data, change)
    return _rezip(data, lambda name, content: replacement if name == member else content)


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl's notes on what it repaired
@FUZZ
@given(data=corrupted_workbooks())
def test_corrupted_workbooks_give_problems_never_an_exception(data):
    upload(data, "values.xlsx")


# ------------------------------------------------------------ arbitrary rows


def numbered(
    kind: str, max_size: int = 8, mutations: int = 3
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Rows as the reader gives them: every column as trimmed text, and the row number."""
    return st.lists(rows_for(kind, mutations), min_size=1, max_size=max_size).map(
        lambda rows: [
            {ROW: number, **{c: str(v).strip() for c, v in row.items()}}
            for number, row in enumerate(rows, start=2)
        ]
    )


def _one_row(kind: str, **cells: str) -> list[dict[str, Any]]:
    base = {
        "metric": {"region": "London", "metric_code": "AN01", "period": "2024/25", "value": "3"},
        "count": {
            "region": "London", "period": "2025/26 Q1", "measure": "people_supported",
            "characteristic": "sex", "group": "Female", "numerator": "10", "denominator": "",
        },
        "population": {
            "region": "London", "characteristic": "sex", "group": "Female", "year": "2021",
            "population": "10", "source": "",
        },
    }[kind]  # fmt: skip
    columns = dict(zip(IMPORTERS, (METRIC_COLUMNS, COUNT_COLUMNS, POPULATION_COLUMNS), strict=True))
    return [{ROW: 2, **dict.fromkeys(columns[kind], ""), **base, **cells}]


@FUZZ
@given(rows=numbered("metric"), actor=st.sampled_from(ACTORS))
@example(rows=_one_row("metric", period="0000/01"), actor=ACTORS[0])
@example(rows=_one_row("metric", period="9999/00"), actor=ACTORS[0])
@example(rows=_one_row("metric", metric_code="CA01", period="0000/01 Q1"), actor=ACTORS[0])
@example(rows=_one_row("metric", metric_code="CA01", period="9999/00 Q4"), actor=ACTORS[0])
def test_arbitrary_metric_rows_give_a_preview_or_problems(rows, actor):
    check_table("metric", rows, actor)


@FUZZ
@given(rows=numbered("count"), actor=st.sampled_from(ACTORS))
@example(rows=_one_row("count", period="0000/01 Q1"), actor=ACTORS[0])
@example(rows=_one_row("count", period="9999/00 Q4"), actor=ACTORS[0])
@example(rows=_one_row("count", numerator="2147483648"), actor=ACTORS[0])
@example(rows=_one_row("count", numerator="1e300"), actor=ACTORS[0])
def test_arbitrary_count_rows_give_checked_rows_or_problems(rows, actor):
    check_table("count", rows, actor)


@FUZZ
@given(rows=numbered("population"), actor=st.sampled_from(ACTORS))
@example(rows=_one_row("population", population="9" * 40), actor=ACTORS[0])
def test_arbitrary_population_rows_give_checked_rows_or_problems(rows, actor):
    check_table("population", rows, actor)


def _stored(index: int, row: dict[str, Any], same: bool) -> ExistingValue:
    """What the database holds for ``row``: exactly its figures, or a different value."""
    value = row["value"] if same else row["value"] + 1
    return ExistingValue(index, value, row["numerator"], row["denominator"], row["note"] or "", 1)


@FUZZ
@given(
    rows=numbered("metric", max_size=6, mutations=1),
    stored=st.lists(st.sampled_from(["absent", "same", "different"]), min_size=6, max_size=6),
    actor=st.sampled_from([ACTORS[0], ACTORS[2]]),  # who may edit London (the other roles:
)  # in the tests above)
def test_metric_previews_count_new_updated_and_unchanged_whatever_is_stored(rows, stored, actor):
    """A file with a problem previews as its problems alone; the clean rows, compared with
    what is stored (nothing, the same figures or others), preview with exact counts."""
    clean, problems = check_rows(rows, LOOKUPS, actor)
    kinds = stored[: len(clean)]
    existing = {
        key: _stored(i, row, kind == "same")
        for i, (key, row, kind) in enumerate(zip(value_keys(clean), clean, kinds, strict=True))
        if kind != "absent"
    }
    if problems:
        refused = build_preview([dict(r) for r in clean], list(problems), existing)
        assert refused.rows == [] and refused.problems == problems and not refused.ok
        assert refused.changes == 0
    event(f"clean rows: {len(clean)}" if clean else "no clean rows")
    preview = build_preview(clean, [], existing)
    assert preview.ok == bool(clean)
    assert (preview.new, preview.updated, preview.unchanged) == (
        kinds.count("absent"),
        kinds.count("different"),
        kinds.count("same"),
    )
    assert [r["change"] for r in preview.rows] == [
        {"absent": "new", "same": "unchanged", "different": "updated"}[k] for k in kinds
    ]
    assert all(math.isfinite(r["value"]) for r in preview.rows)
    assert len(preview.display or []) == len(preview.rows)
