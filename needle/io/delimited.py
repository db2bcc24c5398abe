"""Delimited text (CSV, TSV, semicolons, runs of blanks) into an Arrow table of text columns.

pyarrow's CSV reader does the work; Python's ``csv`` module only reads the header, guesses the
delimiter from the first lines, and, when a row is bad, finds the line it starts on.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from needle.errors import InputError, UserError
from needle.io.files import BadRow, one_line
from needle.io.raw import RawTable, ReadOptions

WHITESPACE = "whitespace"
CANDIDATES = (",", ";", "\t", "|")  # guessed in this order: a tie goes to the earlier one
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_SAMPLE = 1 << 16  # bytes looked at to guess the delimiter
_SAMPLE_ROWS = 50
_BLOCK = 1 << 24  # pyarrow's block; a record longer than this is read with one block for all
_MAX_BLOCK = (1 << 31) - 1


def delimiter_of(path: Path, name: str | None, data: bytes = b"") -> str:
    """The delimiter character (or ``whitespace``): as named, tab for .tsv files, else guessed
    from the first lines of ``data``."""
    if name is None:
        return "\t" if _is_tsv(path) else sniff_delimiter(data)
    name = _DELIMITER_NAMES.get(name.lower(), name)
    if name != WHITESPACE and len(name) != 1:
        raise UserError(f"delimiter {name!r}: give one character, tab, or whitespace",
                        field="delimiter", value=name)
    return name


def _is_tsv(path: Path) -> bool:
    return ".tsv" in [s.lower() for s in path.suffixes]


def sniff_delimiter(data: bytes) -> str:
    """The candidate that splits the header into the most columns and the following rows into
    as many; a comma when none splits the header."""
    text = data[:_SAMPLE].decode("utf-8", "ignore")
    if len(data) > _SAMPLE:
        text = text[: text.rfind("\n") + 1] or text
    best, best_score = ",", (0.0, 1)
    for candidate in CANDIDATES:
        rows = _sample_rows(text, candidate)
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        rest = rows[1:]
        score = (sum(len(r) == width for r in rest) / len(rest) if rest else 1.0, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _sample_rows(text: str, delimiter: str) -> list[list[str]]:
    try:
        with field_limit(len(text)):
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            return [row for _, row in zip(range(_SAMPLE_ROWS), filter(None, reader), strict=False)]
    except csv.Error:
        return []


@contextlib.contextmanager
def field_limit(size: int) -> Iterator[None]:
    """Let Python's ``csv`` read fields up to ``size`` characters (its default stops at 131,072,
    less than one long GitHub issue body); a field can be no longer than the text it is in."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def read_delimited(path: Path, data: bytes, options: ReadOptions) -> RawTable:
    delimiter = delimiter_of(path, options.delimiter, data)
    if delimiter == WHITESPACE:
        return _read_whitespace(path, data, options)
    if not data.endswith(b"\n"):
        data += b"\n"  # pyarrow cannot skip a header that no line end closes
    names = _header_names(path, data, delimiter, options)
    invalid: list[pacsv.InvalidRow] = []
    table = _pyarrow_csv(path, data, delimiter, names, options.header, invalid.append, True)
    records = _CsvRecords(data, delimiter, options.header)
    raw = RawTable(str(path), table, records.locate, header=_header_location(options))
    if options.delimiter is None and len(names) == 1 and not _is_tsv(path):
        raw.unsplit = CANDIDATES
    if invalid:
        # Threaded parsing does not number invalid rows: parse again on one thread to do so.
        invalid.clear()
        _pyarrow_csv(path, data, delimiter, names, options.header, invalid.append, False)
        first_record = 2 if options.header else 1
        skipped = [row.number - first_record for row in invalid]
        records.skip(skipped)
        raw.rejected = [_field_count_row(path, records, index, row)
                        for index, row in zip(skipped, invalid, strict=True)]
        if not options.skip_bad:
            raise raw.rejected[0].error()
    if _open_quote(data, table):
        raw.rejected.append(raw.bad(table.num_rows - 1, "a quoted value is never closed"))
        raw.table = table.slice(0, table.num_rows - 1)
        if not options.skip_bad:
            raise raw.rejected[-1].error()
    return raw


def _open_quote(data: bytes, table: pa.Table) -> bool:
    """Whether the last record opens a quote it never closes. pyarrow reads such a value to the
    end of the file, newline included; a closed value ending in a newline is followed by its
    closing quote, and a quote inside an open one is doubled, so never right after a newline."""
    if table.num_rows == 0 or table.num_columns == 0:
        return False
    last = table.column(table.num_columns - 1)[-1].as_py()
    if not last or not last.endswith(("\n", "\r")):
        return False
    return not data.rstrip(b"\r\n").endswith((b'\n"', b'\r"'))


