"""JSON Lines and JSON arrays into an Arrow table: one column per top-level key, values as JSON.

DuckDB's JSON reader does the work. When it refuses the file, Python's ``json`` goes through it
line by line to name the bad lines, so that they can be reported or skipped.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from needle.errors import InputError
from needle.io.files import BadRow, one_line
from needle.io.raw import Locator, RawTable, ReadOptions

MAX_DEPTH = 128  # DuckDB's JSON reader refuses values nested deeper
_OBJECT_SIZE = 1 << 24  # DuckDB's default largest object; a longer one gets a second read
_MAX_OBJECT_SIZE = (1 << 32) - 1
_TRIED = "JSON Lines (one object per line) or a JSON array of objects"


def read_json(path: Path, data: bytes, options: ReadOptions) -> RawTable:
    if not data.strip():
        raise InputError(str(path), "line 1", "the file is empty")
    is_array = data.lstrip()[:1] == b"["
    rejected: list[BadRow] = []
    try:
        table = _duckdb_json(data)
    except duckdb.Error as exc:
        if is_array:
            raise _array_error(path, data, str(exc)) from None
        rejected = _bad_lines(path, data)
        if not rejected:
            raise _file_error(path, str(exc)) from None
        if not options.skip_bad:
            raise rejected[0].error() from None
        try:
            table = _duckdb_json(_blank_lines(data, rejected))
        except duckdb.Error as again:
            raise _file_error(path, str(again)) from None
    locate = _array_locator() if is_array else _lines_locator(data)
    return RawTable(str(path), table, locate, json_values=True, rejected=rejected)


def _duckdb_json(data: bytes) -> pa.Table:
    try:
        return _duckdb_read(data, _OBJECT_SIZE)
    except duckdb.Error:
        if len(data) < _OBJECT_SIZE:
            raise
        # One object longer than the default (a 50 MB line): room for the whole file.
        return _duckdb_read(data, min(len(data) + 1, _MAX_OBJECT_SIZE))


def _duckdb_read(data: bytes, object_size: int) -> pa.Table:
    # maximum_depth=1 keeps every top-level value as JSON text: nested properties stay whole
    # and values whose type changes from row to row do not break the read. records="true"
    # refuses a value that is not an object, which "auto" would make a table of plain values.
    con = duckdb.connect()
    relation = con.read_json(io.BytesIO(data), format="auto", records="true", maximum_depth=1,
                             sample_size=-1, maximum_object_size=object_size)
    return relation.to_arrow_table()


def _file_error(path: Path, engine_message: str) -> InputError:
    message = re.sub(r' ?(in|while reading) file "DUCKDB_INTERNAL_OBJECTSTORE://\w+"', "",
                     engine_message)
    return InputError(str(path), "file", f"cannot read it as {_TRIED}: {one_line(message)}")


def _array_error(path: Path, data: bytes, engine_message: str) -> InputError:
    try:
        value = json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as exc:
        return InputError(str(path), f"line {exc.lineno}", f"not valid JSON: {exc.msg}")
    except RecursionError:
        return InputError(str(path), "file", f"a value is nested deeper than {MAX_DEPTH} levels")
    if _depth(value) > MAX_DEPTH:
        return InputError(str(path), "file", f"a value is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        plain = next((i for i, item in enumerate(value, 1) if not isinstance(item, dict)), None)
        if plain is not None:
            return InputError(str(path), f"record {plain}", "not a JSON object")
    return _file_error(path, engine_message)


def _bad_lines(path: Path, data: bytes) -> list[BadRow]:
    bad = []
    for number, line in enumerate(data.decode("utf-8").split("\n"), start=1):
        reason = _line_problem(line)
        if reason:
            bad.append(BadRow(str(path), f"line {number}", reason, line))
    return bad


def _line_problem(line: str) -> str | None:
    if not line.strip():
        return None
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} at column {exc.colno}"
    except RecursionError:
        return f"nested deeper than {MAX_DEPTH} levels"
    if not isinstance(value, dict):
        return "not a JSON object"
    if _depth(value) > MAX_DEPTH:
        return f"nested deeper than {MAX_DEPTH} levels"
    return _key_problem(json.loads(line, object_pairs_hook=lambda pairs: pairs))


def _key_problem(pairs: list[tuple[str, Any]]) -> str | None:
    """Top-level keys a table cannot have as columns: twice, or twice but for case."""
    seen: dict[str, str] = {}
    for key, _ in pairs:
        other = seen.get(key.lower())
        if other is not None:
            return (f"key {key!r} appears twice" if other == key
                    else f"keys {other!r} and {key!r} differ only in case")
        seen[key.lower()] = key
    return None


def _depth(value: Any) -> int:
    """How deep lists and objects nest in ``value``, found without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


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
        if row >= len(numbers):
            return f"record {row + 1}", ""
        return f"line {numbers[row]}", lines[numbers[row] - 1]

    return locate
