"""Stickiness and lifecycle on DuckDB: both start from the buckets each person was active in."""

from __future__ import annotations

from datetime import timedelta

import duckdb

from needle.analytics.duckdb.expr import all_of, filter_sql, in_days, step_sql, ts_lit
from needle.analytics.periods import buckets, day_start, label
from needle.analytics.ranges import bounds
from needle.analytics.results import LifecyclePeriod, LifecycleResult, StickinessResult
from needle.analytics.specs import LifecycleQuery, StickinessQuery


def _active(q: StickinessQuery | LifecycleQuery, extra: list[str]) -> str:
    where = all_of([step_sql(q.step), *(filter_sql(f) for f in q.filters), *extra])
    return (
        "SELECT DISTINCT distinct_id AS uid, "
        f"date_trunc('{q.interval}', timestamp)::TIMESTAMP AS p FROM events WHERE {where}"
    )


def run_stickiness(con: duckdb.DuckDBPyConnection, q: StickinessQuery) -> StickinessResult:
    """People by the number of buckets in the range in which they did the event."""
    first, last = bounds(q.dates)
    rows = con.execute(
        "SELECT n, count(*) FROM (SELECT uid, count(*) AS n FROM "
        f"({_active(q, [in_days(first, last)])}) GROUP BY uid) GROUP BY n"
    ).fetchall()
    counts = dict(rows)
    slots = len(buckets(first, last, q.interval))
    return StickinessResult(
        q.interval, slots, tuple((k, counts.get(k, 0)) for k in range(1, slots + 1))
    )


def _step(interval: str) -> str:
    return f"INTERVAL 1 {interval.upper()}"


def lifecycle_sql(q: LifecycleQuery, last_end: str) -> str:
    """Rows (bucket, status, people); history before the range decides new vs resurrecting."""
    one = _step(q.interval)
    return (
        f"WITH a AS ({_active(q, [f'timestamp < {last_end}'])}), "
        "s AS (SELECT uid, p, min(p) OVER w AS first_p, lag(p) OVER w AS prev_p, "
        "lead(p) OVER w AS next_p FROM a WINDOW w AS (PARTITION BY uid ORDER BY p)), "
        "status AS ("
        "SELECT p AS t, CASE WHEN p = first_p THEN 'new' "
        f"WHEN prev_p = p - {one} THEN 'returning' ELSE 'resurrecting' END AS kind FROM s "
        f"UNION ALL SELECT p + {one} AS t, 'dormant' FROM s "
        f"WHERE next_p IS NULL OR next_p > p + {one}) "
        "SELECT t, kind, count(*) FROM status GROUP BY ALL"
    )


def run_lifecycle(con: duckdb.DuckDBPyConnection, q: LifecycleQuery) -> LifecycleResult:
    first, last = bounds(q.dates)
    end = ts_lit(day_start(last + timedelta(days=1)))
    counts = {(t, kind): n for t, kind, n in con.execute(lifecycle_sql(q, end)).fetchall()}
    periods = tuple(
        LifecyclePeriod(
            label(t, q.interval),
            *(counts.get((t, kind), 0) for kind in ("new", "returning", "resurrecting", "dormant")),
        )
        for t in buckets(first, last, q.interval)
    )
    return LifecycleResult(q.interval, periods)
