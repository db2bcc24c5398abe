"""Stickiness and lifecycle on Spark: both start from the buckets each person was active in."""

from __future__ import annotations

from datetime import UTC, timedelta

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from needle.analytics.periods import buckets, day_start, label
from needle.analytics.ranges import bounds
from needle.analytics.results import LifecyclePeriod, LifecycleResult, StickinessResult
from needle.analytics.spark.expr import (
    all_of,
    condition,
    in_days,
    person_keys,
    step_condition,
    with_people,
)
from needle.analytics.spark.instants import from_micros
from needle.analytics.specs import LifecycleQuery, StickinessQuery

_KINDS = ("new", "returning", "resurrecting", "dormant")


def _active(events: DataFrame, q: StickinessQuery | LifecycleQuery, extra: list[Column]
            ) -> DataFrame:
    keys = person_keys([*q.filters, *q.step.filters])
    where = all_of([step_condition(q.step), *(condition(f) for f in q.filters), *extra])
    return with_people(events, keys).where(where).select(
        F.col("distinct_id").alias("uid"), F.date_trunc(q.interval, "timestamp").alias("p")
    ).distinct()


def run_stickiness(events: DataFrame, q: StickinessQuery) -> StickinessResult:
    """People by the number of buckets in the range in which they did the event."""
    first, last = bounds(q.dates)
    rows = (_active(events, q, [in_days(first, last)]).groupBy("uid").count()
            .groupBy("count").agg(F.count(F.lit(1))).collect())
    counts = {n: people for n, people in rows}
    slots = len(buckets(first, last, q.interval))
    return StickinessResult(
        q.interval, slots, tuple((k, counts.get(k, 0)) for k in range(1, slots + 1))
    )


def _next(p: Column, interval: str) -> Column:
    return p + F.expr(f"INTERVAL 1 {interval.upper()}")


def run_lifecycle(events: DataFrame, q: LifecycleQuery) -> LifecycleResult:
    """Per bucket: new, returning, resurrecting and dormant people; history before the range
    decides new against resurrecting."""
    first, last = bounds(q.dates)
    end = day_start(last + timedelta(days=1)).replace(tzinfo=UTC)
    w = Window.partitionBy("uid").orderBy("p")
    p = F.col("p")
    s = _active(events, q, [F.col("timestamp") < F.lit(end)]).select(
        p, F.min(p).over(w.rowsBetween(Window.unboundedPreceding, 0)).alias("first_p"),
        F.lag(p).over(w).alias("prev_p"), F.lead(p).over(w).alias("next_p")).cache()
    try:
        kind = (F.when(p == F.col("first_p"), "new")
                .when(_next(F.col("prev_p"), q.interval) == p, "returning")
                .otherwise("resurrecting"))
        dormant = F.col("next_p").isNull() | (F.col("next_p") > _next(p, q.interval))
        gone = s.where(dormant).select(_next(p, q.interval).alias("t"),
                                       F.lit("dormant").alias("kind"))
        status = s.select(p.alias("t"), kind.alias("kind")).unionByName(gone)
        rows = status.groupBy(F.unix_micros("t"), "kind").count().collect()
    finally:
        s.unpersist()
    counts = {(from_micros(t), kind): n for t, kind, n in rows}
    periods = tuple(
        LifecyclePeriod(label(t, q.interval), *(counts.get((t, kind), 0) for kind in _KINDS))
        for t in buckets(first, last, q.interval)
    )
    return LifecycleResult(q.interval, periods)
