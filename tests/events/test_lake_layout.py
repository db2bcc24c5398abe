"""The lake's layout: every file one day, sorted by person then time, in row groups whose
statistics let an engine skip them; appends and compaction both write it."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from needle.events import lake as lake_module
from needle.events.lake import EventLake
from needle.events.schema import EVENT_SCHEMA


def _events(seed: int, rows: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    start = int(datetime(2024, 3, 1, tzinfo=UTC).timestamp() * 1e6)
    micros = start + rng.integers(-86_400_000_000, 3 * 86_400_000_000, rows)
    micros[: rows // 10] = start  # ties in time, across people and within one
    return pa.table({
        "uuid": [f"{seed}-{i}" for i in range(rows)],
        "event": rng.choice(["a", "b"], rows).tolist(),
        "distinct_id": [f"user-{u}" for u in rng.integers(0, 300, rows)],
        "timestamp": pa.array(micros, pa.timestamp("us", tz="UTC")),
        "properties": ["{}"] * rows,
    }).cast(EVENT_SCHEMA)


def _sorted_by_person_then_time(table: pa.Table) -> bool:
    ids, times = table["distinct_id"].to_pylist(), table["timestamp"].to_pylist()
    keys = list(zip(ids, times, strict=True))
    return keys == sorted(keys)


@pytest.fixture
def small_row_groups(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(lake_module, "COMPACT_ROWS", 500)
    return 500


@pytest.mark.parametrize("compact", [False, True], ids=["appended", "compacted"])
def test_files_are_days_sorted_by_person_then_time(tmp_path, small_row_groups: int,
                                                   compact: bool) -> None:
    lake = EventLake(tmp_path / "lake")
    lake.append(_events(1, 6_000))
    lake.append(_events(2, 3_000))
    if compact:
        assert lake.compact() == 4
    files = lake.files()
    assert len(files) == (4 if compact else 8)
    for path in files:
        table = pq.read_table(path)
        days = {t.date().isoformat() for t in table["timestamp"].to_pylist()}
        assert days == {path.parent.name.removeprefix("day=")}
        assert _sorted_by_person_then_time(table)
        meta = pq.ParquetFile(path).metadata
        assert meta.num_row_groups == -(-table.num_rows // small_row_groups)
        person = meta.schema.names.index("distinct_id")
        stats = [meta.row_group(i).column(person).statistics for i in range(meta.num_row_groups)]
        assert all(s is not None and s.has_min_max for s in stats)
        assert all(a.max <= b.min for a, b in pairwise(stats))
    assert lake.row_count() == 9_000


def test_a_person_falls_in_one_or_two_row_groups(tmp_path, small_row_groups: int) -> None:
    """What an engine's statistics check sees: a filter on one person rules out the rest."""
    lake = EventLake(tmp_path / "lake")
    lake.append(_events(3, 4_000))
    path = max(lake.files(), key=lambda p: pq.ParquetFile(p).metadata.num_rows)
    meta = pq.ParquetFile(path).metadata
    person = meta.schema.names.index("distinct_id")
    stats = [meta.row_group(i).column(person).statistics for i in range(meta.num_row_groups)]
    held = set(pq.read_table(path)["distinct_id"].to_pylist())
    assert meta.num_row_groups >= 2 and len(held) > 100
    for user in held:
        assert 1 <= sum(s.min <= user <= s.max for s in stats) <= 2


@pytest.mark.parametrize("limit", ["_KEY_LIMIT", "_TEXT_LIMIT"])
def test_big_batches_take_the_same_layout(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                          limit: str) -> None:
    # Batches too large for one 64-bit sort key, or for text with 32-bit offsets, go another
    # way; a limit of 0 sends this small one that way.
    batch = _events(3, 5_000)
    usual = EventLake(tmp_path / "usual")
    usual.append(batch)
    monkeypatch.setattr(lake_module, limit, 0)
    big = EventLake(tmp_path / "big")
    big.append(batch)
    assert [p.parent.name for p in big.files()] == [p.parent.name for p in usual.files()]
    for mine, theirs in zip(big.files(), usual.files(), strict=True):
        table = pq.read_table(mine)
        assert table.schema == EVENT_SCHEMA and _sorted_by_person_then_time(table)
        assert table.equals(pq.read_table(theirs))
