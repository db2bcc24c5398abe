"""The days each person was active on (any event), from the columnar cache: what "any event"
retention, trends, stickiness and lifecycle read instead of every event.

Sorted (uid, day) pairs, day numbers since 1970-01-01. Made once per state of the cache (one
scatter of every event's day into per-user bitmaps, a slice of users at a time so memory stays
flat) and saved beside it (:mod:`.derived`); an import that changes the lake makes it again.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import numpy as np

from needle.analytics.index import derived
from needle.analytics.index.store import Columns

DAY_US = 86_400_000_000
BITMAP_BYTES = 1 << 25  # one slice of users' bitmaps (a byte per user-day)


def active_days(columns: Columns) -> tuple[np.ndarray, np.ndarray]:
    """(uid int32, day int32) of every person-day with an event, sorted by (uid, day)."""
    if columns.days is None or not columns.users:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    path = derived.saved_path(columns, "active", ["days"])
    saved, covered = derived.load(path, columns)
    if saved is not None and covered == columns.files:
        return np.asarray(saved["uid"]), np.asarray(saved["day"])
    uid, day = _scatter(columns)
    derived.save(path, {"uid": uid, "day": day}, columns)
    return uid, day


def _scatter(columns: Columns) -> tuple[np.ndarray, np.ndarray]:
    assert columns.days is not None
    day0 = columns.tmin // DAY_US
    ndays = (columns.days[1] - columns.days[0]).days + 1
    step = max(1, BITMAP_BYTES // ndays)
    cuts = [*range(0, columns.users, step), columns.users]
    arrays = [columns.pairs(name) for name in columns.names]
    with ThreadPoolExecutor(columns.threads) as pool:
        parts = list(pool.map(lambda c: _slice(arrays, c[0], c[1], day0, ndays), pairwise(cuts)))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _slice(arrays: list[tuple[np.ndarray, np.ndarray]], lo: int, hi: int, day0: int,
           ndays: int) -> tuple[np.ndarray, np.ndarray]:
    """The active days of users lo..hi-1 (each name's pairs are sorted by uid: one slice each)."""
    seen = np.zeros((hi - lo) * ndays, dtype=bool)
    for uid, ts in arrays:
        a, b = np.searchsorted(uid, [lo, hi])
        seen[(uid[a:b].astype(np.int64) - lo) * ndays + (ts[a:b] // DAY_US - day0)] = True
    flat = np.flatnonzero(seen)
    return (flat // ndays + lo).astype(np.int32), (flat % ndays + day0).astype(np.int32)
