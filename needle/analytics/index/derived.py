"""What the cache-based analysis reads out of the lake's JSON: rows with their users' uids, and
the results saved per definition beside the columnar cache.

A saved result carries the cache lineage and the lake files it covers: the same state of the
lake reads no JSON again, and after an import that extended the cache (so uids are unchanged)
only the added files are read and merged in. A full rebuild (a new lineage) discards it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from needle.analytics.index.store import Columns, connection


def key_path(key: str) -> str:
    """The JSON path of a top-level property, as a query parameter."""
    return '$."' + key.replace('"', '\\"') + '"'


def number_sql(text: str) -> str:
    """SQL reading the text expression ``text`` as a number, the same on every path: NULL unless
    it is a finite number (text spelling ``inf`` or ``NaN`` is not one, as JSON has no such
    number)."""
    value = f"TRY_CAST({text} AS DOUBLE)"
    return f"CASE WHEN isfinite({value}) THEN {value} END"


def property_number_sql(key: str, properties: str = "properties") -> str:
    """SQL of the top-level property ``key`` of the JSON column ``properties`` as a number."""
    path = key_path(key).replace("'", "''")
    return number_sql(f"json_extract_string({properties}, '{path}')")


def saved_path(columns: Columns, kind: str, definition: object) -> Path:
    digest = hashlib.sha1(json.dumps(definition).encode()).hexdigest()[:16]
    return columns.root.parent / kind / digest


def load(path: Path, columns: Columns) -> tuple[dict[str, np.ndarray] | None, frozenset[str]]:
    """A saved result still valid for ``columns`` (same uids, a subset of its files), as
    memory-mapped arrays (only what is used is read), and the files it covers."""
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, frozenset()
    files = frozenset(meta["files"])
    if meta["lineage"] != columns.lineage or not files <= columns.files:
        return None, frozenset()
    return {name: np.load(path / f"{name}.npy", mmap_mode="r") for name in meta["arrays"]}, files


def save(path: Path, arrays: dict[str, np.ndarray], columns: Columns) -> None:
    """Written beside, then swapped in; a reader in between finds nothing and reads the lake."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, array in arrays.items():
        np.save(tmp / f"{name}.npy", array)
    meta = {"lineage": columns.lineage, "files": sorted(columns.files), "arrays": list(arrays)}
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    shutil.rmtree(path, ignore_errors=True)
    try:
        os.replace(tmp, path)
    except OSError:  # another process saved it in between: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)


def read_rows(files: Sequence[Path], columns: Columns, select: tuple[str, list[Any]],
              where: tuple[str, list[Any]]) -> tuple[np.ndarray, pa.Table] | None:
    """``SELECT {select} FROM the files WHERE {where}`` (each with its query parameters), and
    each row's user as a uid; the table also has ``h``, the hash of the row's ``distinct_id``,
    and ``us``, its time in µs. ``None`` when the cache has no collision-free user hashes.

    Users come back from DuckDB as the integer hash of their id, which the cache maps to uids
    with Arrow's hash lookup (joining the strings in DuckDB, or binary searches, took longer)."""
    known = columns.user_hashes()
    if known is None:
        return None
    con = connection()
    try:
        table = con.sql(
            f"SELECT hash(distinct_id) AS h, epoch_us(timestamp) AS us, {select[0]} "
            f"FROM read_parquet(?) WHERE {where[0]}",
            params=[*select[1], [str(f) for f in files], *where[1]]).to_arrow_table()
    finally:
        con.close()
    at = pc.index_in(table["h"], value_set=known["h"])
    if at.null_count:  # a user the cache does not know: not the lake it was built from
        return None
    return known["uid"].to_numpy()[at.to_numpy()], table


