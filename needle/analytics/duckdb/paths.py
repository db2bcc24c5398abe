"""Paths on DuckDB: the events people did right after (or before) their first occurrence of one
event."""

from __future__ import annotations

import duckdb

from needle.analytics.duckdb.expr import all_of, filter_sql, in_days, lit
from needle.analytics.ranges import bounds
from needle.analytics.results import PathsResult, PathStep
from needle.analytics.specs import PathsQuery


def paths_sql(q: PathsQuery, where: str) -> str:
    """Rows (step, event, people, rank) for steps 1..N away from each person's first anchor."""
    sign = "" if q.direction == "after" else "-"
    return (
        "WITH e AS (SELECT distinct_id AS uid, event, row_number() OVER "
        f"(PARTITION BY distinct_id ORDER BY timestamp, uuid) AS rn FROM events WHERE {where}), "
        f"anchor AS (SELECT uid, min(rn) AS r0 FROM e WHERE event = {lit(q.event)} GROUP BY uid), "
        f"hops AS (SELECT {sign}(e.rn - a.r0) AS step, e.event, count(*) AS n FROM e JOIN "
        f"anchor a USING (uid) WHERE {sign}(e.rn - a.r0) BETWEEN 1 AND {q.steps} GROUP BY ALL) "
        "SELECT step, event, n FROM (SELECT *, row_number() OVER "
        "(PARTITION BY step ORDER BY n DESC, event) AS k FROM hops) "
        f"WHERE k <= {q.top} ORDER BY step, k"
    )


def run_paths(con: duckdb.DuckDBPyConnection, q: PathsQuery) -> PathsResult:
    first, last = bounds(q.dates)
    where = all_of([in_days(first, last), *(filter_sql(f) for f in q.filters)])
    rows = con.execute(paths_sql(q, where)).fetchall()
    users = con.execute(
        f"SELECT count(DISTINCT distinct_id) FROM events WHERE {where} AND event = {lit(q.event)}"
    ).fetchall()[0][0]
    steps = tuple(
        PathStep(k, tuple((e, n) for s, e, n in rows if s == k)) for k in range(1, q.steps + 1)
    )
    return PathsResult(q.event, q.direction, users, steps)
