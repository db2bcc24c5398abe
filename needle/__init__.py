"""Needle: a local-first workbench for product engineers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from needle import lazy

if TYPE_CHECKING:
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

# Loaded on first use (PEP 562): every ``needle`` command imports this package, and most need
# neither the engine nor the store.
_EXPORTS = {
    **dict.fromkeys(["DateRange", "Exclusion", "FunnelQuery", "LifecycleQuery", "PathsQuery",
                     "PropertyFilter", "RetentionQuery", "Series", "SqlQuery", "Step",
                     "StickinessQuery", "TrendQuery"], "needle.analytics.specs"),
    **dict.fromkeys(["InputError", "InternalError", "NeedleError", "UserError"], "needle.errors"),
    "Workspace": "needle.workspace",
}


__getattr__ = lazy.exports(__name__, _EXPORTS)


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
