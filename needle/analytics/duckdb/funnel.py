"""Funnels on DuckDB: one row per attempt (every step-1 occurrence), then one per person.

Ordered funnels chain ASOF joins: for each attempt, step k+1 is the earliest matching event at
or after step k (ties allowed). Taking the earliest is optimal, since it leaves the most window
for the steps after it, so no other choice can reach further. When a step has the same event name
as an earlier step, events are ordered by (time, row) and a later step must use a different row.
Strict funnels need the person's very next event; unordered funnels count the distinct steps
done within the window after any funnel event.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np

from needle.analytics.duckdb.expr import (
    all_of,
    filter_sql,
    in_days,
    prop,
    step_sql,
)
from needle.analytics.funnel_steps import bins, empty_steps, steps_from
from needle.analytics.periods import day_start, epoch_us
from needle.analytics.ranges import bounds
from needle.analytics.results import (
    FunnelBreakdown,
    FunnelResult,
    HistogramBin,
)
from needle.analytics.specs import FunnelQuery

SHIFT = 1 << 32  # rows per microsecond in the (time, row) order key
RANK = 1 << 52  # reached * RANK + t1 orders attempts by furthest step, then latest start


def _base(q: FunnelQuery, first: date, last: date, breakdown: bool, all_events: bool) -> str:
    steps = [step_sql(s) for s in q.steps]
    excl = [step_sql(e.step) for e in q.exclusions]
    columns = [f"({m}) AS m{i}" for i, m in enumerate(steps, 1)]
    columns += [f"({m}) AS x{i}" for i, m in enumerate(excl, 1)]
    if breakdown and q.breakdown:
        columns.append(f"{prop(q.breakdown)} AS bd")
    else:
        columns.append("NULL::VARCHAR AS bd")
    if all_events:
        columns.append(
            "row_number() OVER (PARTITION BY distinct_id ORDER BY timestamp, uuid) AS rn"
        )
    if _overlaps(q):
        columns.append("row_number() OVER () AS rid")
    where = [in_days(first, last, q.window_seconds), *(filter_sql(f) for f in q.filters)]
    if not all_events:
        where.append(" OR ".join(f"({m})" for m in steps + excl))
    return (
        "SELECT distinct_id AS uid, epoch_us(timestamp) AS ts, "
        + ", ".join(columns)
        + " FROM events WHERE "
        + all_of(where)
    )


def _overlaps(q: FunnelQuery) -> bool:
    names = [s.event for s in q.steps]
    return len(set(names)) < len(names)


def _starts(first: date, last: date) -> str:
    """Step-1 rows whose time falls within the query's days."""
    lo, hi = epoch_us(day_start(first)), epoch_us(day_start(last + timedelta(days=1)))
    return f"m1 AND ts >= {lo} AND ts < {hi}"


def _ordered_chain(q: FunnelQuery, first: date, last: date) -> list[str]:
    overlap = _overlaps(q)
    key = "ts::HUGEINT * " + str(SHIFT) + " + rid" if overlap else "ts"
    ctes = [f"c1 AS (SELECT uid, bd, ts AS t1, {key} AS k1 FROM base WHERE {_starts(first, last)})"]
    for k in range(2, len(q.steps) + 1):
        bound = [f"c.t{k - 1}::HUGEINT * {SHIFT}" if overlap else f"c.t{k - 1}"]
        bound += [
            f"c.k{j} + 1" for j in range(1, k) if q.steps[j - 1].event == q.steps[k - 1].event
        ]
        # greatest() skips NULLs: without the CASE a person who missed step k-1 would still be
        # searched for step k after an earlier repeat of the same event.
        lower = bound[0] if len(bound) == 1 else \
            f"CASE WHEN c.t{k - 1} IS NOT NULL THEN greatest({', '.join(bound)}) END"
        inside = f"s.ts <= c.t1 + {q.window_seconds * 1_000_000}"
        ctes.append(
            f"s{k} AS (SELECT uid, ts, {key} AS k FROM base WHERE m{k}), "
            f"c{k} AS (SELECT c.*, CASE WHEN {inside} THEN s.ts END AS t{k}, "
            f"CASE WHEN {inside} THEN s.k END AS k{k} "
            f"FROM c{k - 1} c ASOF LEFT JOIN s{k} s ON c.uid = s.uid AND s.k >= {lower})"
        )
    return ctes


def _strict_chain(q: FunnelQuery, first: date, last: date) -> list[str]:
    ctes = [f"c1 AS (SELECT uid, bd, ts AS t1, rn AS r1 FROM base WHERE {_starts(first, last)})"]
    for k in range(2, len(q.steps) + 1):
        ctes.append(
            f"c{k} AS (SELECT c.*, s.ts AS t{k}, s.rn AS r{k} FROM c{k - 1} c "
            f"LEFT JOIN base s ON s.uid = c.uid AND s.rn = c.r{k - 1} + 1 AND s.m{k} "
            f"AND s.ts <= c.t1 + {q.window_seconds * 1_000_000})"
        )
    return ctes


def _exclusions(q: FunnelQuery, last_cte: str) -> tuple[list[str], str]:
    ctes, voided = [], []
    source = last_cte
    for i, ex in enumerate(q.exclusions, 1):
        before = ex.before or len(q.steps)
        ctes.append(
            f"e{i} AS (SELECT c.*, x.ts AS xt{i} FROM {source} c ASOF LEFT JOIN "
            f"(SELECT uid, ts FROM base WHERE x{i}) x ON c.uid = x.uid AND x.ts > c.t{ex.after})"
        )
        voided.append(f"coalesce(xt{i} < t{before}, FALSE)")
        source = f"e{i}"
    where = " WHERE NOT (" + " OR ".join(voided) + ")" if voided else ""
    return ctes, f"SELECT * FROM {source}{where}"


