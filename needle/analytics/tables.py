"""Results as tables of text: the rows a terminal or a web page shows for each query kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

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
from needle.analytics.specs import DateRange
from needle.readable import count, moment, number


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    title: str | None = None


def days(dates: DateRange | None) -> str | None:
    """The days an answer covers, as its table's title says them."""
    if dates is None or dates.start is None or dates.end is None:
        return None
    if dates.start == dates.end:
        return f"{dates.start} (UTC)"
    return f"{dates.start} to {dates.end} (UTC)"


def funnel(r: FunnelResult) -> Table:
    return Table(
        ("step", "event", "users", "conversion", "dropped", "median s", "average s"),
        tuple(
            (i, s.event, count(s.users), f"{s.conversion_rate:.1%}", count(s.dropped),
             number(s.median_seconds_to_convert), number(s.average_seconds_to_convert))
            for i, s in enumerate(r.steps, 1)
        ),
        title=days(r.dates),
    )


def retention(r: RetentionResult) -> Table:
    width = max((len(c.retained) for c in r.cohorts), default=0)
    return Table(
        ("cohort", "users", *(f"{r.period} {k}" for k in range(width))),
        tuple((moment(c.start), count(c.users), *(count(n) for n in c.retained))
              for c in r.cohorts),
        title=days(r.dates),
    )


def trend(r: TrendResult) -> Table:
    names = [
        s.label
        + (f" [{s.breakdown}]" if s.breakdown else "")
        + (" (previous)" if s.compare == "previous" else "")
        for s in r.series
    ]
    times = [p.t for p in r.series[0].points] if r.series else []
    return Table(
        ("t", *names),
        tuple(
            (moment(t), *(number(s.points[i].value) if i < len(s.points) else ""
                         for s in r.series))
            for i, t in enumerate(times)
        ),
        title=days(r.dates),
    )


def stickiness(r: StickinessResult) -> Table:
    return Table((f"{r.interval}s active", "users"), tuple((k, count(n)) for k, n in r.counts),
                 title=days(r.dates))


def lifecycle(r: LifecycleResult) -> Table:
    return Table(
        ("t", "new", "returning", "resurrecting", "dormant"),
        tuple((moment(p.t), count(p.new), count(p.returning), count(p.resurrecting),
               count(p.dormant)) for p in r.periods),
        title=days(r.dates),
    )


def paths(r: PathsResult) -> Table:
    when = days(r.dates)
    return Table(
        ("step", "event", "users"),
        tuple((s.step, e, count(n)) for s in r.steps for e, n in s.events),
        title=f"{count(r.users)} people; events {r.direction} {r.event}"
              + (f"; {when}" if when else ""),
    )


def _sql_cell(value: Any) -> Any:
    return moment(value) if isinstance(value, date | datetime) else value


def sql(r: SqlResult) -> Table:
    return Table(r.columns, tuple(tuple(_sql_cell(v) for v in row) for row in r.rows),
                 title="first rows only" if r.truncated else None)


def experiment(r: ExperimentResult) -> Table:
    return Table(
        ("variant", "units", "sums", "sums of squares"),
        tuple((v.variant or "(several)", f"{v.units:,}", ", ".join(f"{x:g}" for x in v.sums),
               ", ".join(f"{x:g}" for x in v.squares)) for v in r.variants),
    )


def metric(r: MetricResult) -> Table:
    return Table(("value", "people"), ((number(r.value), count(r.n)),))


def span(r: SpanResult) -> Table:
    return Table(("first", "last"), ((moment(r.first), moment(r.last)),))


def user_retention(r: UserRetentionResult) -> Table:
    kept = sum(r.retained)
    return Table(("days", "people", "retained"), ((r.days, count(len(r.users)), count(kept)),))
