"""Experiment metrics per unit on Spark, reduced to per-variant sums (the statistics stay in
Python, on these sums). The rules are the DuckDB engine's
(:mod:`needle.analytics.duckdb.experiment`): each unit's first exposure gives its variant, units
seen in several variants are counted apart, metric events count from the exposure on."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from needle.analytics.results import ExperimentResult
from needle.analytics.shaping import experiment_result
from needle.analytics.spark.expr import all_of, number, prop
from needle.analytics.specs import ExperimentQuery, UnitMetric

_DAY_US = 86_400_000_000


def _inside(m: UnitMetric) -> Column:
    """Whether the joined event ``e`` counts for metric ``m`` of its exposed unit."""
    after = F.col("e_us") - F.col("x_us")
    cond = F.col("e_event") == F.lit(m.event)
    if m.kind == "retention":
        days = m.days or 0
        return (cond & (after >= F.lit(_micros(days))) & (after < F.lit(_micros(days + 1))))
    if m.days is not None:
        cond = cond & (after <= F.lit(_micros(m.days)))
    return F.coalesce(cond, F.lit(False))


def _micros(days: float) -> int:
    return round(days * _DAY_US)  # rounded, as DuckDB casts the same product


def _value(m: UnitMetric) -> Column:
    cond = F.coalesce(_inside(m), F.lit(False))
    if m.binary:
        return F.coalesce(F.max(F.when(cond, F.lit(1.0))), F.lit(0.0))
    if m.kind == "count":
        return F.count_if(cond).cast("double")
    value = F.get_json_object(F.col("e_properties"), f"$['{m.property_name or ''}']")
    return F.coalesce(F.sum(F.when(cond, number(value))), F.lit(0.0))


def run_experiment(events: DataFrame, q: ExperimentQuery) -> ExperimentResult:
    x = q.exposure
    where = all_of([F.col("event") == x.event,
                    *(prop(key) == F.lit(value) for key, value in x.filters)])
    exposed = (events.where(where).select("distinct_id", "timestamp",
                                          prop(x.variant_property).alias("variant"))
               .where(F.col("variant").isNotNull())
               .groupBy(F.col("distinct_id").alias("unit"))
               .agg(F.unix_micros(F.min("timestamp")).alias("x_us"),
                    F.count_distinct("variant").alias("seen"),
                    F.min_by("variant", "timestamp").alias("variant")))
    names = sorted({m.event for m in q.metrics})
    metric_events = events.where(F.col("event").isin(names)).select(
        F.col("distinct_id").alias("unit"), F.col("event").alias("e_event"),
        F.unix_micros("timestamp").alias("e_us"), F.col("properties").alias("e_properties"))
    joined = exposed.join(metric_events, (exposed.unit == metric_events.unit)
                          & (metric_events.e_us >= exposed.x_us), "left").drop(metric_events.unit)
    per_unit = joined.groupBy("unit", "seen", "variant", "x_us").agg(
        *(_value(m).alias(f"m{i}") for i, m in enumerate(q.metrics)))
    per_unit = per_unit.withColumn(
        "variant", F.when(F.col("seen") > 1, F.lit(None)).otherwise(F.col("variant")))
    sums = [c for i in range(len(q.metrics))
            for c in (F.sum(f"m{i}"), F.sum(F.col(f"m{i}") * F.col(f"m{i}")))]
    rows = (per_unit.groupBy("variant")
            .agg(F.count(F.lit(1)).cast("double"), F.min("x_us") / 1e6, F.max("x_us") / 1e6,
                 *sums)
            .orderBy(F.col("variant").asc_nulls_last()).collect())
    return experiment_result([tuple(r) for r in rows], len(q.metrics))
