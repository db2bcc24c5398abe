"""Read-only SQL over the ``events`` view: one SELECT statement, nothing else.

The statement runs on the engine's sealed connection (:func:`needle.analytics.duckdb.source.seal`),
so it sees the lake's ``events`` and no other file, URL or extension; this module makes sure it
is one SELECT and turns every failure into one line.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from needle.analytics.results import SqlResult
from needle.analytics.specs import SqlQuery
from needle.errors import UserError

_ONE_SELECT = "SQL: write one SELECT statement over the events view (read-only)"
# What turning a DuckDB value into a Python one may raise: dates and times outside Python's
# range (``'infinity'::DATE``, year 294247) and Arrow's own conversion errors.
_UNCONVERTIBLE = (OverflowError, ValueError, pa.ArrowException)


def run_sql(con: duckdb.DuckDBPyConnection, q: SqlQuery) -> SqlResult:
    """DuckDB parses the text and we run it only if it is one SELECT."""
    text = _statement(con, q.sql)
    try:
        relation = con.sql(text)
        columns = tuple(relation.columns)
        rows = _rows(con, text, relation.limit(q.limit + 1))
    except duckdb.Error as exc:
        raise _sql_error(exc) from None
    return SqlResult(columns, tuple(rows[: q.limit]), len(rows) > q.limit)


def _statement(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The one SELECT in ``sql``, without the semicolons and comments that may end it (a
    trailing ``-- comment`` would otherwise swallow what the limit adds)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise _sql_error(exc) from None
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise UserError(_ONE_SELECT, field="sql")
    text = statements[0].query
    end = len(text)
    for start, kind in reversed(duckdb.tokenize(text)):
        if kind != duckdb.token_type.comment and not text.startswith(";", start):
            break
        end = start
    if not text[:end].strip():
        raise UserError(_ONE_SELECT, field="sql")
    return text[:end]


def _rows(con: duckdb.DuckDBPyConnection, text: str,
          relation: duckdb.DuckDBPyRelation) -> list[tuple[Any, ...]]:
    """The rows as Python values (through Arrow, which needs no pytz for zoned timestamps),
    column by column so that repeated names stay apart. A column Python cannot hold (a date at
    infinity) comes again as DuckDB's text for it."""
    table = relation.to_arrow_table()
    columns: list[list[Any] | None] = []
    for column in table.columns:
        try:
            columns.append(column.to_pylist())
        except _UNCONVERTIBLE:
            columns.append(None)
    if None in columns:
        texts = ", ".join(f"#{i + 1}" if values is not None else f"#{i + 1}::VARCHAR"
                          for i, values in enumerate(columns))
        table = con.sql(f"SELECT {texts} FROM ({text}\n)").limit(len(table)).to_arrow_table()
        columns = [column.to_pylist() for column in table.columns]
    return list(zip(*columns, strict=True))


def _sql_error(exc: duckdb.Error) -> UserError:
    lines = str(exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    if isinstance(exc, duckdb.PermissionException):
        line = f"only the events view can be read ({line})"
    return UserError(f"SQL: {line}", field="sql")
