"""Event import throughput: Needle's import of a CSV and a Parquet file against DuckDB alone.

The peer is DuckDB reading the same file and writing it straight to Parquet: the floor for any
importer that also parses, validates, derives ids, dedupes and partitions by day.

    python -m benchmarks import_events [--rows N] [--runs N] [--smoke]

It prints, per input, the seconds of the whole import and of its parts before and during the
lake append, events per second, the peer's seconds and the ratio of the two.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from needle.events.importer import import_events
from needle.events.mapping import EventMapping
from needle.io.tables import ReadOptions
from needle.workspace import Workspace

DATA = Path(__file__).parent / ".data"
SEED = 20240522
EVENTS = np.array(["$pageview", "signup", "task_created", "project_created", "invite_sent",
                   "comment_added", "task_completed", "$autocapture"])
PLATFORMS = np.array(["web", "ios", "android"])


def generate(rows: int) -> pa.Table:
    """A deterministic event export: ISO timestamps with zone, users, names, three properties."""
    rng = np.random.default_rng(SEED)
    start = np.datetime64("2024-01-01T00:00:00", "us").astype(np.int64)
    offsets = np.sort(rng.integers(0, 120 * 86_400 * 1_000_000, rows))
    stamps = pa.array(start + offsets, pa.timestamp("us", tz="UTC"))
    return pa.table({
        "distinct_id": pa.array(np.char.add("user_", rng.integers(0, 50_000, rows).astype(str))),
        "event": pa.array(EVENTS[rng.integers(0, len(EVENTS), rows)]),
        "timestamp": stamps,
        "platform": pa.array(PLATFORMS[rng.integers(0, len(PLATFORMS), rows)]),
        "duration_ms": pa.array(rng.integers(0, 60_000, rows)),
        "plan": pa.array(np.where(rng.random(rows) < 0.2, "pro", "free")),
    })


def files(rows: int) -> tuple[Path, Path]:
    """The CSV and Parquet inputs under benchmarks/.data, made once per size."""
    DATA.mkdir(exist_ok=True)
    csv_path, parquet_path = DATA / f"events-{rows}.csv", DATA / f"events-{rows}.parquet"
    if not (csv_path.exists() and parquet_path.exists()):
        table = generate(rows)
        pq.write_table(table, parquet_path, compression="zstd")
        pacsv.write_csv(table, csv_path)
    return csv_path, parquet_path


def needle_import(path: Path) -> tuple[float, float]:
    """Seconds for the whole import, and for the part before the lake append."""
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace.init(Path(folder) / "ws")
        marks: list[float] = []
        began = time.perf_counter()
        result = import_events(workspace.lake, [path], EventMapping(), ReadOptions(),
                               step=lambda _: marks.append(time.perf_counter()))
        elapsed = time.perf_counter() - began
        workspace.close()
    assert result.added == result.read, result
    return elapsed, marks[-1] - began


def duckdb_copy(path: Path) -> float:
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        duckdb.connect().execute(
            f"COPY (SELECT * FROM '{path}') TO '{Path(folder) / 'out.parquet'}' "
            "(FORMAT parquet, COMPRESSION zstd)")
        return time.perf_counter() - began


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks import_events")
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="20,000 rows, one run")
    args = parser.parse_args(argv)
    rows = 20_000 if args.smoke else args.rows
    csv_path, parquet_path = files(rows)
    print(f"{rows:,} events; peer: DuckDB {duckdb.__version__} file -> Parquet (COPY); "
          f"best of {args.runs}; load average {os.getloadavg()[0]:.2f} before")
    print(f"{'input':<8} {'needle s':>9} {'read+check s':>13} {'lake append s':>14} "
          f"{'events/s':>11} {'duckdb s':>9} {'ratio':>6}")
    for label, path in (("csv", csv_path), ("parquet", parquet_path)):
        ours, checked = min(needle_import(path) for _ in range(args.runs))
        peer = min(duckdb_copy(path) for _ in range(args.runs))
        print(f"{label:<8} {ours:>9.2f} {checked:>13.2f} {ours - checked:>14.2f} "
              f"{rows / ours:>11,.0f} {peer:>9.2f} {ours / peer:>6.1f}")
    print(f"load average {os.getloadavg()[0]:.2f} after (the machine's cores: "
          f"{os.cpu_count()})")
