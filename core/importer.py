"""Reading an uploaded CSV or Excel file into rows of text, safely.

The generic half of every importer (metric values, equity counts): it knows nothing
about what the columns mean. :func:`read_table` turns the bytes a person uploaded into
rows of trimmed text keyed by column name, with the row number as the person sees it
in their spreadsheet (the heading row is row 1), or into a list of problems. It never
raises on bad input: a file that is too big, empty, binary, in an unknown encoding or
not a real workbook comes back as a problem the person can act on.

:class:`ImportPreview` is what a dry run produces and a commit consumes: the rows ready
to write, every problem found, and how many values are new, changed or unchanged.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from core.validation import Problem

#: The key that holds a row's number (an ``int``) in the rows :func:`read_table` returns.
ROW = "_row"
#: The ``column`` of a problem about the file as a whole rather than one column.
FILE = "file"

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
#: A workbook may not expand to more than this many times its own size (zip bombs).
MAX_EXPANSION = 100
#: Text longer than this in one cell is refused (no column we import needs more).
MAX_CELL_CHARS = 5_000


@dataclass(frozen=True)
class ImportCounts:
    """How many values a file adds, changes and leaves as they were."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def describe(self, noun: str = "value") -> str:
        """``120 new values, 8 updated, 3 unchanged``."""
        plural = noun if self.new == 1 else f"{noun}s"
        return f"{self.new:,} new {plural}, {self.updated:,} updated, {self.unchanged:,} unchanged"


@dataclass
class ImportPreview:
    """The result of a dry run.

    ``rows``: the parsed rows, ready to write (each a dict; an importer adds what its
    commit needs, such as the id and version of the value a row replaces).
    ``problems``: everything wrong, each with its row and column; nothing may be
    written while there is one. ``display``: the rows as a person should see them in
    the preview table (defaults to ``rows``). ``noun``: what one row is, in words.
    ``notices``: what a person should know before saving that does not stop the save
    (such as figures for a quarter that has not ended yet).
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    display: list[dict[str, Any]] | None = None
    noun: str = "value"
    source: str = ""  # the file's name, for the audit trail
    notices: list[str] = field(default_factory=list)

    @property
    def counts(self) -> ImportCounts:
        return ImportCounts(self.new, self.updated, self.unchanged)

    @property
    def summary(self) -> str:
        return self.counts.describe(self.noun)

    @property
    def ok(self) -> bool:
        """True when the file is clean and has at least one row."""
        return not self.problems and bool(self.rows)

    @property
    def changes(self) -> int:
        """How many rows a commit would write."""
        return self.new + self.updated


def sorted_problems(problems: Sequence[Problem]) -> list[Problem]:
    """Problems about the whole file first, then by row number (stable within a row)."""
    return sorted(problems, key=lambda p: -1 if p.row is None else p.row)


def problem_rows(problems: Sequence[Problem]) -> list[dict[str, object]]:
    """Problems as table rows with the columns ``Row``, ``Column`` and ``Problem``."""
    return [
        {
            "Row": "" if p.row is None else str(p.row),
            "Column": "" if p.column == FILE else p.column,
            "Problem": _capitalise(p.message),
        }
        for p in sorted_problems(problems)
    ]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def size_text(n_bytes: int) -> str:
    """``5_000_000`` -> ``5 MB``; ``1_250_000`` -> ``1.2 MB``; small files in KB."""
    if n_bytes < 1_000_000:
        return f"{max(1, round(n_bytes / 1000))} KB"
    return f"{n_bytes / 1_000_000:.1f}".rstrip("0").rstrip(".") + " MB"


def too_big_message(size: int, max_bytes: int) -> str:
    return (
        f"The file is {size_text(size)}, more than the limit of {size_text(max_bytes)}. "
        "Split it into smaller files and import them one at a time."
    )


def normalise_heading(text: object) -> str:
    """``' Metric Code '`` -> ``metric_code``: trimmed, lower case, spaces as ``_``."""
    raw = "" if text is None else str(text)
    raw = raw.replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", raw)


def cell_text(value: object) -> str:
    """A cell as plain text: numbers without a trailing ``.0``, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


# ----------------------------------------------------------------------- reading


