"""Product analytics: query specs, engines that run them, results, saved insights."""

from needle.analytics.api import engine_for, people, run_query
from needle.analytics.engine import Capability, Engine, UnsupportedQuery
from needle.analytics.insights import Insight, get_insight, list_insights, run_insight, save_insight
from needle.analytics.specs import (
    DateRange,
    Exclusion,
    FunnelQuery,
    LifecycleQuery,
    PathsQuery,
    PropertyFilter,
    RetentionQuery,
    Series,
    SqlQuery,
    Step,
    StickinessQuery,
    TrendQuery,
)

__all__ = [
    "Capability",
    "DateRange",
    "Engine",
    "Exclusion",
    "FunnelQuery",
    "Insight",
    "LifecycleQuery",
    "PathsQuery",
    "PropertyFilter",
    "RetentionQuery",
    "Series",
    "SqlQuery",
    "Step",
    "StickinessQuery",
    "TrendQuery",
    "UnsupportedQuery",
    "engine_for",
    "get_insight",
    "list_insights",
    "people",
    "run_insight",
    "run_query",
    "save_insight",
]
