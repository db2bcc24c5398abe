"""The DuckDB engine: the embedded default, reading the lake's Parquet files in place, with the
event index (built on first use) answering the common shapes without SQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb

from needle.analytics.duckdb import (
    activity,
    cached,
    experiment,
    funnel,
    metric,
    paths,
    people,
    retention,
    sql,
    trend,
)
from needle.analytics.duckdb.source import connect, data_days
from needle.analytics.engine import FUNNEL_PEOPLE, refuse_empty
from needle.analytics.index import Columns, is_built, open_columns
from needle.analytics.results import Result
from needle.analytics.specs import (
    ExperimentQuery,
    FunnelQuery,
    LifecycleQuery,
    MetricQuery,
    PathsQuery,
    Query,
    RetentionQuery,
    SpanQuery,
    SqlQuery,
    StickinessQuery,
    TrendQuery,
    UserRetentionQuery,
)

_RUNNERS: dict[type, Callable[[Any, Any], Result]] = {
    FunnelQuery: funnel.run_funnel,
    RetentionQuery: retention.run_retention,
    TrendQuery: trend.run_trend,
    StickinessQuery: activity.run_stickiness,
    LifecycleQuery: activity.run_lifecycle,
    PathsQuery: paths.run_paths,
    SqlQuery: sql.run_sql,
    ExperimentQuery: experiment.run_experiment,
    MetricQuery: metric.run_metric,
    SpanQuery: people.run_span,
    UserRetentionQuery: people.run_user_retention,
}


class DuckDBEngine:
    """Runs every query kind on one in-memory DuckDB connection over the lake's files."""

    name = "duckdb"
    capabilities = frozenset({
        "funnel.ordered", "funnel.strict", "funnel.unordered", FUNNEL_PEOPLE, "retention",
        "trend", "stickiness", "lifecycle", "paths", "sql", "experiment", "metric", "span",
        "user_retention",
    })

    def __init__(
        self,
        files: Sequence[Path],
        threads: int | None = None,
        index_dir: Path | None = None,
        memory_limit: str | None = None,
    ) -> None:
        """``index_dir`` enables the event index (built on first use) for the common shapes."""
        self.files = list(files)
        self.index_dir = index_dir
        self.threads = threads
        self.memory_limit = memory_limit

    @cached_property
    def con(self) -> duckdb.DuckDBPyConnection:
        """Opened on first use: queries the index answers need no connection."""
        spill = None if self.index_dir is None else self.index_dir / "spill"
        return connect(self.files, self.threads, self.memory_limit, spill)

    @cached_property
    def columns(self) -> Columns | None:
        if self.index_dir is None:
            return None
        return open_columns(self.index_dir, self.files, self.threads)

    def _built_columns(self) -> Columns | None:
        """The index if it is open or built; building it is not worth a question about days."""
        if self.index_dir is None:
            return None
        if "columns" in self.__dict__ or is_built(self.index_dir, self.files):
            return self.columns
        return None

    def data_days(self) -> tuple[date, date] | None:
        columns = self._built_columns()
        if columns is not None:
            return columns.days
        return data_days(self.con) if self.files else None

    def event_names(self) -> frozenset[str]:
        columns = self._built_columns()
        if columns is not None:
            return frozenset(columns.names)
        if not self.files:
            return frozenset()
        return frozenset(r[0] for r in self.con.execute("SELECT DISTINCT event FROM events")
                         .fetchall() if r[0] is not None)

    def execute(self, query: Query) -> Result:
        refuse_empty(query, bool(self.files))
        fast = cached.FAST.get(type(query))
        if fast is not None and self.columns is not None:
            result = fast(self, self.columns, query)
            if result is not None:
                return result
        return _RUNNERS[type(query)](self.con, query)

    def funnel_people(self, query: FunnelQuery, step: int, dropped: bool) -> list[str]:
        if self.columns is not None:
            found = cached.people(self, self.columns, query, step, dropped)
            if found is not None:
                return found
        return funnel.run_people(self.con, query, step, dropped)

    def close(self) -> None:
        if "con" in self.__dict__:
            self.con.close()
