"""Needle: a local-first workbench for product engineers."""

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
from needle.errors import InputError, InternalError, NeedleError, UserError
from needle.workspace import Workspace

__all__ = [
    "DateRange",
    "Exclusion",
    "FunnelQuery",
    "InputError",
    "InternalError",
    "LifecycleQuery",
    "NeedleError",
    "PathsQuery",
    "PropertyFilter",
    "RetentionQuery",
    "Series",
    "SqlQuery",
    "Step",
    "StickinessQuery",
    "TrendQuery",
    "UserError",
    "Workspace",
]
