"""Cohort metrics (:class:`~needle.analytics.specs.MetricQuery`) on Spark: the statements of
:mod:`needle.analytics.metric_sql` in Spark SQL's dialect, over the ``events`` view."""

from __future__ import annotations

from datetime import date

from pyspark.sql import SparkSession

from needle.analytics import metric_sql
from needle.analytics.results import MetricResult
from needle.analytics.specs import MetricQuery


def lit(value: str) -> str:
    """A Spark SQL string literal (backslashes escape in Spark's literals)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _midnight(day: date) -> str:
    return f"TIMESTAMP '{day.isoformat()} 00:00:00+00:00'"


SPARK = metric_sql.Dialect(lit, _midnight,
                           lambda a, b: f"(unix_seconds({b}) - unix_seconds({a}))")


def run_metric(spark: SparkSession, q: MetricQuery) -> MetricResult:
    """Runs on the session's ``events`` view, which the engine points at its lake."""
    return metric_sql.run_metric(SPARK, lambda sql: spark.sql(sql).collect(), q)
