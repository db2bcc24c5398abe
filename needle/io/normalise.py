"""Raw columns of a file as typed values: DuckDB SQL over a :class:`RawTable`, and running it.

The pieces here know nothing of what a row means (an event, a ticket); the importers put them
together into one SELECT, so millions of rows are read in one vectorised pass.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from needle.io.tables import RawTable
from needle.io.times import set_timezone, text_time_sql, typed_time_sql

_INTEGER_DIGITS = 18  # a plain decimal without a point is an integer: -?(0|[1-9][0-9]{0,17})
_EXACT_DIGITS = 15  # every integer of up to 15 digits is exact as a DOUBLE (2^53 has 16)
_DECIMAL = "-?(0|[1-9][0-9]*)([.][0-9]+)?"

Select = Callable[[duckdb.DuckDBPyConnection], str]


def raw_connection(raw: RawTable, timezone: str) -> duckdb.DuckDBPyConnection:
    """A connection where table ``raw`` is the file's rows with ``__row``, each row's number,
    and zone-less wall times are read in ``timezone``."""
    con = duckdb.connect()
    set_timezone(con, timezone)
    con.register("raw", raw.table.append_column("__row", pa.array(np.arange(raw.table.num_rows))))
    return con


def run_select(raw: RawTable, timezone: str, select: Select) -> pa.Table:
    """The result of the SELECT that ``select`` writes for a :func:`raw_connection` of ``raw``.

    ``select`` is given the connection because :func:`properties_sql` looks at the data.
    """
    con = raw_connection(raw, timezone)
    return con.sql(select(con)).to_arrow_table()


def read_time(text: str, timezone: str) -> datetime | None:
    """``text`` read as a time by the rules of :mod:`needle.io.times`; None when unreadable."""
    con = duckdb.connect()
    set_timezone(con, timezone)
    # Through Arrow: DuckDB's own conversion of TIMESTAMPTZ to Python needs pytz.
    table = con.sql(f"SELECT {text_time_sql(literal(text))} AS t").to_arrow_table()
    moment: datetime | None = table["t"][0].as_py()
    return moment


def text_sql(raw: RawTable, column: str) -> str:
    """SQL reading a column as text: JSON values unquoted, typed values cast, '' as NULL."""
    if raw.json_values:
        return f"NULLIF(json_extract_string({quote(column)}, '$'), '')"
    return f"NULLIF(CAST({quote(column)} AS VARCHAR), '')"


def time_sql(raw: RawTable, column: str) -> str:
    """SQL reading a column as a TIMESTAMPTZ by the rules of :mod:`needle.io.times`."""
    typed = None if raw.json_values else typed_time_sql(
        quote(column), raw.table.schema.field(column).type)
    return typed or text_time_sql(text_sql(raw, column))


def properties_sql(con: duckdb.DuckDBPyConnection, raw: RawTable, properties: dict[str, str],
                   given_json: str | None = None) -> str:
    """SQL of a JSON object of the ``properties`` (key -> column of table ``raw``), merged
    over the JSON object in column ``given_json``; NULL where that column is not an object."""
    values = _property_values(con, raw, properties)
    pairs = ", ".join(f"{literal(key)}, {value}" for key, value in values.items())
    merged = f"json_object({pairs})" if pairs else "'{}'::JSON"
    if any(raw.table[col].null_count for col in properties.values()):
        # A patch onto {} drops the keys whose value is null (RFC 7386): a row's empty cells
        # are absent properties, not nulls.
        merged = f"json_merge_patch('{{}}', {merged})"
    if given_json is None:
        return merged
    given = quote(given_json)
    checked = (f"CASE WHEN {given} IS NULL THEN '{{}}'::JSON WHEN json_valid({given}) AND "
               f"json_type({given}::JSON) = 'OBJECT' THEN {given}::JSON END")
    return f"json_merge_patch({checked}, {merged})" if pairs else checked


def _property_values(con: duckdb.DuckDBPyConnection, raw: RawTable,
                     properties: dict[str, str]) -> dict[str, str]:
    """SQL of each property's JSON value; text columns that hold only numbers become numbers."""
    if raw.json_values:
        return {key: f"{quote(col)}::JSON" for key, col in properties.items()}
    text = [col for col in properties.values()
            if pa.types.is_string(raw.table.schema.field(col).type)]
    kinds = _numeric_kinds(con, text)
    return {key: kinds.get(col, quote(col)) for key, col in properties.items()}


def _numeric_kinds(con: duckdb.DuckDBPyConnection, columns: list[str]) -> dict[str, str]:
    # A sample rules most text columns out cheaply; the survivors are checked in full.
    for source in ("(SELECT * FROM raw LIMIT 10000)", "raw"):
        if not columns:
            return {}
        # One regex a value: a plain decimal is an integer when it has no point and no more
        # digits than fit a BIGINT; beside decimals, only integers a DOUBLE holds exactly.
        checks = ", ".join(
            f"bool_and({c} IS NULL OR regexp_full_match({c}, '{_DECIMAL}')), "
            f"bool_and({c} IS NULL OR NOT contains({c}, '.') AND {_digits(c)} <= "
            f"{_INTEGER_DIGITS}), bool_and({c} IS NULL OR contains({c}, '.') OR "
            f"{_digits(c)} <= {_EXACT_DIGITS} OR {_exact_double(c)})"
            for c in map(quote, columns))
        flags = con.sql(f"SELECT {checks} FROM {source}").fetchall()[0]
        kinds = {c: "BIGINT" if flags[3 * i + 1] else "DOUBLE" for i, c in enumerate(columns)
                 if flags[3 * i] and (flags[3 * i + 1] or flags[3 * i + 2])}
        columns = list(kinds)
    return {column: f"CAST({quote(column)} AS {kind})" for column, kind in kinds.items()}


def _digits(column: str) -> str:
    # (Not ltrim(column, '-'): DuckDB's trim with the characters to drop is slow.)
    return f"length({column}) - starts_with({column}, '-')::INTEGER"


def _exact_double(column: str) -> str:
    """SQL: the integer text ``column`` is exact as a DOUBLE (1e20 is; 2^53 + 1 is not)."""
    return (f"coalesce(TRY_CAST(TRY_CAST({column} AS DOUBLE) AS HUGEINT)::VARCHAR = {column}, "
            "false)")


def finite_json(texts: pa.ChunkedArray) -> pa.ChunkedArray:
    """JSON texts with NaN and Infinity (which JSON has no word for) as null.

    DuckDB and Python read them and write them back as they came, which no strict JSON reader
    accepts. Only the texts where the words occur are parsed again, so the usual file costs one
    vectorised search.
    """
    suspect = pc.match_substring_regex(texts, "NaN|Infinity")
    if not pc.any(suspect).as_py():
        return texts
    fixed = [_finite_text(text) if flag else text
             for text, flag in zip(texts.to_pylist(), suspect.to_pylist(), strict=True)]
    return pa.chunked_array([pa.array(fixed, texts.type)])


def _finite_text(text: str | None) -> str | None:
    if text is None:
        return None
    return json.dumps(finite(json.loads(text)), ensure_ascii=False, separators=(",", ":"))


def finite(value: Any) -> Any:
    """``value`` (parsed JSON) with every NaN and infinite number as None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite(item) for item in value]
    return value


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"
