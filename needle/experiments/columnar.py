"""Conversion and count metrics per unit from the columnar cache, by binary search.

Why by hand: the SQL plan joins every metric event to its unit's exposure each time; the cache
already holds each event name's (user, time) keys sorted, so a unit's events in its window are
one ``searchsorted`` pair. Exposures still come from DuckDB (they need the exposure event's
properties), restricted to the exposure event. The rows have the SQL plan's shape and values.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from needle.analytics.columnar.store import Columns
from needle.experiments.metrics import MetricDef

KINDS = ("conversion", "count")  # the metric kinds answered here; keys also need ``span``


def _path(key: str) -> str:
    return '$."' + key.replace('"', '\\"') + '"'


def _exposures(files: Sequence[Path], columns: Columns, event: str, variant_property: str,
               filters: Sequence[tuple[str, str]]) -> pa.Table:
    """One row per exposed unit, sorted by uid: uid, first exposure (µs and epoch seconds as
    the SQL plan computes them) and variant (null for units seen in several variants).

    min = max stands for the SQL plan's one distinct variant (then it is also the first one's):
    two string aggregates instead of a distinct count and an arg_min, half the time."""
    params: list[Any] = [_path(variant_property), [str(f) for f in files], event]
    where = "".join(" AND json_extract_string(properties, ?) = ?" for _ in filters)
    for key, value in filters:
        params += [_path(key), value]
    params.append(str(columns.users_path))
    sql = f"""
WITH x AS (
  SELECT distinct_id, timestamp, json_extract_string(properties, ?) AS variant
  FROM read_parquet(?) WHERE event = ?{where}),
e AS (
  SELECT distinct_id, min(timestamp) AS t, min(variant) AS lo, max(variant) AS hi
  FROM x WHERE variant IS NOT NULL GROUP BY distinct_id)
SELECT u.file_row_number::INTEGER AS uid, epoch_us(e.t) AS us, epoch(e.t) AS sec,
       CASE WHEN e.lo = e.hi THEN e.lo END AS variant
FROM e JOIN read_parquet(?, file_row_number = true) u USING (distinct_id)
ORDER BY uid"""
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        con.close()


def _window_us(days: float | None) -> int | None:
    """``CAST(days * 86400e6 AS BIGINT)`` as DuckDB computes it (rounding half to even)."""
    return None if days is None else round(days * 86400e6)


def _counts(columns: Columns, uid: np.ndarray, start: np.ndarray, m: MetricDef) -> np.ndarray:
    """Events named ``m.event`` of each unit in [start, start + window]."""
    keys = columns.keys(m.event)
    window = _window_us(m.days)
    tmax = columns.tmin + columns.span - 1  # no event is later: the key stays in uid's range
    stop = np.full_like(start, tmax) if window is None else np.minimum(start + window, tmax)
    lo = np.searchsorted(keys, columns.key(uid, start), side="left")
    hi = np.searchsorted(keys, columns.key(uid, stop), side="right")
    return (hi - lo).astype(np.int64)


def per_variant_rows(files: Sequence[Path], columns: Columns, event: str, variant_property: str,
                     filters: Sequence[tuple[str, str]],
                     metrics: Sequence[MetricDef]) -> list[tuple[Any, ...]]:
    """Rows as the SQL plan returns them: variant, n, first and last exposure (epoch seconds),
    then each metric's sum and sum of squares; variants sorted, mixed units (None) last."""
    table = _exposures(files, columns, event, variant_property, filters)
    uid = table["uid"].to_numpy()
    start = table["us"].to_numpy()
    sec = table["sec"].to_numpy()
    values = [_counts(columns, uid, start, m) for m in metrics]
    values = [np.minimum(v, 1) if m.binary else v for v, m in zip(values, metrics, strict=True)]
    encoded = pc.dictionary_encode(table["variant"]).combine_chunks()
    codes = encoded.indices.fill_null(-1).to_numpy()
    names = encoded.dictionary.to_pylist()
    order = sorted(range(len(names)), key=lambda k: names[k])
    groups = [(names[k], codes == k) for k in order] + [(None, codes == -1)]
    return [_row(name, mask, sec, values) for name, mask in groups if mask.any()]


def _row(name: str | None, mask: np.ndarray, sec: np.ndarray,
         values: list[np.ndarray]) -> tuple[Any, ...]:
    sums: list[float] = []
    for v in values:
        chosen = v[mask]
        sums += [float(chosen.sum()), float((chosen * chosen).sum())]
    return (name, float(mask.sum()), float(sec[mask].min()), float(sec[mask].max()), *sums)
