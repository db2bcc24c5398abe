"""Product analytics: the one reader of the event lake. Query specs, the registry of query
kinds, engines that run them over the event index and the lake, results, saved insights."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


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
