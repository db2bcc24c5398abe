"""Per-unit metric values from the event lake, reduced to per-variant sums, in one DuckDB query.

Exposure is each unit's first exposure event (matching the filters); its variant is the value
of the variant property on that event. Units exposed to more than one variant are counted and
excluded. Metric events are joined from the exposure time onwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from needle.analytics.columnar.store import open_columns
from needle.errors import UserError
from needle.experiments import columnar, lake
from needle.experiments.metrics import MetricDef
from needle.experiments.sums import ExperimentSums, MetricSums


@dataclass(frozen=True)
class ExposureSpec:
    event: str
    variant_property: str
    filters: tuple[tuple[str, str], ...] = ()


def _window(m: MetricDef, params: list[Any]) -> str:
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


def _value(m: MetricDef, i: int, params: list[Any]) -> str:
    cond = _window(m, params)
    if m.binary:
        return f"coalesce(max(CASE WHEN {cond} THEN 1.0 END), 0.0) AS m{i}"
    if m.kind == "count":
        return f"count(*) FILTER (WHERE {cond})::DOUBLE AS m{i}"
    params.append(lake.key_path(m.property_name or ""))
    return (f"coalesce(sum(CASE WHEN {cond} THEN TRY_CAST(json_extract_string(e.properties, ?)"
            f" AS DOUBLE) END), 0.0) AS m{i}")


def build_query(files: Sequence[Path], exposure: ExposureSpec,
                metrics: Sequence[MetricDef]) -> tuple[str, list[Any]]:
    """The SQL and its parameters; one row per variant, plus a row for mixed units."""
    params: list[Any] = [[str(f) for f in files], lake.key_path(exposure.variant_property),
                         exposure.event]
    filters = "".join(" AND json_extract_string(properties, ?) = ?" for _ in exposure.filters)
    for key, value in exposure.filters:
        params += [lake.key_path(key), value]
    events = sorted({m.event for m in metrics})
    params += events
    values = ", ".join(_value(m, i, params) for i, m in enumerate(metrics))
    sums = ", ".join(f"sum(m{i}), sum(m{i} * m{i})" for i in range(len(metrics)))
    marks = ", ".join("?" for _ in events)
    sql = f"""
WITH ev AS (SELECT event, distinct_id, timestamp, properties FROM read_parquet(?)),
exposures AS (
  SELECT distinct_id, timestamp, json_extract_string(properties, ?) AS variant
  FROM ev WHERE event = ?{filters}),
exposed AS (
  SELECT distinct_id AS unit, min(timestamp) AS exposed_at, count(DISTINCT variant) AS seen,
         arg_min(variant, timestamp) AS variant
  FROM exposures WHERE variant IS NOT NULL GROUP BY distinct_id),
metric_events AS (SELECT * FROM ev WHERE event IN ({marks})),
per_unit AS (
  SELECT x.unit, CASE WHEN x.seen > 1 THEN NULL ELSE x.variant END AS variant, x.exposed_at,
         {values}
  FROM exposed x LEFT JOIN metric_events e
    ON e.distinct_id = x.unit AND e.timestamp >= x.exposed_at
  GROUP BY x.unit, x.seen, x.variant, x.exposed_at)
SELECT variant, count(*)::DOUBLE AS n, epoch(min(exposed_at)), epoch(max(exposed_at)), {sums}
FROM per_unit GROUP BY variant ORDER BY variant NULLS LAST"""
    return sql, params


@dataclass(frozen=True)
class Aggregated:
    sums: ExperimentSums
    mixed_units: int
    units_per_day: float | None


def _sql_rows(files: Sequence[Path], exposure: ExposureSpec,
              metrics: Sequence[MetricDef]) -> list[tuple[Any, ...]]:
    sql, params = build_query(files, exposure, metrics)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def aggregate(files: Sequence[Path], exposure: ExposureSpec, metrics: Sequence[MetricDef],
              control: str | None, cache_dir: Path | None = None) -> Aggregated:
    """Run the query and shape the result for :func:`needle.experiments.analysis.analyze`.

    With ``cache_dir`` (the analytics columnar cache, built on first use) the metrics are
    measured from the cache; the result is the same as the SQL plan's.
    """
    if not files:
        raise UserError("the workspace has no events; import some first")
    columns = open_columns(cache_dir, files) if cache_dir is not None else None
    rows = None
    if columns is not None and columns.span:
        rows = columnar.per_variant_rows(files, columns, exposure.event,
                                         exposure.variant_property, exposure.filters, metrics)
    if rows is None:
        rows = _sql_rows(files, exposure, metrics)
    mixed = next((int(r[1]) for r in rows if r[0] is None), 0)
    rows = [r for r in rows if r[0] is not None]
    names = [r[0] for r in rows]
    if not rows:
        where = " with those filters" if exposure.filters else ""
        raise UserError(f"no unit was exposed: no {exposure.event!r} event carries "
                        f"{exposure.variant_property!r}{where}")
    control = control or ("control" if "control" in names else names[0])
    if control not in names:
        raise UserError(f"control {control!r} was never exposed; variants seen: {names}")
    rows.sort(key=lambda r: (r[0] != control, r[0]))
    n = np.array([r[1] for r in rows])
    metric_sums = tuple(
        MetricSums(m.name, "proportion" if m.binary else "mean", n,
                   np.array([r[4 + 2 * i] for r in rows], dtype=float),
                   np.array([r[5 + 2 * i] for r in rows], dtype=float))
        for i, m in enumerate(metrics))
    first, last = min(r[2] for r in rows), max(r[3] for r in rows)
    span = (last - first) / 86400
    per_day = float(n.sum()) / span if span >= 1 else None
    return Aggregated(ExperimentSums(tuple(r[0] for r in rows), n, metric_sums), mixed, per_day)