def describe(delimiter: str) -> str:
    """A delimiter as people say it."""
    return {"\t": "tab", " ": "space"}.get(delimiter, repr(delimiter))


def _field_count_row(path: Path, records: _CsvRecords, index: int,
                     row: pacsv.InvalidRow) -> BadRow:
    location, text = records.record(index)
    reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
    return BadRow(str(path), location, reason, text)


def _pyarrow_csv(path: Path, data: bytes, delimiter: str, names: list[str], header: bool,
                 on_invalid: Callable[[pacsv.InvalidRow], object], threads: bool) -> pa.Table:
    """The rows as text columns. A record longer than a block fails the first try; the second
    reads the file as one block (on one thread), which fits any record."""
    block = _BLOCK
    while True:
        try:
            return _read_csv(data, delimiter, names, header, on_invalid, threads, block)
        except pa.ArrowInvalid as exc:
            if block > len(data) or block == _MAX_BLOCK:
                raise InputError(str(path), "file", f"cannot read it as delimited text with "
                                 f"the delimiter {describe(delimiter)}: {one_line(str(exc))}",
                                 field="delimiter") from None
            block = min(len(data) + 1, _MAX_BLOCK)


def _read_csv(data: bytes, delimiter: str, names: list[str], header: bool,
              on_invalid: Callable[[pacsv.InvalidRow], object], threads: bool,
              block: int) -> pa.Table:
    def handler(row: pacsv.InvalidRow) -> str:
        on_invalid(row)
        return "skip"

    return pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(use_threads=threads, column_names=names,
                                       skip_rows=1 if header else 0, block_size=block),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         invalid_row_handler=handler),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True,
            null_values=[""], check_utf8=False),
    )


def _header_names(path: Path, data: bytes, delimiter: str, options: ReadOptions) -> list[str]:
    if not options.header:
        return list(options.columns) or numbered(len(_first_record(path, data, delimiter)))
    names = _first_record(path, data, delimiter)
    if not names:
        raise InputError(str(path), "line 1", "the file is empty; expected a header row")
    if options.columns:
        if len(options.columns) != len(names):
            raise InputError(str(path), "line 1", f"{len(options.columns)} column names given "
                             f"but the header has {len(names)}", field="columns",
                             value=list(options.columns))
        names = list(options.columns)
    return unique(str(path), "line 1", [name.strip() or f"column_{i}"
                                         for i, name in enumerate(names, start=1)])


def _first_record(path: Path, data: bytes, delimiter: str) -> list[str]:
    head = data[: 1 << 20].decode("utf-8", "ignore")
    try:
        with field_limit(len(head)):
            rows = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
            return next((row for row in rows if row), [])
    except csv.Error as exc:
        raise InputError(str(path), "line 1", f"cannot read the header: {exc}") from None


def numbered(count: int) -> list[str]:
    return [f"column_{i}" for i in range(1, count + 1)]


def unique(file: str, where: str, names: list[str]) -> list[str]:
    """``names``, checked: SQL (DuckDB) reads names that differ only in case as one column."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.get(name.lower())
        if other == name:
            raise InputError(file, where, f"column {name!r} appears twice in the header")
        if other is not None:
            raise InputError(file, where, f"columns {other!r} and {name!r} differ only in case")
        seen[name.lower()] = name
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
        if index >= len(starts):  # the two parsers disagree on where records end
            return f"record {index + 1}", ""
        first, last = starts[index]
        return f"line {first}", "\n".join(self._lines[first - 1 : last])

    def _scan(self) -> list[tuple[int, int]]:
        if self._starts is None:
            text = self._data.decode("utf-8", "replace")
            self._lines = text.splitlines()
            starts, previous = [], 0
            try:
                with field_limit(len(text)):
                    reader = csv.reader(io.StringIO(text, newline=""), delimiter=self._delimiter)
                    for row in reader:
                        if row:
                            starts.append((previous + 1, reader.line_num))
                        previous = reader.line_num
            except csv.Error:
                pass  # the records found so far are located; later ones are numbered
            self._starts = starts[1:] if self._header else starts
        return self._starts


def _read_whitespace(path: Path, data: bytes, options: ReadOptions) -> RawTable:
    lines, numbers, fields = _split_on_blanks(data)
    first = fields[0].as_py() if len(fields) else []
    if options.header:
        fields, numbers = fields[1:], numbers[1:]
    names = unique(str(path), "line 1",
                   list(options.columns) or (first if options.header else numbered(len(first))))
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
