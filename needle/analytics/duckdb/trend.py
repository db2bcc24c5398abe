"""Trends on DuckDB: one aggregate per series and bucket, zero-filled; breakdown; formula."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from needle.analytics.duckdb.expr import all_of, filter_sql, in_days, prop, step_sql
from needle.analytics.index.derived import number_sql
from needle.analytics.results import TrendResult
from needle.analytics.shaping import OTHER, compared_trend, trend_period
from needle.analytics.specs import Series, TrendQuery

_QUANTILES = {"median": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99}


def measure_sql(s: Series) -> str:
    """The aggregate of one series over the rows of a bucket."""
    if s.measure == "events":
        return "count(*)"
    if s.measure == "users":
        return "count(DISTINCT distinct_id)"
    if s.measure == "per_user_avg":
        return "count(*) / count(DISTINCT distinct_id)"
    value = number_sql(prop(s.property or ""))
    if s.measure in _QUANTILES:
        return f"quantile_cont({value}, {_QUANTILES[s.measure]})"
    return f"{s.measure}({value})"


def _where(q: TrendQuery, s: Series, first: date, last: date) -> str:
    return all_of([step_sql(s.step), in_days(first, last), *(filter_sql(f) for f in q.filters)])


def _top_values(con, q: TrendQuery, s: Series, first: date, last: date) -> list[str | None]:  # type: ignore[no-untyped-def]
    rows = con.execute(
        f"SELECT {prop(q.breakdown or '')} AS bd, {measure_sql(s)} AS v FROM events "
        f"WHERE {_where(q, s, first, last)} GROUP BY bd ORDER BY v DESC NULLS LAST, bd "
        f"LIMIT {q.breakdown_limit + 1}"
    ).fetchall()
    return [r[0] for r in rows]


def _series_rows(con, q, s, first, last) -> dict[str | None, dict[datetime, float]]:  # type: ignore[no-untyped-def]
    bd = "NULL::VARCHAR"
    if q.breakdown:
        top = _top_values(con, q, s, first, last)
        keep = top[: q.breakdown_limit]
        if len(top) > q.breakdown_limit:
            listed = ", ".join("'" + v.replace("'", "''") + "'" for v in keep if v is not None)
            none = " OR raw IS NULL" if None in keep else ""
            bd = f"CASE WHEN raw IN ({listed or 'NULL'}){none} THEN raw ELSE '{OTHER}' END"
        else:
            bd = "raw"
    raw = prop(q.breakdown) if q.breakdown else "NULL::VARCHAR"
    rows = con.execute(
        f"SELECT date_trunc('{q.interval}', timestamp)::TIMESTAMP AS t, {bd} AS bd, "
        f"{measure_sql(s)} AS v FROM (SELECT *, {raw} AS raw FROM events "
        f"WHERE {_where(q, s, first, last)}) GROUP BY ALL"
    ).fetchall()
    out: dict[str | None, dict[datetime, float]] = {}
    for t, value, v in rows:
        out.setdefault(value, {})[t] = v
    return out


def run_trend(con: duckdb.DuckDBPyConnection, q: TrendQuery) -> TrendResult:
    return compared_trend(q, lambda first, last, compare: trend_period(
        q, first, last, compare, lambda s: _series_rows(con, q, s, first, last)))
