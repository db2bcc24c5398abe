"""The engine's fast paths: queries the event index can answer, or ``None`` for SQL.

Each takes the engine, whose DuckDB connection is opened only by the paths that need it (none
does: a query's days are filled in before it gets here, from the index's own days)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from needle.analytics.duckdb import experiment, indexed, indexed_units
from needle.analytics.index import Columns
from needle.analytics.periods import truncate
from needle.analytics.ranges import bounds
from needle.analytics.results import Result, TrendResult
from needle.analytics.specs import (
    ExperimentQuery,
    FunnelQuery,
    RetentionQuery,
    TrendQuery,
)


def funnel(engine: Any, columns: Columns, q: FunnelQuery) -> Result | None:
    return indexed.run_funnel(columns, q, *bounds(q.dates))


def retention(engine: Any, columns: Columns, q: RetentionQuery) -> Result | None:
    first, last = bounds(q.dates)
    return indexed.run_retention(columns, q, truncate(first, q.period), last)


def trend(engine: Any, columns: Columns, q: TrendQuery) -> Result | None:
    first, last = bounds(q.dates)
    current = indexed.run_trend(columns, q, first, last, "current")
    if current is None:
        return None
    if q.compare:
        span = timedelta(days=(last - first).days + 1)
        previous = indexed.run_trend(columns, q, first - span, last - span, "previous")
        current += previous or []
    return TrendResult(q.interval, tuple(current))


def people(
    engine: Any, columns: Columns, q: FunnelQuery, k: int, dropped: bool
) -> list[str] | None:
    found = indexed.people(columns, q, *bounds(q.dates))
    if found is None:
        return None
    return sorted(columns.distinct_ids(found.ids(k, dropped)))


def units(engine: Any, columns: Columns, q: ExperimentQuery) -> Result | None:
    if not columns.span:
        return None
    files = [Path(f) for f in sorted(columns.files)]
    rows = indexed_units.per_variant_rows(files, columns, q)
    return None if rows is None else experiment.result(rows, len(q.metrics))


FAST: dict[type, Callable[[Any, Columns, Any], Result | None]] = {
    FunnelQuery: funnel,
    RetentionQuery: retention,
    TrendQuery: trend,
    ExperimentQuery: units,
}
