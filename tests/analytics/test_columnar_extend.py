"""After an import, the columnar cache is extended with the new files, not rebuilt, and answers
exactly as a cache built from scratch and as the SQL plans do."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks._analytics_data import blocks
from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.engine import funnel_people, run
from needle.analytics.index import open_columns
from needle.analytics.specs import FunnelQuery, Step
from needle.events.lake import EventLake
from needle.events.schema import EVENT_SCHEMA
from tests.analytics.test_columnar import QUERIES


def _odd_events() -> pa.Table:
    """A new event name, a new person, and times before and after every generated event."""
    rows = [("x1", "brand_new", "u0", datetime(2023, 12, 30, 5, tzinfo=UTC)),
            ("x2", "brand_new", "late_comer", datetime(2024, 3, 1, tzinfo=UTC)),
            ("x3", "visit", "late_comer", datetime(2024, 3, 1, 0, 0, 1, tzinfo=UTC)),
            ("x4", "signup", "late_comer", datetime(2024, 3, 1, 0, 0, 1, tzinfo=UTC))]
    return pa.table({"uuid": [r[0] for r in rows], "event": [r[1] for r in rows],
                     "distinct_id": [r[2] for r in rows], "timestamp": [r[3] for r in rows],
                     "properties": ["{}"] * len(rows)}).cast(EVENT_SCHEMA)


def _pairs(columns) -> dict[str, list[tuple[str, int]]]:
    """Every event name's (distinct_id, µs) pairs, sorted (uids differ between the two)."""
    ids = pq.read_table(columns.users_path)["distinct_id"].to_pylist()
    out = {}
    for name in columns.names:
        uid, ts = columns.pairs(name)
        out[name] = sorted((ids[u], t) for u, t in zip(uid.tolist(), ts.tolist(), strict=True))
    return out


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """A lake imported in three goes, its cache opened after each (so extended twice)."""
    root = tmp_path_factory.mktemp("extend")
    lake = EventLake(root / "lake")
    parts = list(blocks(24_000, 1_200, days=30, seed=5, block_users=400))
    users = []
    for part in (parts[0], parts[1], pa.concat_tables([parts[2], _odd_events()])):
        lake.append(part)
        columns = open_columns(root / "cache", lake.files())
        users.append(columns.users)
    return lake, root / "cache", users


def test_new_people_get_the_next_uids(grown) -> None:
    lake, cache, users = grown
    columns = open_columns(cache, lake.files())
    ids = pq.read_table(columns.users_path)["distinct_id"].to_pylist()
    assert users == [400, 800, 1201]
    # extended, not rebuilt: each import's new people follow the earlier ones
    assert ids[:400] == sorted(ids[:400]) and ids[400:800] == sorted(ids[400:800])
    assert ids != sorted(ids) and ids[-1] == "u999" and "late_comer" in ids[800:]
    assert len(list(cache.glob("columns-*"))) == 1
    meta = json.loads((columns.root / "meta.json").read_text())
    assert meta["files"] == sorted(str(p) for p in lake.files())
    known = columns.user_hashes()
    assert known is not None and known.num_rows == len(ids)
    by_uid = known.sort_by("uid")
    hashes = duckdb.sql("SELECT hash(distinct_id) AS h FROM read_parquet(?) ORDER BY "
                        "file_row_number", params=[str(columns.users_path)]).fetchnumpy()["h"]
    assert by_uid["uid"].to_pylist() == list(range(len(ids)))
    assert (by_uid["h"].to_numpy() == hashes).all()


def _sequences(columns) -> dict[str, list[tuple[int, str]]]:
    """Each person's (µs, event name) in the order the index keeps all their events."""
    ids = pq.read_table(columns.users_path)["distinct_id"].to_pylist()
    name_of = np.empty(len(columns.row), dtype=object)
    for name, (a, b) in columns.names.items():
        name_of[a:b] = name
    out: dict[str, list[tuple[int, str]]] = {}
    rows = np.asarray(columns.row)
    assert (np.asarray(columns.position)[rows] == np.arange(len(rows))).all()
    for r in rows.tolist():
        out.setdefault(ids[columns.uid[r]], []).append((int(columns.ts[r]), name_of[r]))
    return out


def _lake_sequences(files) -> dict[str, list[tuple[int, str]]]:
    """The same from the lake, in the SQL plans' order (time, then uuid)."""
    rows = duckdb.sql("SELECT distinct_id, epoch_us(timestamp), event FROM read_parquet(?) "
                      "ORDER BY distinct_id, timestamp, uuid",
                      params=[[str(f) for f in files]]).fetchall()
    out: dict[str, list[tuple[int, str]]] = {}
    for person, us, event in rows:
        out.setdefault(person, []).append((us, event))
    return out


