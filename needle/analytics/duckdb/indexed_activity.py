"""Stickiness and lifecycle answered from the event index, as the SQL plans (:mod:`.activity`)
answer them: both start from the distinct (person, bucket) pairs of the step's events, which
come sorted by person and time, so they are changes from the previous event (no sort)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from needle.analytics.duckdb.indexed_trend import bucket, period_index
from needle.analytics.duckdb.streams import days, events
from needle.analytics.index.store import Columns
from needle.analytics.periods import buckets, day_start, epoch_us, label
from needle.analytics.results import LifecyclePeriod, LifecycleResult, StickinessResult
from needle.analytics.specs import LifecycleQuery, StickinessQuery

Pairs = tuple[np.ndarray, np.ndarray]  # uid, bucket number: distinct, sorted


def _active(files: Sequence[Path], columns: Columns, q: StickinessQuery | LifecycleQuery,
            lo: date | None, hi: date) -> Pairs | None:
    """Distinct (uid, bucket) of the step's events from day ``lo`` (or the first) to ``hi``."""
    if q.interval == "hour":
        found = events(files, columns, q.step, q.filters)
        if found is None:
            return None
        uid, t = found.uid, found.ts
        lo_t = None if lo is None else epoch_us(day_start(lo))
        hi_t = epoch_us(day_start(hi + timedelta(days=1)))
        keep = (t < hi_t) if lo_t is None else (t >= lo_t) & (t < hi_t)
        uid, b = uid[keep], bucket(t[keep], "hour")
    else:
        pairs = days(files, columns, q.step, q.filters)
        if pairs is None:
            return None
        uid, d = pairs
        first = -(2**62) if lo is None else (lo - date(1970, 1, 1)).days
        keep = (d >= first) & (d <= (hi - date(1970, 1, 1)).days)
        uid, b = uid[keep], period_index(d[keep].astype(np.int64), q.interval)
    fresh = np.r_[True, (uid[1:] != uid[:-1]) | (b[1:] != b[:-1])] if len(uid) else []
    fresh = np.asarray(fresh, dtype=bool)
    return uid[fresh], b[fresh]


def _start(first: date, interval: str) -> int:
    moment = buckets(first, first, interval)[0]
    return int(bucket(np.array([epoch_us(moment)]), interval)[0])


def run_stickiness(files: Sequence[Path], columns: Columns, q: StickinessQuery, first: date,
                   last: date) -> StickinessResult | None:
    found = _active(files, columns, q, first, last)
    if found is None:
        return None
    uid = found[0]
    slots = len(buckets(first, last, q.interval))
    heads = np.flatnonzero(np.r_[True, uid[1:] != uid[:-1]]) if len(uid) else np.zeros(0, int)
    per_person = np.diff(np.r_[heads, len(uid)])
    counts = np.bincount(per_person, minlength=slots + 1)
    return StickinessResult(q.interval, slots,
                            tuple((k, int(counts[k])) for k in range(1, slots + 1)))


def run_lifecycle(files: Sequence[Path], columns: Columns, q: LifecycleQuery, first: date,
                  last: date) -> LifecycleResult | None:
    """Each active bucket is new (the person's first), returning (active the bucket before) or
    resurrecting; the bucket after an active one without activity counts the person dormant.
    History before the range decides new against resurrecting."""
    found = _active(files, columns, q, None, last)
    if found is None:
        return None
    uid, b = found
    slots = buckets(first, last, q.interval)
    start, n = _start(first, q.interval), len(slots)
    head = np.r_[True, uid[1:] != uid[:-1]] if len(uid) else np.zeros(0, dtype=bool)
    tail = np.r_[head[1:], True] if len(uid) else head
    prev_next = np.r_[False, b[1:] == b[:-1] + 1] & ~head if len(uid) else head
    kinds = np.where(head, 0, np.where(prev_next, 1, 2))
    gap_after = tail | np.r_[b[1:] > b[:-1] + 1, True] if len(uid) else head
    rows = [(b - start, kinds), (b[gap_after] + 1 - start, np.full(int(gap_after.sum()), 3))]
    counts = np.zeros((n, 4), dtype=np.int64)
    for at, kind in rows:
        inside = (at >= 0) & (at < n)
        np.add.at(counts, (at[inside], kind[inside]), 1)
    periods = tuple(LifecyclePeriod(label(t, q.interval), *(int(v) for v in counts[i]))
                    for i, t in enumerate(slots))
    return LifecycleResult(q.interval, periods)
