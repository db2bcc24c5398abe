from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from needle.events.lake import EventLake
from needle.events.schema import EVENT_SCHEMA


def _events(rows: list[tuple[str, str, str, datetime]]) -> pa.Table:
    uuid, event, user, ts = zip(*rows, strict=True)
    return pa.table(
        {"uuid": uuid, "event": event, "distinct_id": user, "timestamp": ts,
         "properties": ["{}"] * len(rows)},
    ).cast(EVENT_SCHEMA)


def test_append_partitions_by_day_and_dedupes(tmp_path) -> None:
    lake = EventLake(tmp_path)
    day1 = datetime(2024, 1, 1, 23, 59, tzinfo=UTC)
    day2 = datetime(2024, 1, 2, 0, 1, tzinfo=UTC)
    batch = _events([("a", "x", "u1", day1), ("b", "y", "u1", day2), ("a", "x", "u1", day1)])
    result = lake.append(batch)
    assert (result.received, result.added) == (3, 2)
    assert sorted(p.parent.name for p in lake.files()) == ["day=2024-01-01", "day=2024-01-02"]
    again = lake.append(batch)
    assert again.added == 0
    assert lake.row_count() == 2
    files = [str(p) for p in lake.files()]
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet({files!r})").fetchall() == [(2,)]


def test_orphan_files_are_removed_by_next_writer(tmp_path) -> None:
    lake = EventLake(tmp_path)
    orphan = tmp_path / "day=2024-01-01" / "part-crash.parquet"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"half")
    lake.append(_events([("a", "x", "u", datetime(2024, 1, 1, tzinfo=UTC))]))
    assert not orphan.exists()
    assert lake.row_count() == 1
