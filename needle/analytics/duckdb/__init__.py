"""The DuckDB engine: the embedded default, reading the lake's Parquet files in place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from needle.analytics.columnar import Columns, open_columns
from needle.analytics.duckdb import activity, cached, funnel, paths, retention, sql, trend
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

    def __init__(
        self,
        files: Sequence[Path],
        threads: int | None = None,
        cache_dir: Path | None = None,
        memory_limit: str | None = None,
    ) -> None:
        """``cache_dir`` enables the columnar cache (built on first use) for the common shapes."""
        self.files = list(files)
        self.cache_dir = cache_dir
        self.threads = threads
        spill = None if cache_dir is None else cache_dir / "spill"
        self.con = connect(self.files, threads, memory_limit, spill)

    @cached_property
    def columns(self) -> Columns | None:
        if self.cache_dir is None:
            return None
        return open_columns(self.cache_dir, self.files, self.threads)

    def execute(self, query: Query) -> Result:
        fast = cached.FAST.get(type(query))
        if fast is not None and self.columns is not None:
            result = fast(self.con, self.columns, query)
            if result is not None:
                return result
        return _RUNNERS[type(query)](self.con, query)

    def funnel_people(self, query: FunnelQuery, step: int, dropped: bool) -> list[str]:
        if self.columns is not None:
            found = cached.people(self.con, self.columns, query, step, dropped)
            if found is not None:
                return found
        return funnel.run_people(self.con, query, step, dropped)

    def close(self) -> None:
        self.con.close()
