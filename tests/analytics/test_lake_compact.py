"""Compacting the lake keeps every event and gives one sorted file per day."""

from __future__ import annotations

import pyarrow.parquet as pq

from benchmarks._analytics_data import blocks
from needle.events.lake import EventLake


def test_compact_merges_each_day_sorted(tmp_path) -> None:
    lake = EventLake(tmp_path)
    parts = list(blocks(3_000, 200, days=3, seed=5, block_users=50))
    for part in parts:
        lake.append(part)
    before = lake.row_count()
    assert len(lake.files()) > 3
    assert lake.compact() == 3
    files = lake.files()
    assert len(files) == 3 and lake.row_count() == before
    assert sorted(p.name for p in tmp_path.glob("day=*/*.parquet")) == sorted(p.name for p in files)
    table = pq.read_table([str(p) for p in files])
    assert table.num_rows == before
    day = pq.read_table(files[0]).select(["distinct_id", "timestamp"]).to_pylist()
    assert day == sorted(day, key=lambda r: (r["distinct_id"], r["timestamp"]))
    assert lake.compact() == 0
    assert lake.append(parts[0]).added == 0  # dedupe still sees the compacted files
