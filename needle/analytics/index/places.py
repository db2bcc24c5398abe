"""Each lake row's place in the index: the index row of every row of every lake file, so that a
later read of the lake's JSON (hot properties) finds the users and times of the rows it reads
with one lookup, without reading users or times or searching.

``lake_rows.npy`` is indexed by the lake row (the files in ``located.json`` order, one after
the other, each in its own row order); ``located.json`` lists the files with their row counts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from needle.analytics.index import sequence

CHUNK = 1 << 22  # rows converted at a time, so a build's memory stays flat
_ROW_BITS = np.uint64(32)
_ROW_MASK = np.uint64(0xFFFFFFFF)


def starts(counts: Sequence[int]) -> np.ndarray:
    """The lake row each file's rows start at, from the files' row counts."""
    return np.r_[0, np.cumsum(np.asarray(counts, dtype=np.int64))[:-1]].astype(np.int64)


def lake_rows(loc: np.ndarray, counts: Sequence[int]) -> np.ndarray:
    """Packed places (file number << 32 | row in the file) as lake rows (int64)."""
    first = starts(counts)
    loc = np.asarray(loc, dtype=np.uint64)
    return first[(loc >> _ROW_BITS).astype(np.int64)] + (loc & _ROW_MASK).astype(np.int64)


def save(tmp: Path, files: Sequence[tuple[str, int]], loc: np.ndarray) -> None:
    """``files`` (path, rows) and the map from lake row to index row, given each index row's
    packed place ``loc`` (every lake row has one)."""
    counts = [rows for _, rows in files]
    at = np.empty(sum(counts), dtype=sequence.index_dtype(len(loc)))
    for lo in range(0, len(loc), CHUNK):
        hi = min(lo + CHUNK, len(loc))
        at[lake_rows(loc[lo:hi], counts)] = np.arange(lo, hi, dtype=at.dtype)
    write(tmp, files, at)


def write(tmp: Path, files: Sequence[tuple[str, int]], at: np.ndarray) -> None:
    np.save(tmp / "lake_rows.npy", at)
    (tmp / "located.json").write_text(json.dumps([list(f) for f in files]), encoding="utf-8")


def located(root: Path) -> list[tuple[str, int]]:
    """The files the index holds, in lake-row order, with their row counts."""
    files = json.loads((root / "located.json").read_text(encoding="utf-8"))
    return [(path, int(rows)) for path, rows in files]


def extended(old_at: np.ndarray, moved: np.ndarray, old_files: Sequence[tuple[str, int]],
             added_files: Sequence[tuple[str, int]], added_loc: np.ndarray,
             placed: np.ndarray) -> np.ndarray:
    """The map after an extension: old lake rows keep their order and point where their index
    rows ``moved``; the added files' rows (packed places ``added_loc``, numbered after the old
    files) follow, pointing at the index rows they were ``placed`` in."""
    counts = [rows for _, rows in (*old_files, *added_files)]
    before = sum(rows for _, rows in old_files)
    at = np.empty(sum(counts), dtype=moved.dtype)
    for lo in range(0, before, CHUNK):
        hi = min(lo + CHUNK, before)
        at[lo:hi] = moved[old_at[lo:hi]]
    at[lake_rows(added_loc, counts)] = placed
    return at
