"""Trends on Spark: one aggregate per series and bucket, zero-filled; breakdown; formula.

Bucket filling, labels and formulas are the engine-neutral parts of the DuckDB engine's trends,
reused so that both engines shape results the same way."""

from __future__ import annotations

from datetime import date, datetime

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from needle.analytics.results import TrendResult
from needle.analytics.shaping import OTHER, compared_trend, trend_period
from needle.analytics.spark.expr import (
    all_of,
    condition,
    in_days,
    number,
    person_keys,
    prop,
    step_condition,
    with_people,
)
from needle.analytics.spark.instants import from_micros
from needle.analytics.specs import Series, TrendQuery

_QUANTILES = {"median": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99}
_AGGREGATES = {"sum": F.sum, "avg": F.avg, "min": F.min, "max": F.max}


def measure(s: Series) -> Column:
    """The aggregate of one series over the rows of a bucket."""
    if s.measure == "events":
        return F.count(F.lit(1))
    if s.measure == "users":
        return F.count_distinct("distinct_id")
    if s.measure == "per_user_avg":
        return F.count(F.lit(1)) / F.count_distinct("distinct_id")
    value = number(prop(s.property or ""))
    if s.measure in _QUANTILES:
        return F.percentile(value, _QUANTILES[s.measure])
    return _AGGREGATES[s.measure](value)


def _rows(events: DataFrame, q: TrendQuery, s: Series, first: date, last: date) -> DataFrame:
    keys = person_keys([*q.filters, *s.step.filters])
    where = [step_condition(s.step), in_days(first, last), *(condition(f) for f in q.filters)]
    raw = prop(q.breakdown) if q.breakdown else F.lit(None).cast("string")
    return with_people(events, keys).where(all_of(where)).withColumn("raw", raw)


def _top_values(rows: DataFrame, q: TrendQuery, s: Series) -> list[str | None]:
    top = (rows.groupBy(F.col("raw").alias("bd")).agg(measure(s).alias("v"))
           .orderBy(F.col("v").desc_nulls_last(), F.col("bd").asc_nulls_last())
           .limit(q.breakdown_limit + 1).collect())
    return [r[0] for r in top]


def _series_rows(events: DataFrame, q: TrendQuery, s: Series, first: date, last: date
                 ) -> dict[str | None, dict[datetime, float]]:
    rows = _rows(events, q, s, first, last)
    bd = F.col("raw")
    if q.breakdown:
        top = _top_values(rows, q, s)
        if len(top) > q.breakdown_limit:
            keep = top[: q.breakdown_limit]
            listed = bd.isin([v for v in keep if v is not None])
            if None in keep:
                listed = listed | bd.isNull()
            bd = F.when(F.coalesce(listed, F.lit(False)), bd).otherwise(F.lit(OTHER))
    bucket = F.unix_micros(F.date_trunc(q.interval, "timestamp")).alias("t")
    out: dict[str | None, dict[datetime, float]] = {}
    for t, value, v in rows.groupBy(bucket, bd.alias("bd")).agg(measure(s)).collect():
        out.setdefault(value, {})[from_micros(t)] = v
    return out


def run_trend(events: DataFrame, q: TrendQuery) -> TrendResult:
    return compared_trend(q, lambda first, last, compare: trend_period(
        q, first, last, compare, lambda s: _series_rows(events, q, s, first, last)))
