"""Checks a spec before any engine runs it, so every engine sees only well-formed queries."""

from __future__ import annotations

import ast
import math
from typing import Any, get_args

from needle.analytics.ranges import check_day
from needle.analytics.specs import (
    PROPERTY_MEASURES,
    CohortMetricKind,
    DateRange,
    ExperimentQuery,
    FilterOp,
    FunnelMode,
    FunnelQuery,
    Interval,
    LifecycleQuery,
    Measure,
    MetricQuery,
    PathsQuery,
    Period,
    PropertyFilter,
    RetentionQuery,
    SpanQuery,
    SqlQuery,
    Step,
    StickinessQuery,
    TrendQuery,
    UnitMetricKind,
    UserRetentionQuery,
)
from needle.errors import UserError

MAX_PERIODS = 52
MAX_BUCKETS = 100_000  # a bucket is a row of the answer: an hour, day, week or month
_HOURS = {"hour": 1, "day": 24, "week": 24 * 7, "month": 24 * 31}


def _check(ok: bool, message: str, field: str | None = None) -> None:
    """Refuse with ``message``; ``field`` names the option at fault (faces show it there)."""
    if not ok:
        raise UserError(message, field=field)


def _choice(value: Any, literal: Any, what: str, field: str | None = None) -> None:
    allowed = get_args(literal)
    _check(value in allowed, f"{what} {value!r}: choose one of {', '.join(allowed)}", field)


def _filters(filters: tuple[PropertyFilter, ...]) -> None:
    for f in filters:
        _choice(f.op, FilterOp, f"filter {f.key!r} operator")
        _check(bool(f.key), "a filter needs a property name")
        if f.op in (">", ">=", "<", "<="):
            _check(_finite(f.value), f"filter {f.key}{f.op}{f.value}: compare with a number")


