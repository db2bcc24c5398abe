"""Analytics benchmark: Needle against ClickHouse (chdb, from Parquet and loaded into MergeTree),
plain DuckDB SQL and pandas, on the same generated events, for a funnel, retention and a trend;
then the shapes people use next (retention on any event, funnels filtered on a property, with an
exclusion, strict and unordered, broken down; a trend broken down by its top 10 values, and a
trend of a property's sum), each against chdb on the same Parquet with the same filters.

``python -m benchmarks analytics [--smoke] [--sizes 10m,50m] [--repeat 3]``. Data are generated
once under benchmarks/.data/ and reused. Needle runs in a child process so that its peak memory
is its own. Every engine's answer is checked against Needle's before its time is printed, except
where ClickHouse has no function of the same meaning (exclusions, unordered funnels: its plain
``windowFunnel`` is timed as the reference there; strict funnels: its ``strict_order`` stops at a
person's first other event, where Needle follows every start as PostHog does), and the answer
column says so. A shape's first run, which reads the properties it needs out of the JSON (what
earlier shapes read is forgotten first), is printed apart from its best run, with its own ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks._analytics_data import FUNNEL, blocks

DATA_VERSION = 2  # bump when the generator changes: older lakes are made again

DATA = Path(__file__).parent / ".data"
RANGE = (date(2024, 1, 1), date(2024, 3, 30))
WINDOW_S = 7 * 86400
# events, users, days
SIZES = {
    "10m": (10_000_000, 500_000, 90),
    "50m": (50_000_000, 2_000_000, 90),
    "5m": (5_000_000, 250_000, 90),
    "smoke": (5_000, 300, 7),
}


def ensure_lake(root: Path, events: int, users: int, days: int) -> Path:
    """Generate the events into an event lake at ``root`` unless a finished one is there."""
    import shutil

    from rich.progress import Progress

    from needle.events.lake import EventLake

    done = root / "generated.json"
    params = {"events": events, "users": users, "seed": 7, "block_users": 100_000,
              "version": DATA_VERSION}
    if days != 90:
        params["days"] = days
    lake = EventLake(root / "lake")
    if done.exists() and json.loads(done.read_text()) == params:
        lake.compact()  # one sorted file per day, for every engine alike
        return root / "lake"
    shutil.rmtree(root / "lake", ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    with Progress(transient=True) as progress:
        task = progress.add_task(f"generating {events:,} events", total=users)
        for block in blocks(events, users, days, block_users=params["block_users"]):
            lake.append(block)
            progress.advance(task, 100_000)
    lake.compact()
    done.write_text(json.dumps(params))
    return root / "lake"


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Fastest of ``repeat`` runs (the machine is shared; the minimum is the least noisy)."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


# -- Needle (in a child process: its own peak memory) -------------------------------------------


BASIC = ("funnel", "retention", "trend")
SHAPES = ("retention any", "funnel filter", "funnel step filter", "funnel exclusion",
          "funnel strict", "funnel unordered", "funnel breakdown", "trend breakdown",
          "trend sum")
# ClickHouse has no exclusions or unordered funnels (its plain windowFunnel is timed there), and
# its strict_order ends a person's search at their first other event
NOT_COMPARABLE = {"funnel exclusion", "funnel unordered", "funnel strict"}


def needle_queries() -> dict[str, Any]:
    from needle.analytics.specs import (
        DateRange,
        Exclusion,
        FunnelQuery,
        PropertyFilter,
        RetentionQuery,
        Series,
        Step,
        TrendQuery,
    )

    dates = DateRange(*RANGE)
    steps = tuple(Step(s) for s in FUNNEL)
    pro = PropertyFilter("plan", "=", "pro")
    return {
        "funnel": FunnelQuery(steps, WINDOW_S, dates=dates),
        "retention": RetentionQuery(Step("visit"), Step("purchase"), "week", 8, dates=dates),
        "trend": TrendQuery((Series(Step("visit"), "users"),), "day", dates),
        "retention any": RetentionQuery(Step("visit"), Step(None), "week", 8, dates=dates),
        "funnel filter": FunnelQuery(steps, WINDOW_S, dates=dates, filters=(pro,)),
        "funnel step filter": FunnelQuery((Step("visit", (pro,)), *steps[1:]), WINDOW_S,
                                          dates=dates),
        "funnel exclusion": FunnelQuery(steps, WINDOW_S, dates=dates,
                                        exclusions=(Exclusion(Step("event_00"), 1, 2),)),
        "funnel strict": FunnelQuery(steps, WINDOW_S, "strict", dates=dates),
        "funnel unordered": FunnelQuery(steps, WINDOW_S, "unordered", dates=dates),
        "funnel breakdown": FunnelQuery(steps, WINDOW_S, dates=dates, breakdown="plan"),
        "trend breakdown": TrendQuery((Series(Step("visit"), "users"),), "day", dates,
                                      breakdown="country", breakdown_limit=10),
        "trend sum": TrendQuery((Series(Step("purchase"), "sum", "amount"),), "day", dates),
    }


def answer(name: str, result: Any) -> Any:
    """The part of a result every engine must agree on."""
    if name == "funnel breakdown":
        return {b.value or "": [s.users for s in b.steps] for b in result.breakdown}
    if name.startswith("funnel"):
        return [s.users for s in result.steps]
    if name == "trend breakdown":
        return {f"{p.t} {s.breakdown}": p.value for s in result.series for p in s.points
                if p.value}
    # peers list only cohorts and days that have events; Needle lists every one in the range
    if name.startswith("retention"):
        return {c.start.isoformat(): [c.users, *c.retained] for c in result.cohorts if c.users}
    return [int(p.value) for p in result.series[0].points if p.value]


def needle_child(lake: Path, cache: Path | None, repeat: int, build: bool) -> dict[str, Any]:
    import resource
    import shutil

    from needle.analytics.duckdb import DuckDBEngine
    from needle.analytics.engine import run
    from needle.config import load_settings
    from needle.events.lake import EventLake

    files = EventLake(lake).files()
    limit = load_settings()["memory_limit"]  # as a workspace with default settings runs
    out: dict[str, Any] = {}
    private = PrivatePeak()
    if build and cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
        out["build"], _ = best(lambda: DuckDBEngine(files, index_dir=cache).columns, 1)
        # an import of the last day: the cache of the other days is extended, not rebuilt
        part = cache.with_name(cache.name + "-extend")
        shutil.rmtree(part, ignore_errors=True)
        _ = DuckDBEngine(files[:-1], index_dir=part).columns
        out["extend"], _ = best(lambda: DuckDBEngine(files, index_dir=part).columns, 1)
        shutil.rmtree(part)
    else:
        engine = DuckDBEngine(files, index_dir=cache, memory_limit=limit)
        for name, query in needle_queries().items():
            # the first run of a shape reads its properties out of the JSON: timed apart
            if cache is not None:
                forget_properties(cache)
            first, _ = best(lambda q=query: run(engine, q), 1)
            seconds, result = best(lambda q=query: run(engine, q), repeat)
            out[name] = [seconds, answer(name, result), first]
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["private_mib"] = private.mib
    return out


class PrivatePeak:
    """The peak of the process's private (anonymous) memory, sampled every 10 ms: resident less
    what is shared with files (psutil). The peak resident size (``ru_maxrss``) also counts the
    pages of the memory-mapped index a query touched: file pages the kernel can drop."""

    def __init__(self) -> None:
        import threading

        import psutil

        self.process = psutil.Process()
        self.peak = 0
        threading.Thread(target=self._sample, daemon=True).start()

    @property
    def mib(self) -> float:
        self._read()
        return self.peak / 2**20

    def _read(self) -> None:
        memory = self.process.memory_info()
        self.peak = max(self.peak, memory.rss - memory.shared)

    def _sample(self) -> None:
        while True:
            self._read()
            time.sleep(0.01)


def forget_properties(cache: Path) -> None:
    """Drop what queries read out of the lake's JSON (hot properties, numeric values), keeping
    the index itself, so the next query pays for its own reads."""
    import shutil

    for path in cache.iterdir():
        if path.is_dir() and not path.name.startswith("columns-") and path.name != "spill":
            shutil.rmtree(path)


def needle(
    lake: Path, cache: Path | None, repeat: int, build: bool = False, child: bool = True
) -> dict[str, Any]:
    """Needle's timings, from a child process unless ``child`` is off (smoke runs)."""
    if not child:
        return needle_child(lake, cache, repeat, build)
    args = [
        sys.executable,
        "-m",
        "benchmarks.analytics",
        "--child",
        str(lake),
        str(cache or ""),
        str(repeat),
        "1" if build else "0",
    ]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


