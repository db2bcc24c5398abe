"""Retention on Spark: cohorts by the period of the start event, returns by period offset; the
cohort table is shaped by the DuckDB engine's engine-neutral helpers."""

from __future__ import annotations

from datetime import date

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from needle.analytics.results import RetentionResult
from needle.analytics.shaping import retention_result
from needle.analytics.spark.expr import (
    all_of,
    condition,
    in_days,
    person_keys,
    prop,
    step_condition,
    with_people,
)
from needle.analytics.specs import RetentionQuery

_DAYS_PER = {"day": 1, "week": 7}


def _period(q: RetentionQuery) -> Column:
    return F.to_date(F.date_trunc(q.period, "timestamp"))


def _offset(unit: str) -> Column:
    """Periods from the cohort's period ``cp`` to the return's period ``rp``."""
    cp, rp = F.col("cp"), F.col("rp")
    if unit == "month":
        return (F.year(rp) * 12 + F.month(rp)) - (F.year(cp) * 12 + F.month(cp))
    return F.floor(F.datediff(rp, cp) / _DAYS_PER[unit]).cast("int")


def _cohorts(events: DataFrame, q: RetentionQuery, first: date, last: date,
             breakdown: bool) -> DataFrame:
    none = F.lit(None).cast("string")
    bd = prop(q.breakdown) if breakdown and q.breakdown else none
    rows = events.where(all_of([step_condition(q.start), *(condition(f) for f in q.filters)]))
    uid = F.col("distinct_id").alias("uid")
    if q.recurring:
        cohorts = rows.select(uid, _period(q).alias("cp"), bd.alias("bd")).distinct()
    else:  # min_by sorts every start event; without a breakdown a hash aggregate will do
        first_bd = F.min_by(bd, F.col("timestamp")) if breakdown and q.breakdown else none
        cohorts = rows.groupBy(uid).agg(F.min(_period(q)).alias("cp"), first_bd.alias("bd"))
    return cohorts.where(F.col("cp").between(first, last))


def _returns(events: DataFrame, q: RetentionQuery, first: date, last: date) -> DataFrame:
    where = [step_condition(q.returning), *(condition(f) for f in q.filters), in_days(first, last)]
    return events.where(all_of(where)).select(
        F.col("distinct_id").alias("uid"), _period(q).alias("rp")).distinct()


def _counts(events: DataFrame, q: RetentionQuery, first: date, last: date, breakdown: bool
            ) -> dict[tuple[date, str | None, int], int]:
    """(cohort start, breakdown, k) -> people, with k = -1 giving the cohort's size."""
    steps = [q.start, q.returning]
    events = with_people(events, person_keys([*q.filters, *(f for s in steps for f in s.filters)]))
    cohorts = _cohorts(events, q, first, last, breakdown).cache()
    try:
        hits = (cohorts.join(_returns(events, q, first, last), "uid")
                .where(F.col("rp") >= F.col("cp"))
                .select("uid", "cp", "bd", _offset(q.period).alias("k")))
        if q.on_or_after:
            hits = (hits.groupBy("uid", "cp", "bd").agg(F.max("k").alias("top"))
                    .select("cp", "bd", F.explode(F.sequence(
                        F.lit(0), F.least(F.col("top"), F.lit(q.periods - 1)))).alias("k")))
        counted = hits.where(F.col("k") < q.periods).groupBy("cp", "bd", "k").count()
        sizes = cohorts.groupBy("cp", "bd").count().select("cp", "bd", F.lit(-1).alias("k"),
                                                           "count")
        rows = sizes.unionByName(counted).collect()
    finally:
        cohorts.unpersist()
    return {(cp, bd, k): n for cp, bd, k, n in rows}


def run_retention(events: DataFrame, q: RetentionQuery) -> RetentionResult:
    return retention_result(
        q, lambda first, last, breakdown: _counts(events, q, first, last, breakdown))
