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
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from needle.analytics.index import sequence
from needle.analytics.index.store import Columns, connection


def key_path(key: str) -> str:
    """The JSON path of a top-level property, as a query parameter."""
    return '$."' + key.replace('"', '\\"') + '"'


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


Picked = tuple[np.ndarray, dict[str, np.ndarray], pa.Table]


def read_events(files: Sequence[Path], columns: Columns, events: list[str],
                select: tuple[str, list[Any]]) -> Picked | None:
    """``SELECT {select}`` (with its query parameters) for the rows of ``events`` in ``files``,
    reading only the event and JSON columns: each row is matched by its place in the lake
    (file, row) to the index row that holds its user and time. Returns each table row's index
    row, and per event name the table rows of that name in index order (so in (uid, time)
    order). ``None`` when a row has no place in the index (it was built from other files)."""
    numbers = columns.file_numbers
    if any(str(f) not in numbers for f in files):
        return None
    marks = ", ".join("?" for _ in events)
    con = connection()
    try:
        table = con.sql(
            f"SELECT file_index, file_row_number, {select[0]} "
            f"FROM read_parquet(?, file_row_number = true) WHERE event IN ({marks})",
            params=[*select[1], [str(f) for f in files], *events]).to_arrow_table()
    finally:
        con.close()
    rows = _rows_at(files, columns, events, table["file_index"].to_numpy(),
                    table["file_row_number"].to_numpy())
    if rows is None:
        return None
    picks = {e: _in_index_order(rows, *columns.names.get(e, (0, 0))) for e in events}
    return rows, picks, table


def _in_index_order(rows: np.ndarray, a: int, b: int) -> np.ndarray:
    """The positions of the rows in [a, b), ordered by row: placed directly when they are all
    of them (the usual read of the whole lake), else sorted."""
    mine = np.flatnonzero((rows >= a) & (rows < b))
    if len(mine) != b - a:
        return mine[np.argsort(rows[mine], kind="stable")]
    order = np.empty(b - a, dtype=np.int64)
    order[rows[mine] - a] = mine
    return order


def _rows_at(files: Sequence[Path], columns: Columns, events: list[str], file: np.ndarray,
             row: np.ndarray) -> np.ndarray | None:
    """The index row of each (file's place in ``files``, row in it), found in a table with a
    slot per row of the files (filled from the ``events``' rows), not by hashing or sorting."""
    sizes = np.array([pq.read_metadata(f).num_rows for f in files], dtype=np.int64)
    start = np.r_[0, np.cumsum(sizes)[:-1]]
    read_as = np.full(len(columns.file_numbers), -1, dtype=np.int64)
    read_as[[columns.file_numbers[str(f)] for f in files]] = np.arange(len(files))
    slots = np.full(int(sizes.sum()), -1, dtype=sequence.index_dtype(len(columns.loc)))
    for a, b in (columns.names.get(e, (0, 0)) for e in events):
        loc = np.asarray(columns.loc[a:b])
        at = read_as[(loc >> np.uint64(32)).astype(np.int64)]
        held = np.flatnonzero(at >= 0)
        slots[start[at[held]] + (loc[held] & np.uint64(0xFFFFFFFF)).astype(np.int64)] = a + held
    found = slots[start[file.astype(np.int64)] + row].astype(np.int64)
    return None if (found < 0).any() else found


def in_parallel(threads: int, work: Callable[..., np.ndarray], *arrays: np.ndarray
                ) -> np.ndarray:
    """``work`` on contiguous slices of ``arrays`` (all of one length), on ``threads`` threads
    (NumPy releases the GIL in sorts and binary searches), joined back in order."""
    cuts = np.linspace(0, len(arrays[0]), threads + 1).astype(int)
    parts = [[a[lo:hi] for a in arrays] for lo, hi in pairwise(cuts)]
    with ThreadPoolExecutor(threads) as pool:
        return np.concatenate(list(pool.map(lambda part: work(*part), parts)))
