"""Retention on DuckDB: cohorts by the period of the start event, returns by period offset."""

from __future__ import annotations

from datetime import date

import duckdb

from needle.analytics.duckdb.expr import all_of, filter_sql, in_days, prop, step_sql
from needle.analytics.results import RetentionResult
from needle.analytics.shaping import RetentionCounts, retention_result
from needle.analytics.specs import RetentionQuery

_DAYS_PER = {"day": 1, "week": 7, "month": 31}


def _offset(unit: str) -> str:
    """Periods from the cohort's period ``c`` to the return's period ``r`` (both truncated)."""
    if unit == "month":
        return "datediff('month', c.cp, r.rp)"
    return f"datediff('day', c.cp, r.rp) // {_DAYS_PER[unit]}"


def _cohorts(q: RetentionQuery, first: date, last: date, breakdown: bool) -> str:
    bd = prop(q.breakdown) if breakdown and q.breakdown else "NULL::VARCHAR"
    where = all_of([step_sql(q.start), *(filter_sql(f) for f in q.filters)])
    cp = f"date_trunc('{q.period}', timestamp)::DATE"
    if q.recurring:
        body = (
            f"SELECT DISTINCT distinct_id AS uid, {cp} AS cp, {bd} AS bd FROM events WHERE {where}"
        )
    else:
        body = (
            f"SELECT distinct_id AS uid, min({cp}) AS cp, arg_min({bd}, timestamp) AS bd "
            f"FROM events WHERE {where} GROUP BY distinct_id"
        )
    return f"SELECT * FROM ({body}) WHERE cp BETWEEN DATE '{first}' AND DATE '{last}'"


def _returns(q: RetentionQuery, first: date, last: date) -> str:
    where = all_of(
        [step_sql(q.returning), *(filter_sql(f) for f in q.filters), in_days(first, last)]
    )
    return (
        f"SELECT DISTINCT distinct_id AS uid, date_trunc('{q.period}', timestamp)::DATE AS rp "
        f"FROM events WHERE {where}"
    )


def retention_sql(q: RetentionQuery, first: date, last: date, breakdown: bool) -> str:
    """Rows (cohort start, breakdown, k, users) with k = -1 giving the cohort's size."""
    agg = "max(k)" if q.on_or_after else None
    hits = (
        f"SELECT c.uid, c.cp, c.bd, {_offset(q.period)} AS k FROM c JOIN r ON c.uid = r.uid "
        f"AND r.rp >= c.cp"
    )
    if agg:
        hits = f"SELECT uid, cp, bd, {agg} AS k FROM ({hits}) GROUP BY uid, cp, bd"
        counted = (
            "SELECT h.cp, h.bd, g.k, count(*) AS n FROM h, range(0, h.k + 1) g(k) "
            f"WHERE g.k < {q.periods} GROUP BY ALL"
        )
    else:
        counted = f"SELECT cp, bd, k, count(*) AS n FROM h WHERE k < {q.periods} GROUP BY ALL"
    return (
        f"WITH c AS ({_cohorts(q, first, last, breakdown)}), r AS ({_returns(q, first, last)}), "
        f"h AS ({hits}) "
        f"SELECT cp, bd, -1 AS k, count(*) AS n FROM c GROUP BY ALL UNION ALL {counted}"
    )


def run_retention(con: duckdb.DuckDBPyConnection, q: RetentionQuery) -> RetentionResult:
    def counts(first: date, last: date, breakdown: bool) -> RetentionCounts:
        rows = con.execute(retention_sql(q, first, last, breakdown)).fetchall()
        return {(cp, bd, k): n for cp, bd, k, n in rows}

    return retention_result(q, counts)
