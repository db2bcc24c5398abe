"""Specs from plain arguments: the one translation of options (the CLI's, a web form's, a saved
insight's, a notebook call's) into query specs, so they all mean the same query.

Builders do not validate; :func:`needle.analytics.kinds.build` builds and validates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from needle.analytics.parse import parse_date, parse_filter, parse_window
from needle.analytics.specs import (
    DateRange,
    Direction,
    Exclusion,
    FunnelMode,
    FunnelQuery,
    Interval,
    LifecycleQuery,
    Measure,
    PathsQuery,
    Period,
    PropertyFilter,
    RetentionQuery,
    Series,
    SqlQuery,
    Step,
    StickinessQuery,
    TrendQuery,
)
from needle.errors import UserError

DateLike = date | str | None


def dates(start: DateLike = None, end: DateLike = None) -> DateRange:
    def one(value: DateLike, what: str) -> date | None:
        return value if isinstance(value, date) or value is None else parse_date(value, what)

    return DateRange(one(start, "start"), one(end, "end"))


def filters(texts: Iterable[str | PropertyFilter]) -> tuple[PropertyFilter, ...]:
    return tuple(t if isinstance(t, PropertyFilter) else parse_filter(t) for t in texts)


def _event(name: str) -> str | None:
    return None if name in ("any", "$any") else name


def _step_filters(texts: Iterable[str], steps: int) -> dict[int, list[PropertyFilter]]:
    """``2:plan=pro`` puts ``plan=pro`` on step 2."""
    out: dict[int, list[PropertyFilter]] = {}
    for text in texts:
        number, sep, rest = text.partition(":")
        if not sep or not number.strip().isdigit() or not 1 <= int(number) <= steps:
            raise UserError(f"step filter {text!r}: write STEP:key=value with STEP in 1..{steps}",
                            field="step_where", value=text)
        out.setdefault(int(number), []).append(parse_filter(rest))
    return out


def _exclusion(text: str, steps: int) -> Exclusion:
    """``E`` (between the first and last step) or ``E:1-2`` (between steps 1 and 2)."""
    name, sep, span = text.partition(":")
    if not sep:
        return Exclusion(Step(name), 1, steps)
    lo, dash, hi = span.partition("-")
    if not (dash and lo.isdigit() and hi.isdigit()):
        raise UserError(f"exclusion {text!r}: write EVENT or EVENT:FROM-TO (step numbers)",
                        field="exclude", value=text)
    return Exclusion(Step(name), int(lo), int(hi))


def funnel_query(
    steps: Sequence[str],
    window: str | int = "14d",
    mode: FunnelMode = "ordered",
    start: DateLike = None,
    end: DateLike = None,
    where: Iterable[str] = (),
    step_where: Iterable[str] = (),
    exclude: Iterable[str] = (),
    breakdown: str | None = None,
) -> FunnelQuery:
    per_step = _step_filters(step_where, len(steps))
    return FunnelQuery(
        steps=tuple(Step(e, tuple(per_step.get(i, ()))) for i, e in enumerate(steps, 1)),
        window_seconds=window if isinstance(window, int) else parse_window(window),
        mode=mode,
        dates=dates(start, end),
        filters=filters(where),
        exclusions=tuple(_exclusion(t, len(steps)) for t in exclude),
        breakdown=breakdown,
    )


def retention_query(
    start_event: str,
    return_event: str = "any",
    period: Period = "week",
    periods: int = 8,
    recurring: bool = False,
    on_or_after: bool = False,
    start: DateLike = None,
    end: DateLike = None,
    where: Iterable[str] = (),
    breakdown: str | None = None,
) -> RetentionQuery:
    return RetentionQuery(
        start=Step(start_event),
        returning=Step(_event(return_event)),
        period=period,
        periods=periods,
        recurring=recurring,
        on_or_after=on_or_after,
        dates=dates(start, end),
        filters=filters(where),
        breakdown=breakdown,
    )


def trend_query(
    events: Sequence[str],
    measure: Measure = "events",
    property: str | None = None,
    interval: Interval = "day",
    start: DateLike = None,
    end: DateLike = None,
    where: Iterable[str] = (),
    breakdown: str | None = None,
    breakdown_limit: int = 10,
    formula: str | None = None,
    compare: bool = False,
) -> TrendQuery:
    """One series per event, all with the same measure (use ``TrendQuery`` to mix measures)."""
    series = tuple(Series(Step(_event(e)), measure, property, e) for e in events)
    return TrendQuery(
        series=series,
        interval=interval,
        dates=dates(start, end),
        filters=filters(where),
        breakdown=breakdown,
        breakdown_limit=breakdown_limit,
        formula=formula,
        compare=compare,
    )


def stickiness_query(
    event: str,
    interval: Interval = "day",
    start: DateLike = None,
    end: DateLike = None,
    where: Iterable[str] = (),
) -> StickinessQuery:
    return StickinessQuery(
        Step(_event(event)),
        interval,
        dates(start, end),
        filters(where),
    )


def lifecycle_query(
    event: str,
    interval: Interval = "day",
    start: DateLike = None,
    end: DateLike = None,
    where: Iterable[str] = (),
) -> LifecycleQuery:
    return LifecycleQuery(
        Step(_event(event)),
        interval,
        dates(start, end),
        filters(where),
    )


def paths_query(
    event: str,
    direction: Direction = "after",
    steps: int = 3,
    top: int = 5,
    start: DateLike = None,
    end: DateLike = None,
    where: Iterable[str] = (),
) -> PathsQuery:
    return PathsQuery(
        event,
        direction,
        steps,
        top,
        dates(start, end),
        filters(where),
    )


def sql_query(sql: str, limit: int = 1000) -> SqlQuery:
    return SqlQuery(sql, limit)
