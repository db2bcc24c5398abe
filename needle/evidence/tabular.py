"""Evidence from CSV, JSON Lines and Excel files: one piece of evidence per row.

The same readers as event imports (plain or gzip, UTF-8 checked, bad rows named by line); the
columns are mapped, times parsed and extra columns packed as metadata in one DuckDB pass. A row
whose text is empty is no evidence: it is counted and skipped, not an error.

Several columns can make the text (a GitHub issue's title and body): they are joined, blank
line between, skipping empty cells. Without ``--text-col``, a title column (title, subject,
summary, headline) found next to the text column is put before it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from needle.evidence.store import EvidenceRecord
from needle.io.columns import find_column, require
from needle.io.files import BadRow
from needle.io.normalise import finite, properties_sql, run_select, text_sql, time_sql
from needle.io.tables import RawTable, ReadOptions, read_table
from needle.io.times import RANGE, in_range_sql

if TYPE_CHECKING:
    import duckdb

# Recognised names, first match wins (case-insensitive).
TEXT_NAMES = ("text", "body", "message", "content", "description", "comment", "feedback",
              "answer", "review", "quote", "note", "question")
CUSTOMER_NAMES = ("customer", "customer_id", "customer_email", "email", "user_id",
                  "distinct_id", "user", "author", "requester")
TIME_NAMES = ("created_at", "timestamp", "date", "time", "submitted_at", "updated_at")
ID_NAMES = ("id", "ticket_id", "source_id", "external_id", "uuid")
TITLE_NAMES = ("title", "subject", "summary", "headline")


@dataclass(frozen=True)
class EvidenceMapping:
    """Column names given by the user; ``None`` means recognise the column by its name.
    ``more_text`` are further text columns, joined after ``text_col`` into one text."""

    text_col: str | None = None
    customer_col: str | None = None
    time_col: str | None = None
    id_col: str | None = None
    more_text: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Columns:
    text: tuple[str, ...]
    customer: str | None
    time: str | None
    id: str | None
    meta: dict[str, str]


@dataclass(frozen=True)
class Rows:
    """A file's evidence, the rows that could not be read, and how many rows had no text."""

    records: list[EvidenceRecord]
    bad: list[BadRow]
    empty: int


def read_rows(path: Path, kind: str, mapping: EvidenceMapping, options: ReadOptions,
              timezone: str) -> Rows:
    """The rows of a tabular file as evidence of ``kind``; a bad row raises its
    :class:`InputError` unless ``options.skip_bad``."""
    raw = read_table(path, options)
    columns = _resolve(raw, mapping)
    rows = run_select(raw, timezone, lambda con: _select_sql(con, raw, columns)).to_pylist()
    records, bad, empty = [], list(raw.rejected), 0
    for row in rows:
        if row["text"] is None or not row["text"].strip():
            empty += 1
            continue
        problem = _problem(row, columns)
        if problem:
            bad.append(raw.bad(row["__row"], problem))
            if not options.skip_bad:
                raise bad[-1].error()
            continue
        records.append(EvidenceRecord(
            kind=kind, text=row["text"], source=str(path), customer=row["customer"],
            created_at=row["created_at"], meta=finite(json.loads(row["meta"])),
            source_id=row["source_id"] or raw.locate(row["__row"])[0]))
    return Rows(records, bad, empty)


def _resolve(raw: RawTable, mapping: EvidenceMapping) -> _Columns:
    names = raw.table.column_names

    def find(given: str | None, recognised: tuple[str, ...]) -> str | None:
        return find_column(names, given, recognised, raw.file, raw.header)

    first = require(find(mapping.text_col, TEXT_NAMES), "text", "text_col", TEXT_NAMES,
                    raw.file, raw.header, raw.unsplit)
    more = [find(name, ()) or name for name in mapping.more_text]
    if mapping.text_col is None and (title := find(None, TITLE_NAMES)) not in (None, first):
        text = (title, first, *more)
    else:
        text = (first, *more)
    customer = find(mapping.customer_col, CUSTOMER_NAMES)
    time = find(mapping.time_col, TIME_NAMES)
    id_ = find(mapping.id_col, ID_NAMES)
    taken = {*text, customer, time, id_}
    return _Columns(tuple(dict.fromkeys(text)), customer, time, id_,
                    {n: n for n in names if n not in taken})


def _select_sql(con: duckdb.DuckDBPyConnection, raw: RawTable, columns: _Columns) -> str:
    def text(column: str | None) -> str:
        return text_sql(raw, column) if column else "NULL"

    time = time_sql(raw, columns.time) if columns.time else "NULL::TIMESTAMPTZ"
    joined = text(columns.text[0]) if len(columns.text) == 1 else _joined_sql(raw, columns.text)
    # A time out of range is flagged and dropped here: Python has no datetime for year -1199.
    return (
        "SELECT * REPLACE (CASE WHEN out_of_range THEN NULL ELSE created_at END AS created_at) "
        f"FROM (SELECT *, NOT {in_range_sql('created_at')} AS out_of_range FROM ("
        f"SELECT __row, {joined} AS text, {text(columns.customer)} AS customer, "
        f"{text(columns.id)} AS source_id, {time} AS created_at, {text(columns.time)} "
        f"AS time_text, {properties_sql(con, raw, columns.meta)}::VARCHAR AS meta FROM raw)) "
        "ORDER BY __row"
    )


def _joined_sql(raw: RawTable, names: tuple[str, ...]) -> str:
    """The columns' texts, trimmed, blank line between; blank cells are left out (concat_ws
    skips NULLs) and a row with none is NULL, so it counts as having no text."""
    blanks = "chr(32) || chr(9) || chr(10) || chr(13)"
    parts = ", ".join(f"NULLIF(trim({text_sql(raw, name)}, {blanks}), '')" for name in names)
    return f"NULLIF(concat_ws(chr(10) || chr(10), {parts}), '')"


def _problem(row: dict, columns: _Columns) -> str | None:
    if row["out_of_range"]:
        return (f"column {columns.time!r}: {row['time_text']!r} is outside the accepted range "
                f"of times, {RANGE}")
    if row["created_at"] is None and row["time_text"] is not None:
        return (f"column {columns.time!r}: cannot read {row['time_text']!r} as a time "
                "(ISO-8601, epoch seconds or milliseconds, or a date)")
    return None
