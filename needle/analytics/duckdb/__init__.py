"""The DuckDB engine: the embedded default, reading the lake's Parquet files in place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from needle.analytics.duckdb import activity, funnel, paths, retention, sql, trend
from needle.analytics.duckdb.source import connect
from needle.analytics.engine import Capability
from needle.analytics.results import Result
from needle.analytics.specs import (
    FunnelQuery,
    LifecycleQuery,
    PathsQuery,
    Query,
    RetentionQuery,
    SqlQuery,
    StickinessQuery,
    TrendQuery,
)

_RUNNERS: dict[type, Callable[[Any, Any], Result]] = {
    FunnelQuery: funnel.run_funnel,
    RetentionQuery: retention.run_retention,
    TrendQuery: trend.run_trend,
    StickinessQuery: activity.run_stickiness,
    LifecycleQuery: activity.run_lifecycle,
    PathsQuery: paths.run_paths,
    SqlQuery: sql.run_sql,
}


class DuckDBEngine:
    """Runs every query kind on one in-memory DuckDB connection over the lake's files."""

    name = "duckdb"
    capabilities = frozenset(Capability)

    def __init__(self, files: Sequence[Path], threads: int | None = None) -> None:
        self.con = connect(files, threads)

    def execute(self, query: Query) -> Result:
        return _RUNNERS[type(query)](self.con, query)

    def funnel_people(self, query: FunnelQuery, step: int, dropped: bool) -> list[str]:
        return funnel.run_people(self.con, query, step, dropped)

    def close(self) -> None:
        self.con.close()
