"""The one registry of query kinds: for each, its spec and result types, its validation, the
capability an engine needs for it, its options and how they build a spec, and its table.

Faces read kinds from here: the CLI makes ``needle query KIND`` of every kind with options, the
web app its insight builder, the codec saves and loads specs by kind name, ``docs/json.md`` lists
result shapes. Adding a query kind is one :func:`register` call (plus the engines' runners).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, get_args

from needle.analytics import builders, ranges, tables, validate
from needle.analytics.periods import DEFAULT_DAYS
from needle.analytics.results import (
    ExperimentResult,
    FunnelResult,
    LifecycleResult,
    MetricResult,
    PathsResult,
    RetentionResult,
    SpanResult,
    SqlResult,
    StickinessResult,
    TrendResult,
    UserRetentionResult,
)
from needle.analytics.specs import (
    ExperimentQuery,
    FunnelMode,
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
from needle.analytics.tables import Table
from needle.errors import UserError


@dataclass(frozen=True)
class Option:
    """One option of a kind: ``name`` is the builder's keyword; ``flag`` the long name faces show
    when it is not ``name`` with dashes; an ``argument`` is positional and required."""

    name: str
    help: str
    default: Any = None
    type: type = str
    multiple: bool = False
    argument: bool = False
    flag: str | None = None
    required: bool = False

    @property
    def long(self) -> str:
        return self.flag or self.name.replace("_", "-")


@dataclass(frozen=True)
class Kind:
    name: str
    spec: type
    result: type
    check: Callable[[Any], None]
    help: str = ""
    build: Callable[..., Any] | None = None
    options: tuple[Option, ...] = field(default_factory=tuple)
    table: Callable[[Any], Table] | None = None
    needs: Callable[[Any], str] | None = None  # by default a query needs the kind's name
    capabilities: tuple[str, ...] = ()  # every value ``needs`` can return
    # The default first day of the range from its last day, for kinds whose spec and result
    # have ``dates`` (:mod:`needle.analytics.ranges`); None for kinds without a range.
    first_day: ranges.FirstDay | None = None
    events: Callable[[Any], Iterable[str | None]] | None = None  # the event names it reads

    def capability(self, query: Any) -> str:
        """What an engine must declare to run ``query``."""
        return self.name if self.needs is None else self.needs(query)

    @property
    def all_capabilities(self) -> tuple[str, ...]:
        return self.capabilities or (self.name,)

    def parse(self, options: dict[str, Any]) -> Query:
        """A validated spec from option values by name (missing ones take their defaults)."""
        if self.build is None:
            raise UserError(f"{self.name} queries take no options")
        values = {o.name: options.get(o.name, o.default) for o in self.options}
        for o in self.options:
            if o.multiple:
                values[o.name] = list(values[o.name] or [])
        return validate_query(self.build(**values))


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    KINDS.pop(name, None)


def get(name: str) -> Kind:
    if name not in KINDS:
        raise UserError(f"unknown query kind {name!r}; known: {', '.join(KINDS)}")
    return KINDS[name]


def of(query: Any) -> Kind:
    """The kind of a spec."""
    for kind in KINDS.values():
        if type(query) is kind.spec:
            return kind
    raise UserError(f"{type(query).__name__} is not a query spec")


def of_result(result: Any) -> Kind:
    """The kind whose queries give ``result``."""
    for kind in KINDS.values():
        if type(result) is kind.result:
            return kind
    raise UserError(f"{type(result).__name__} is not a query result")


def validate_query(query: Any) -> Any:
    """Return ``query`` unchanged if it is well formed; raise :class:`UserError` otherwise."""
    of(query).check(query)
    return query


def needs(query: Any) -> str:
    """The capability an engine must declare to run ``query``."""
    return of(query).capability(query)


def build(name: str, **options: Any) -> Query:
    return get(name).parse(options)


FUNNEL_MODES: tuple[str, ...] = get_args(FunnelMode)

_START = Option("start", "First UTC day, YYYY-MM-DD.", flag="from")
_END = Option("end", "Last UTC day (default: last day with data).", flag="to")
_WHERE = Option("where", "Property filter key=value (!= > >= < <= ~ ? !?); person.key=v.",
                multiple=True)
_BREAKDOWN = Option("breakdown", "Event property to split by.")
_INTERVAL = Option("interval", "hour, day, week or month.", "day")
_ONE_EVENT = (Option("event", "The event.", argument=True), _INTERVAL, _START, _END, _WHERE)


def event_names(query: Any) -> tuple[str, ...]:
    """The event names ``query`` reads, in order, once each (``any`` is no name)."""
    kind = of(query)
    names = kind.events(query) if kind.events is not None else ()
    return tuple(dict.fromkeys(n for n in names if n is not None))


def _funnel_events(q: FunnelQuery) -> Iterable[str | None]:
    return [*(s.event for s in q.steps), *(x.step.event for x in q.exclusions)]


def _experiment_events(q: ExperimentQuery) -> Iterable[str | None]:
    return [q.exposure.event, *(m.event for m in q.metrics)]


register(Kind(
    "funnel", FunnelQuery, FunnelResult, validate.funnel,
    "Conversion through ordered steps within a window (see docs/analytics.md).",
    builders.funnel_query,
    (Option("steps", "Step events, in order.", multiple=True, argument=True, flag="events"),
     Option("window", "Conversion window: 30m, 12h, 7d, 2w.", "14d"),
     Option("mode", "ordered, strict or unordered.", "ordered"),
     _START, _END, _WHERE,
     Option("step_where", "Filter one step: STEP:key=value.", multiple=True),
     Option("exclude", "Exclusion event: EVENT or EVENT:FROM-TO (steps).", multiple=True),
     _BREAKDOWN),
    tables.funnel,
    needs=lambda q: f"funnel.{q.mode}",
    capabilities=tuple(f"funnel.{mode}" for mode in FUNNEL_MODES),
    first_day=ranges.days_back(ranges.FUNNEL_DAYS),
    events=_funnel_events,
))
register(Kind(
    "retention", RetentionQuery, RetentionResult, validate.retention,
    "Cohorts by the period of their start event, and who came back in each later period.",
    builders.retention_query,
    (Option("start_event", "Event that puts a person in a cohort.", required=True),
     Option("return_event", "Event that counts as a return, or any.", "any"),
     Option("period", "day, week (Monday, UTC) or month.", "week"),
     Option("periods", "Periods per cohort, 1 to 52.", 8, int),
     Option("recurring", "Cohort by every start, not the first.", False, bool),
     Option("on_or_after", "Count returns in period k or later.", False, bool),
     _START, _END, _WHERE, _BREAKDOWN),
    tables.retention,
    first_day=ranges.cohorts_back,
    events=lambda q: (q.start.event, q.returning.event),
))
register(Kind(
    "trend", TrendQuery, TrendResult, validate.trend,
    "Counts, people or property maths per hour, day, week or month.",
    builders.trend_query,
    (Option("events", "One series per event (any = all events).", multiple=True, argument=True),
     Option("measure", "events, users, per_user_avg, sum, avg, min, max, median, p90, p95, p99.",
            "events"),
     Option("property", "Property for sum, avg, ... p99."),
     _INTERVAL, _START, _END, _WHERE, _BREAKDOWN,
     Option("breakdown_limit", "Breakdown values shown; the rest is $other.", 10, int,
            flag="limit"),
     Option("formula", "Arithmetic on series letters: A/B."),
     Option("compare", "Add the previous period of the same length.", False, bool)),
    tables.trend,
    first_day=ranges.by_interval,
    events=lambda q: [s.step.event for s in q.series],
))
register(Kind(
    "stickiness", StickinessQuery, StickinessResult, validate.single_event,
    "How many of the range's intervals people did the event in.",
    builders.stickiness_query,
    _ONE_EVENT,
    tables.stickiness,
    first_day=ranges.by_interval,
    events=lambda q: (q.step.event,),
))
register(Kind(
    "lifecycle", LifecycleQuery, LifecycleResult, validate.single_event,
    "New, returning, resurrecting and dormant people per interval.",
    builders.lifecycle_query,
    _ONE_EVENT,
    tables.lifecycle,
    first_day=ranges.by_interval,
    events=lambda q: (q.step.event,),
))
register(Kind(
    "paths", PathsQuery, PathsResult, validate.paths,
    "The most common next (or previous) events after a person's first occurrence of one.",
    builders.paths_query,
    (Option("event", "The event paths start (or end) at.", argument=True),
     Option("direction", "after or before.", "after"),
     Option("steps", "Events to follow, 1 to 10.", 3, int),
     Option("top", "Events shown per step.", 5, int),
     _START, _END, _WHERE),
    tables.paths,
    first_day=ranges.days_back(DEFAULT_DAYS["day"]),
    events=lambda q: (q.event,),
))
register(Kind(
    "sql", SqlQuery, SqlResult, validate.sql,
    "Read-only SQL over the events view (uuid, event, distinct_id, timestamp, properties).",
    builders.sql_query,
    (Option("sql", "One SELECT over the events view.", argument=True),
     Option("limit", "Rows shown at most.", 1000, int)),
    tables.sql,
))
register(Kind(
    "experiment", ExperimentQuery, ExperimentResult, validate.experiment,
    "Per-variant sums of per-unit metrics from exposure on.",
    table=tables.experiment,
    events=_experiment_events,
))
register(Kind(
    "metric", MetricQuery, MetricResult, validate.metric,
    "A cohort metric over a range of days, optionally per person.", table=tables.metric,
    events=lambda q: (q.metric.event, q.metric.then),
))
register(Kind(
    "span", SpanQuery, SpanResult, validate.span,
    "The first and last moment holding an event.", table=tables.span,
))
register(Kind(
    "user_retention", UserRetentionQuery, UserRetentionResult, validate.user_retention,
    "Whether each person was active N days or more after their first event.",
    table=tables.user_retention,
))
