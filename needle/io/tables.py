"""Readers of delimited text, JSON and Parquet into Arrow tables of raw columns.

The happy path is vectorised (pyarrow's CSV reader, DuckDB's JSON reader, Arrow compute for
whitespace-separated text). Only when a check fails does a row-by-row pass run, to name the exact
line of the bad row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from needle.errors import InputError, UserError
from needle.io.files import BadRow, check_utf8, read_bytes

FORMATS = ("csv", "json", "parquet")
WHITESPACE = "whitespace"
_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".json": "json", ".jsonl": "json",
             ".ndjson": "json", ".parquet": "parquet", ".pq": "parquet"}
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}

Locator = Callable[[int], tuple[str, str]]


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; the defaults follow its name and its header."""

    format: str | None = None
    delimiter: str | None = None
    header: bool = True
    columns: tuple[str, ...] = ()
    skip_bad: bool = False


@dataclass
class RawTable:
    """A file's rows as Arrow columns, before any mapping.

    ``json_values`` says the columns hold JSON text (from a JSON file) rather than plain text
    or typed values. ``locate(i)`` tells where row ``i`` of ``table`` sits in the file and its text.
    """

    file: str
    table: pa.Table
    locate: Locator
    json_values: bool = False
    rejected: list[BadRow] = field(default_factory=list)
    header: str = "columns"

    def bad(self, row: int, reason: str) -> BadRow:
        location, text = self.locate(row)
        return BadRow(self.file, location, reason, text)


def read_table(path: Path, options: ReadOptions) -> RawTable:
    """Read ``path`` whole into a :class:`RawTable`, raising :class:`InputError` on a bad row
    unless ``options.skip_bad`` (then bad rows are in ``rejected``)."""
    data = read_bytes(path)
    fmt = options.format or detect_format(path, data)
    if fmt == "parquet":
        return _read_parquet(path, data)
    data, rejected = check_utf8(path, data, options.skip_bad)
    reader = _read_json if fmt == "json" else _read_delimited
    raw = reader(path, data, options)
    raw.rejected[:0] = rejected
    return raw


