"""Per-person answers over ``events``: the span of the data, and who was retained N days on."""

from __future__ import annotations

import duckdb

from needle.analytics.results import SpanResult, UserRetentionResult
from needle.analytics.specs import SpanQuery, UserRetentionQuery

_RETENTION_SQL = """
WITH users AS (
    SELECT distinct_id, min(timestamp) AS first_at, max(timestamp) AS last_at
    FROM events GROUP BY distinct_id
)
SELECT distinct_id, last_at >= first_at + to_days($days) AS retained
FROM users
WHERE first_at + to_days($days) <= (SELECT max(last_at) FROM users)
ORDER BY distinct_id
"""


def run_user_retention(con: duckdb.DuckDBPyConnection, q: UserRetentionQuery
                       ) -> UserRetentionResult:
    rows = con.execute(_RETENTION_SQL, {"days": q.days}).fetchall()
    return UserRetentionResult(q.days, tuple(str(r[0]) for r in rows),
                               tuple(bool(r[1]) for r in rows))


def run_span(con: duckdb.DuckDBPyConnection, q: SpanQuery) -> SpanResult:
    """From Parquet statistics, so cheap; naive UTC datetimes."""
    first, last = con.execute(
        "SELECT min(timestamp)::TIMESTAMP, max(timestamp)::TIMESTAMP FROM events").fetchall()[0]
    return SpanResult(first, last)
