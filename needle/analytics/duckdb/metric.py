"""Cohort metrics (:class:`~needle.analytics.specs.MetricQuery`) as SQL over ``events``; each
result keeps its statement so the number can be re-run."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from needle.analytics.duckdb.expr import lit
from needle.analytics.results import MetricResult
from needle.analytics.specs import CohortMetric, MetricQuery


def _ts(day: date) -> str:
    return f"TIMESTAMPTZ '{day.isoformat()} 00:00:00+00:00'"


def _cohort_sql(metric: CohortMetric, start: date, end: date) -> str:
    """People whose first ``event`` falls in [start, end), with their first ``then`` after it."""
    bound = (f" AND b.timestamp < c.t0 + INTERVAL {metric.within_days} DAY"
             if metric.within_days else "")
    return (
        "WITH ev AS (SELECT distinct_id, event, timestamp FROM events), "
        f"c AS (SELECT distinct_id, min(timestamp) AS t0 FROM ev WHERE event = "
        f"{lit(metric.event)} GROUP BY distinct_id "
        f"HAVING min(timestamp) >= {_ts(start)} AND min(timestamp) < {_ts(end)}), "
        "f AS (SELECT c.distinct_id, c.t0, min(b.timestamp) AS t1 FROM c LEFT JOIN ev b "
        f"ON b.distinct_id = c.distinct_id AND b.event = {lit(metric.then or '')} "
        f"AND b.timestamp >= c.t0{bound} GROUP BY c.distinct_id, c.t0) "
    )


def user_sql(q: MetricQuery) -> str:
    """One row per person in the metric's population: ``distinct_id`` and its value ``x``."""
    metric = q.metric
    assert q.dates.start is not None and q.dates.end is not None  # validated
    start, end = q.dates.start, q.dates.end + timedelta(days=1)
    if metric.kind == "conversion":
        return (_cohort_sql(metric, start, end)
                + "SELECT distinct_id, CASE WHEN t1 IS NULL THEN 0 ELSE 1 END AS x FROM f")
    if metric.kind == "median_days":
        return (_cohort_sql(metric, start, end) + "SELECT distinct_id, "
                "date_diff('second', t0, t1) / 86400.0 AS x FROM f WHERE t1 IS NOT NULL")
    return (
        "SELECT distinct_id, count(*) FILTER (WHERE event = "
        f"{lit(metric.event)}) AS x FROM events WHERE timestamp >= {_ts(start)} "
        f"AND timestamp < {_ts(end)} GROUP BY distinct_id"
    )


def value_sql(q: MetricQuery) -> str:
    """The metric's value and population size as one row (``value``, ``n``)."""
    agg = "median(x)" if q.metric.kind == "median_days" else "avg(x)"
    return f"SELECT {agg} AS value, count(*) AS n FROM ({user_sql(q)}) AS u"


def run_metric(con: duckdb.DuckDBPyConnection, q: MetricQuery) -> MetricResult:
    sql = value_sql(q)
    value, n = con.execute(sql).fetchall()[0]
    if not q.per_user:
        return MetricResult(None if value is None else float(value), int(n), sql)
    people = user_sql(q)
    rows = con.execute(people + " ORDER BY distinct_id").fetchall()
    return MetricResult(None if value is None else float(value), int(n), sql,
                        tuple(str(r[0]) for r in rows), tuple(float(r[1]) for r in rows), people)