def detect_format(path: Path, data: bytes) -> str:
    """The format named by the file's suffix (under any .gz), else sniffed from its content."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    if data.startswith(b"PAR1"):
        return "parquet"
    return "json" if data.lstrip()[:1] in (b"{", b"[") else "csv"


def delimiter_of(path: Path, name: str | None) -> str:
    """The delimiter character (or ``whitespace``); tab for .tsv files, comma otherwise."""
    if name is None:
        return "\t" if ".tsv" in [s.lower() for s in path.suffixes] else ","
    name = _DELIMITER_NAMES.get(name.lower(), name)
    if name != WHITESPACE and len(name) != 1:
        raise UserError(f"delimiter {name!r}: give one character, tab, or whitespace",
                        field="delimiter", value=name)
    return name


def _read_parquet(path: Path, data: bytes) -> RawTable:
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        raise InputError(str(path), "file", f"not a readable Parquet file ({exc})") from None
    return RawTable(str(path), table, lambda row: (f"row {row + 1}", ""))


def _read_delimited(path: Path, data: bytes, options: ReadOptions) -> RawTable:
    delimiter = delimiter_of(path, options.delimiter)
    if delimiter == WHITESPACE:
        return _read_whitespace(path, data, options)
    names = _header_names(path, data, delimiter, options)
    invalid: list[pacsv.InvalidRow] = []
    table = _pyarrow_csv(data, delimiter, names, options.header, invalid.append, threads=True)
    records = _CsvRecords(data, delimiter, options.header)
    raw = RawTable(str(path), table, records.locate, header=_header_location(options))
    if invalid:
        # Threaded parsing does not number invalid rows: parse again on one thread to do so.
        invalid.clear()
        _pyarrow_csv(data, delimiter, names, options.header, invalid.append, threads=False)
        first_record = 2 if options.header else 1
        skipped = [row.number - first_record for row in invalid]
        records.skip(skipped)
        raw.rejected = [_field_count_row(path, records, index, row)
                        for index, row in zip(skipped, invalid, strict=True)]
        if not options.skip_bad:
            raise raw.rejected[0].error()
    return raw


def _field_count_row(path: Path, records: _CsvRecords, index: int,
                     row: pacsv.InvalidRow) -> BadRow:
    location, text = records.record(index)
    reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
    return BadRow(str(path), location, reason, text)


def _pyarrow_csv(data: bytes, delimiter: str, names: list[str], header: bool,
                 on_invalid: Callable[[pacsv.InvalidRow], object], threads: bool) -> pa.Table:
    def handler(row: pacsv.InvalidRow) -> str:
        on_invalid(row)
        return "skip"

    return pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(use_threads=threads, column_names=names,
                                       skip_rows=1 if header else 0, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         invalid_row_handler=handler),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True,
            null_values=[""], check_utf8=False),
    )


def _header_names(path: Path, data: bytes, delimiter: str, options: ReadOptions) -> list[str]:
    if not options.header:
        return list(options.columns) or _numbered(_first_record(data, delimiter))
    names = _first_record(data, delimiter)
    if not names:
        raise InputError(str(path), "line 1", "the file is empty; expected a header row")
    if options.columns:
        if len(options.columns) != len(names):
            raise InputError(str(path), "line 1", f"{len(options.columns)} column names given "
                             f"but the header has {len(names)}", field="columns",
                             value=list(options.columns))
        names = list(options.columns)
    return _unique(path, [name.strip() for name in names])


def _first_record(data: bytes, delimiter: str) -> list[str]:
    head = data[: 1 << 20].decode("utf-8", "ignore")
    rows = csv.reader(io.StringIO(head), delimiter=delimiter)
    return next((row for row in rows if row), [])


def _numbered(first: list[str]) -> list[str]:
    return [f"column_{i}" for i in range(1, len(first) + 1)]


def _unique(path: Path, names: list[str]) -> list[str]:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError(str(path), "line 1", f"column {name!r} appears twice in the header")
        seen.add(name)
    return names


class _CsvRecords:
    """Where each CSV record starts, found by Python's csv module; built only when asked."""

    def __init__(self, data: bytes, delimiter: str, header: bool) -> None:
        self._data, self._delimiter, self._header = data, delimiter, header
        self._skipped: list[int] = []
        self._starts: list[tuple[int, int]] | None = None
        self._lines: list[str] = []

    def skip(self, indexes: list[int]) -> None:
        self._skipped = sorted(indexes)

    def locate(self, row: int) -> tuple[str, str]:
        """Location and text of table row ``row`` (records that were skipped do not count)."""
        for skipped in self._skipped:
            if skipped <= row:
                row += 1
        return self.record(row)

    def record(self, index: int) -> tuple[str, str]:
        starts = self._scan()
        first, last = starts[index]
        return f"line {first}", "\n".join(self._lines[first - 1 : last])

    def _scan(self) -> list[tuple[int, int]]:
        if self._starts is None:
            text = self._data.decode("utf-8", "replace")
            self._lines = text.splitlines()
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=self._delimiter)
            starts, previous = [], 0
            for row in reader:
                if row:
                    starts.append((previous + 1, reader.line_num))
                previous = reader.line_num
            self._starts = starts[1:] if self._header else starts
        return self._starts


