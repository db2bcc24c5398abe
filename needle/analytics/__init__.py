"""Product analytics: the one reader of the event lake. Query specs, the registry of query
kinds, engines that run them over the event index and the lake, results, saved insights."""

from __future__ import annotations

from typing import TYPE_CHECKING

from needle import lazy

if TYPE_CHECKING:
    from needle.analytics.engine import Engine, UnsupportedQuery, funnel_people, run
    from needle.analytics.engines import ENGINES, EngineOptions, open_engine
    from needle.analytics.insights import Insight, get_insight, list_insights, save_insight
    from needle.analytics.kinds import KINDS, Kind, Option, register
    from needle.analytics.specs import (
        CohortMetric,
        DateRange,
        Exclusion,
        ExperimentQuery,
        Exposure,
        FunnelQuery,
        LifecycleQuery,
        MetricQuery,
        PathsQuery,
        PropertyFilter,
        RetentionQuery,
        Series,
        SpanQuery,
        SqlQuery,
        Step,
        StickinessQuery,
        TrendQuery,
        UnitMetric,
        UserRetentionQuery,
    )

# Loaded on first use (PEP 562): importing a query spec must not start the engine, the store or
# DuckDB (every command imports specs; few run a query).
_EXPORTS = {
    **dict.fromkeys(["Engine", "UnsupportedQuery", "funnel_people", "run"],
                    "needle.analytics.engine"),
    **dict.fromkeys(["ENGINES", "EngineOptions", "open_engine"], "needle.analytics.engines"),
    **dict.fromkeys(["Insight", "get_insight", "list_insights", "save_insight"],
                    "needle.analytics.insights"),
    **dict.fromkeys(["KINDS", "Kind", "Option", "register"], "needle.analytics.kinds"),
    **dict.fromkeys(["CohortMetric", "DateRange", "Exclusion", "ExperimentQuery", "Exposure",
                     "FunnelQuery", "LifecycleQuery", "MetricQuery", "PathsQuery",
                     "PropertyFilter", "RetentionQuery", "Series", "SpanQuery", "SqlQuery",
                     "Step", "StickinessQuery", "TrendQuery", "UnitMetric",
                     "UserRetentionQuery"], "needle.analytics.specs"),
}


__getattr__ = lazy.exports(__name__, _EXPORTS)


__all__ = [
    "ENGINES",
    "KINDS",
    "CohortMetric",
    "DateRange",
    "Engine",
    "EngineOptions",
    "Exclusion",
    "ExperimentQuery",
    "Exposure",
    "FunnelQuery",
    "Insight",
    "Kind",
    "LifecycleQuery",
    "MetricQuery",
    "Option",
    "PathsQuery",
    "PropertyFilter",
    "RetentionQuery",
    "Series",
    "SpanQuery",
    "SqlQuery",
    "Step",
    "StickinessQuery",
    "TrendQuery",
    "UnitMetric",
    "UnsupportedQuery",
    "UserRetentionQuery",
    "funnel_people",
    "get_insight",
    "list_insights",
    "open_engine",
    "register",
    "run",
    "save_insight",
]
