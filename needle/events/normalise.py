"""Raw columns of a file to events (EVENT_SCHEMA), as DuckDB SQL over the Arrow table.

One pass maps the columns, parses times and properties, and hashes the content that derives an
event id (:mod:`needle.events.ids`); rows where a required part comes out NULL, or whose time is
out of range, are the bad rows, found by that query rather than by checking rows one at a time.
The rest (repeated ids, conflicts) is looked at only when sorted hashes say some repeat.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from needle.events.ids import digest_sql, distinct_hashes, event_ids
from needle.events.mapping import Columns, EventMapping, resolve
from needle.events.schema import EVENT_SCHEMA
from needle.io.files import BadRow
from needle.io.normalise import (
    finite_json,
    literal,
    properties_sql,
    quote,
    raw_connection,
    text_sql,
)
from needle.io.tables import RawTable
from needle.io.times import RANGE, in_range_sql, text_time_sql, typed_time_sql

# What makes a row bad (SQL over the normalised row), and what that says about it; first wins.
_PROBLEMS = (
    ("distinct_id IS NULL", "column {user!r}: no user id"),
    ("event IS NULL", "column {event!r}: no event name"),
    ("timestamp IS NULL", "column {time!r}: cannot read {value!r} as a time "
                          "(ISO-8601, epoch seconds or milliseconds, or a date)"),
    (f"NOT {in_range_sql('timestamp')}",
     "column {time!r}: {value!r} is outside the accepted range of times, " + RANGE),
    ("properties IS NULL", "column {props!r}: not a JSON object"),
)
_PROBLEM = ("CASE " + " ".join(f"WHEN {test} THEN {i}" for i, (test, _) in enumerate(_PROBLEMS))
            + " END")
# A user id or event name of blanks only is missing: kept, it would merge unrelated rows.
# (A regular expression: DuckDB's trim() with the characters to drop took eight times longer.)
_BLANK_NULL = "CASE WHEN NOT regexp_full_match({c}, '\\s*') THEN {c} END"
_CONTENT = "concat_ws(chr(31), event, distinct_id, epoch_us(timestamp)::VARCHAR, properties)"


@dataclass(frozen=True)
class Normalised:
    """A file's events, the rows that could not be read, and the rows left out because an
    earlier row of the file holds their event id with other content."""

    events: pa.Table
    bad: list[BadRow]
    conflicts: list[BadRow]


def to_events(raw: RawTable, mapping: EventMapping, timezone: str,
              skip_bad: bool) -> Normalised:
    """The rows of ``raw`` as events, and the rows that could not be read.

    Without ``skip_bad`` the first bad row raises its :class:`InputError`. NaN and Infinity
    in properties (JSON has no word for them) are stored as null.
    """
    columns = resolve(raw.table.column_names, mapping, raw.file, raw.header, raw.unsplit)
    con = raw_connection(raw, timezone)
    con.execute("SET arrow_lossless_conversion = true")  # digests as their 16 bytes
    norm = con.sql(
        "SELECT *, CASE WHEN given IS NULL AND problem IS NULL THEN "
        f"{digest_sql()} END AS digest FROM (SELECT *, {_PROBLEM} AS problem FROM "
        f"({_normalise_sql(con, raw, columns, mapping)}))"
    ).to_arrow_table()
    bad = _bad_rows(con, raw, norm, columns, limit=None if skip_bad else 1)
    if bad and not skip_bad:
        raise bad[0].error()
    if bad:
        norm = norm.filter(pc.is_null(norm["problem"]))
    ided = norm.append_column("uuid", event_ids(con, norm))
    conflicts = _conflicts(con, raw, ided) if columns.uuid else []
    if conflicts:
        left_out = pa.array([row for row, _ in conflicts])
        ided = ided.filter(pc.invert(pc.is_in(ided["__row"], value_set=left_out)))
    events = ided.select(EVENT_SCHEMA.names)
    if _may_hold_non_finite(raw, columns):
        events = events.set_column(4, "properties", finite_json(events["properties"]))
    return Normalised(events.cast(EVENT_SCHEMA), bad, [found for _, found in conflicts])


def _may_hold_non_finite(raw: RawTable, columns: Columns) -> bool:
    """Whether NaN or Infinity can reach the properties: through JSON values or float columns
    (text columns become numbers only when they are plain decimals)."""
    return raw.json_values or columns.properties_json is not None or any(
        pa.types.is_floating(raw.table.schema.field(column).type)
        for column in columns.properties.values())


def _normalise_sql(con: duckdb.DuckDBPyConnection, raw: RawTable, columns: Columns,
                   mapping: EventMapping) -> str:
    def text(column: str | None) -> str:
        return text_sql(raw, column or "")

    props = properties_sql(con, raw, columns.properties, columns.properties_json)
    event = literal(mapping.event) if mapping.event is not None else text(columns.event)
    kind = raw.table.schema.field(columns.time).type
    typed = None if raw.json_values else typed_time_sql(quote(columns.time), kind)
    time = "typed_time" if typed else text_time_sql("time_text")
    uuid = text(columns.uuid) if columns.uuid else "NULL"
    return (
        f"SELECT __row, uuid::VARCHAR AS given, {_BLANK_NULL.format(c='event')} AS event, "
        f"{_BLANK_NULL.format(c='distinct_id')} AS distinct_id, {time} AS timestamp, "
        "properties::VARCHAR AS properties "
        f"FROM (SELECT __row, {text(columns.user)} AS distinct_id, {event} AS event, "
        f"{'NULL' if typed else text(columns.time)} AS time_text, "
        f"{typed or 'NULL'} AS typed_time, {uuid} AS uuid, {props} AS properties FROM raw)"
    )


def _bad_rows(con: duckdb.DuckDBPyConnection, raw: RawTable, norm: pa.Table, columns: Columns,
              limit: int | None) -> list[BadRow]:
    problems = norm.filter(pc.is_valid(norm["problem"])).select(["__row", "problem"]).sort_by(
        "__row")
    if problems.num_rows == 0:
        return []
    # The time as written is fetched back from the file's table for the bad rows only.
    con.register("problems", problems.slice(0, limit))
    rows = con.sql(
        f"SELECT __row, problem, {text_sql(raw, columns.time)} FROM problems JOIN raw "
        "USING (__row) ORDER BY __row"
    ).fetchall()
    names = {"user": columns.user, "event": columns.event, "time": columns.time,
             "props": columns.properties_json}
    return [raw.bad(row, _PROBLEMS[problem][1].format(value=value or "", **names))
            for row, problem, value in rows]


def _conflicts(con: duckdb.DuckDBPyConnection, raw: RawTable,
               ided: pa.Table) -> list[tuple[int, BadRow]]:
    """The rows (and their reports) whose event id an earlier row of the file holds with other
    content. The earliest is kept (as the lake keeps the first of an id)."""
    con.register("ided", ided.select(["__row", "uuid", *EVENT_SCHEMA.names[1:]]))
    if distinct_hashes(con, "SELECT hash(uuid) FROM ided"):
        return []
    rows = con.execute(
        "SELECT __row, uuid, first_row FROM (SELECT __row, uuid, first_value(__row) OVER w AS "
        "first_row, content <> first_value(content) OVER w AS differs FROM (SELECT __row, uuid, "
        f"md5({_CONTENT}) AS content FROM ided WHERE uuid IN (SELECT uuid FROM ided GROUP BY "
        "uuid HAVING count(*) > 1)) WINDOW w AS (PARTITION BY uuid ORDER BY __row)) "
        "WHERE differs ORDER BY __row"
    ).fetchall()
    return [(row, raw.bad(row, f"event id {uuid!r} is already used by "
                               f"{raw.locate(first)[0]} with other content; the first was kept"))
            for row, uuid, first in rows]
