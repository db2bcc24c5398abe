"""A columnar cache of the lake for the hot queries: per event name, the (user, time) pairs
sorted by user then time, as memory-mapped NumPy arrays.

Funnels, retention and trends by event name read only these arrays: no string decoding, no Parquet
pages, no sort at query time (the cache is sorted once when built). Feature-flag exposures are kept
beside them (:mod:`.flags`), and so is every person's whole sequence of events, whatever their
names (:mod:`.sequence`). The cache is keyed by a fingerprint of the lake's file list, so any
append or compaction makes a new one: building it is one DuckDB pass over the lake; after an
append, :mod:`.extend` merges the added files into the previous cache instead. Users get dense
integer ids, in ``distinct_id`` order when built and in order of arrival for people an extension
adds.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from needle.analytics.index import flags, places, sequence

FORMAT = 8  # bump when the layout changes
BUILD_MEMORY = "1GB"  # DuckDB spills the sort to disk beyond this
STREAM_ROWS = 1 << 20  # rows per batch a build takes from DuckDB's sort


LAYOUT = f"v{FORMAT}-duckdb{duckdb.__version__}"  # DuckDB's too: user hashes are its hash()
# a row's place in the lake while the index is made: its file's number (its index in the files
# read) and row in it, packed; saved as lake rows (:mod:`.places`)
LOCATION = "(e.file_index::UBIGINT << 32) | e.file_row_number::UBIGINT"


def fingerprint(files: Sequence[Path]) -> str:
    text = "\n".join([LAYOUT, *sorted(str(p) for p in files)])
    return hashlib.sha1(text.encode()).hexdigest()[:16]


@dataclass
class Columns:
    """An opened cache: ``pairs(name)`` gives (uid int32, ts int64 µs) sorted by (uid, ts)."""

    root: Path
    names: dict[str, list[int]]  # event name -> [start, stop) into the arrays
    users: int
    tmin: int  # µs of the earliest event
    span: int  # key = uid * span + (ts - tmin); 0 when that would overflow 64 bits
    days: tuple[date, date] | None  # first and last day with events
    people: dict[str, int]  # event name -> distinct people with it
    files: frozenset[str] = frozenset()  # the lake files it holds
    lineage: str = ""  # the same across extensions (uids stay), new at every full build
    threads: int = 1  # how many threads a query may use

    def _array(self, name: str) -> np.ndarray:
        # a plain view of the map: np.memmap results would wrap every operation's output
        return np.asarray(np.load(self.root / name, mmap_mode="r"))

    @cached_property
    def _uid(self) -> np.ndarray:
        return self._array("uid.npy")

    @cached_property
    def _ts(self) -> np.ndarray:
        return self._array("ts.npy")

    @cached_property
    def _key(self) -> np.ndarray:
        return self._array("key.npy")

    @cached_property
    def position(self) -> np.ndarray:
        """Each row's place among all events by (user, time, uuid): see :mod:`.sequence`."""
        return self._array("position.npy")

    @cached_property
    def row(self) -> np.ndarray:
        """The row at each place of that order (the inverse of :attr:`position`)."""
        return self._array("row.npy")

    @cached_property
    def lake_rows(self) -> np.ndarray:
        """The index row of every lake row (see :mod:`.places`)."""
        return self._array("lake_rows.npy")

    @cached_property
    def file_starts(self) -> dict[str, int]:
        """The lake row where each file's rows start in :attr:`lake_rows`."""
        files = places.located(self.root)
        first = places.starts([rows for _, rows in files])
        return {path: int(start) for (path, _), start in zip(files, first, strict=True)}

    @property
    def uid(self) -> np.ndarray:
        """Every row's user (rows of one name are contiguous: see ``names``)."""
        return self._uid

    @property
    def ts(self) -> np.ndarray:
        return self._ts

    def pairs(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        start, stop = self.names.get(name, (0, 0))
        return self._uid[start:stop], self._ts[start:stop]

    def keys(self, name: str) -> np.ndarray:
        """(uid, ts) as one sortable uint64 per event; needs ``span``."""
        start, stop = self.names.get(name, (0, 0))
        return self._key[start:stop]

    def key(self, uid: np.ndarray, ts: np.ndarray) -> np.ndarray:
        return make_keys(uid, ts, self.tmin, self.span)

    @property
    def users_path(self) -> Path:
        """Parquet of ``distinct_id`` in uid order: a row's number is its uid."""
        return self.root / "users.parquet"

    def user_hashes(self) -> pa.Table | None:
        """(h, uid): DuckDB's ``hash(distinct_id)`` of every user, so a query can join users as
        integers instead of strings; ``None`` when two users' hashes collide."""
        if not (self.root / "user_hash.npy").exists():
            return None
        return pa.table({"h": self._array("user_hash.npy"),
                         "uid": self._array("user_hash_uid.npy")})

    def flag_exposures(self) -> flags.FlagExposures:
        """Every ``$feature_flag_called`` event's user, time, flag and response."""
        return flags.load(self.root)

    def distinct_ids(self, uids: np.ndarray) -> list[str]:
        table = pq.read_table(self.root / "users.parquet")
        return table["distinct_id"].take(pa.array(uids)).to_pylist()


def is_built(cache_dir: Path, files: Sequence[Path]) -> bool:
    return (cache_dir / f"columns-{fingerprint(files)}" / "meta.json").exists()


def open_columns(cache_dir: Path, files: Sequence[Path], threads: int | None = None) -> Columns:
    """The cache for ``files``, built first if missing (one builder at a time; others wait).

    Queries on it use ``threads`` threads (default: every core this process may run on)."""
    root = cache_dir / f"columns-{fingerprint(files)}"
    if not (root / "meta.json").exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        with open(cache_dir / ".columns.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (root / "meta.json").exists():
                from needle.analytics.index import extend  # it builds on this module

                base = extend.base_for(cache_dir, files)
                if base is None or not extend.extend(base, root, files):
                    _build(root, files)
                _remove_stale(cache_dir, keep=root)
    meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
    span = meta["days"] or [None, None]
    days = (date.fromisoformat(span[0]), date.fromisoformat(span[1])) if meta["days"] else None
    return Columns(
        root,
        meta["names"],
        meta["users"],
        meta["tmin"],
        meta["span"],
        days,
        meta["people"],
        frozenset(meta["files"]),
        meta["lineage"],
        threads or len(os.sched_getaffinity(0)),
    )


def connection(spill: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for the index's own reads, without a progress bar (stdout belongs
    to --json); with ``spill``, a build's: at most :data:`BUILD_MEMORY`, spilling there."""
    con = duckdb.connect()
    if spill is not None:
        con.execute(f"SET temp_directory = '{spill}'")
        con.execute(f"SET memory_limit = '{BUILD_MEMORY}'")
    con.execute("SET enable_progress_bar = false")
    return con


def _build(root: Path, files: Sequence[Path]) -> None:
    tmp = root.with_name(root.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    con = connection(tmp / "spill")
    paths = [str(p) for p in files]
    source = f"read_parquet({paths!r})" if paths else _EMPTY
    con.execute(
        "CREATE TEMP TABLE users AS SELECT distinct_id, "
        "(row_number() OVER (ORDER BY distinct_id) - 1)::INTEGER AS uid "
        f"FROM (SELECT DISTINCT distinct_id FROM {source})"
    )
    con.execute(
        "CREATE TEMP TABLE names AS SELECT event, "
        "(row_number() OVER (ORDER BY event) - 1)::INTEGER AS code "
        f"FROM (SELECT DISTINCT event FROM {source})"
    )
    users = con.sql("SELECT distinct_id FROM users ORDER BY uid").to_arrow_table()
    pq.write_table(users, tmp / "users.parquet")
    names = [r[0] for r in con.execute("SELECT event FROM names ORDER BY code").fetchall()]
    _save_user_hashes(tmp, con.sql("SELECT hash(distinct_id) AS h, uid FROM users ORDER BY h"))
    flags.save(tmp, flags.query(con, source, "users"))
    # every person's events in the SQL plans' order (time, then uuid), then grouped by name
    located = f"read_parquet({paths!r}, file_row_number = true)" if paths else _EMPTY
    counts = [pq.read_metadata(p).num_rows for p in paths]
    arrays = _streamed(con.sql(
        f"SELECT n.code, u.uid, epoch_us(e.timestamp) AS ts, {LOCATION} AS loc FROM {located} e "
        "JOIN users u USING (distinct_id) JOIN names n USING (event) ORDER BY u.uid, ts"
    ).to_arrow_reader(STREAM_ROWS), sum(counts))
    _order_ties(con, located, arrays)
    con.close()
    shutil.rmtree(tmp / "spill", ignore_errors=True)
    position = sequence.by_name(arrays["code"], len(names))
    places.save(tmp, list(zip(paths, counts, strict=True)), arrays.pop("loc")[position])
    code, uid, ts = (arrays.pop(name)[position] for name in ("code", "uid", "ts"))
    sequence.save(tmp, position, sequence.inverse(position))
    del position
    _save(tmp, files, names, users.num_rows, code, uid, ts)
    os.replace(tmp, root)


def _streamed(batches: pa.RecordBatchReader, rows: int) -> dict[str, np.ndarray]:
    """The query's columns as arrays of ``rows`` rows, filled batch by batch: DuckDB keeps no
    whole copy of the result beside them (half a build's peak memory at 50M events)."""
    arrays = {f.name: np.empty(rows, dtype=f.type.to_pandas_dtype()) for f in batches.schema}
    done = 0
    for batch in batches:
        for name, array in arrays.items():
            array[done:done + batch.num_rows] = batch.column(name).to_numpy()
        done += batch.num_rows
    assert done == rows, (done, rows)
    return arrays


def _order_ties(con: duckdb.DuckDBPyConnection, source: str, arrays: dict[str, np.ndarray]
                ) -> None:
    """Put each person's events at the same time in ``uuid`` order, as the SQL plans number
    them. The big sort is by (user, time) only: the uuids, the widest column, are sorted here
    for the tied events alone, found in the lake by their place."""
    uid, ts = arrays["uid"], arrays["ts"]
    same = (uid[1:] == uid[:-1]) & (ts[1:] == ts[:-1])
    if not same.any():
        return
    tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
    run = np.cumsum(np.r_[True, ~same])[tied]  # which (user, time) each tied event shares
    con.register("tied", pa.table({"i": np.arange(len(tied)), "run": run,
                                   "loc": arrays["loc"][tied].astype(np.uint64)}))
    order = con.sql(f"SELECT t.i FROM {source} e JOIN tied t ON {LOCATION} = t.loc "
                    "ORDER BY t.run, e.uuid").fetchnumpy()["i"]
    con.unregister("tied")
    for name, array in arrays.items():
        arrays[name][tied] = array[tied[order]]


def _save(
    tmp: Path,
    files: Sequence[Path],
    names: list[str],
    users: int,
    code: np.ndarray,
    uid: np.ndarray,
    ts: np.ndarray,
) -> None:
    ends = (
        np.cumsum(np.bincount(code, minlength=len(names)))
        if len(code)
        else np.zeros(len(names), int)
    )
    starts = np.r_[0, ends[:-1]] if len(names) else ends
    ranges = {n: (int(a), int(b)) for n, a, b in zip(names, starts, ends, strict=True)}
    np.save(tmp / "uid.npy", uid)
    np.save(tmp / "ts.npy", ts)
    tmin, tmax = (int(ts.min()), int(ts.max())) if len(ts) else (0, 0)
    span = key_span(users, tmin, tmax)
    if span:
        np.save(tmp / "key.npy", make_keys(uid, ts, tmin, span))
    heads = np.r_[True, (uid[1:] != uid[:-1]) | (code[1:] != code[:-1])] if len(uid) else uid
    people = np.bincount(code[heads], minlength=len(names)) if len(uid) else [0] * len(names)
    counts = {n: int(c) for n, c in zip(names, people, strict=True)}
    times = (tmin, tmax) if len(ts) else None
    write_meta(tmp, files, ranges, counts, users, times, uuid.uuid4().hex)


def make_keys(uid: np.ndarray, ts: np.ndarray, tmin: int, span: int) -> np.ndarray:
    """(uid, time) as one sortable uint64: ``uid * span + (ts - tmin)`` (in place: one
    temporary, which keeps a build's peak memory down)."""
    key = np.asarray(uid).astype(np.uint64)
    key *= np.uint64(span)
    key += (np.asarray(ts, dtype=np.int64) - tmin).view(np.uint64)  # as astype, without a copy
    return key


def key_span(users: int, tmin: int, tmax: int) -> int:
    """The time span of the (uid, time) keys; 0 when ``uid * span`` would overflow 64 bits."""
    span = tmax - tmin + 1
    return 0 if users * span >= 2**64 else span


def write_meta(
    tmp: Path,
    files: Sequence[Path],
    ranges: dict[str, tuple[int, int]],
    people: dict[str, int],
    users: int,
    times: tuple[int, int] | None,
    lineage: str,
) -> None:
    """``meta.json``: what :func:`open_columns` reads, plus the files and layout the cache was
    made from (so an import's new files can extend it)."""
    tmin, tmax = times or (0, 0)
    meta = {
        "layout": LAYOUT,
        "lineage": lineage,
        "files": sorted(str(p) for p in files),
        "people": people,
        "names": {n: list(r) for n, r in ranges.items()},
        "users": users,
        "rows": sum(b - a for a, b in ranges.values()),
        "tmin": tmin,
        "span": key_span(users, tmin, tmax),
        "days": [_day(tmin).isoformat(), _day(tmax).isoformat()] if times else None,
    }
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _save_user_hashes(tmp: Path, rows: duckdb.DuckDBPyRelation) -> None:
    arrays = rows.fetchnumpy()
    save_user_hashes(tmp, arrays["h"], arrays["uid"])


def save_user_hashes(tmp: Path, hashes: np.ndarray, uid: np.ndarray) -> None:
    """Users' DuckDB hashes, sorted, with their uids; not saved if two collide."""
    if len(hashes) and not (hashes[1:] == hashes[:-1]).any():
        np.save(tmp / "user_hash.npy", hashes)
        np.save(tmp / "user_hash_uid.npy", uid)


def _day(micros: int) -> date:
    return (datetime(1970, 1, 1) + timedelta(microseconds=micros)).date()


_EMPTY = (
    "(SELECT NULL::VARCHAR AS event, NULL::VARCHAR AS distinct_id, "
    "NULL::TIMESTAMPTZ AS timestamp, NULL::VARCHAR AS properties, NULL::VARCHAR AS uuid, "
    "0 AS file_index, 0 AS file_row_number WHERE FALSE)"
)


def _remove_stale(cache_dir: Path, keep: Path) -> None:
    for path in cache_dir.glob("columns-*"):
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)
