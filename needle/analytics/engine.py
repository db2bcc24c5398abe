"""The engine interface: a small protocol plus declared capabilities.

An engine compiles query specs for one backend. What a backend cannot do is declared in
``capabilities``; :func:`run` refuses such a query with :class:`UnsupportedQuery` before the
engine sees it, so engines never grow ``if kind == ...`` chains of refusals.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

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
from needle.analytics.validate import validate
from needle.errors import UserError


class Capability(StrEnum):
    FUNNEL_ORDERED = "funnel.ordered"
    FUNNEL_STRICT = "funnel.strict"
    FUNNEL_UNORDERED = "funnel.unordered"
    FUNNEL_PEOPLE = "funnel.people"
    RETENTION = "retention"
    TREND = "trend"
    STICKINESS = "stickiness"
    LIFECYCLE = "lifecycle"
    PATHS = "paths"
    SQL = "sql"


class UnsupportedQuery(UserError):
    """The chosen engine declares no capability for this query."""


class Engine(Protocol):
    name: str
    capabilities: frozenset[Capability]

    def execute(self, query: Query) -> Result:
        """Run a validated query whose capability the engine declares."""
        ...

    def funnel_people(self, query: FunnelQuery, step: int, dropped: bool) -> list[str]:
        """distinct_ids that reached ``step`` (and, if ``dropped``, got no further)."""
        ...


_NEEDS: dict[type, Callable[[Query], Capability]] = {
    FunnelQuery: lambda q: Capability(f"funnel.{q.mode}"),  # type: ignore[union-attr]
    RetentionQuery: lambda q: Capability.RETENTION,
    TrendQuery: lambda q: Capability.TREND,
    StickinessQuery: lambda q: Capability.STICKINESS,
    LifecycleQuery: lambda q: Capability.LIFECYCLE,
    PathsQuery: lambda q: Capability.PATHS,
    SqlQuery: lambda q: Capability.SQL,
}


def required_capability(query: Query) -> Capability:
    return _NEEDS[type(query)](query)


def _require(engine: Engine, capability: Capability) -> None:
    if capability not in engine.capabilities:
        raise UnsupportedQuery(f"the {engine.name} engine cannot run {capability} queries")


def run(engine: Engine, query: Query) -> Result:
    """Validate ``query``, check the engine can run it, and run it."""
    validate(query)
    _require(engine, required_capability(query))
    return engine.execute(query)


def funnel_people(engine: Engine, query: FunnelQuery, step: int, dropped: bool = True) -> list[str]:
    """The people behind one funnel step, so a person can look at who dropped off."""
    validate(query)
    _require(engine, Capability.FUNNEL_PEOPLE)
    if not 1 <= step <= len(query.steps):
        raise UserError(f"step {step}: the funnel has steps 1 to {len(query.steps)}")
    return engine.funnel_people(query, step, dropped)
