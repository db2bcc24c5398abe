"""Spark benchmark: the Spark engine (``local[2]``) against Needle's DuckDB engine and ClickHouse
(chdb) on the same generated lake: a funnel, retention and a daily-users trend.

``python -m benchmarks spark [--smoke] [--sizes 1.5m,10m]``. Each engine runs in its own child
process, whose process tree (the JVM too) is sampled for its peak memory; every answer is checked
against the DuckDB engine's before the times are printed. Spark's time includes starting its
JVM once (printed apart), since every ``needle`` command pays it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from benchmarks.analytics import DATA, ensure_lake

SIZES = {"smoke": (5_000, 300, 7), "1.5m": (1_500_000, 75_000, 90),
         "10m": (10_000_000, 500_000, 90)}
FROM, TO, WEEKS = "2024-01-01", "2024-03-30", 6
STEPS = ("visit", "signup", "activate")
WINDOW_S = 7 * 86400


def _needle(engine_name: str, lake: Path) -> dict[str, Any]:
    from datetime import date

    from needle.analytics.engine import run
    from needle.analytics.engines import EngineOptions, open_engine
    from needle.analytics.specs import (
        DateRange,
        FunnelQuery,
        RetentionQuery,
        Series,
        Step,
        TrendQuery,
    )
    from needle.events.lake import EventLake

    started = time.perf_counter()
    engine = open_engine(engine_name, EngineOptions(EventLake(lake).files(), threads=2))
    engine.data_days()  # Spark: the JVM starts here
    opened = time.perf_counter() - started
    days = DateRange(date.fromisoformat(FROM), date.fromisoformat(TO))
    queries = {
        "funnel": FunnelQuery(tuple(Step(s) for s in STEPS), WINDOW_S, dates=days),
        "retention": RetentionQuery(Step("visit"), Step("signup"), "week", WEEKS, dates=days),
        "trend": TrendQuery((Series(Step("visit"), "users"),), "day", days),
    }
    out: dict[str, Any] = {"open": opened}
    for name, q in queries.items():
        start = time.perf_counter()
        result = run(engine, q)
        out[name] = (time.perf_counter() - start, _answer(name, result))
    engine.close()
    return out


def _answer(name: str, result: Any) -> Any:
    if name == "funnel":
        return [s.users for s in result.steps]
    if name == "retention":
        return {c.start.isoformat(): [c.users, *c.retained] for c in result.cohorts if c.users}
    return {p.t.isoformat(): p.value for p in result.series[0].points if p.value}


def _chdb(lake: Path) -> dict[str, Any]:
    import chdb

    source = f"file('{lake}/day=*/*.parquet', Parquet)"

    def query(sql: str) -> list[list[str]]:
        text = chdb.query(sql.replace("EVENTS", source), "TSV").bytes().decode()
        return [line.split("\t") for line in text.splitlines()]

    lo = f"toDateTime64('{FROM} 00:00:00', 6, 'UTC')"
    hi = f"toDateTime64('{TO} 00:00:00', 6, 'UTC') + INTERVAL 1 DAY"
    out: dict[str, Any] = {"open": 0.0}
    start = time.perf_counter()
    rows = query(f"""SELECT level, count() FROM (SELECT distinct_id,
        windowFunnel({WINDOW_S * 1_000_000})(toUInt64(toUnixTimestamp64Micro(timestamp)),
        event = 'visit' AND timestamp >= {lo} AND timestamp < {hi},
        event = 'signup', event = 'activate') AS level FROM EVENTS GROUP BY distinct_id)
        WHERE level > 0 GROUP BY level""")
    at = {int(level): int(n) for level, n in rows}
    out["funnel"] = (time.perf_counter() - start,
                     [sum(n for lv, n in at.items() if lv >= k) for k in (1, 2, 3)])
    conditions = ", ".join(
        ["toMonday(timestamp) = cw AND event = 'visit'"]
        + [f"event = 'signup' AND toMonday(timestamp) = addWeeks(cw, {k})" for k in range(WEEKS)])
    start = time.perf_counter()
    rows = query(f"""WITH firsts AS (SELECT distinct_id, min(toMonday(timestamp)) AS cw
        FROM EVENTS WHERE event = 'visit' GROUP BY distinct_id)
        SELECT cw, sumForEach(r) FROM (SELECT e.distinct_id, f.cw, retention({conditions}) AS r
        FROM EVENTS AS e JOIN firsts AS f ON e.distinct_id = f.distinct_id
        WHERE e.timestamp < {hi} GROUP BY e.distinct_id, f.cw)
        WHERE cw BETWEEN toMonday(toDate('{FROM}')) AND '{TO}' GROUP BY cw ORDER BY cw
        SETTINGS session_timezone = 'UTC'""")
    out["retention"] = (time.perf_counter() - start,
                        {cw: [int(v) for v in a.strip("[]").split(",")] for cw, a in rows})
    start = time.perf_counter()
    rows = query(f"""SELECT toDate(timestamp) AS d, uniqExact(distinct_id) FROM EVENTS
        WHERE event = 'visit' AND d BETWEEN '{FROM}' AND '{TO}' GROUP BY d ORDER BY d
        SETTINGS session_timezone = 'UTC'""")
    out["trend"] = (time.perf_counter() - start, {d: int(n) for d, n in rows})
    return out


def _in_child(engine: str, lake: Path) -> tuple[dict[str, Any], float]:
    """Run one engine in a child process; its answers and the peak RSS (MB) of its tree."""
    with subprocess.Popen([sys.executable, "-m", "benchmarks.spark", "--child", engine,
                           str(lake)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as child:
        proc, peak = psutil.Process(child.pid), 0
        while child.poll() is None:
            try:
                tree = [proc, *proc.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            time.sleep(0.1)
        out = child.stdout.read() if child.stdout else b""
    if child.returncode:
        raise SystemExit(f"{engine} child failed with {child.returncode}")
    return json.loads(out), peak / 2**20


def _agrees(name: str, ours: Any, theirs: Any) -> bool:
    if name == "retention":  # ClickHouse lists every period; ours the visible ones
        return ours == {k: v[: len(ours[k])] for k, v in theirs.items() if k in ours}
    return bool(ours == theirs)


def run_size(label: str) -> None:
    events, users, days = SIZES[label]
    lake = ensure_lake(DATA / f"spark-{label}", events, users, days)
    results = {e: _in_child(e, lake) for e in ("duckdb", "spark", "chdb")}
    base = results["duckdb"][0]
    print(f"{label}: {events:,} events; Spark's JVM start {results['spark'][0]['open']:.1f}s; "
          f"peak MB duckdb {results['duckdb'][1]:.0f}, spark {results['spark'][1]:.0f}, "
          f"chdb {results['chdb'][1]:.0f}")
    print(f"{'query':<10} {'duckdb s':>9} {'spark s':>9} {'chdb s':>9} {'spark/duckdb':>13} "
          f"{'spark/chdb':>11}")
    for name in ("funnel", "retention", "trend"):
        for engine in ("spark", "chdb"):
            if not _agrees(name, base[name][1], results[engine][0][name][1]):
                raise SystemExit(f"{label} {name}: {engine} answers differently")
        d, s, c = (results[e][0][name][0] for e in ("duckdb", "spark", "chdb"))
        print(f"{name:<10} {d:>9.2f} {s:>9.2f} {c:>9.2f} {s / d:>12.1f}x {s / c:>10.1f}x")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        lake = Path(argv[2])
        out = _chdb(lake) if argv[1] == "chdb" else _needle(argv[1], lake)
        print(json.dumps(out))
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks spark")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--sizes", default="1.5m,10m")
    args = parser.parse_args(argv)
    print(f"load average {psutil.getloadavg()[0]:.1f} on {psutil.cpu_count()} cores")
    for label in ["smoke"] if args.smoke else args.sizes.split(","):
        run_size(label)


if __name__ == "__main__":
    main(sys.argv[1:])