def _people(q: FunnelQuery, attempts: str) -> str:
    n = len(q.steps)
    reached = " + ".join(["1", *(f"(t{k} IS NOT NULL)::INT" for k in range(2, n + 1))])
    times = ", ".join(f"t{k} := t{k}" for k in range(1, n + 1))
    # strict attempts tied in time are told apart by their place in the person's events
    order = "(reached, t1, r1)" if q.mode == "strict" else f"reached * {RANK} + t1"
    return (
        f"a AS ({attempts}), r AS (SELECT *, {reached} AS reached FROM a) "
        f"SELECT uid, bd, max(reached) AS reached, "
        f"arg_max(struct_pack({times}), {order}) AS best FROM r GROUP BY uid, bd"
    )


def _unordered(q: FunnelQuery, first: date, last: date) -> str:
    n = len(q.steps)
    anchor = " OR ".join(f"m{k}" for k in range(1, n + 1))
    starts = _starts(first, last).replace("m1 AND", f"({anchor}) AND")
    ctes = [f"c0 AS (SELECT uid, bd, ts AS t0 FROM base WHERE {starts})"]
    for k in range(1, n + 1):
        ctes.append(
            f"c{k} AS (SELECT c.*, s.ts AS n{k} FROM c{k - 1} c ASOF LEFT JOIN "
            f"(SELECT uid, ts FROM base WHERE m{k}) s ON c.uid = s.uid AND s.ts >= c.t0)"
        )
    inside = " + ".join(
        f"coalesce(n{k} <= t0 + {q.window_seconds * 1_000_000}, FALSE)::INT"
        for k in range(1, n + 1)
    )
    times = ", ".join(f"t{k} := NULL::BIGINT" for k in range(1, n + 1))
    return (
        ", ".join(ctes) + f", r AS (SELECT *, {inside} AS reached FROM c{n}) "
        f"SELECT uid, bd, max(reached) AS reached, struct_pack({times}) AS best "
        "FROM r GROUP BY uid, bd"
    )


def people_sql(q: FunnelQuery, first: date, last: date, breakdown: bool) -> str:
    """One row per person (and breakdown value): uid, bd, reached, best (struct of t1..tN in µs)."""
    base = _base(q, first, last, breakdown, all_events=q.mode == "strict")
    if q.mode == "unordered":
        return f"WITH base AS ({base}), " + _unordered(q, first, last)
    chain = _strict_chain(q, first, last) if q.mode == "strict" else _ordered_chain(q, first, last)
    excl, attempts = _exclusions(q, f"c{len(q.steps)}")
    return f"WITH base AS ({base}), " + ", ".join(chain + excl) + ", " + _people(q, attempts)


def summary_sql(n: int) -> str:
    """Per breakdown value: users at each step and seconds to convert into it."""
    cols = []
    for k in range(1, n + 1):
        cols.append(f"count(*) FILTER (WHERE reached >= {k}) AS u{k}")
        cols.append(f"count(*) FILTER (WHERE reached = {k}) AS d{k}")
        gap = f"(best.t{k} - best.t{k - 1}) / 1e6" if k > 1 else "NULL::DOUBLE"
        cols.append(f"median({gap}) FILTER (WHERE reached >= {k}) AS med{k}")
        cols.append(f"avg({gap}) FILTER (WHERE reached >= {k}) AS avg{k}")
    return f"SELECT bd, {', '.join(cols)} FROM people GROUP BY bd ORDER BY u1 DESC, bd"


def run_funnel(con: duckdb.DuckDBPyConnection, q: FunnelQuery) -> FunnelResult:
    first, last = bounds(q.dates)
    con.execute(f"CREATE OR REPLACE TEMP TABLE people AS {people_sql(q, first, last, False)}")
    try:
        total = _summarise(con, q)
        histogram = _histogram(con, q)
        if q.breakdown:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE people AS {people_sql(q, first, last, True)}"
            )
        groups = _summarise(con, q) if q.breakdown else []
    finally:
        con.execute("DROP TABLE IF EXISTS people")
    steps = total[0].steps if total else empty_steps(q)
    return FunnelResult(steps=steps, histogram=histogram, breakdown=tuple(groups))


def _summarise(con: duckdb.DuckDBPyConnection, q: FunnelQuery) -> list[FunnelBreakdown]:
    rows = con.execute(summary_sql(len(q.steps))).fetchall()
    return [FunnelBreakdown(row[0], steps_from(q, row[1:])) for row in rows]


def _histogram(con: duckdb.DuckDBPyConnection, q: FunnelQuery) -> tuple[HistogramBin, ...]:
    n = len(q.steps)
    if q.mode == "unordered":
        return ()
    seconds = con.execute(
        f"SELECT (best.t{n} - best.t1) / 1e6 AS s FROM people WHERE reached = {n}"
    ).fetchnumpy()["s"]
    return bins(np.asarray(seconds, dtype=float), q.histogram_bins)


def run_people(
    con: duckdb.DuckDBPyConnection, q: FunnelQuery, step: int, dropped: bool
) -> list[str]:
    first, last = bounds(q.dates)
    op = "=" if dropped else ">="
    rows = con.execute(
        f"WITH people AS ({people_sql(q, first, last, False)}) "
        f"SELECT uid FROM people WHERE reached {op} {step} ORDER BY uid"
    ).fetchall()
    return [r[0] for r in rows]
