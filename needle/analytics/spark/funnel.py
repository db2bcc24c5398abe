"""Funnels on Spark: the matching events partitioned by person and sorted by (person, time),
folded a batch at a time (:mod:`needle.analytics.spark.fold`), then counted per step.

Beyond an Arrow batch, memory per task grows only with the largest person's matching events in
the range (plus the window after it), as in ClickHouse's ``windowFunnel``.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import numpy as np
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from needle.analytics.folds import Plan
from needle.analytics.funnel_steps import bins, empty_steps, steps_from
from needle.analytics.periods import day_start, epoch_us
from needle.analytics.ranges import bounds
from needle.analytics.results import FunnelBreakdown, FunnelResult, HistogramBin
from needle.analytics.spark.expr import (
    all_of,
    any_of,
    condition,
    in_days,
    person_keys,
    prop,
    step_condition,
    with_people,
)
from needle.analytics.spark.fold import folder, schema
from needle.analytics.specs import FunnelQuery


def _plan(q: FunnelQuery, first: date, last: date) -> Plan:
    names = [s.event for s in q.steps]
    overlap = len(set(names)) < len(names)
    same = tuple(tuple(j for j in range(k) if overlap and names[j] == names[k])
                 for k in range(len(names)))
    return Plan(
        len(q.steps), q.window_seconds * 1_000_000, q.mode,
        epoch_us(day_start(first)), epoch_us(day_start(last + timedelta(days=1))), same,
        tuple((x.after, x.before or len(q.steps)) for x in q.exclusions),
    )


def _keys(q: FunnelQuery) -> set[str]:
    steps = [*q.steps, *(x.step for x in q.exclusions)]
    return person_keys([*q.filters, *(f for s in steps for f in s.filters)])


def people(events: DataFrame, q: FunnelQuery, breakdown: bool) -> DataFrame:
    """One row per person (and breakdown value): uid, bd, reached, t1..tN (µs)."""
    first, last = bounds(q.dates)
    marks = [step_condition(s) for s in q.steps]
    excluded = [step_condition(x.step) for x in q.exclusions]
    where = [in_days(first, last, q.window_seconds), *(condition(f) for f in q.filters)]
    if q.mode != "strict":  # strict funnels need every event to know which is next
        where.append(any_of(marks + excluded))
    bd = prop(q.breakdown) if breakdown and q.breakdown else F.lit(None).cast("string")
    plan = _plan(q, first, last)
    # Events at the same time are ordered by uuid only where that order matters: the next
    # event (strict) and a step repeating an earlier one. Elsewhere equal times give equal
    # results, and the uuids would only widen the shuffle.
    order = ["uid", "ts", *(["uuid"] if q.mode == "strict" or any(plan.same_event) else [])]
    base = with_people(events, _keys(q)).where(all_of(where)).select(
        F.col("distinct_id").alias("uid"), F.unix_micros("timestamp").alias("ts"), *order[2:],
        *(m.alias(f"m{k}") for k, m in enumerate(marks, 1)),
        *(x.alias(f"x{i}") for i, x in enumerate(excluded, 1)), bd.alias("bd"),
    )
    with warnings.catch_warnings():  # the fold uses Arrow only, not the pandas PySpark checks
        warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
        return (base.repartition("uid").sortWithinPartitions(*order)
                .mapInArrow(folder(plan), schema(plan)))


def _summary(frame: DataFrame, q: FunnelQuery) -> list[FunnelBreakdown]:
    """Per breakdown value: people at each step and seconds to convert into it."""
    columns = []
    for k in range(1, len(q.steps) + 1):
        reached = F.col("reached") >= k
        gap = ((F.col(f"t{k}") - F.col(f"t{k - 1}")) / 1e6 if k > 1
               else F.lit(None).cast("double"))
        columns += [F.count_if(reached), F.count_if(F.col("reached") == k),
                    F.median(F.when(reached, gap)), F.avg(F.when(reached, gap))]
    rows = frame.groupBy("bd").agg(*columns).collect()
    rows.sort(key=lambda r: (-r[1], r[0] is None, r[0] or ""))
    return [FunnelBreakdown(r[0], steps_from(q, tuple(r[1:]))) for r in rows]


def _histogram(frame: DataFrame, q: FunnelQuery) -> tuple[HistogramBin, ...]:
    n = len(q.steps)
    if q.mode == "unordered":
        return ()
    rows = frame.where(F.col("reached") == n).select(
        ((F.col(f"t{n}") - F.col("t1")) / 1e6).alias("s")).collect()
    return bins(np.array([r[0] for r in rows], dtype=float), q.histogram_bins)


def run_funnel(events: DataFrame, q: FunnelQuery) -> FunnelResult:
    frame = people(events, q, False).cache()
    try:
        total = _summary(frame, q)
        histogram = _histogram(frame, q)
    finally:
        frame.unpersist()
    groups = _summary(people(events, q, True), q) if q.breakdown else []
    steps = total[0].steps if total else empty_steps(q)
    return FunnelResult(steps=steps, histogram=histogram, breakdown=tuple(groups))


def run_people(events: DataFrame, q: FunnelQuery, step: int, dropped: bool) -> list[str]:
    reached = F.col("reached") == step if dropped else F.col("reached") >= step
    rows = people(events, q, False).where(reached).select("uid").distinct().collect()
    return sorted(r[0] for r in rows)
