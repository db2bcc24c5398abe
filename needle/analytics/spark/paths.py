"""Paths on Spark: the events people did right after (or before) their first occurrence of one
event."""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from needle.analytics.ranges import bounds
from needle.analytics.results import PathsResult, PathStep
from needle.analytics.spark.expr import all_of, condition, in_days, person_keys, with_people
from needle.analytics.specs import PathsQuery


def run_paths(events: DataFrame, q: PathsQuery) -> PathsResult:
    first, last = bounds(q.dates)
    where = all_of([in_days(first, last), *(condition(f) for f in q.filters)])
    rows = with_people(events, person_keys(q.filters)).where(where)
    order = Window.partitionBy("distinct_id").orderBy("timestamp", "uuid")
    e = rows.select(F.col("distinct_id").alias("uid"), "event",
                    F.row_number().over(order).alias("rn")).cache()
    try:
        anchor = (e.where(F.col("event") == q.event).groupBy("uid")
                  .agg(F.min("rn").alias("r0")))
        sign = 1 if q.direction == "after" else -1
        step = ((F.col("rn") - F.col("r0")) * sign).alias("step")
        hops = (e.join(anchor, "uid").select(step, "event")
                .where(F.col("step").between(1, q.steps)).groupBy("step", "event").count())
        rank = Window.partitionBy("step").orderBy(F.col("count").desc(), F.col("event"))
        top = (hops.withColumn("k", F.row_number().over(rank)).where(F.col("k") <= q.top)
               .orderBy("step", "k").collect())
        users = e.where(F.col("event") == q.event).select("uid").distinct().count()
    finally:
        e.unpersist()
    steps = tuple(PathStep(k, tuple((r["event"], r["count"]) for r in top if r["step"] == k))
                  for k in range(1, q.steps + 1))
    return PathsResult(q.event, q.direction, users, steps)
