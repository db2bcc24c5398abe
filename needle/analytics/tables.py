"""Results as tables of text: the rows a terminal or a web page shows for each query kind."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    title: str | None = None


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def funnel(r: FunnelResult) -> Table:
    return Table(
        ("step", "event", "users", "conversion", "dropped", "median s", "average s"),
        tuple(
            (i, s.event, f"{s.users:,}", f"{s.conversion_rate:.1%}", f"{s.dropped:,}",
             _num(s.median_seconds_to_convert), _num(s.average_seconds_to_convert))
            for i, s in enumerate(r.steps, 1)
        ),
    )


def retention(r: RetentionResult) -> Table:
    width = max((len(c.retained) for c in r.cohorts), default=0)
    return Table(
        ("cohort", "users", *(f"{r.period} {k}" for k in range(width))),
        tuple((c.start, f"{c.users:,}", *(f"{n:,}" for n in c.retained)) for c in r.cohorts),
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
            (t, *(_num(s.points[i].value) if i < len(s.points) else "" for s in r.series))
            for i, t in enumerate(times)
        ),
    )


def stickiness(r: StickinessResult) -> Table:
    return Table((f"{r.interval}s active", "users"), tuple((k, f"{n:,}") for k, n in r.counts))


def lifecycle(r: LifecycleResult) -> Table:
    return Table(
        ("t", "new", "returning", "resurrecting", "dormant"),
        tuple((p.t, p.new, p.returning, p.resurrecting, p.dormant) for p in r.periods),
    )


def paths(r: PathsResult) -> Table:
    return Table(
        ("step", "event", "users"),
        tuple((s.step, e, f"{n:,}") for s in r.steps for e, n in s.events),
        title=f"{r.users:,} people; events {r.direction} {r.event}",
    )


def sql(r: SqlResult) -> Table:
    return Table(r.columns, r.rows, title="first rows only" if r.truncated else None)


def experiment(r: ExperimentResult) -> Table:
    return Table(
        ("variant", "units", "sums", "sums of squares"),
        tuple((v.variant or "(several)", f"{v.units:,}", ", ".join(f"{x:g}" for x in v.sums),
               ", ".join(f"{x:g}" for x in v.squares)) for v in r.variants),
    )


def metric(r: MetricResult) -> Table:
    return Table(("value", "people"), ((_num(r.value) if r.value is None else f"{r.value:.4g}",
                                        f"{r.n:,}"),))


def span(r: SpanResult) -> Table:
    return Table(("first", "last"), ((r.first or "", r.last or ""),))


def user_retention(r: UserRetentionResult) -> Table:
    kept = sum(r.retained)
    return Table(("days", "people", "retained"), ((r.days, f"{len(r.users):,}", f"{kept:,}"),))
