"""Raw columns of a file to events (EVENT_SCHEMA), as DuckDB SQL over the Arrow table.

One pass maps the columns and parses times and properties; rows where a required part comes
out NULL, or whose time is out of range, are the bad rows, found by a query rather than by
checking rows one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

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
    con.execute(f"CREATE TEMP TABLE norm AS SELECT *, {_PROBLEM} AS problem FROM "
                f"({_normalise_sql(con, raw, columns, mapping)})")
    bad = _bad_rows(con, raw, columns, limit=None if skip_bad else 1)
    if bad and not skip_bad:
        raise bad[0].error()
    _with_ids(con)
    conflicts = _conflicts(con, raw) if columns.uuid else []
    events = con.sql(
        "SELECT uuid, event, distinct_id, timestamp, properties FROM ided "
        f"{'ANTI JOIN conflicts USING (__row)' if conflicts else ''}"
    ).to_arrow_table()
    if _may_hold_non_finite(raw, columns):
        events = events.set_column(4, "properties", finite_json(events["properties"]))
    return Normalised(events.cast(EVENT_SCHEMA), bad, conflicts)


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
        f"SELECT __row, distinct_id, event, {time} AS timestamp, uuid, properties "
        f"FROM (SELECT __row, {text(columns.user)} AS distinct_id, {event} AS event, "
        f"{'NULL' if typed else text(columns.time)} AS time_text, "
        f"{typed or 'NULL'} AS typed_time, {uuid} AS uuid, {props} AS properties FROM raw)"
    )


def _bad_rows(con: duckdb.DuckDBPyConnection, raw: RawTable, columns: Columns,
              limit: int | None) -> list[BadRow]:
    # The time as written is fetched back from the file's table for the bad rows only.
    rows = con.sql(
        f"SELECT __row, problem, {text_sql(raw, columns.time)} FROM (SELECT __row, problem "
        f"FROM norm WHERE problem IS NOT NULL ORDER BY __row "
        f"{f'LIMIT {limit}' if limit else ''}) JOIN raw USING (__row) ORDER BY __row"
    ).fetchall()
    names = {"user": columns.user, "event": columns.event, "time": columns.time,
             "props": columns.properties_json}
    return [raw.bad(row, _PROBLEMS[problem][1].format(value=value or "", **names))
            for row, problem, value in rows]


def _with_ids(con: duckdb.DuckDBPyConnection) -> None:
    """View ``ided``: the good rows of ``norm`` with their uuid, the file's own, else one derived.

    A derived id is the MD5 of the event's content and of how many identical rows came before
    it in the file: two identical rows stay two events, and importing the file again gives the
    same ids, which the lake then skips. Counting identical rows needs a window over the file;
    it runs only on rows whose 64-bit content hash repeats, which are few.
    """
    derive = "uuid IS NULL AND problem IS NULL"
    same = "event, distinct_id, timestamp, properties::VARCHAR"
    con.execute(
        f"CREATE TEMP TABLE repeats AS SELECT __row, row_number() OVER (PARTITION BY {same} "
        f"ORDER BY __row) - 1 AS occurrence FROM norm WHERE {derive} AND hash({same}) IN "
        f"(SELECT hash({same}) FROM norm WHERE {derive} GROUP BY 1 HAVING count(*) > 1)"
    )
    (repeated,), = con.execute("SELECT count(*) FROM repeats").fetchall()
    occurrence = "nullif(occurrence, 0)::VARCHAR" if repeated else "NULL"
    key = (f"concat_ws(chr(31), event, distinct_id, epoch_us(timestamp)::VARCHAR, "
           f"properties::VARCHAR, {occurrence})")
    joined = "norm LEFT JOIN repeats USING (__row)" if repeated else "norm"
    con.execute(
        "CREATE TEMP VIEW ided AS SELECT __row, CASE WHEN uuid IS NOT NULL THEN uuid "
        f"ELSE md5({key})::UUID::VARCHAR END AS uuid, event, distinct_id, timestamp, "
        f"properties::VARCHAR AS properties FROM {joined} WHERE problem IS NULL"
    )


def _conflicts(con: duckdb.DuckDBPyConnection, raw: RawTable) -> list[BadRow]:
    """Table ``conflicts``: rows whose event id an earlier row of the file holds with other
    content. The earliest is kept (as the lake keeps the first of an id); these are reported."""
    con.execute(
        "CREATE TEMP TABLE conflicts AS SELECT __row, uuid, first_row FROM (SELECT __row, uuid, "
        "first_value(__row) OVER w AS first_row, content <> first_value(content) OVER w AS "
        f"differs FROM (SELECT __row, uuid, md5({_CONTENT}) AS content FROM ided WHERE uuid IN "
        "(SELECT uuid FROM ided GROUP BY uuid HAVING count(*) > 1)) WINDOW w AS (PARTITION BY "
        "uuid ORDER BY __row)) WHERE differs"
    )
    rows = con.execute("SELECT __row, uuid, first_row FROM conflicts ORDER BY __row").fetchall()
    return [raw.bad(row, f"event id {uuid!r} is already used by {raw.locate(first)[0]} with "
                         "other content; the first was kept")
            for row, uuid, first in rows]