def _read_whitespace(path: Path, data: bytes, options: ReadOptions) -> RawTable:
    lines, numbers, fields = _split_on_blanks(data)
    first = fields[0].as_py() if len(fields) else []
    if options.header:
        fields, numbers = fields[1:], numbers[1:]
    names = _unique(path, list(options.columns) or (first if options.header else _numbered(first)))
    counts = pc.list_value_length(fields).to_numpy(False)
    good = counts == len(names)
    rejected = [BadRow(str(path), f"line {n}", f"expected {len(names)} fields, found {c}",
                       lines[int(n) - 1].as_py())
                for n, c in zip(numbers[~good], counts[~good], strict=True)]
    if rejected and not options.skip_bad:
        raise rejected[0].error()
    fields, kept = fields.filter(pa.array(good)), numbers[good]
    table = pa.table({name: pc.list_element(fields, i) for i, name in enumerate(names)})

    def locate(row: int) -> tuple[str, str]:
        return f"line {kept[row]}", lines[int(kept[row]) - 1].as_py()

    return RawTable(str(path), table, locate, rejected=rejected,
                    header=_header_location(options))


def _split_on_blanks(data: bytes) -> tuple[pa.Array, np.ndarray, pa.Array]:
    """(every line, numbers of the non-blank lines, their fields split on runs of blanks)."""
    # Neither pyarrow nor DuckDB split on runs of blanks, so Arrow's regex kernel does.
    lines = pa.array(data.decode("utf-8").split("\n"))
    trimmed = pc.utf8_trim_whitespace(lines)
    numbers = np.flatnonzero(pc.greater(pc.utf8_length(trimmed), 0).to_numpy(False)) + 1
    return lines, numbers, pc.split_pattern_regex(pc.take(trimmed, pa.array(numbers - 1)), r"\s+")


def _header_location(options: ReadOptions) -> str:
    return "line 1 (header)" if options.header else "columns"


def _read_json(path: Path, data: bytes, options: ReadOptions) -> RawTable:
    is_array = data.lstrip()[:1] == b"["
    rejected: list[BadRow] = []
    try:
        table = _duckdb_json(data)
    except duckdb.Error as exc:
        rejected = _bad_json(path, data, is_array, str(exc))
        if not options.skip_bad or is_array or rejected[0].location == "file":
            raise rejected[0].error() from None
        table = _duckdb_json(_blank_lines(data, rejected))
    locate = _array_locator() if is_array else _lines_locator(data)
    return RawTable(str(path), table, locate, json_values=True, rejected=rejected)


def _duckdb_json(data: bytes) -> pa.Table:
    # maximum_depth=1 keeps every top-level value as JSON text: nested properties stay whole
    # and values whose type changes from row to row do not break the read.
    con = duckdb.connect()
    relation = con.read_json(io.BytesIO(data), format="auto", maximum_depth=1, sample_size=-1)
    return relation.to_arrow_table()


def _bad_json(path: Path, data: bytes, is_array: bool, engine_message: str) -> list[BadRow]:
    text = data.decode("utf-8")
    if is_array:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            return [BadRow(str(path), f"line {exc.lineno}", f"not valid JSON: {exc.msg}")]
        return [BadRow(str(path), "file", f"cannot read it as JSON: {engine_message}")]
    bad = []
    for number, line in enumerate(text.split("\n"), start=1):
        reason = _json_line_problem(line)
        if reason:
            bad.append(BadRow(str(path), f"line {number}", reason, line))
    return bad or [BadRow(str(path), "file", f"cannot read it as JSON: {engine_message}")]


def _json_line_problem(line: str) -> str | None:
    if not line.strip():
        return None
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} at column {exc.colno}"
    return None if isinstance(value, dict) else "not a JSON object"


def _blank_lines(data: bytes, bad: list[BadRow]) -> bytes:
    lines = data.split(b"\n")
    for row in bad:
        lines[int(row.location.removeprefix("line ")) - 1] = b""
    return b"\n".join(lines)


def _array_locator() -> Locator:
    return lambda row: (f"record {row + 1}", "")


def _lines_locator(data: bytes) -> Locator:
    lines: list[str] = []
    numbers: list[int] = []

    def locate(row: int) -> tuple[str, str]:
        if not lines:
            lines.extend(data.decode("utf-8").split("\n"))
            numbers.extend(i for i, line in enumerate(lines, start=1) if line.strip())
        return f"line {numbers[row]}", lines[numbers[row] - 1]

    return locate