# -- ClickHouse (chdb) ----------------------------------------------------------------------------


def _micros(day: date) -> int:
    return (day - date(1970, 1, 1)).days * 86_400_000_000


def clickhouse_sql(source: str) -> dict[str, str]:
    lo, hi = _micros(RANGE[0]), _micros(RANGE[1]) + 86_400_000_000
    first = f"event = 'visit' AND ts >= {lo} AND ts < {hi}"
    conditions = ", ".join([first, *(f"event = '{s}'" for s in FUNNEL[1:])])
    weeks = ", ".join(
        ["toMonday(timestamp) = cw AND event = 'visit'"]
        + [
            f"event = 'purchase' AND toMonday(timestamp) = addWeeks(cw, {k}) "
            f"AND timestamp < '{RANGE[1]} 23:59:59.999999'"
            for k in range(8)
        ]
    )
    return {
        "funnel": f"""SELECT level, count() FROM (SELECT windowFunnel({WINDOW_S * 1_000_000})(ts,
            {conditions}) AS level FROM (SELECT distinct_id, event,
            toUInt64(toUnixTimestamp64Micro(timestamp)) AS ts FROM {source}
            WHERE event IN {FUNNEL!r}) GROUP BY distinct_id) WHERE level > 0 GROUP BY level""",
        "retention": f"""WITH firsts AS (SELECT distinct_id, min(toMonday(timestamp)) AS cw
            FROM {source} WHERE event = 'visit' GROUP BY distinct_id)
            SELECT cw, sumForEach(r) FROM (SELECT e.distinct_id, f.cw, retention({weeks}) AS r
            FROM {source} AS e JOIN firsts AS f ON e.distinct_id = f.distinct_id
            WHERE e.event IN ('visit', 'purchase') GROUP BY e.distinct_id, f.cw)
            WHERE cw BETWEEN '{RANGE[0]}' AND '{RANGE[1]}' GROUP BY cw ORDER BY cw""",
        "trend": f"""SELECT toDate(timestamp) AS d, uniqExact(distinct_id) FROM {source}
            WHERE event = 'visit' AND d BETWEEN '{RANGE[0]}' AND '{RANGE[1]}'
            GROUP BY d ORDER BY d""",
    }


