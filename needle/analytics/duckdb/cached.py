"""The engine's fast paths: queries the event index can answer, or ``None`` for SQL.

Each takes the engine, whose DuckDB connection is opened only by the paths that need it (an
experiment's metrics need none)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from needle.analytics.duckdb import experiment, indexed, indexed_units
from needle.analytics.duckdb.funnel import DEFAULT_DAYS
from needle.analytics.duckdb.retention import default_first
from needle.analytics.duckdb.source import resolve
from needle.analytics.index import Columns
from needle.analytics.periods import DEFAULT_DAYS as PERIOD_DAYS
from needle.analytics.periods import truncate
from needle.analytics.results import Result, TrendResult
from needle.analytics.specs import (
    DateRange,
    ExperimentQuery,
    FunnelQuery,
    RetentionQuery,
    TrendQuery,
)


def _resolve(engine: Any, columns: Columns, dates: DateRange, default_days: int
             ) -> tuple[date, date]:
    """The query's days; the index knows the data's days, so no connection is opened for them."""
    return resolve(engine.con if columns.days is None else None, dates, default_days, columns.days)


def funnel(engine: Any, columns: Columns, q: FunnelQuery) -> Result | None:
    return indexed.run_funnel(columns, q, *_resolve(engine, columns, q.dates, DEFAULT_DAYS))


def retention(engine: Any, columns: Columns, q: RetentionQuery) -> Result | None:
    first, last = _resolve(engine, columns, q.dates, 1)
    if q.dates.start is None:
        first = default_first(last, q)
    return indexed.run_retention(columns, q, truncate(first, q.period), last)


def trend(engine: Any, columns: Columns, q: TrendQuery) -> Result | None:
    first, last = _resolve(engine, columns, q.dates, PERIOD_DAYS[q.interval])
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
    found = indexed.people(columns, q, *_resolve(engine, columns, q.dates, DEFAULT_DAYS))
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
