"""``needle query``: funnels, retention, trends, stickiness, lifecycle, paths and SQL on events.

Each command turns its options into a spec with the builder of ``needle.analytics.api`` (through
``SPECS``, which ``needle insight save`` reuses) and prints the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.main import get_command

from needle.analytics import api
from needle.analytics.results import (
    FunnelResult,
    LifecycleResult,
    PathsResult,
    Result,
    RetentionResult,
    SqlResult,
    StickinessResult,
    TrendResult,
)
from needle.analytics.specs import FunnelQuery, Query
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, err_console, print_json, print_table
from needle.errors import UserError

app = typer.Typer(help="Ask questions of product events.", no_args_is_help=True)

Start = Annotated[str | None, typer.Option("--from", help="First UTC day, YYYY-MM-DD.")]
End = Annotated[
    str | None, typer.Option("--to", help="Last UTC day (default: last day with data).")
]
Where = Annotated[
    list[str] | None,
    typer.Option("--where", help="Property filter key=value (!= > >= < <= ~ ? !?); person.key=v."),
]
Breakdown = Annotated[str | None, typer.Option("--breakdown", help="Event property to split by.")]
IntervalOpt = Annotated[str, typer.Option("--interval", help="hour, day, week or month.")]


def _list(value: list[str] | None) -> list[str]:
    return list(value or [])


SPECS: dict[str, Callable[[dict[str, Any]], Query]] = {
    "funnel": lambda p: api.funnel_query(
        p["events"],
        p["window"],
        p["mode"],
        p["start"],
        p["end"],
        _list(p["where"]),
        _list(p["step_where"]),
        _list(p["exclude"]),
        p["breakdown"],
    ),
    "retention": lambda p: api.retention_query(
        p["start_event"],
        p["return_event"],
        p["period"],
        p["periods"],
        p["recurring"],
        p["on_or_after"],
        p["start"],
        p["end"],
        _list(p["where"]),
        p["breakdown"],
    ),
    "trend": lambda p: api.trend_query(
        p["events"],
        p["measure"],
        p["property"],
        p["interval"],
        p["start"],
        p["end"],
        _list(p["where"]),
        p["breakdown"],
        p["limit"],
        p["formula"],
        p["compare"],
    ),
    "stickiness": lambda p: api.stickiness_query(
        p["event"], p["interval"], p["start"], p["end"], _list(p["where"])
    ),
    "lifecycle": lambda p: api.lifecycle_query(
        p["event"], p["interval"], p["start"], p["end"], _list(p["where"])
    ),
    "paths": lambda p: api.paths_query(
        p["event"], p["direction"], p["steps"], p["top"], p["start"], p["end"], _list(p["where"])
    ),
    "sql": lambda p: api.sql_query(p["sql"], p["limit"]),
}


def spec_from_args(ctx: typer.Context, kind: str, args: list[str]) -> Query:
    """Parse ``args`` as the options of ``needle query KIND`` and build its spec."""
    group = get_command(app)
    command = group.get_command(ctx, kind)  # type: ignore[attr-defined]
    if command is None or kind not in SPECS:
        raise UserError(f"unknown query kind {kind!r}; choose one of {', '.join(SPECS)}")
    sub = command.make_context(kind, list(args), parent=ctx)
    return SPECS[kind](sub.params)


def _run(ctx: typer.Context, kind: str) -> None:
    spec = SPECS[kind](ctx.params)
    workspace = open_workspace(ctx)
    if api.cache_ready(workspace):
        result = api.run_query(workspace, spec)
    else:
        with err_console.status("Building the analytics cache (once after each import)..."):
            result = api.run_query(workspace, spec)
    show(result, ctx.params["json_"])


@app.command()
def funnel(
    ctx: typer.Context,
    events: Annotated[list[str], typer.Argument(help="Step events, in order.")],
    window: Annotated[str, typer.Option(help="Conversion window: 30m, 12h, 7d, 2w.")] = "14d",
    mode: Annotated[str, typer.Option(help="ordered, strict or unordered.")] = "ordered",
    start: Start = None,
    end: End = None,
    where: Where = None,
    step_where: Annotated[
        list[str] | None, typer.Option("--step-where", help="Filter one step: STEP:key=value.")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option(help="Exclusion event: EVENT or EVENT:FROM-TO (steps).")
    ] = None,
    breakdown: Breakdown = None,
    people: Annotated[
        int | None, typer.Option(help="List the people who reached this step and went no further.")
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Conversion through ordered steps within a window (see docs/analytics.md)."""
    if people is None:
        _run(ctx, "funnel")
        return
    query = SPECS["funnel"](ctx.params)
    assert isinstance(query, FunnelQuery)
    ids = api.people(open_workspace(ctx), query, people, dropped=True)
    if json_:
        print_json({"step": people, "people": ids})
    else:
        print_table(["distinct_id"], [[i] for i in ids], title=f"dropped after step {people}")


@app.command()
def retention(
    ctx: typer.Context,
    start_event: Annotated[
        str, typer.Option("--start-event", help="Event that puts a person in a cohort.")
    ],
    return_event: Annotated[
        str, typer.Option("--return-event", help="Event that counts as a return, or any.")
    ] = "any",
    period: Annotated[str, typer.Option(help="day, week (Monday, UTC) or month.")] = "week",
    periods: Annotated[int, typer.Option(help="Periods per cohort, 1 to 52.")] = 8,
    recurring: Annotated[bool, typer.Option(help="Cohort by every start, not the first.")] = False,
    on_or_after: Annotated[
        bool, typer.Option("--on-or-after", help="Count returns in period k or later.")
    ] = False,
    start: Start = None,
    end: End = None,
    where: Where = None,
    breakdown: Breakdown = None,
    json_: JsonFlag = False,
) -> None:
    """Cohorts by the period of their start event, and who came back in each later period."""
    _run(ctx, "retention")


