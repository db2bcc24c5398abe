"""The engine interface: a small protocol plus declared capabilities.

An engine compiles query specs for one backend. What a backend can do is declared in
``capabilities`` (names from :mod:`needle.analytics.kinds`); :func:`run` refuses any other query
with :class:`UnsupportedQuery` before the engine sees it, so engines never grow
``if kind == ...`` chains of refusals.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, Protocol

from needle.analytics import kinds, ranges
from needle.analytics.results import Result
from needle.analytics.specs import (
    ExperimentQuery,
    FunnelQuery,
    MetricQuery,
    Query,
    UserRetentionQuery,
)
from needle.errors import UserError

FUNNEL_PEOPLE = "funnel.people"


class UnsupportedQuery(UserError):
    """The chosen engine declares no capability for this query."""

    def __init__(self, engine: str, capability: str) -> None:
        self.engine = engine
        self.capability = capability
        super().__init__(f"the {engine} engine cannot run {capability} queries")


class EmptyLake(UserError):
    """A question about people asked of a lake without events: its answer would be a silent
    zero."""

    def __init__(self) -> None:
        super().__init__("the event lake is empty; import events first", hint="import-events")


def refuse_empty(query: Query, has_events: bool) -> None:
    """Engines call this before the kinds that measure people (experiments, cohort metrics,
    user retention), whose answer on an empty lake would be a silent zero."""
    if not has_events and isinstance(query, (ExperimentQuery, MetricQuery, UserRetentionQuery)):
        raise EmptyLake()


class Engine(Protocol):
    name: str
    capabilities: frozenset[str]

    def execute(self, query: Query) -> Result:
        """Run a validated query whose capability the engine declares."""
        ...

    def funnel_people(self, query: FunnelQuery, step: int, dropped: bool) -> list[str]:
        """distinct_ids that reached ``step`` (and, if ``dropped``, got no further)."""
        ...

    def data_days(self) -> tuple[date, date] | None:
        """The first and last UTC day holding events; ``None`` without events."""
        ...

    def event_names(self) -> frozenset[str]:
        """Every event name in the data."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


def _require(engine: Engine, capability: str) -> None:
    if capability not in engine.capabilities:
        raise UnsupportedQuery(engine.name, capability)


def with_dates(engine: Engine, query: Any) -> Any:
    """``query`` with both ends of its range filled in (see :mod:`needle.analytics.ranges`);
    queries without a range are returned as they are."""
    first_day = kinds.of(query).first_day
    if first_day is None:
        return query
    if query.dates.start is not None and query.dates.end is not None:
        return query
    resolved = ranges.resolve(query, first_day, engine.data_days(), datetime.now(UTC).date())
    return kinds.validate_query(resolved)  # the filled-in range may hold too many buckets


def run(engine: Engine, query: Query) -> Result:
    """Validate ``query``, check the engine can run it, fill in its days, and run it; a result
    with a range says which days it covers."""
    kinds.validate_query(query)
    _require(engine, kinds.needs(query))
    resolved = with_dates(engine, query)
    result = engine.execute(resolved)
    if kinds.of(query).first_day is None or getattr(result, "dates", None) is not None:
        return result  # no range, or the engine knows better (retention starts on a period)
    return replace(result, dates=resolved.dates)  # type: ignore[type-var]


def funnel_people(engine: Engine, query: FunnelQuery, step: int, dropped: bool = True) -> list[str]:
    """The people behind one funnel step, so a person can look at who dropped off."""
    kinds.validate_query(query)
    _require(engine, FUNNEL_PEOPLE)
    if not 1 <= step <= len(query.steps):
        raise UserError(f"step {step}: the funnel has steps 1 to {len(query.steps)}")
    return engine.funnel_people(with_dates(engine, query), step, dropped)