def read_table(
    data: bytes,
    filename: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_bytes: int = 5_000_000,
    max_cells: int = 1_000_000,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Rows of text from a CSV or XLSX upload, or the problems that stop it being read.

    Each row is a dict holding every known column (``required`` and ``optional``;
    ``""`` when blank or absent) plus :data:`ROW`, its row number as the person sees it
    in the file. Headings match case-insensitively, trimmed, with spaces or hyphens as
    underscores. Wholly blank rows are skipped. A problem with the file as a whole has
    ``row=None`` and ``column="file"``; heading problems are on row 1 (the heading row).
    Never raises on bad input.
    """
    try:
        return _read_table(data, filename, required, optional, max_bytes, max_cells)
    except Exception as exc:  # hostile input must never crash the page
        return [], [
            Problem(
                FILE,
                "the file could not be read "
                f"({type(exc).__name__}). Save it again as CSV UTF-8 or as an Excel workbook "
                "(.xlsx) and upload it again.",
            )
        ]


def _read_table(
    data: bytes,
    filename: str,
    required: Sequence[str],
    optional: Sequence[str],
    max_bytes: int,
    max_cells: int,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    data = bytes(data or b"")
    name = (filename or "").strip().lower()
    if len(data) > max_bytes:
        return [], [Problem(FILE, too_big_message(len(data), max_bytes))]
    if not data.strip():
        return [], [Problem(FILE, "the file is empty. Fill in the template and upload it again.")]
    if name.endswith(XLSX_EXTENSIONS):
        records, problems = _xlsx_records(data, max_bytes, max_cells)
    elif name.endswith(CSV_EXTENSIONS):
        records, problems = _csv_records(data, max_cells)
    elif name.endswith(".xls"):
        return [], [
            Problem(
                FILE,
                "this is an old-style Excel file (.xls). In Excel choose File, Save As, and "
                "pick 'Excel Workbook (.xlsx)' or 'CSV UTF-8', then upload that file.",
            )
        ]
    else:
        return [], [
            Problem(FILE, "only CSV files (.csv) and Excel workbooks (.xlsx) can be imported.")
        ]
    if problems:
        return [], problems
    return _rows_from_records(records, required, optional)


def _decode(data: bytes) -> str | None:
    """The text of a CSV: UTF-8 (with or without a byte-order mark), UTF-16 with a
    byte-order mark (Excel's "Unicode text"), or Windows-1252 (older Excel)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # a UTF-8 byte-order mark on text that is not all UTF-8 is no part of the text
        return data.removeprefix(codecs.BOM_UTF8).decode("cp1252")
    except UnicodeDecodeError:
        return None


def _heading_line(text: str) -> str:
    """The first line with anything on it: a file may start with blank lines, and the
    heading row is the first row that is not blank."""
    for line in io.StringIO(text, newline=""):
        if line.strip():
            return line
    return ""


def uses_decimal_comma(data: bytes, filename: str) -> bool:
    """Whether a file marks decimals with a comma: a CSV whose heading row uses
    semicolons (as Excel writes where the comma is the decimal mark). Workbooks and
    comma- or tab-separated files mark decimals with a full stop."""
    if not (filename or "").strip().lower().endswith(CSV_EXTENSIONS):
        return False
    text = _decode(bytes(data or b""))
    return text is not None and _delimiter(_heading_line(text.lstrip("\ufeff"))) == ";"


def _delimiter(first_line: str) -> str:
    """A comma, unless the heading row clearly uses semicolons or tabs instead."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    if counts[","] == 0 and max(counts.values()) > 0:
        return max(counts, key=lambda d: counts[d])
    return ","


def _csv_records(
    data: bytes, max_cells: int
) -> tuple[list[tuple[int, list[object]]], list[Problem]]:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], [
            Problem(
                FILE,
                "this does not look like a CSV file (it holds binary data). Save your "
                "spreadsheet as 'CSV UTF-8' and upload that file.",
            )
        ]
    text = _decode(data)
    if text is None or "\x00" in text:
        return [], [
            Problem(
                FILE,
                "the file's text could not be read. Save it as 'CSV UTF-8 (comma delimited)' "
                "and upload it again.",
            )
        ]
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(_heading_line(text)))
    records: list[tuple[int, list[object]]] = []
    cells = 0
    try:
        for number, record in enumerate(reader, start=1):
            cells += len(record)
            if cells > max_cells:
                return [], [_too_many_cells(max_cells)]
            records.append((number, list(record)))
    except csv.Error as exc:
        return [], [
            Problem(
                FILE,
                f"the CSV file is damaged near row {reader.line_num} ({exc}). Save it again "
                "from your spreadsheet as 'CSV UTF-8' and upload it again.",
            )
        ]
    return records, []


def _too_many_cells(max_cells: int) -> Problem:
    return Problem(
        FILE,
        f"the file has more than {max_cells:,} cells. Split it into smaller files and "
        "import them one at a time.",
    )


def _not_a_workbook() -> Problem:
    return Problem(
        FILE,
        "this is not an Excel workbook we can read. Save it from Excel as 'Excel Workbook "
        "(.xlsx)' or as 'CSV UTF-8' and upload it again.",
    )


def _xlsx_records(
    data: bytes, max_bytes: int, max_cells: int
) -> tuple[list[tuple[int, list[object]]], list[Problem]]:
    if not data.startswith(b"PK"):
        return [], [_not_a_workbook()]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return [], [_not_a_workbook()]
    if expanded > max(max_bytes, len(data)) * MAX_EXPANSION:
        return [], [
            Problem(FILE, "the workbook is too large once opened. Split it into smaller files.")
        ]

    from openpyxl import load_workbook  # imported here: only Excel uploads need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        return [], [_not_a_workbook()]
    try:
        sheets = workbook.worksheets
        if not sheets:
            return [], [_not_a_workbook()]
        sheet = sheets[0]
        records: list[tuple[int, list[object]]] = []
        cells = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            row = list(values)
            while row and (row[-1] is None or row[-1] == ""):
                row.pop()  # Excel often reports empty cells at the end of a row
            cells += len(row)
            if cells > max_cells:
                return [], [_too_many_cells(max_cells)]
            records.append((number, row))
        return records, []
    except Exception:  # damaged sheet XML
        return [], [_not_a_workbook()]
    finally:
        workbook.close()


def _rows_from_records(
    records: list[tuple[int, list[object]]],
    required: Sequence[str],
    optional: Sequence[str],
) -> tuple[list[dict[str, Any]], list[Problem]]:
    texts = [
        (number, [v.strip() if isinstance(v, str) else cell_text(v) for v in values])
        for number, values in records
    ]
    texts = [(number, values) for number, values in texts if any(values)]
    if not texts:
        return [], [Problem(FILE, "the file is empty. Fill in the template and upload it again.")]
    header_row, headings = texts[0]
    body = texts[1:]
    known = [normalise_heading(c) for c in (*required, *optional)]
    wanted = dict.fromkeys(known)
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    # Values past the last heading are under a blank heading too, not to be dropped.
    filled = {index for _, values in body for index, text in enumerate(values) if text}
    for index in sorted(filled.union(range(len(headings)))):
        heading = headings[index] if index < len(headings) else ""
        key = normalise_heading(heading)
        if not key:
            if index in filled:
                problems.append(
                    Problem(
                        f"column {_column_letter(index)}",
                        "this column has values but no heading. Give it one of the "
                        f"headings {_listing(known)}, or delete it.",
                        header_row,
                    )
                )
            continue
        if key not in wanted:
            problems.append(
                Problem(
                    heading,
                    f"'{_clip(heading)}' is not a column this import knows. Rename it to one "
                    f"of {_listing(known)}, or delete the column.",
                    header_row,
                )
            )
            continue
        if key in positions:
            problems.append(
                Problem(
                    heading,
                    f"the column '{key}' appears twice (columns {_column_letter(positions[key])} "
                    f"and {_column_letter(index)}). Keep one of them.",
                    header_row,
                )
            )
            continue
        positions[key] = index
    for column in (normalise_heading(c) for c in required):
        if column not in positions:
            problems.append(
                Problem(
                    column,
                    f"the column '{column}' is missing. The heading row (row {header_row}) "
                    f"needs {_listing([normalise_heading(c) for c in required])}.",
                    header_row,
                )
            )
    if problems:
        return [], problems
    if not body:
        return [], [Problem(FILE, "the file has a heading row but no rows of values below it.")]
    rows: list[dict[str, Any]] = []
    for number, values in body:
        row: dict[str, Any] = {ROW: number}
        for column in known:
            index = positions.get(column)
            text = values[index] if index is not None and index < len(values) else ""
            if len(text) > MAX_CELL_CHARS:
                problems.append(
                    Problem(
                        column,
                        f"the text is too long (over {MAX_CELL_CHARS:,} characters).",
                        number,
                    )
                )
                text = text[:MAX_CELL_CHARS]
            row[column] = text
        rows.append(row)
    return rows, problems


def _column_letter(index: int) -> str:
    """0 -> ``A``, 26 -> ``AA`` (as a spreadsheet names its columns)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _listing(columns: Sequence[str]) -> str:
    return ", ".join(columns)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