@app.command()
def trend(
    ctx: typer.Context,
    events: Annotated[list[str], typer.Argument(help="One series per event (any = all events).")],
    measure: Annotated[
        str,
        typer.Option(
            help="events, users, per_user_avg, sum, avg, min, max, median, p90, p95, p99."
        ),
    ] = "events",
    property: Annotated[str | None, typer.Option(help="Property for sum, avg, ... p99.")] = None,
    interval: IntervalOpt = "day",
    start: Start = None,
    end: End = None,
    where: Where = None,
    breakdown: Breakdown = None,
    limit: Annotated[int, typer.Option(help="Breakdown values shown; the rest is $other.")] = 10,
    formula: Annotated[str | None, typer.Option(help="Arithmetic on series letters: A/B.")] = None,
    compare: Annotated[
        bool, typer.Option(help="Add the previous period of the same length.")
    ] = False,
    json_: JsonFlag = False,
) -> None:
    """Counts, people or property maths per hour, day, week or month."""
    _run(ctx, "trend")


@app.command()
def stickiness(
    ctx: typer.Context,
    event: Annotated[str, typer.Argument(help="The event.")],
    interval: IntervalOpt = "day",
    start: Start = None,
    end: End = None,
    where: Where = None,
    json_: JsonFlag = False,
) -> None:
    """How many of the range's intervals people did the event in."""
    _run(ctx, "stickiness")


@app.command()
def lifecycle(
    ctx: typer.Context,
    event: Annotated[str, typer.Argument(help="The event.")],
    interval: IntervalOpt = "day",
    start: Start = None,
    end: End = None,
    where: Where = None,
    json_: JsonFlag = False,
) -> None:
    """New, returning, resurrecting and dormant people per interval."""
    _run(ctx, "lifecycle")


@app.command()
def paths(
    ctx: typer.Context,
    event: Annotated[str, typer.Argument(help="The event paths start (or end) at.")],
    direction: Annotated[str, typer.Option(help="after or before.")] = "after",
    steps: Annotated[int, typer.Option(help="Events to follow, 1 to 10.")] = 3,
    top: Annotated[int, typer.Option(help="Events shown per step.")] = 5,
    start: Start = None,
    end: End = None,
    where: Where = None,
    json_: JsonFlag = False,
) -> None:
    """The most common next (or previous) events after a person's first occurrence of one."""
    _run(ctx, "paths")


@app.command()
def sql(
    ctx: typer.Context,
    sql: Annotated[str, typer.Argument(help="One SELECT over the events view.")],
    limit: Annotated[int, typer.Option(help="Rows shown at most.")] = 1000,
    json_: JsonFlag = False,
) -> None:
    """Read-only SQL over the events view (uuid, event, distinct_id, timestamp, properties)."""
    _run(ctx, "sql")


def show(result: Result, as_json: bool) -> None:
    if as_json:
        print_json(result.to_json())
    else:
        _TABLES[type(result)](result)


def _funnel_table(r: FunnelResult) -> None:
    print_table(
        ["step", "event", "users", "conversion", "dropped", "median s", "average s"],
        [
            [
                i,
                s.event,
                f"{s.users:,}",
                f"{s.conversion_rate:.1%}",
                f"{s.dropped:,}",
                _num(s.median_seconds_to_convert),
                _num(s.average_seconds_to_convert),
            ]
            for i, s in enumerate(r.steps, 1)
        ],
    )


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def _retention_table(r: RetentionResult) -> None:
    width = max((len(c.retained) for c in r.cohorts), default=0)
    print_table(
        ["cohort", "users", *(f"{r.period} {k}" for k in range(width))],
        [[c.start, f"{c.users:,}", *(f"{n:,}" for n in c.retained)] for c in r.cohorts],
    )


def _trend_table(r: TrendResult) -> None:
    names = [
        s.label
        + (f" [{s.breakdown}]" if s.breakdown else "")
        + (" (previous)" if s.compare == "previous" else "")
        for s in r.series
    ]
    times = [p.t for p in r.series[0].points] if r.series else []
    print_table(
        ["t", *names],
        [
            [t, *(_num(s.points[i].value) if i < len(s.points) else "" for s in r.series)]
            for i, t in enumerate(times)
        ],
    )


def _stickiness_table(r: StickinessResult) -> None:
    print_table([f"{r.interval}s active", "users"], [[k, f"{n:,}"] for k, n in r.counts])


def _lifecycle_table(r: LifecycleResult) -> None:
    print_table(
        ["t", "new", "returning", "resurrecting", "dormant"],
        [[p.t, p.new, p.returning, p.resurrecting, p.dormant] for p in r.periods],
    )


def _paths_table(r: PathsResult) -> None:
    print_table(
        ["step", "event", "users"],
        [[s.step, e, f"{n:,}"] for s in r.steps for e, n in s.events],
        title=f"{r.users:,} people; events {r.direction} {r.event}",
    )


def _sql_table(r: SqlResult) -> None:
    print_table(list(r.columns), r.rows, title="first rows only" if r.truncated else None)


_TABLES: dict[type, Callable[[Any], None]] = {
    FunnelResult: _funnel_table,
    RetentionResult: _retention_table,
    TrendResult: _trend_table,
    StickinessResult: _stickiness_table,
    LifecycleResult: _lifecycle_table,
    PathsResult: _paths_table,
    SqlResult: _sql_table,
}
