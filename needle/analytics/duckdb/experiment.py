"""Experiment metrics per unit, reduced to per-variant sums in one SQL statement (the plan for
when the event index cannot answer; both give the same rows).

Exposure is each unit's first exposure event (matching the filters); its variant is the value
of the variant property on that event. Units exposed to more than one variant are counted
apart. Metric events are joined from the exposure time onwards.
"""

from __future__ import annotations

from typing import Any

import duckdb

from needle.analytics.index.derived import key_path, property_number_sql
from needle.analytics.results import ExperimentResult
from needle.analytics.shaping import experiment_result
from needle.analytics.specs import ExperimentQuery, UnitMetric


def _window(m: UnitMetric, params: list[Any]) -> str:
    """SQL condition on e (an event) and x (the exposure) for metric ``m``."""
    params.append(m.event)
    cond = "e.event = ?"
    if m.kind == "retention":
        params.extend([m.days, (m.days or 0) + 1])
        return (f"{cond} AND e.timestamp >= x.exposed_at + to_microseconds(CAST(? * 86400e6 AS "
                "BIGINT)) AND e.timestamp < x.exposed_at + to_microseconds(CAST(? * 86400e6 "
                "AS BIGINT))")
    if m.days is not None:
        params.append(m.days)
        cond += " AND e.timestamp <= x.exposed_at + to_microseconds(CAST(? * 86400e6 AS BIGINT))"
    return cond


def _value(m: UnitMetric, i: int, params: list[Any]) -> str:
    cond = _window(m, params)
    if m.binary:
        return f"coalesce(max(CASE WHEN {cond} THEN 1.0 END), 0.0) AS m{i}"
    if m.kind == "count":
        return f"count(*) FILTER (WHERE {cond})::DOUBLE AS m{i}"
    value = property_number_sql(m.property_name or "", "e.properties")
    return f"coalesce(sum(CASE WHEN {cond} THEN {value} END), 0.0) AS m{i}"


def build_query(q: ExperimentQuery) -> tuple[str, list[Any]]:
    """The SQL over the ``events`` view and its parameters; one row per variant, plus a row
    for mixed units."""
    x = q.exposure
    params: list[Any] = [key_path(x.variant_property), x.event]
    filters = "".join(" AND json_extract_string(properties, ?) = ?" for _ in x.filters)
    for key, value in x.filters:
        params += [key_path(key), value]
    events = sorted({m.event for m in q.metrics})
    params += events
    values = ", ".join(_value(m, i, params) for i, m in enumerate(q.metrics))
    sums = ", ".join(f"sum(m{i}), sum(m{i} * m{i})" for i in range(len(q.metrics)))
    marks = ", ".join("?" for _ in events)
    sql = f"""
WITH exposures AS (
  SELECT distinct_id, timestamp, json_extract_string(properties, ?) AS variant
  FROM events WHERE event = ?{filters}),
exposed AS (
  SELECT distinct_id AS unit, min(timestamp) AS exposed_at, count(DISTINCT variant) AS seen,
         arg_min(variant, timestamp) AS variant
  FROM exposures WHERE variant IS NOT NULL GROUP BY distinct_id),
metric_events AS (SELECT * FROM events WHERE event IN ({marks})),
per_unit AS (
  SELECT x.unit, CASE WHEN x.seen > 1 THEN NULL ELSE x.variant END AS variant, x.exposed_at,
         {values}
  FROM exposed x LEFT JOIN metric_events e
    ON e.distinct_id = x.unit AND e.timestamp >= x.exposed_at
  GROUP BY x.unit, x.seen, x.variant, x.exposed_at)
SELECT variant, count(*)::DOUBLE AS n, epoch(min(exposed_at)), epoch(max(exposed_at)), {sums}
FROM per_unit GROUP BY variant ORDER BY variant NULLS LAST"""
    return sql, params


def run_experiment(con: duckdb.DuckDBPyConnection, q: ExperimentQuery) -> ExperimentResult:
    sql, params = build_query(q)
    return experiment_result(con.execute(sql, params).fetchall(), len(q.metrics))
