"""An independent oracle: ClickHouse's own functions (through chdb) on the same Parquet files.

Compared where both compute the same number: ordered funnels with distinct step events
(windowFunnel counts one row for several conditions, so repeated steps differ on purpose),
first-time retention in week periods (retention), and daily unique users (uniqExact); strict
funnels against the person's next events as ClickHouse's window functions give them.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import chdb
import pytest

from benchmarks._analytics_data import FUNNEL, blocks
from needle.analytics.engine import run
from needle.analytics.specs import DateRange, FunnelQuery, RetentionQuery, Series, Step, TrendQuery
from needle.events.lake import EventLake
from tests.analytics.conftest import ENGINES

RANGE = DateRange(date(2024, 1, 8), date(2024, 2, 25))


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> EventLake:
    lake = EventLake(tmp_path_factory.mktemp("oracle"))
    for block in blocks(60_000, 3_000, days=60, seed=11, block_users=1_000):
        lake.append(block)
    return lake


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request, lake: EventLake, tmp_path_factory):
    made = ENGINES[request.param](lake.files(), tmp_path_factory.mktemp("cache"))
    yield made
    made.close()


def clickhouse(lake: EventLake, sql: str) -> list[list[str]]:
    return [line.split("\t") for line in _clickhouse(str(lake.root), sql).splitlines()]


@cache  # both engines compare against the same answers
def _clickhouse(root: str, sql: str) -> str:
    source = f"file('{root}/day=*/*.parquet', Parquet)"
    return chdb.query(sql.replace("EVENTS", source), "TSV").bytes().decode()


def micros(day: date) -> int:
    return (day - date(1970, 1, 1)).days * 86_400_000_000


@pytest.mark.parametrize("window_seconds", [3600, 86400, 7 * 86400])
@pytest.mark.parametrize("steps", [FUNNEL, FUNNEL[:2], ("visit", "event_00", "signup")])
def test_funnel_equals_window_funnel(lake: EventLake, engine, steps, window_seconds: int) -> None:
    q = FunnelQuery(tuple(Step(s) for s in steps), window_seconds, dates=RANGE)
    ours = [s.users for s in run(engine, q).steps]
    lo, hi = micros(RANGE.start), micros(RANGE.end + timedelta(days=1))
    first = f"event = '{steps[0]}' AND ts >= {lo} AND ts < {hi}"
    conditions = ", ".join([first, *(f"event = '{s}'" for s in steps[1:])])
    rows = clickhouse(
        lake,
        f"""
        SELECT level, count() FROM (
            SELECT distinct_id,
                windowFunnel({window_seconds * 1_000_000})(ts, {conditions}) AS level
            FROM (SELECT distinct_id, event, toUInt64(toUnixTimestamp64Micro(timestamp)) AS ts
                  FROM EVENTS)
            GROUP BY distinct_id)
        WHERE level > 0 GROUP BY level""",
    )
    at_level = {int(level): int(n) for level, n in rows}
    theirs = [
        sum(n for level, n in at_level.items() if level >= k) for k in range(1, len(steps) + 1)
    ]
    assert ours == theirs
    assert ours[0] > 500 and ours[1] > 0  # the data exercise the funnel


@pytest.mark.parametrize("window_seconds", [3600, 7 * 86400])
@pytest.mark.parametrize("steps", [FUNNEL, ("visit", "visit", "signup"), ("signup", "activate")])
def test_strict_funnel_equals_next_events(lake: EventLake, engine, steps,
                                          window_seconds: int) -> None:
    """Strict order as PostHog means it: from every start, the person's very next events (by
    time, then uuid) are the next steps. ClickHouse's ``strict_order`` stops at a person's first
    other event instead, so the reference is written with its window functions."""
    q = FunnelQuery(tuple(Step(s) for s in steps), window_seconds, "strict", dates=RANGE)
    ours = [s.users for s in run(engine, q).steps]
    lo, hi = micros(RANGE.start), micros(RANGE.end + timedelta(days=1))
    frame = ("OVER (PARTITION BY distinct_id ORDER BY ts, uuid "
             "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)")
    nexts = ", ".join(f"leadInFrame(event, {k}) {frame} AS e{k}, "
                      f"leadInFrame(ts, {k}) {frame} AS t{k}" for k in range(1, len(steps)))
    done = ["1"]
    for k, step in enumerate(steps[1:], start=1):
        done.append(f"{done[-1]} AND e{k} = '{step}' AND t{k} <= ts + {window_seconds * 10**6}")
    level = " + ".join(f"({d})" for d in done[1:]) or "0"
    rows = clickhouse(
        lake,
        f"""
        SELECT level, count() FROM (
            SELECT distinct_id, max(1 + {level}) AS level FROM (
                SELECT distinct_id, event, ts, {nexts}
                FROM (SELECT distinct_id, event, uuid,
                             toInt64(toUnixTimestamp64Micro(timestamp)) AS ts FROM EVENTS))
            WHERE event = '{steps[0]}' AND ts >= {lo} AND ts < {hi}
            GROUP BY distinct_id)
        GROUP BY level""",
    )
    at_level = {int(level): int(n) for level, n in rows}
    theirs = [
        sum(n for level, n in at_level.items() if level >= k) for k in range(1, len(steps) + 1)
    ]
    assert ours == theirs
    assert ours[0] > 500 and ours[1] > 0  # the data exercise the funnel


def test_retention_equals_clickhouse_retention(lake: EventLake, engine) -> None:
    q = RetentionQuery(Step("visit"), Step("signup"), "week", 6, dates=RANGE)
    ours = {c.start.isoformat(): [c.users, *c.retained] for c in run(engine, q).cohorts}
    conditions = ", ".join(
        ["toMonday(timestamp) = cw AND event = 'visit'"]
        + [f"event = 'signup' AND toMonday(timestamp) = addWeeks(cw, {k})" for k in range(6)]
    )
    rows = clickhouse(
        lake,
        f"""
        WITH firsts AS (SELECT distinct_id, min(toMonday(timestamp)) AS cw FROM EVENTS
                        WHERE event = 'visit' GROUP BY distinct_id)
        SELECT cw, sumForEach(r) FROM (
            SELECT e.distinct_id, f.cw, retention({conditions}) AS r
            FROM EVENTS AS e JOIN firsts AS f ON e.distinct_id = f.distinct_id
            GROUP BY e.distinct_id, f.cw)
        WHERE cw BETWEEN '{RANGE.start}' AND '{RANGE.end}' GROUP BY cw ORDER BY cw
        SETTINGS session_timezone = 'UTC'""",
    )
    theirs = {cw: [int(v) for v in arr.strip("[]").split(",")] for cw, arr in rows}
    visible = {k: v[: len(ours[k])] for k, v in theirs.items()}
    assert {k: v for k, v in ours.items() if v[0]} == visible
    assert sum(v[1] for v in visible.values()) > 0


def test_daily_users_equal_uniq_exact(lake: EventLake, engine) -> None:
    q = TrendQuery((Series(Step("signup"), "users"), Series(Step(None), "events")), "day", RANGE)
    result = run(engine, q)
    rows = clickhouse(
        lake,
        f"""
        SELECT toDate(timestamp) AS d, uniqExactIf(distinct_id, event = 'signup'), count()
        FROM EVENTS WHERE d BETWEEN '{RANGE.start}' AND '{RANGE.end}' GROUP BY d ORDER BY d
        SETTINGS session_timezone = 'UTC'""",
    )
    users = [p.value for p in result.series[0].points]
    events = [p.value for p in result.series[1].points]
    assert users == [int(r[1]) for r in rows]
    assert events == [int(r[2]) for r in rows]


def test_lake_files_exist(lake: EventLake) -> None:
    assert all(Path(p).exists() for p in lake.files())
