"""The event lake: Parquet files partitioned by UTC day, listed by an atomically replaced manifest.

Every file holds one day's events sorted by (``distinct_id``, ``timestamp``), in row groups of
:data:`COMPACT_ROWS` with min/max statistics, so any engine reading the lake (DuckDB, Spark,
ClickHouse) finds a person's events together and skips the row groups a filter on person or time
rules out. It is plain Parquet: the manifest is the only thing a reader needs besides the files.

Readers see only the files the manifest names, so an import either lands whole or not at all: new
files are written first, then the manifest is swapped in one ``os.replace``. Files no manifest names
(left by a crash, or by a write that failed on a full or read-only disk) are removed at once or by
the next writer. One writer at a time holds ``.lock``; the next waits for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
import uuid as uuidlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import IO

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from needle.errors import UserError
from needle.events.ids import distinct_hashes
from needle.events.manifest import MANIFEST, manifest_files, read_manifest
from needle.events.schema import EVENT_SCHEMA
from needle.io.files import disk_reason

COMPACT_ROWS = 256 * 1024  # rows per row group of every lake file
DAY_US = 86_400_000_000
LOCK_TIMEOUT = 600.0  # seconds a writer waits for another to finish
_POLL = 0.1
_KEY_LIMIT = 2**63  # sort keys are int64
_TEXT_LIMIT = 2**31  # bytes of text a string column's 32-bit offsets reach

Waiting = Callable[[float], None]  # told the seconds waited so far, about once a second


@dataclass(frozen=True)
class AppendResult:
    received: int
    added: int

    @property
    def duplicates(self) -> int:
        return self.received - self.added


class EventLake:
    """The Parquet event lake under ``root`` (a workspace's ``.needle/events``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._writer: int | None = None  # the thread inside writing(), which holds the lock

    def files(self) -> list[Path]:
        """Every Parquet file of the lake, in day order."""
        return manifest_files(self._manifest(), self.root)

    def row_count(self) -> int:
        return sum(entry["rows"] for entry in self._manifest()["files"])

    def append(self, table: pa.Table) -> AppendResult:
        """Add the events of ``table`` whose uuid the lake does not hold yet; return the counts.

        Outside :meth:`writing`, a lake busy with another writer fails at once (the capture
        compactor retries on its next pass); an import holds :meth:`writing` and waits.
        """
        if table.schema != EVENT_SCHEMA:
            table = table.select(EVENT_SCHEMA.names).cast(EVENT_SCHEMA)
        with self.writing(timeout=0):
            manifest = self._manifest()
            fresh = self._new_rows(table, manifest)
            try:
                # Arrow's writer releases the GIL: days are written side by side
                with ThreadPoolExecutor(len(os.sched_getaffinity(0))) as pool:
                    written = list(pool.map(lambda d: self._write_day(*d), _split_by_day(fresh)))
                if written:
                    manifest["files"] = sorted(manifest["files"] + written,
                                               key=lambda e: e["path"])
                    self._commit(manifest)
            except OSError as exc:
                self._clean_up()
                raise UserError(f"{self.root}: cannot write the event lake: {disk_reason(exc)}; "
                                "nothing was imported") from None
        return AppendResult(received=table.num_rows, added=fresh.num_rows)

    def compact(self) -> int:
        """Rewrite every day held in several files as one file sorted by (distinct_id, timestamp),
        so readers open fewer files and find each person's events together. Returns the number of
        days rewritten. The replaced files are deleted once the new manifest is in place."""
        with self.writing(timeout=0):
            manifest = self._manifest()
            by_day: dict[str, list[dict]] = {}
            for entry in manifest["files"]:
                by_day.setdefault(entry["day"], []).append(entry)
            crowded = {day: entries for day, entries in by_day.items() if len(entries) > 1}
            if not crowded:
                return 0
            kept = [e for e in manifest["files"] if e["day"] not in crowded]
            merged = [self._merge_day(day, entries) for day, entries in sorted(crowded.items())]
            manifest["files"] = sorted(kept + merged, key=lambda e: e["path"])
            self._commit(manifest)
            for entries in crowded.values():
                for entry in entries:
                    (self.root / entry["path"]).unlink(missing_ok=True)
        return len(crowded)

    def _merge_day(self, day: str, entries: list[dict]) -> dict:
        table = pq.read_table([str(self.root / e["path"]) for e in entries], schema=EVENT_SCHEMA)
        table = table.take(_layout_order(table))
        relative = f"day={day}/part-{uuidlib.uuid4().hex}.parquet"
        _write(table, self.root / relative)
        return {"path": relative, "day": day, "rows": table.num_rows}

    def _new_rows(self, table: pa.Table, manifest: dict) -> pa.Table:
        """The rows of ``table`` whose uuid is neither earlier in it nor in the lake already.

        Every day is looked at: the same event read under another time zone setting, or sent
        again with a corrected time, lands on another day. DuckDB reads only the uuid column
        and keeps only the batch's uuids in memory.
        """
        if table.num_rows == 0:
            return table
        con = duckdb.connect()
        con.register("batch", table.select(["uuid"]))
        table = _first_of_each_uuid(con, table)
        existing = [str(self.root / e["path"]) for e in manifest["files"]]
        if not existing:
            return table
        seen = con.sql("SELECT uuid FROM read_parquet($files) WHERE uuid IN "
                       "(SELECT uuid FROM batch)", params={"files": existing}
                       ).to_arrow_table()["uuid"]
        if len(seen) == 0:
            return table
        return table.filter(pc.invert(pc.is_in(table["uuid"], value_set=seen.combine_chunks())))

    def _write_day(self, day: str, take: Callable[[], pa.Table]) -> dict:
        part = take()
        relative = f"day={day}/part-{uuidlib.uuid4().hex}.parquet"
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(part, path)
        return {"path": relative, "day": day, "rows": part.num_rows}

    def _manifest(self) -> dict:
        return read_manifest(self.root)

    def _commit(self, manifest: dict) -> None:
        tmp = self.root / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(tmp, self.root / MANIFEST)

    def _remove_orphans(self, manifest: dict) -> None:
        listed = {e["path"] for e in manifest["files"]}
        for path in self.root.glob("day=*/*.parquet"):
            if str(path.relative_to(self.root)) not in listed:
                path.unlink()
        for folder in self.root.glob("day=*"):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    def _clean_up(self) -> None:
        """After a failed write: remove what it left, as far as the disk lets us."""
        with contextlib.suppress(OSError):
            (self.root / f".{MANIFEST}.tmp").unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self._remove_orphans(self._manifest())

    @contextmanager
    def writing(self, timeout: float | None = None,
                waiting: Waiting | None = None) -> Iterator[None]:
        """Be the lake's one writer for the block: appends inside it take no lock of their own.

        Another writer's lock is waited for, up to ``timeout`` seconds (default
        :data:`LOCK_TIMEOUT`), telling ``waiting`` how long so far; an import takes the lock
        before it reads its files, so a second import waits instead of failing at the end.
        """
        if self._writer == threading.get_ident():
            yield
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            lock = open(self.root / ".lock", "w")  # noqa: SIM115 -- closed below
        except OSError as exc:
            raise UserError(f"{self.root}: cannot write the event lake: {disk_reason(exc)}"
                            ) from None
        with lock:
            self._wait_for(lock, LOCK_TIMEOUT if timeout is None else timeout, waiting)
            self._writer = threading.get_ident()
            try:
                with contextlib.suppress(OSError):  # a read-only disk fails the write, not here
                    self._remove_orphans(self._manifest())
                yield
            finally:
                self._writer = None

    def _busy(self, timeout: float) -> UserError:
        if not timeout:
            return UserError(f"{self.root}: another Needle process is writing events; wait "
                             "for it")
        return UserError(f"{self.root}: another Needle process has been writing events for "
                         f"{timeout:g} s; try again when it has finished")

    def _wait_for(self, lock: IO[str], timeout: float, waiting: Waiting | None) -> None:
        start = time.monotonic()
        told = start - 1  # the first wait is told at once
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                now = time.monotonic()
                if now - start >= timeout:
                    raise self._busy(timeout) from None
                if waiting is not None and now - told >= 1:
                    told = now
                    waiting(now - start)
                time.sleep(_POLL)


def _write(table: pa.Table, path: Path) -> None:
    # Dictionaries only where values repeat: building them for ids and properties, which
    # hardly repeat, cost a fifth of the write and made the files larger.
    pq.write_table(table, path, compression="zstd", row_group_size=COMPACT_ROWS,
                   write_statistics=True, use_dictionary=["event", "distinct_id"])


def _layout_order(table: pa.Table) -> np.ndarray:
    """Row order by (UTC day, distinct_id, timestamp), ties in table order.

    Sorting strings row by row, or even three integer keys with ``np.lexsort``, took most of an
    import's time; so the keys are folded into one integer. Each person's rank among the
    distinct ids (a sort of the few distinct strings) stands in for the id, each row's rank by
    time for its time, and one ``argsort`` of (day, person) * rows + time rank gives the order.
    """
    rows = table.num_rows
    micros = _micros(table)
    users = pc.dictionary_encode(table["distinct_id"].combine_chunks())
    rank = np.empty(len(users.dictionary), dtype=np.int64)
    rank[pc.sort_indices(users.dictionary).to_numpy()] = np.arange(len(users.dictionary))
    by_time = np.empty(rows, dtype=np.int64)
    by_time[np.argsort(micros, kind="stable")] = np.arange(rows)
    key = micros // DAY_US  # the key is built in place: a batch can hold 50M events
    del micros
    key -= key.min()
    key *= len(rank)
    key += rank[users.indices.to_numpy()]
    if (int(key.max()) + 1) * rows >= _KEY_LIMIT:  # too many days and people for one key
        return np.lexsort((by_time, key))
    key *= rows
    key += by_time
    return np.argsort(key)


def _micros(table: pa.Table) -> np.ndarray:
    return pc.cast(table["timestamp"], pa.int64()).to_numpy()


def _first_of_each_uuid(con: duckdb.DuckDBPyConnection, table: pa.Table) -> pa.Table:
    """``table`` without the rows whose uuid an earlier row holds (view ``batch`` of ``con``
    holds its uuids); they are grouped by uuid only when their hashes repeat."""
    if distinct_hashes(con, "SELECT hash(uuid) FROM batch"):
        return table
    numbered = table.append_column("_row", pa.array(np.arange(table.num_rows)))
    first = numbered.group_by("uuid", use_threads=False).aggregate([("_row", "min")])
    return table.take(np.sort(first["_row_min"].to_numpy()))


def _split_by_day(table: pa.Table) -> Iterator[tuple[str, Callable[[], pa.Table]]]:
    """One part per UTC day, each in the lake's order: one sort instead of one per day. A part
    is taken when called, so the threads that write the parts also take them side by side."""
    if table.num_rows == 0:
        return
    table = _joined(table)
    order = _layout_order(table)
    days = _micros(table)[order] // DAY_US
    for start, end in pairwise([0, *(np.flatnonzero(np.diff(days)) + 1), len(days)]):
        day = str(np.datetime64(int(days[start]), "D"))
        yield day, partial(_take, table, order[start:end])


def _joined(table: pa.Table) -> pa.Table:
    """``table`` in one chunk: a take from many chunks would join them on every call. A column
    whose text outgrows 2 GB is joined with 64-bit offsets (the parts taken are cast back)."""
    if all(table[field.name].nbytes < _TEXT_LIMIT for field in EVENT_SCHEMA
           if field.type == pa.string()):
        return table.combine_chunks()
    return table.cast(_WIDE).combine_chunks()


def _take(table: pa.Table, rows: np.ndarray) -> pa.Table:
    return table.take(rows).cast(EVENT_SCHEMA)


_WIDE = pa.schema([field.with_type(pa.large_string()) if field.type == pa.string() else field
                   for field in EVENT_SCHEMA])
