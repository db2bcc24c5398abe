"""The Spark engine: the same specs compiled into Spark DataFrame plans over the same Parquet
lake, for data that outgrows one machine.

It reads the lake's files as plain Parquet, from the workspace's own lake or from any path
Spark reads (a folder, HDFS, an S3-compatible store) holding a lake and its manifest. Its gap,
declared in ``capabilities``: ``sql`` (user SQL is written for the DuckDB engine's sealed
``events`` view; Spark SQL cannot be confined to the lake's files the same way).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from needle.analytics.engine import FUNNEL_PEOPLE, refuse_empty
from needle.analytics.results import Result
from needle.analytics.spark import activity, experiment, funnel, paths, people, retention, trend
from needle.analytics.spark.metric import run_metric
from needle.analytics.spark.session import session
from needle.analytics.specs import (
    ExperimentQuery,
    FunnelQuery,
    LifecycleQuery,
    MetricQuery,
    PathsQuery,
    Query,
    RetentionQuery,
    SpanQuery,
    StickinessQuery,
    TrendQuery,
    UserRetentionQuery,
)
from needle.errors import UserError

SCHEMA = T.StructType([
    T.StructField("uuid", T.StringType()), T.StructField("event", T.StringType()),
    T.StructField("distinct_id", T.StringType()), T.StructField("timestamp", T.TimestampType()),
    T.StructField("properties", T.StringType()),
])
_RUNNERS: dict[type, Callable[[DataFrame, Any], Result]] = {
    FunnelQuery: funnel.run_funnel,
    RetentionQuery: retention.run_retention,
    TrendQuery: trend.run_trend,
    StickinessQuery: activity.run_stickiness,
    LifecycleQuery: activity.run_lifecycle,
    PathsQuery: paths.run_paths,
    ExperimentQuery: experiment.run_experiment,
    SpanQuery: people.run_span,
    UserRetentionQuery: people.run_user_retention,
}


def manifest_files(spark: SparkSession, lake: str) -> list[str]:
    """The files a lake's manifest names, read through Spark so that any path Spark reads works."""
    root = lake.rstrip("/")
    try:
        text = "\n".join(r[0] for r in spark.read.text(f"{root}/manifest.json").collect())
    except Exception as exc:  # Spark raises its own analysis errors for a missing path
        raise UserError(f"lake_path {lake}: no lake manifest there ({type(exc).__name__})",
                        field="lake_path", value=lake) from None
    try:
        entries = json.loads(text)["files"]
        return [f"{root}/{entry['path']}" for entry in entries]
    except (ValueError, KeyError, TypeError):
        raise UserError(f"lake_path {lake}/manifest.json: not a lake manifest",
                        field="lake_path", value=lake) from None


class SparkEngine:
    """Runs every query kind but ``sql`` as Spark DataFrame plans over the lake's files."""

    name = "spark"
    capabilities = frozenset({
        "funnel.ordered", "funnel.strict", "funnel.unordered", FUNNEL_PEOPLE, "retention",
        "trend", "stickiness", "lifecycle", "paths", "experiment", "metric", "span",
        "user_retention",
    })

    def __init__(self, files: Sequence[Path | str], master: str = "local[2]",
                 lake_path: str = "") -> None:
        """``lake_path``, when given, is read instead of ``files`` (through its manifest)."""
        self.files = [str(f) for f in files]
        self.master = master
        self.lake_path = lake_path

    @cached_property
    def spark(self) -> SparkSession:
        return session(self.master)

    @cached_property
    def paths(self) -> list[str]:
        return manifest_files(self.spark, self.lake_path) if self.lake_path else self.files

    @cached_property
    def events(self) -> DataFrame:
        if not self.paths:
            return self.spark.createDataFrame([], SCHEMA)
        return self.spark.read.schema(SCHEMA).parquet(*self.paths)

    def data_days(self) -> tuple[date, date] | None:
        first, last = self.events.agg(F.to_date(F.min("timestamp")),
                                      F.to_date(F.max("timestamp"))).collect()[0]
        return None if first is None else (first, last)

    def event_names(self) -> frozenset[str]:
        rows = self.events.select("event").distinct().collect()
        return frozenset(r[0] for r in rows if r[0] is not None)

    def execute(self, query: Query) -> Result:
        refuse_empty(query, bool(self.paths))
        if isinstance(query, MetricQuery):
            self.events.createOrReplaceTempView("events")  # the view its SQL names
            return run_metric(self.spark, query)
        return _RUNNERS[type(query)](self.events, query)

    def funnel_people(self, query: FunnelQuery, step: int, dropped: bool) -> list[str]:
        return funnel.run_people(self.events, query, step, dropped)

    def close(self) -> None:
        """The session stays for the next engine of this process (a JVM takes seconds)."""
        self.__dict__.pop("events", None)
