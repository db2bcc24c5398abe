"""Raw columns of a file to events (EVENT_SCHEMA), as DuckDB SQL over the Arrow table.

One pass maps the columns and parses times and properties; rows where a required part comes
out NULL are the bad rows, found by a query rather than by checking rows one at a time.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from needle.events.mapping import Columns, EventMapping, resolve
from needle.events.schema import EVENT_SCHEMA
from needle.io.files import BadRow
from needle.io.normalise import literal, properties_sql, quote, raw_connection, text_sql
from needle.io.tables import RawTable
from needle.io.times import text_time_sql, typed_time_sql

# A part of the event that came out NULL, and what that says about the row.
_PROBLEMS = {
    "distinct_id": "column {user!r}: no user id",
    "event": "column {event!r}: no event name",
    "timestamp": "column {time!r}: cannot read {value!r} as a time "
                 "(ISO-8601, epoch seconds or milliseconds, or a date)",
    "properties": "column {props!r}: not a JSON object",
}


def to_events(raw: RawTable, mapping: EventMapping, timezone: str,
              skip_bad: bool) -> tuple[pa.Table, list[BadRow]]:
    """The rows of ``raw`` as events, and the rows that could not be read.

    Without ``skip_bad`` the first bad row raises its :class:`InputError`.
    """
    columns = resolve(raw.table.column_names, mapping, raw.file, raw.header)
    con = raw_connection(raw, timezone)
    con.execute(f"CREATE TEMP TABLE norm AS {_normalise_sql(con, raw, columns, mapping)}")
    bad = _bad_rows(con, raw, columns, limit=None if skip_bad else 1)
    if bad and not skip_bad:
        raise bad[0].error()
    return _with_ids(con).cast(EVENT_SCHEMA), bad


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
    problem = "CASE " + " ".join(f"WHEN {p} IS NULL THEN '{p}'" for p in _PROBLEMS) + " END"
    # The time as written is fetched back from the file's table for the bad rows only.
    rows = con.sql(
        f"SELECT __row, problem, {text_sql(raw, columns.time)} FROM (SELECT __row, {problem} "
        f"AS problem FROM norm WHERE {problem} IS NOT NULL ORDER BY __row "
        f"{f'LIMIT {limit}' if limit else ''}) JOIN raw USING (__row) ORDER BY __row"
    ).fetchall()
    names = {"user": columns.user, "event": columns.event, "time": columns.time,
             "props": columns.properties_json}
    return [raw.bad(row, _PROBLEMS[problem].format(value=value or "", **names))
            for row, problem, value in rows]


def _with_ids(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The good rows of ``norm`` with their uuid: the file's own, else one derived.

    A derived id is the MD5 of the event's content and of how many identical rows came before
    it in the file: two identical rows stay two events, and importing the file again gives the
    same ids, which the lake then skips. Counting identical rows needs a window over the file;
    it runs only on rows whose 64-bit content hash repeats, which are few.
    """
    good = " AND ".join(f"{name} IS NOT NULL" for name in _PROBLEMS)
    derive = f"uuid IS NULL AND {good}"
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
    return con.sql(
        f"SELECT CASE WHEN uuid IS NOT NULL THEN uuid ELSE md5({key})::UUID::VARCHAR END "
        "AS uuid, event, distinct_id, timestamp, properties::VARCHAR AS properties "
        f"FROM {joined} WHERE {good}"
    ).to_arrow_table()