def _window_funnel(source: str, conditions: list[str], where: str = "", mode: str = "",
                   group: str = "") -> str:
    """Levels reached per person (and ``group``) by ClickHouse's windowFunnel."""
    lo, hi = _micros(RANGE[0]), _micros(RANGE[1]) + 86_400_000_000
    conditions[0] += f" AND ts >= {lo} AND ts < {hi}"
    params = f"{WINDOW_S * 1_000_000}" + (f", '{mode}'" if mode else "")
    extra = f", {group} AS g" if group else ""
    return f"""SELECT {'g, ' if group else ''}level, count() FROM (SELECT distinct_id{extra},
        windowFunnel({params})(ts, {", ".join(conditions)}) AS level FROM (SELECT distinct_id,
        event, properties, toUInt64(toUnixTimestamp64Micro(timestamp)) AS ts FROM {source}
        {where}) GROUP BY distinct_id{extra}) WHERE level > 0 GROUP BY ALL"""


def clickhouse_shapes(source: str) -> dict[str, str]:
    """The shapes beyond the first three, with ClickHouse's functions of the same meaning."""
    steps = [f"event = '{s}'" for s in FUNNEL]
    pro = "JSONExtractString(properties, 'plan') = 'pro'"
    only = f"WHERE event IN {FUNNEL!r}"
    returns = ", ".join(
        ["toMonday(timestamp) = cw AND event = 'visit'"]
        + [f"toMonday(timestamp) = addWeeks(cw, {k}) AND timestamp < '{RANGE[1]} 23:59:59.999999'"
           for k in range(8)])
    day = f"toDate(timestamp) BETWEEN '{RANGE[0]}' AND '{RANGE[1]}'"
    country = "JSONExtractString(properties, 'country')"
    return {
        "retention any": f"""WITH firsts AS (SELECT distinct_id, min(toMonday(timestamp)) AS cw
            FROM {source} WHERE event = 'visit' GROUP BY distinct_id)
            SELECT cw, sumForEach(r) FROM (SELECT e.distinct_id, f.cw, retention({returns}) AS r
            FROM {source} AS e JOIN firsts AS f ON e.distinct_id = f.distinct_id
            GROUP BY e.distinct_id, f.cw)
            WHERE cw BETWEEN '{RANGE[0]}' AND '{RANGE[1]}' GROUP BY cw ORDER BY cw""",
        "funnel filter": _window_funnel(source, [f"{s} AND {pro}" for s in steps],
                                        f"{only} AND {pro}"),
        "funnel step filter": _window_funnel(source, [f"{steps[0]} AND {pro}", *steps[1:]], only),
        "funnel exclusion": _window_funnel(source, list(steps), only),
        "funnel strict": _window_funnel(source, list(steps), mode="strict_order"),
        "funnel unordered": _window_funnel(source, list(steps), only),
        "funnel breakdown": _window_funnel(source, list(steps), only,
                                           group="JSONExtractString(properties, 'plan')"),
        "trend breakdown": f"""WITH top AS (SELECT {country} AS c FROM {source}
            WHERE event = 'visit' AND {day} GROUP BY c ORDER BY uniqExact(distinct_id) DESC, c
            LIMIT 10)
            SELECT toDate(timestamp) AS d, if({country} IN top, {country}, '$other') AS g,
            uniqExact(distinct_id) FROM {source} WHERE event = 'visit' AND {day}
            GROUP BY d, g ORDER BY d, g""",
        "trend sum": f"""SELECT toDate(timestamp) AS d,
            sum(JSONExtractInt(properties, 'amount')) FROM {source}
            WHERE event = 'purchase' AND {day} GROUP BY d ORDER BY d""",
    }


