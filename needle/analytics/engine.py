"""The engine interface: a small protocol plus declared capabilities.

An engine compiles query specs for one backend. What a backend can do is declared in
``capabilities`` (names from :mod:`needle.analytics.kinds`); :func:`run` refuses any other query
with :class:`UnsupportedQuery` before the engine sees it, so engines never grow
``if kind == ...`` chains of refusals.
"""

from __future__ import annotations

from typing import Protocol

from needle.analytics import kinds
from needle.analytics.results import Result
from needle.analytics.specs import FunnelQuery, Query
from needle.errors import UserError

FUNNEL_PEOPLE = "funnel.people"


class UnsupportedQuery(UserError):
    """The chosen engine declares no capability for this query."""

    def __init__(self, engine: str, capability: str) -> None:
        self.engine = engine
        self.capability = capability
        super().__init__(f"the {engine} engine cannot run {capability} queries")


class Engine(Protocol):
    name: str
    capabilities: frozenset[str]

    def execute(self, query: Query) -> Result:
        """Run a validated query whose capability the engine declares."""
        ...

    def funnel_people(self, query: FunnelQuery, step: int, dropped: bool) -> list[str]:
        """distinct_ids that reached ``step`` (and, if ``dropped``, got no further)."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


def _require(engine: Engine, capability: str) -> None:
    if capability not in engine.capabilities:
        raise UnsupportedQuery(engine.name, capability)


def run(engine: Engine, query: Query) -> Result:
    """Validate ``query``, check the engine can run it, and run it."""
    kinds.validate_query(query)
    _require(engine, kinds.needs(query))
    return engine.execute(query)


def funnel_people(engine: Engine, query: FunnelQuery, step: int, dropped: bool = True) -> list[str]:
    """The people behind one funnel step, so a person can look at who dropped off."""
    kinds.validate_query(query)
    _require(engine, FUNNEL_PEOPLE)
    if not 1 <= step <= len(query.steps):
        raise UserError(f"step {step}: the funnel has steps 1 to {len(query.steps)}")
    return engine.funnel_people(query, step, dropped)
