"""The engine's fast paths: queries the event index can answer, or ``None`` for SQL.

Each takes the engine, whose DuckDB connection is opened only by the paths that need it (none
does: a query's days are filled in before it gets here, from the index's own days)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from needle.analytics.duckdb import (
    indexed,
    indexed_activity,
    indexed_trend,
    indexed_units,
)
from needle.analytics.index import Columns
from needle.analytics.periods import truncate
from needle.analytics.ranges import bounds
from needle.analytics.results import Result
from needle.analytics.shaping import compared_trend, experiment_result
from needle.analytics.specs import (
    ExperimentQuery,
    FunnelQuery,
    LifecycleQuery,
    RetentionQuery,
    StickinessQuery,
    TrendQuery,
)


def funnel(engine: Any, columns: Columns, q: FunnelQuery) -> Result | None:
    return indexed.run_funnel(engine.files, columns, q, *bounds(q.dates))


def retention(engine: Any, columns: Columns, q: RetentionQuery) -> Result | None:
    first, last = bounds(q.dates)
    return indexed.run_retention(engine.files, columns, q, truncate(first, q.period), last)


def trend(engine: Any, columns: Columns, q: TrendQuery) -> Result | None:
    return compared_trend(q, lambda first, last, compare: indexed_trend.run_trend(
        engine.files, columns, q, first, last, compare))


def stickiness(engine: Any, columns: Columns, q: StickinessQuery) -> Result | None:
    return indexed_activity.run_stickiness(engine.files, columns, q, *bounds(q.dates))


def lifecycle(engine: Any, columns: Columns, q: LifecycleQuery) -> Result | None:
    return indexed_activity.run_lifecycle(engine.files, columns, q, *bounds(q.dates))


def people(
    engine: Any, columns: Columns, q: FunnelQuery, k: int, dropped: bool
) -> list[str] | None:
    found = indexed.people(engine.files, columns, q, *bounds(q.dates))
    if found is None:
        return None
    return sorted(columns.distinct_ids(found.ids(k, dropped)))


def units(engine: Any, columns: Columns, q: ExperimentQuery) -> Result | None:
    if not columns.span:
        return None
    files = [Path(f) for f in sorted(columns.files)]
    rows = indexed_units.per_variant_rows(files, columns, q)
    return None if rows is None else experiment_result(rows, len(q.metrics))


FAST: dict[type, Callable[[Any, Columns, Any], Result | None]] = {
    FunnelQuery: funnel,
    RetentionQuery: retention,
    TrendQuery: trend,
    StickinessQuery: stickiness,
    LifecycleQuery: lifecycle,
    ExperimentQuery: units,
}
