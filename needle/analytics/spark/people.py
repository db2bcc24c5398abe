"""Per-person answers on Spark: the span of the data, and who was retained N days on."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from needle.analytics.results import SpanResult, UserRetentionResult
from needle.analytics.spark.instants import from_micros
from needle.analytics.specs import SpanQuery, UserRetentionQuery


def run_user_retention(events: DataFrame, q: UserRetentionQuery) -> UserRetentionResult:
    later = q.days * 86_400_000_000
    users = events.groupBy("distinct_id").agg(
        F.unix_micros(F.min("timestamp")).alias("first_at"),
        F.unix_micros(F.max("timestamp")).alias("last_at"))
    latest = users.agg(F.max("last_at")).collect()[0][0]
    if latest is None:
        return UserRetentionResult(q.days, (), ())
    rows = (users.where(F.col("first_at") + later <= latest)
            .select("distinct_id", F.col("last_at") >= F.col("first_at") + later)
            .orderBy("distinct_id").collect())
    return UserRetentionResult(q.days, tuple(str(r[0]) for r in rows),
                               tuple(bool(r[1]) for r in rows))


def run_span(events: DataFrame, q: SpanQuery) -> SpanResult:
    """Naive UTC datetimes, ``None`` without events."""
    first, last = events.agg(F.unix_micros(F.min("timestamp")),
                             F.unix_micros(F.max("timestamp"))).collect()[0]
    return SpanResult(None if first is None else from_micros(first),
                      None if last is None else from_micros(last))