def _finite(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _step(step: Step, what: str) -> None:
    _check(step.event is None or bool(step.event.strip()), f"{what}: the event name is empty")
    _filters(step.filters)


def _dates(dates: DateRange, unit: str | None = None) -> None:
    """Days inside the calendar, in order, and (split by ``unit``) not too many buckets."""
    check_day(dates.start, "start", field="start")
    check_day(dates.end, "end", field="end")
    if dates.start and dates.end:
        _check(dates.start <= dates.end, f"date range {dates.start}..{dates.end} ends first",
               "end")
        if unit is not None:
            n = ((dates.end - dates.start).days + 1) * 24 // _HOURS[unit]
            _check(n <= MAX_BUCKETS, f"date range {dates.start}..{dates.end} holds about {n:,} "
                                     f"{unit}s, more than {MAX_BUCKETS:,}: shorten it or choose "
                                     "a longer interval", "start")


def funnel(q: FunnelQuery) -> None:
    _check(2 <= len(q.steps) <= 20, "a funnel needs 2 to 20 steps", "steps")
    _choice(q.mode, FunnelMode, "funnel mode", "mode")
    _check(q.window_seconds > 0, "the conversion window must be positive", "window")
    for i, step in enumerate(q.steps, 1):
        _step(step, f"step {i}")
        _check(step.event is not None, f"step {i}: name an event")
    if q.mode == "unordered":
        names = [(s.event, s.filters) for s in q.steps]
        _check(len(set(names)) == len(names), "an unordered funnel needs distinct steps")
    for ex in q.exclusions:
        before = ex.before or len(q.steps)
        _check(1 <= ex.after < before <= len(q.steps), f"exclusion {ex.step.event}: bad steps")
        _check(q.mode != "unordered", "exclusions need an ordered or strict funnel")
        _step(ex.step, "exclusion")
    _check(1 <= q.histogram_bins <= 100, "histogram bins: 1 to 100")
    _filters(q.filters)
    _dates(q.dates)


def retention(q: RetentionQuery) -> None:
    _choice(q.period, Period, "period", "period")
    _check(1 <= q.periods <= MAX_PERIODS, f"periods: 1 to {MAX_PERIODS}", "periods")
    _step(q.start, "start event")
    _check(q.start.event is not None, "retention needs a start event")
    _step(q.returning, "return event")
    _filters(q.filters)
    _dates(q.dates, q.period)


def trend(q: TrendQuery) -> None:
    _check(1 <= len(q.series) <= 26, "a trend needs 1 to 26 series")
    _choice(q.interval, Interval, "interval", "interval")
    for s in q.series:
        _step(s.step, "series")
        _choice(s.measure, Measure, "measure", "measure")
        needs_property = s.measure in PROPERTY_MEASURES
        _check(
            needs_property == bool(s.property),
            f"measure {s.measure}: a property is {'needed' if needs_property else 'not used'}",
        )
    _check(q.breakdown_limit >= 1, "breakdown limit must be at least 1", "breakdown_limit")
    if q.formula:
        check_formula(q.formula, len(q.series))
    _filters(q.filters)
    _dates(q.dates, q.interval)


def check_formula(formula: str, series: int) -> ast.Expression:
    """Parse ``A/B`` style formulas: series letters, numbers, + - * / and parentheses only."""
    letters = {chr(ord("A") + i) for i in range(series)}
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        raise UserError(f"formula {formula!r}: write arithmetic on series letters (A/B)") from None
    allowed = (
        ast.Expression,
        ast.BinOp,
        ast.UnaryOp,
        ast.Add,
        ast.Sub,
        ast.Mult,
        ast.Div,
        ast.USub,
        ast.UAdd,
        ast.Constant,
        ast.Name,
        ast.Load,
    )
    for node in ast.walk(tree):
        _check(isinstance(node, allowed), f"formula {formula!r}: only + - * / and letters")
        if isinstance(node, ast.Constant):
            _check(type(node.value) in (int, float), f"formula {formula!r}: numbers only")
        if isinstance(node, ast.Name):
            _check(node.id in letters, f"formula {formula!r}: no series {node.id}")
    return tree


def single_event(q: StickinessQuery | LifecycleQuery) -> None:
    _step(q.step, "event")
    _choice(q.interval, Interval, "interval", "interval")
    _filters(q.filters)
    _dates(q.dates, q.interval)


def paths(q: PathsQuery) -> None:
    _check(bool(q.event), "paths need an event")
    _check(q.direction in ("after", "before"), "direction: after or before", "direction")
    _check(1 <= q.steps <= 10 and 1 <= q.top <= 100, "paths: 1-10 steps, top 1-100")
    _filters(q.filters)
    _dates(q.dates)


def sql(q: SqlQuery) -> None:
    _check(bool(q.sql and q.sql.strip()), "write a SQL query", "sql")  # None when not given
    _check(q.limit >= 1, "limit must be at least 1", "limit")


def experiment(q: ExperimentQuery) -> None:
    _check(bool(q.exposure.event.strip()), "an experiment needs an exposure event")
    _check(bool(q.exposure.variant_property.strip()), "an experiment needs a variant property")
    _check(bool(q.metrics), "an experiment needs at least one metric")
    for m in q.metrics:
        _choice(m.kind, UnitMetricKind, "metric kind")
        _check(bool(m.event.strip()), f"{m.kind} metric: name an event")
        _check(m.days is None or m.days >= 0, f"{m.kind} metric {m.event}: days must not be "
               "negative")
        _check(m.kind == "sum" or m.property_name is None,
               f"{m.kind} metric {m.event}: no property")
        _check(m.kind != "sum" or bool(m.property_name), f"sum metric {m.event}: name a property")
        _check(not m.binary or m.days is not None, f"{m.kind} metric {m.event}: give the days")


def metric(q: MetricQuery) -> None:
    m = q.metric
    _choice(m.kind, CohortMetricKind, "metric kind")
    _check(bool(m.event.strip()), f"{m.kind} metric: name an event")
    _check((m.kind == "per_user") != bool(m.then),
           f"{m.kind} metric: {'no' if m.kind == 'per_user' else 'a'} second event")
    _check(m.within_days is None or m.within_days > 0, "metric window: a positive number of days")
    _check(q.dates.start is not None and q.dates.end is not None, "a metric needs both dates")
    _dates(q.dates)


def span(q: SpanQuery) -> None:
    """Every span query is well formed."""


def user_retention(q: UserRetentionQuery) -> None:
    _check(q.days >= 0, "retention days must not be negative")
