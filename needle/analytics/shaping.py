"""Results as every engine shapes them: engines differ in how they count, never in how counts
become a result, so those rules are written once (the breakdown order and its ``$other`` bucket,
series labels and formulas, retention cohorts, experiment sums)."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, overload

from needle.analytics.periods import buckets, label, step, truncate
from needle.analytics.ranges import bounds
from needle.analytics.results import (
    Cohort,
    ExperimentResult,
    Point,
    RetentionBreakdown,
    RetentionResult,
    TrendResult,
    TrendSeries,
    VariantSums,
)
from needle.analytics.specs import DateRange, RetentionQuery, Series, TrendQuery
from needle.analytics.validate import check_formula

OTHER = "$other"
ZERO_WHEN_EMPTY = {"events", "users", "per_user_avg", "sum"}  # 0 in an empty bucket, not missing
Counts = dict[str | None, dict[datetime, float]]  # breakdown value -> bucket -> value


def series_label(s: Series) -> str:
    return s.label or s.step.event or "all events"


@overload
def compared_trend(q: TrendQuery, period: Callable[[date, date, str], list[TrendSeries]]
                   ) -> TrendResult: ...
@overload
def compared_trend(q: TrendQuery, period: Callable[[date, date, str], list[TrendSeries] | None]
                   ) -> TrendResult | None: ...
def compared_trend(q: TrendQuery,
                   period: Callable[[date, date, str], list[TrendSeries] | None]
                   ) -> TrendResult | None:
    """The trend over ``q``'s range and, with ``compare``, over the as long range just before
    it; ``period(first, last, compare)`` shapes one range. None when the current range gives
    None (an engine's index cannot answer it); a previous range that gives None is left out."""
    first, last = bounds(q.dates)
    series = period(first, last, "current")
    if series is None:
        return None
    if q.compare:
        span = timedelta(days=(last - first).days + 1)
        series = series + (period(first - span, last - span, "previous") or [])
    return TrendResult(q.interval, tuple(series))


def trend_period(q: TrendQuery, first: date, last: date, compare: str,
                 counts: Callable[[Series], Counts]) -> list[TrendSeries]:
    """Every series of one period, bucket by bucket, with its breakdown and the formula;
    ``counts(series)`` is what an engine measured for it."""
    slots = buckets(first, last, q.interval)
    table: dict[tuple[int, str | None], TrendSeries] = {}
    for i, s in enumerate(q.series):
        groups = counts(s)
        empty = 0 if s.measure in ZERO_WHEN_EMPTY else None
        for value in sorted(groups, key=breakdown_order) if q.breakdown else [None]:
            found = groups.get(value, {})
            points = tuple(Point(label(t, q.interval), found.get(t, empty)) for t in slots)
            table[i, value] = TrendSeries(series_label(s), points, value, compare)
    out = list(table.values())
    if q.formula:
        out += formula_series(q, table, compare)
    return out


def breakdown_order(value: str | None) -> tuple[bool, bool, str]:
    """Breakdown values in order, ``$other`` and then no value last."""
    return value == OTHER, value is None, str(value)


def formula_series(
    q: TrendQuery, table: dict[tuple[int, str | None], TrendSeries], compare: str
) -> list[TrendSeries]:
    """One formula series per breakdown value, computed point by point (absent series = 0)."""
    tree = check_formula(q.formula or "", len(q.series))
    out = []
    for value in sorted({v for _, v in table}, key=breakdown_order):
        members = {chr(ord("A") + i): table.get((i, value)) for i in range(len(q.series))}
        slots = next(s for s in members.values() if s is not None).points
        points = []
        for n, slot in enumerate(slots):
            env = {k: (s.points[n].value if s else 0.0) for k, s in members.items()}
            points.append(Point(slot.t, _evaluate(tree.body, env)))
        out.append(TrendSeries(q.formula or "", tuple(points), value, compare))
    return out


_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _evaluate(node: ast.expr, env: dict[str, float | None]) -> float | None:
    """Arithmetic over series values; a missing value or a division by zero gives None."""
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # validated: numbers only
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        inner = _evaluate(node.operand, env)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    assert isinstance(node, ast.BinOp)
    left, right = _evaluate(node.left, env), _evaluate(node.right, env)
    if left is None or right is None or (isinstance(node.op, ast.Div) and right == 0):
        return None
    return _BINARY[type(node.op)](left, right)


RetentionCounts = dict[tuple[date, str | None, int], int]  # (cohort start, value, period) -> n


def retention_result(q: RetentionQuery,
                     counts: Callable[[date, date, bool], RetentionCounts]) -> RetentionResult:
    """Cohorts from the first period the range touches, and per breakdown value when asked;
    ``counts(first, last, breakdown)`` is what an engine counted (period -1: cohort sizes)."""
    first, last = bounds(q.dates)
    first = truncate(first, q.period)
    starts = [b.date() for b in buckets(first, last, q.period)]

    def tables(breakdown: bool) -> dict[str | None, tuple[Cohort, ...]]:
        found = counts(first, last, breakdown)
        values = sorted({bd for _, bd, _ in found}, key=lambda v: (v is None, str(v))) \
            if breakdown else [None]
        return {value: tuple(cohort(found, s, value, visible_periods(s, last, q), q.periods)
                             for s in starts) for value in values}

    groups = tables(True) if q.breakdown else {}
    return RetentionResult(
        period=q.period, cohorts=tables(False).get(None, ()),
        breakdown=tuple(RetentionBreakdown(v, c) for v, c in groups.items()),
        dates=DateRange(first, last))


def visible_periods(start: date, last: date, q: RetentionQuery) -> int:
    """How many periods of a cohort have begun by the range's last day."""
    n, moment = 0, datetime.combine(start, datetime.min.time())
    while n < q.periods and moment.date() <= last:
        n, moment = n + 1, step(moment, q.period)
    return n


def cohort(counts: dict, start: date, value: str | None, visible: int, periods: int) -> Cohort:
    """A cohort from counts keyed (start, breakdown value, period; -1 for its size)."""
    retained = tuple(counts.get((start, value, k), 0) for k in range(min(visible, periods)))
    return Cohort(start, counts.get((start, value, -1), 0), retained)


def experiment_result(rows: Sequence[Sequence[Any]], metrics: int) -> ExperimentResult:
    """Rows (variant, n, first, last, then sum and sum of squares per metric) as a result."""
    return ExperimentResult(tuple(
        VariantSums(r[0], int(r[1]), float(r[2]), float(r[3]),
                    tuple(float(r[4 + 2 * i]) for i in range(metrics)),
                    tuple(float(r[5 + 2 * i]) for i in range(metrics)))
        for r in rows))