@dataclass(frozen=True)
class Read:
    """Rows of some event names read from the lake (``table``), each matched to its index row
    (``rows``), handed out per name in index order, so in (uid, time) order.

    A read of every row of the names (the usual first read of the whole lake) knows each
    row's ``slot`` among the names' index rows side by side (``spans``): its values are put in
    order with one scatter, and its users and times are the index's own. A read of some files
    only (after an import) sorts each name's rows (``picks``)."""

    table: pa.Table
    columns: Columns
    rows: np.ndarray
    spans: dict[str, tuple[int, int]]
    slot: np.ndarray | None = None
    picks: dict[str, np.ndarray] | None = None

    def ordered(self, values: np.ndarray) -> dict[str, np.ndarray]:
        """``values`` (one per table row) per name, in index order."""
        if self.picks is not None:
            return {event: values[at] for event, at in self.picks.items()}
        out = np.empty_like(values)
        out[self.slot] = values
        return {event: out[a:b] for event, (a, b) in self.spans.items()}

    def pairs(self, event: str) -> tuple[np.ndarray, np.ndarray]:
        """The (uid, time) of the name's rows, in index order."""
        if self.picks is None:
            return self.columns.pairs(event)
        at = self.rows[self.picks[event]]
        return self.columns.uid[at], self.columns.ts[at]


def read_events(files: Sequence[Path], columns: Columns, events: list[str],
                select: tuple[str, list[Any]]) -> Read | None:
    """``SELECT {select}`` (with its query parameters) for the rows of ``events`` in ``files``,
    reading only the event and JSON columns: each row is matched by its place in the lake to
    the index row that holds its user and time (:mod:`.places`). ``None`` when a row is not
    where the index says its name's rows are (the index is not of these files)."""
    starts = columns.file_starts
    if any(str(f) not in starts for f in files):
        return None
    ranges = [(a, b) for a, b in (columns.names.get(e, (0, 0)) for e in events)]
    sizes = np.array([b - a for a, b in ranges], dtype=np.int64)
    base = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    # what takes a row of a name from its index row to its slot: the name's base less its start
    shift = [int(lo - a) for lo, (a, _) in zip(base, ranges, strict=True)]
    marks = ", ".join("?" for _ in events)
    con = connection()
    try:
        table = con.sql(
            f"SELECT list_extract(?::BIGINT[], file_index::BIGINT + 1) + file_row_number AS "
            f"lake_row, list_extract(?::BIGINT[], list_position(?::VARCHAR[], event)) AS shift, "
            f"{select[0]} FROM read_parquet(?, file_row_number = true) WHERE event IN ({marks})",
            params=[[starts[str(f)] for f in files], shift, events, *select[1],
                    [str(f) for f in files], *events]).to_arrow_table()
    finally:
        con.close()
    rows = columns.lake_rows[table["lake_row"].to_numpy()].astype(np.int64)
    spans = {e: (int(lo), int(lo + n)) for e, lo, n in zip(events, base, sizes, strict=True)}
    if len(rows) == sizes.sum():  # maybe every row of the names
        slot = rows + table["shift"].to_numpy()
        if _one_each(slot):
            return Read(table, columns, rows, spans, slot=slot)
    picks = {}
    for event, (a, b) in zip(events, ranges, strict=True):
        mine = np.flatnonzero((rows >= a) & (rows < b))
        picks[event] = mine[np.argsort(rows[mine], kind="stable")]
    if sum(len(m) for m in picks.values()) != len(rows):
        return None
    return Read(table, columns, rows, spans, picks=picks)


def _one_each(slot: np.ndarray) -> bool:
    """Whether ``slot`` (as many as there are slots) fills every slot, so each once: the rows
    read are the names' rows of the index, as the index says."""
    if not len(slot):
        return True
    if slot.min() < 0 or slot.max() >= len(slot):
        return False
    seen = np.zeros(len(slot), dtype=bool)
    seen[slot] = True
    return bool(seen.all())


def in_parallel(threads: int, work: Callable[..., np.ndarray], *arrays: np.ndarray
                ) -> np.ndarray:
    """``work`` on contiguous slices of ``arrays`` (all of one length), on ``threads`` threads
    (NumPy releases the GIL in sorts and binary searches), joined back in order."""
    cuts = np.linspace(0, len(arrays[0]), threads + 1).astype(int)
    parts = [[a[lo:hi] for a in arrays] for lo, hi in pairwise(cuts)]
    with ThreadPoolExecutor(threads) as pool:
        return np.concatenate(list(pool.map(lambda part: work(*part), parts)))
