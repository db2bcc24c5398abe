"""``needle --setting engine=spark query ...`` answers as the DuckDB engine does, and as
ClickHouse's own functions (chdb) do, on a generated lake, with filters and breakdowns.

The lake has ``NEEDLE_SPARK_EVENTS`` events (1.5M by default; about a minute and a half on two
cores; ``python -m benchmarks spark`` checks the same answers on 10M events too).
"""

from __future__ import annotations

import json
import math
import os
from datetime import date, timedelta
from typing import Any

import chdb
import pytest

from benchmarks._analytics_data import blocks
from tests.conftest import Cli

EVENTS = int(os.environ.get("NEEDLE_SPARK_EVENTS", "1500000"))
FROM, TO = "2024-01-08", "2024-02-25"
COMMANDS = {
    "funnel": ["funnel", "visit", "signup", "activate", "--window", "7d", "--where",
               "plan!=free", "--breakdown", "plan"],
    "retention": ["retention", "--start-event", "visit", "--return-event", "signup",
                  "--period", "week", "--periods", "6", "--breakdown", "plan"],
    "trend": ["trend", "visit", "signup", "--measure", "users", "--where", "country~c0",
              "--breakdown", "plan"],
}


@pytest.fixture(scope="module")
def cli(tmp_path_factory) -> Cli:
    from needle.workspace import Workspace

    ws = Workspace.init(tmp_path_factory.mktemp("spark") / "ws")
    for block in blocks(EVENTS, max(EVENTS // 20, 300), days=60, seed=5, block_users=5_000):
        ws.lake.append(block)
    ws.close()
    return Cli(ws.root)


def answer(cli: Cli, engine: str, kind: str) -> dict[str, Any]:
    args = ["--setting", f"engine={engine}", "query", *COMMANDS[kind], "--from", FROM,
            "--to", TO, "--json"]
    return json.loads(cli(*args).stdout)


def close(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9 relative (sums may add up in another order)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.mark.parametrize("kind", sorted(COMMANDS))
def test_spark_equals_duckdb(cli: Cli, kind: str) -> None:
    spark, duck = answer(cli, "spark", kind), answer(cli, "duckdb", kind)
    assert close(spark, duck), (spark, duck)
    assert len(json.dumps(spark)) > 500  # the data exercise the query


def clickhouse(cli: Cli, sql: str) -> list[list[str]]:
    source = f"file('{cli.root}/.needle/events/day=*/*.parquet', Parquet)"
    text = chdb.query(sql.replace("EVENTS", source), "TSV").bytes().decode()
    return [line.split("\t") for line in text.splitlines()]


def micros(day: str) -> int:
    return (date.fromisoformat(day) - date(1970, 1, 1)).days * 86_400_000_000


def test_spark_funnel_equals_window_funnel(cli: Cli) -> None:
    spark = answer(cli, "spark", "funnel")
    lo, hi = micros(FROM), micros(TO) + 86_400_000_000
    rows = clickhouse(cli, f"""
        SELECT level, count() FROM (
            SELECT distinct_id, windowFunnel({7 * 86_400_000_000})(ts,
                event = 'visit' AND ts >= {lo} AND ts < {hi}, event = 'signup',
                event = 'activate') AS level
            FROM (SELECT distinct_id, event, toUInt64(toUnixTimestamp64Micro(timestamp)) AS ts
                  FROM EVENTS WHERE JSONExtractString(properties, 'plan') != 'free')
            GROUP BY distinct_id)
        WHERE level > 0 GROUP BY level""")
    at = {int(level): int(n) for level, n in rows}
    theirs = [sum(n for level, n in at.items() if level >= k) for k in (1, 2, 3)]
    assert [s["users"] for s in spark["steps"]] == theirs


def test_spark_retention_equals_clickhouse_retention(cli: Cli) -> None:
    spark = answer(cli, "spark", "retention")
    ours = {c["start"]: [c["users"], *c["retained"]] for c in spark["cohorts"] if c["users"]}
    monday = date.fromisoformat(FROM) - timedelta(days=date.fromisoformat(FROM).weekday())
    conditions = ", ".join(
        ["toMonday(timestamp) = cw AND event = 'visit'"]
        + [f"event = 'signup' AND toMonday(timestamp) = addWeeks(cw, {k})" for k in range(6)])
    rows = clickhouse(cli, f"""
        WITH firsts AS (SELECT distinct_id, min(toMonday(timestamp)) AS cw FROM EVENTS
                        WHERE event = 'visit' GROUP BY distinct_id)
        SELECT cw, sumForEach(r) FROM (
            SELECT e.distinct_id, f.cw, retention({conditions}) AS r
            FROM EVENTS AS e JOIN firsts AS f ON e.distinct_id = f.distinct_id
            WHERE e.timestamp < toDateTime64('{TO} 00:00:00', 6, 'UTC') + INTERVAL 1 DAY
            GROUP BY e.distinct_id, f.cw)
        WHERE cw BETWEEN '{monday}' AND '{TO}' GROUP BY cw ORDER BY cw
        SETTINGS session_timezone = 'UTC'""")
    theirs = {cw: [int(v) for v in arr.strip("[]").split(",")] for cw, arr in rows}
    assert ours == {k: v[: len(ours[k])] for k, v in theirs.items() if k in ours}
    assert ours.keys() == theirs.keys()


def test_spark_daily_users_equal_uniq_exact(cli: Cli) -> None:
    spark = answer(cli, "spark", "trend")
    rows = clickhouse(cli, f"""
        SELECT toDate(timestamp) AS d, JSONExtractString(properties, 'plan') AS p,
               uniqExact(distinct_id)
        FROM EVENTS WHERE event = 'visit' AND position(JSONExtractString(properties,
             'country'), 'c0') > 0 AND d BETWEEN '{FROM}' AND '{TO}'
        GROUP BY d, p SETTINGS session_timezone = 'UTC'""")
    theirs = {(d, p): int(n) for d, p, n in rows}
    visits = [s for s in spark["series"] if s["label"] == "visit"]
    ours = {(pt["t"], s["breakdown"] or ""): pt["value"] for s in visits
            for pt in s["points"] if pt["value"]}
    assert ours == theirs
