"""Cohort metrics (:class:`~needle.analytics.specs.MetricQuery`) on DuckDB: the statements of
:mod:`needle.analytics.metric_sql` in DuckDB's dialect, over ``events``."""

from __future__ import annotations

from datetime import date

import duckdb

from needle.analytics import metric_sql
from needle.analytics.duckdb.expr import lit
from needle.analytics.results import MetricResult
from needle.analytics.specs import MetricQuery


def _midnight(day: date) -> str:
    return f"TIMESTAMPTZ '{day.isoformat()} 00:00:00+00:00'"


DUCKDB = metric_sql.Dialect(lit, _midnight, lambda a, b: f"date_diff('second', {a}, {b})")


def run_metric(con: duckdb.DuckDBPyConnection, q: MetricQuery) -> MetricResult:
    return metric_sql.run_metric(DUCKDB, lambda sql: con.execute(sql).fetchall(), q)
