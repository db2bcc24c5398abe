"""Cohort metrics (:class:`~needle.analytics.specs.MetricQuery`) as SQL over an ``events`` view,
for every SQL engine: the statements differ only in how a dialect writes a string, a UTC
midnight and the seconds between two times, so they are written once. Each result keeps its
statement so the number can be re-run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from needle.analytics.results import MetricResult
from needle.analytics.specs import CohortMetric, MetricQuery


@dataclass(frozen=True)
class Dialect:
    lit: Callable[[str], str]  # a string literal
    midnight: Callable[[date], str]  # a UTC midnight as a timestamp literal
    seconds: Callable[[str, str], str]  # seconds from the first time column to the second


def _cohort_sql(d: Dialect, metric: CohortMetric, start: date, end: date) -> str:
    """People whose first ``event`` falls in [start, end), with their first ``then`` after it."""
    bound = (f" AND b.timestamp < c.t0 + INTERVAL {metric.within_days} DAY"
             if metric.within_days else "")
    return (
        "WITH ev AS (SELECT distinct_id, event, timestamp FROM events), "
        f"c AS (SELECT distinct_id, min(timestamp) AS t0 FROM ev WHERE event = "
        f"{d.lit(metric.event)} GROUP BY distinct_id "
        f"HAVING min(timestamp) >= {d.midnight(start)} AND min(timestamp) < {d.midnight(end)}), "
        "f AS (SELECT c.distinct_id, c.t0, min(b.timestamp) AS t1 FROM c LEFT JOIN ev b "
        f"ON b.distinct_id = c.distinct_id AND b.event = {d.lit(metric.then or '')} "
        f"AND b.timestamp >= c.t0{bound} GROUP BY c.distinct_id, c.t0) "
    )


def user_sql(d: Dialect, q: MetricQuery) -> str:
    """One row per person in the metric's population: ``distinct_id`` and its value ``x``."""
    metric = q.metric
    assert q.dates.start is not None and q.dates.end is not None  # validated
    start, end = q.dates.start, q.dates.end + timedelta(days=1)
    if metric.kind == "conversion":
        return (_cohort_sql(d, metric, start, end)
                + "SELECT distinct_id, CASE WHEN t1 IS NULL THEN 0 ELSE 1 END AS x FROM f")
    if metric.kind == "median_days":
        return (_cohort_sql(d, metric, start, end) + "SELECT distinct_id, "
                f"{d.seconds('t0', 't1')} / 86400.0 AS x FROM f WHERE t1 IS NOT NULL")
    return (
        "SELECT distinct_id, count(*) FILTER (WHERE event = "
        f"{d.lit(metric.event)}) AS x FROM events WHERE timestamp >= {d.midnight(start)} "
        f"AND timestamp < {d.midnight(end)} GROUP BY distinct_id"
    )


def value_sql(d: Dialect, q: MetricQuery) -> str:
    """The metric's value and population size as one row (``value``, ``n``)."""
    agg = "median(x)" if q.metric.kind == "median_days" else "avg(x)"
    return f"SELECT {agg} AS value, count(*) AS n FROM ({user_sql(d, q)}) AS u"


def run_metric(d: Dialect, fetch: Callable[[str], Sequence[Sequence[Any]]],
               q: MetricQuery) -> MetricResult:
    """The metric through ``fetch`` (an engine's way to run a statement and get its rows)."""
    sql = value_sql(d, q)
    value, n = fetch(sql)[0]
    if not q.per_user:
        return MetricResult(None if value is None else float(value), int(n), sql)
    people = user_sql(d, q)
    rows = fetch(people + " ORDER BY distinct_id")
    return MetricResult(None if value is None else float(value), int(n), sql,
                        tuple(str(r[0]) for r in rows), tuple(float(r[1]) for r in rows), people)
