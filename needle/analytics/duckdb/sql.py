"""Read-only SQL over the ``events`` view: one SELECT statement, nothing else."""

from __future__ import annotations

import duckdb

from needle.analytics.results import SqlResult
from needle.analytics.specs import SqlQuery
from needle.errors import UserError


def run_sql(con: duckdb.DuckDBPyConnection, q: SqlQuery) -> SqlResult:
    """DuckDB parses the text and we run it only if it is one SELECT."""
    try:
        statements = con.extract_statements(q.sql)
    except duckdb.Error as exc:
        raise UserError(f"SQL: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise UserError("SQL: write one SELECT statement over the events view (read-only)")
    try:
        relation = con.sql(f"SELECT * FROM ({q.sql.strip().rstrip(';')}) LIMIT {q.limit + 1}")
        columns = tuple(relation.columns)
        # Arrow turns zoned timestamps into datetimes without needing pytz
        rows = [tuple(r.values()) for r in relation.to_arrow_table().to_pylist()]
    except duckdb.Error as exc:
        raise UserError(f"SQL: {str(exc).splitlines()[0]}") from None
    return SqlResult(columns, tuple(rows[: q.limit]), len(rows) > q.limit)