def _levels(rows: list[list[str]]) -> list[int]:
    level = {int(a): int(b) for a, b in rows}
    return [sum(n for k, n in level.items() if k >= s) for s in range(1, len(FUNNEL) + 1)]


def clickhouse_answer(name: str, text: str) -> Any:
    rows = [line.split("\t") for line in text.strip("\n").splitlines()]
    if name == "funnel breakdown":
        groups: dict[str, list[list[str]]] = {}
        for g, level, n in rows:
            groups.setdefault(g, []).append([level, n])
        return {g: _levels(r) for g, r in sorted(groups.items())}
    if name.startswith("funnel"):
        return _levels(rows)
    if name == "trend breakdown":
        return {f"{d} {g}": int(n) for d, g, n in rows}
    if name.startswith("retention"):
        out = {}
        for cw, arr in rows:
            values = [int(v) for v in arr.strip("[]").split(",")]
            visible = min(8, (RANGE[1] - date.fromisoformat(cw)).days // 7 + 1)
            out[cw] = values[: visible + 1]
        return out
    return [int(b) for _, b in rows]


def clickhouse(lake: Path, repeat: int, work: Path) -> dict[str, dict[str, Any]]:
    from chdb.session import Session

    session = Session(str(work / "chdb"))

    def query(sql: str) -> str:
        return session.query(sql + " SETTINGS session_timezone = 'UTC'", "TSV").bytes().decode()

    source = f"file('{lake}/day=*/*.parquet', Parquet)"
    out: dict[str, dict[str, Any]] = {"chdb parquet": {}, "chdb loaded": {}}
    for name, sql in {**clickhouse_sql(source), **clickhouse_shapes(source)}.items():
        seconds, text = best(lambda s=sql: query(s), repeat)
        out["chdb parquet"][name] = [seconds, clickhouse_answer(name, text)]
    session.query("CREATE DATABASE IF NOT EXISTS b")
    session.query("DROP TABLE IF EXISTS b.events")
    session.query("""CREATE TABLE b.events (event LowCardinality(String), distinct_id String,
        timestamp DateTime64(6, 'UTC')) ENGINE = MergeTree
        ORDER BY (event, distinct_id, timestamp)""")
    out["chdb loaded"]["load"] = best(
        lambda: query(f"INSERT INTO b.events SELECT event, distinct_id, timestamp FROM {source}"), 1
    )[0]
    for name, sql in clickhouse_sql("b.events").items():
        seconds, text = best(lambda s=sql: query(s), repeat)
        out["chdb loaded"][name] = [seconds, clickhouse_answer(name, text)]
    session.close()
    return out


# -- DuckDB SQL written plainly, and pandas ------------------------------------------------------


def duckdb_sql(files: list[str]) -> dict[str, str]:
    lo, hi = f"TIMESTAMPTZ '{RANGE[0]} 00:00:00+00'", f"TIMESTAMPTZ '{RANGE[1]} 23:59:59.999999+00'"
    w = f"INTERVAL {WINDOW_S} SECOND"
    src = f"read_parquet({files!r})"
    joins = []
    for k, step in enumerate(FUNNEL[1:], start=2):
        joins.append(
            f"c{k} AS (SELECT c.uid, c.t1, min(s.ts) AS t{k} FROM c{k - 1} c JOIN f s "
            f"ON s.uid = c.uid AND s.event = '{step}' AND s.ts BETWEEN c.t{k - 1} AND c.t1 + {w} "
            "GROUP BY ALL)"
        )
    counts = ", ".join(f"(SELECT count(DISTINCT uid) FROM c{k})" for k in range(1, 5))
    return {
        "funnel": f"""WITH f AS MATERIALIZED (SELECT distinct_id AS uid, event, timestamp AS ts
            FROM {src} WHERE event IN {FUNNEL!r}),
            c1 AS (SELECT uid, ts AS t1 FROM f WHERE event = 'visit' AND ts BETWEEN {lo} AND {hi}),
            {", ".join(joins)} SELECT {counts}""",
        "retention": f"""WITH c AS (SELECT distinct_id, min(date_trunc('week', timestamp)) AS cw
            FROM {src} WHERE event = 'visit' GROUP BY 1),
            r AS (SELECT DISTINCT distinct_id, date_trunc('week', timestamp) AS rw FROM {src}
            WHERE event = 'purchase' AND timestamp BETWEEN {lo} AND {hi})
            SELECT cw::DATE, -1, count(*) FROM c WHERE cw BETWEEN {lo} AND {hi} GROUP BY ALL
            UNION ALL SELECT cw::DATE, datediff('day', cw, rw) // 7 AS k, count(*) FROM c JOIN r
            USING (distinct_id) WHERE rw >= cw AND cw BETWEEN {lo} AND {hi} GROUP BY ALL
            HAVING k < 8""",
        "trend": f"""SELECT timestamp::DATE AS d, count(DISTINCT distinct_id) FROM {src}
            WHERE event = 'visit' AND timestamp BETWEEN {lo} AND {hi} GROUP BY d ORDER BY d""",
    }


def _retention_table(rows: list[tuple]) -> dict[str, list[int]]:
    table: dict[str, dict[int, int]] = {}
    for cw, k, n in rows:
        table.setdefault(str(cw), {})[int(k)] = int(n)
    out = {}
    for cw, ks in sorted(table.items()):
        visible = min(8, (RANGE[1] - date.fromisoformat(cw)).days // 7 + 1)
        out[cw] = [ks.get(-1, 0), *(ks.get(k, 0) for k in range(visible))]
    return out


def plain_duckdb(files: list[str], repeat: int) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    shape = {
        "funnel": lambda r: list(r[0]),
        "retention": _retention_table,
        "trend": lambda r: [n for _, n in r],
    }
    out = {}
    for name, sql in duckdb_sql(files).items():
        seconds, rows = best(lambda s=sql: con.execute(s).fetchall(), repeat)
        out[name] = [seconds, shape[name](rows)]
    return out


def pandas_queries(files: list[str], repeat: int) -> dict[str, Any]:
    import pandas as pd
    import pyarrow.parquet as pq

    lo, hi = _micros(RANGE[0]), _micros(RANGE[1]) + 86_400_000_000
    day = 86_400_000_000

    def load(names: tuple[str, ...]) -> pd.DataFrame:
        table = pq.read_table(
            files,
            columns=["distinct_id", "event", "timestamp"],
            filters=[("event", "in", list(names))],
        )
        df = table.to_pandas()
        return df.assign(
            ts=df["timestamp"].astype("int64"), uid=df["distinct_id"].astype("category")
        )

    def funnel() -> list[int]:
        df = load(FUNNEL)
        chain = df[(df.event == "visit") & (df.ts >= lo) & (df.ts < hi)][["uid", "ts"]]
        chain = chain.rename(columns={"ts": "t1"}).assign(prev=lambda c: c.t1)
        counts = [chain.uid.nunique()]
        for step in FUNNEL[1:]:
            right = df[df.event == step][["uid", "ts"]].sort_values("ts")
            m = pd.merge_asof(
                chain.sort_values("prev"),
                right,
                left_on="prev",
                right_on="ts",
                by="uid",
                direction="forward",
            )
            chain = m[m.ts <= m.t1 + WINDOW_S * 1_000_000].assign(
                prev=lambda c: c.ts.astype("int64")
            )[["uid", "t1", "prev"]]
            counts.append(chain.uid.nunique())
        return counts

    def retention() -> dict[str, list[int]]:
        df = load(("visit", "purchase"))
        week = (df.ts // day + 3) // 7
        cohort = week[df.event == "visit"].groupby(df.uid[df.event == "visit"], observed=True).min()
        r = pd.DataFrame({"uid": df.uid, "rw": week})[
            (df.event == "purchase") & (df.ts >= lo) & (df.ts < hi)
        ]
        r = r.drop_duplicates().merge(cohort.rename("cw"), left_on="uid", right_index=True)
        r = r[(r.rw >= r.cw) & (r.rw - r.cw < 8)]
        first, last = ((_micros(d) // day + 3) // 7 for d in RANGE)
        rows = [
            ((pd.Timestamp(int(c) * 7 - 3, unit="D")).date(), -1, n)
            for c, n in cohort.value_counts().items()
            if first <= c <= last
        ]
        rows += [
            ((pd.Timestamp(int(c) * 7 - 3, unit="D")).date(), k, n)
            for (c, k), n in r.groupby([r.cw, r.rw - r.cw]).size().items()
            if first <= c <= last
        ]
        return _retention_table(rows)

    def trend() -> list[int]:
        df = load(("visit",))
        df = df[(df.ts >= lo) & (df.ts < hi)]
        return df.groupby(df.ts // day).uid.nunique().tolist()

    return {
        name: list(best(fn, repeat))
        for name, fn in {"funnel": funnel, "retention": retention, "trend": trend}.items()
    }


# -- the floor: reading the funnel's three columns at this machine's memory bandwidth -------------


def scan_floor(rows: int, mib: int = 512) -> tuple[float, float]:
    """Seconds to stream ``rows`` x 16 bytes (user int32, event code int32, time int64) once."""
    block = np.ones(mib * 2**17, dtype=np.float64)
    seconds, _ = best(lambda: block.sum(), 3)
    bandwidth = block.nbytes / seconds
    return rows * 16 / bandwidth, bandwidth / 2**30


# -- the run --------------------------------------------------------------------------------------


def measure(lake: Path, repeat: int, work: Path, child: bool) -> dict[str, Any]:
    from needle.events.lake import EventLake

    files = [str(p) for p in EventLake(lake).files()]
    cache = work / "cache"
    results: dict[str, Any] = {"rows": EventLake(lake).row_count()}
    results["needle build"] = needle(lake, cache, 1, build=True, child=child)
    results["needle"] = needle(lake, cache, repeat, child=child)
    results["needle sql"] = needle(lake, None, 1, child=child)
    results.update(clickhouse(lake, repeat, work))
    results["duckdb sql"] = plain_duckdb(files, repeat)
    results["pandas"] = pandas_queries(files, repeat)
    results["floor"] = scan_floor(results["rows"], 512 if child else 16)
    return results


def report(size: str, r: dict[str, Any]) -> list[str]:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{size}: {r['rows']:,} events (seconds, best of runs; ratio = Needle / peer)"
    )
    for column in ("query", "engine", "seconds", "Needle/peer", "same answer"):
        table.add_column(column)
    failures: list[str] = []
    basic = ("needle", "needle sql", "chdb parquet", "chdb loaded", "duckdb sql", "pandas")
    for query in (*BASIC, *SHAPES):
        ours, answer_ = r["needle"][query][:2]
        engines = basic if query in BASIC else ("needle", "needle sql", "chdb parquet")
        for engine in engines:
            seconds, theirs = r[engine][query][:2]
            same = "n/a" if engine == "chdb parquet" and query in NOT_COMPARABLE else (
                "yes" if theirs == answer_ else "NO")
            if same == "NO":
                failures.append(f"{size} {query}: {engine} disagrees")
            table.add_row(query, engine, f"{seconds:.3f}", f"{ours / seconds:.2f}", same)
        if query in SHAPES:
            first = r["needle"][query][2]
            peer = r["chdb parquet"][query][0]
            table.add_row(query, "needle, first run", f"{first:.3f}", f"{first / peer:.2f} (chdb)",
                          "")
    floor, bandwidth = r["floor"]
    funnel_s = r["needle"]["funnel"][0]
    worst = max(r["needle"][q][0] / r["chdb parquet"][q][0] for q in (*BASIC, *SHAPES))
    worst_first = max(r["needle"][q][2] / r["chdb parquet"][q][0] for q in SHAPES)
    table.add_row(
        "funnel",
        "3-column scan floor",
        f"{floor:.3f}",
        f"{funnel_s / floor:.1f}x floor",
        f"{bandwidth:.1f} GiB/s",
    )
    Console().print(table)
    build = r["needle build"]
    print(
        f"needle: cache build {build['build']:.1f} s (one-off, peak {_peak(build)}), "
        f"extended by the last day's import in {build['extend']:.1f} s; "
        f"queries peak {_peak(r['needle'])}; SQL path peak {_peak(r['needle sql'])} "
        "(resident, with the mapped index's file pages; private); "
        f"chdb load {r['chdb loaded']['load']:.1f} s; "
        f"funnel {r['rows'] / funnel_s / 1e6:.0f} M events/s; "
        f"worst ratio to chdb parquet {worst:.2f} (first runs {worst_first:.2f})"
    )
    return failures


def _peak(child: dict[str, Any]) -> str:
    return f"{child['peak_mib']:.0f} MiB / {child['private_mib']:.0f} MiB"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks analytics")
    parser.add_argument("--smoke", action="store_true", help="tiny data, one run (seconds)")
    parser.add_argument("--sizes", default="10m,50m", help="comma-separated: 5m, 10m, 50m")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        lake, cache, repeat, build = args.child
        print(
            json.dumps(
                needle_child(Path(lake), Path(cache) if cache else None, int(repeat), build == "1")
            )
        )
        return
    sizes = ["smoke"] if args.smoke else args.sizes.split(",")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            root = Path(tmp) / "data" if size == "smoke" else DATA / f"analytics-{size}"
            lake = ensure_lake(root, *SIZES[size])
            work = Path(tmp) / size
            work.mkdir()
            failures += report(
                size, measure(lake, 1 if args.smoke else args.repeat, work, not args.smoke)
            )
    if failures:
        raise SystemExit("; ".join(failures))


if __name__ == "__main__":
    main(sys.argv[1:])