def _assert_places_match_the_lake(columns) -> None:
    """Every lake row (files in the index's order, rows in file order) maps to an index row of
    the same person and time, each index row once."""
    ids = np.array(pq.read_table(columns.users_path)["distinct_id"].to_pylist())
    files = sorted(columns.file_starts, key=columns.file_starts.get)
    person, us = [], []
    for path in files:
        rows = duckdb.sql("SELECT distinct_id, epoch_us(timestamp) AS us FROM read_parquet(?, "
                          "file_row_number = true) ORDER BY file_row_number",
                          params=[path]).fetchnumpy()
        person += rows["distinct_id"].tolist()
        us += rows["us"].tolist()
    at = np.asarray(columns.lake_rows)
    assert sorted(at.tolist()) == list(range(len(columns.uid)))
    assert ids[columns.uid[at]].tolist() == person and columns.ts[at].tolist() == us


def test_extended_cache_holds_what_a_fresh_build_holds(grown, tmp_path) -> None:
    lake, cache, _ = grown
    extended = open_columns(cache, lake.files())
    fresh = open_columns(tmp_path / "fresh", lake.files())
    assert extended.names.keys() == fresh.names.keys()
    assert (extended.tmin, extended.days, extended.people) == (fresh.tmin, fresh.days,
                                                               fresh.people)
    assert _pairs(extended) == _pairs(fresh)
    assert _sequences(extended) == _sequences(fresh) == _lake_sequences(lake.files())
    _assert_places_match_the_lake(extended)
    _assert_places_match_the_lake(fresh)
    for name in extended.names:
        uid, ts = extended.pairs(name)
        assert (extended.keys(name) == extended.key(uid, ts)).all()


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: type(q).__name__)
def test_extended_cache_answers_as_sql(grown, query) -> None:
    lake, cache, _ = grown
    sql, cached = DuckDBEngine(lake.files()), DuckDBEngine(lake.files(), index_dir=cache)
    try:
        ours, theirs = run(cached, query).to_json(), run(sql, query).to_json()
        for step in [*ours.get("steps", []), *theirs.get("steps", [])]:
            for key in ("average_seconds_to_convert", "median_seconds_to_convert"):
                step[key] = None if step[key] is None else round(step[key], 3)
        assert ours == theirs
        assert funnel_people(cached, QUERIES[0], 2) == funnel_people(sql, QUERIES[0], 2)
    finally:
        sql.close()
        cached.close()


def test_a_tie_with_an_earlier_import_rebuilds(tmp_path) -> None:
    """An added event at the very time of an old event of the same person: their order is the
    uuids', which the index does not hold, so it is built again, and still answers as SQL."""
    lake = EventLake(tmp_path / "lake")
    part = next(blocks(3_000, 150, days=3, seed=4, block_users=150))
    lake.append(part)
    before = open_columns(tmp_path / "cache", lake.files())
    first = part.slice(0, 1).to_pylist()[0]
    tied = [{**first, "uuid": uid, "event": event} for uid, event in
            (("0", "signup"), ("zzzz", "activate"))]  # one sorts before it, one after
    lake.append(pa.Table.from_pylist(tied, schema=EVENT_SCHEMA))
    after = open_columns(tmp_path / "cache", lake.files())
    assert after.lineage != before.lineage
    assert _sequences(after) == _lake_sequences(lake.files())
    q = FunnelQuery((Step(first["event"]), Step("activate")), 3600, "strict")
    sql = DuckDBEngine(lake.files())
    index = DuckDBEngine(lake.files(), index_dir=tmp_path / "cache")
    try:
        assert run(index, q).to_json() == run(sql, q).to_json()
    finally:
        sql.close()
        index.close()


def test_compaction_rebuilds_from_scratch(tmp_path) -> None:
    lake = EventLake(tmp_path / "lake")
    parts = list(blocks(6_000, 300, days=3, seed=8, block_users=150))
    lake.append(parts[0])
    open_columns(tmp_path / "cache", lake.files())
    lake.append(parts[1])
    assert lake.compact() > 0  # replaces files: no cache is a subset of the new file list
    columns = open_columns(tmp_path / "cache", lake.files())
    ids = pq.read_table(columns.users_path)["distinct_id"].to_pylist()
    assert ids == sorted(ids) and len(ids) == 300
