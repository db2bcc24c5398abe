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
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from needle.analytics.index.store import Columns


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
    (joining the strings in DuckDB took longer)."""
    known = columns.user_hashes()
    if known is None:
        return None
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        table = con.sql(
            f"SELECT hash(distinct_id) AS h, epoch_us(timestamp) AS us, {select[0]} "
            f"FROM read_parquet(?) WHERE {where[0]}",
            params=[*select[1], [str(f) for f in files], *where[1]]).to_arrow_table()
    finally:
        con.close()
    return in_parallel(columns.threads, partial(_uids, known), table["h"].to_numpy()), table


def _uids(known: pa.Table, hashes: np.ndarray) -> np.ndarray:
    """The uid of each user hash (``known`` is sorted by hash); sorted needles keep the binary
    searches in cache, which made this faster than a join in DuckDB."""
    order = np.argsort(hashes)
    uid = np.empty(len(hashes), dtype=np.int32)
    uid[order] = known["uid"].to_numpy()[np.searchsorted(known["h"].to_numpy(), hashes[order])]
    return uid


def in_parallel(threads: int, work: Callable[..., np.ndarray], *arrays: np.ndarray
                ) -> np.ndarray:
    """``work`` on contiguous slices of ``arrays`` (all of one length), on ``threads`` threads
    (NumPy releases the GIL in sorts and binary searches), joined back in order."""
    cuts = np.linspace(0, len(arrays[0]), threads + 1).astype(int)
    parts = [[a[lo:hi] for a in arrays] for lo, hi in pairwise(cuts)]
    with ThreadPoolExecutor(threads) as pool:
        return np.concatenate(list(pool.map(lambda part: work(*part), parts)))
