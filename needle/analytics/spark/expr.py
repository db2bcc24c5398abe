"""Spark column expressions for the specs' parts: properties, filters, steps, time ranges.

The same semantics as the DuckDB engine's SQL fragments: an event filter on an absent property
is false (``!=`` is true), and a person property is the value the person's latest ``$set`` gave,
else their first ``$set_once``; person values are joined onto the events once per query
(:func:`with_people`), so every filter is a plain column condition.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, timedelta

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from needle.analytics.periods import day_start
from needle.analytics.specs import PropertyFilter, Step

_COMPARE = {">", ">=", "<", "<="}


def json_path(*keys: str) -> str:
    return "$" + "".join(f"['{k}']" for k in keys)


def prop(key: str) -> Column:
    """An event property as text (null when absent)."""
    return F.get_json_object(F.col("properties"), json_path(key))


def number(text: Column) -> Column:
    """The text column ``text`` as a number by the DuckDB engine's rule (``number_sql``): null
    unless it is a finite number, so text spelling ``inf`` or ``NaN`` is not one."""
    value = text.try_cast("double")
    return F.when(~F.isnan(value) & (F.abs(value) != F.lit(float("inf"))), value)


def person_column(key: str) -> str:
    return "_person_" + hashlib.sha1(key.encode()).hexdigest()[:12]


def _condition(value: Column, f: PropertyFilter) -> Column:
    if f.op == "=":
        return value == F.lit(f.value)
    if f.op == "!=":
        return ~value.eqNullSafe(F.lit(f.value))
    if f.op in _COMPARE:
        x = number(value)
        return {">": x > float(f.value), ">=": x >= float(f.value),
                "<": x < float(f.value), "<=": x <= float(f.value)}[f.op]
    if f.op == "~":
        return F.contains(F.lower(value), F.lit(f.value.lower()))
    return value.isNotNull() if f.op == "set" else value.isNull()


def _person_condition(f: PropertyFilter) -> Column:
    """Holders of a matching value pass; ``!=`` and ``not_set`` pass everyone else."""
    value = F.col(person_column(f.key))
    if f.op == "!=":
        return ~F.coalesce(value == F.lit(f.value), F.lit(False))
    if f.op == "not_set":
        return value.isNull()
    return F.coalesce(_condition(value, f), F.lit(False))


def condition(f: PropertyFilter) -> Column:
    """True where the filter holds; never null."""
    if f.person:
        return _person_condition(f)
    return F.coalesce(_condition(prop(f.key), f), F.lit(False))


def all_of(conditions: Iterable[Column]) -> Column:
    out = F.lit(True)
    for c in conditions:
        out = out & c
    return out


def any_of(conditions: Iterable[Column]) -> Column:
    out = F.lit(False)
    for c in conditions:
        out = out | c
    return out


def step_condition(step: Step) -> Column:
    parts = [] if step.event is None else [F.col("event") == F.lit(step.event)]
    return all_of(parts + [condition(f) for f in step.filters])


def in_days(first: date, last: date, extra_seconds: int = 0) -> Column:
    """``timestamp`` within the UTC days first..last, plus ``extra_seconds`` after the end."""
    start = day_start(first).replace(tzinfo=UTC)  # a naive literal would be local time
    end = day_start(last).replace(tzinfo=UTC) + timedelta(days=1, seconds=extra_seconds)
    return (F.col("timestamp") >= F.lit(start)) & (F.col("timestamp") < F.lit(end))


def person_keys(filters: Iterable[PropertyFilter]) -> set[str]:
    return {f.key for f in filters if f.person}


def with_people(events: DataFrame, keys: Iterable[str]) -> DataFrame:
    """``events`` with one column per person property in ``keys`` (see :func:`person_column`)."""
    keys = sorted(set(keys))
    if not keys:
        return events
    ts = F.col("timestamp")
    values = []
    for key in keys:
        now = F.get_json_object(F.col("properties"), json_path("$set", key))
        once = F.get_json_object(F.col("properties"), json_path("$set_once", key))
        latest = F.max_by(now, F.when(now.isNotNull(), ts))
        first = F.min_by(once, F.when(once.isNotNull(), ts))
        values.append(F.coalesce(latest, first).alias(person_column(key)))
    people = events.groupBy("distinct_id").agg(*values)
    return events.join(people, "distinct_id", "left")
