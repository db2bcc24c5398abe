"""Ordered funnels on the columnar cache, by binary search over arrays sorted by (user, time).

Why by hand: the SQL plan hashes or sorts every start each query; here the cache is already
sorted, so each step is one ``searchsorted``. Only "candidate" starts are followed: the latest
start at or before each step-2 event. Any other start s is dominated by the latest start s* at or
before s's own next step 2: s* has the same next steps and a later deadline, so it reaches at
least as far. Among a person's attempts reaching their furthest step the latest start is kept
(also a candidate), as in the SQL plan, so both give identical results.

Exclusions void an attempt whose next excluded event after step ``after`` comes before its step
``before``. A voided candidate dominates nothing (a start it dominates may stop short of
``before`` and so escape the exclusion), so every start of a person with a voided candidate is
followed; an unvoided candidate still dominates, so other people keep their candidates.
Unordered funnels (:func:`unordered_people`) count, from each funnel event in the range, the
steps whose next event falls within the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from needle.analytics.index.store import Columns
from needle.analytics.periods import day_start, epoch_us


@dataclass(frozen=True)
class People:
    """The best attempt of every person with an attempt that could go past step 1 (furthest
    step, step times in µs, -1 where not reached), and how many people started at all: everyone
    else who started reached step 1 only."""

    uid: np.ndarray
    reached: np.ndarray
    times: np.ndarray  # (people, steps)
    started: int
    starters: np.ndarray  # step-1 uids in range, sorted, with repeats

    def at_least(self, k: int) -> int:
        return self.started if k == 1 else int((self.reached >= k).sum())

    def ids(self, k: int, dropped: bool) -> np.ndarray:
        """uids whose furthest step is ``k`` (``dropped``) or at least ``k``."""
        if k > 1:
            return self.uid[self.reached == k] if dropped else self.uid[self.reached >= k]
        everyone = distinct_sorted(np.asarray(self.starters))
        return np.setdiff1d(everyone, self.uid[self.reached >= 2]) if dropped else everyone


class Overflow(Exception):
    """(user, time) keys do not fit 64 bits; the SQL plan must run instead."""


Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]  # uid, ts, key of one event name
UNORDERED_CHUNK = 2_000_000
Excluded = tuple[int, int]  # steps (from 1) between which an exclusion voids an attempt


def funnel_people(
    columns: Columns, arrays: list[Arrays], window_us: int, first: date, last: date,
    started: int | None = None, excluded: Sequence[tuple[Arrays, Excluded]] = (),
) -> People:
    """``arrays``: each step's events as (uid, ts, key), sorted by key; ``started``: how many
    people have a step-1 event at all, when known (it saves a pass when the range holds every
    event); ``excluded``: each exclusion's events and steps. People are independent, so
    contiguous uid ranges run on ``columns.threads`` threads (NumPy releases the GIL in
    searchsorted and its element-wise loops)."""
    if not columns.span:
        raise Overflow
    trim = (started is None or bool(excluded) or columns.days is None
            or not (first <= columns.days[0] and columns.days[1] <= last))
    bounds = (epoch_us(day_start(first)), epoch_us(day_start(last + timedelta(days=1))))
    chunks = _chunks(columns, [*arrays, *(a for a, _ in excluded)])
    steps = [between for _, between in excluded]
    with ThreadPoolExecutor(columns.threads) as pool:
        parts = list(pool.map(
            lambda c: _chunk(columns, c[:len(arrays)], window_us, bounds if trim else None,
                             list(zip(c[len(arrays):], steps, strict=True))), chunks))
    total = sum(p.started for p in parts) if trim else started
    return People(np.concatenate([p.uid for p in parts]),
                  np.concatenate([p.reached for p in parts]),
                  np.concatenate([p.times for p in parts]), int(total or 0),
                  np.concatenate([p.starters for p in parts]))


def _chunks(columns: Columns, arrays: list[Arrays], count: int = 0) -> list[list[Arrays]]:
    """The arrays cut into ``count`` (default ``columns.threads``) contiguous uid ranges."""
    count = count or columns.threads
    edges = np.linspace(0, columns.users, count + 1).astype(np.uint64) * columns.span
    cuts = [np.searchsorted(k, edges) for _, _, k in arrays]
    return [[(u[c[i]:c[i + 1]], t[c[i]:c[i + 1]], k[c[i]:c[i + 1]])
             for (u, t, k), c in zip(arrays, cuts, strict=True)]
            for i in range(count)]


def _chunk(columns: Columns, arrays: list[Arrays], window_us: int,
           bounds: tuple[int, int] | None, excluded: list[tuple[Arrays, Excluded]]) -> People:
    """The funnel over the people of one uid range."""
    u1, t1, k1 = arrays[0]
    started = 0
    if bounds is not None:
        inside = (t1 >= bounds[0]) & (t1 < bounds[1])
        u1, t1, k1 = u1[inside], t1[inside], k1[inside]
        started = len(distinct_sorted(u1))
    # Later steps need no range mask: they are searched at or after a start and checked
    # against its window.
    u2, _, k2 = arrays[1]
    cand = np.searchsorted(k1, k2, side="right") - 1
    ok = cand >= 0
    cand = distinct_sorted(cand[ok][u1[cand[ok]] == u2[ok]])
    cu, ct = np.asarray(u1[cand]), np.asarray(t1[cand])
    reached, times = _follow(columns, arrays, cu, ct, window_us)
    if excluded:
        # A voided candidate no longer stands for the starts it dominates: its person's
        # starts are all followed; other people keep their (unvoided) candidates.
        void = _voided(columns, cu, times, excluded)
        redo = np.isin(u1, cu[void])
        ru, rt = np.asarray(u1[redo]), np.asarray(t1[redo])
        r_reached, r_times = _follow(columns, arrays, ru, rt, window_us)
        keep = ~_voided(columns, ru, r_times, excluded)
        clean = ~np.isin(cu, ru)
        order = np.argsort(np.r_[cu[clean], ru[keep]], kind="stable")
        cu = np.r_[cu[clean], ru[keep]][order]
        reached = np.r_[reached[clean], r_reached[keep]][order]
        times = np.concatenate([times[clean], r_times[keep]])[order]
        # people whose every attempt was voided have not started; a start with no candidate
        # reaches step 1 only, which no exclusion voids
        gone = np.setdiff1d(ru, ru[keep])
        u1 = u1[~np.isin(u1, gone)]
        started = len(distinct_sorted(u1))
    best = best_attempts(cu, reached)
    return People(cu[best], reached[best], times[best], started, u1)


def _follow(columns: Columns, arrays: list[Arrays], cu: np.ndarray, ct: np.ndarray,
            window_us: int) -> tuple[np.ndarray, np.ndarray]:
    """Steps reached and step times (-1: not reached) of the attempts starting at (cu, ct)."""
    times = np.full((len(cu), len(arrays)), -1, dtype=np.int64)
    times[:, 0] = ct
    reached = np.ones(len(cu), dtype=np.int64)
    alive = np.arange(len(cu))  # attempts still going; each step searches only for them
    u, prev, deadline = cu, ct, ct + window_us
    for k, (uk, tk, kk) in enumerate(arrays[1:], start=1):
        if len(kk) == 0 or len(alive) == 0:
            break
        j = np.searchsorted(kk, columns.key(u, prev), side="left")
        jj = np.minimum(j, len(kk) - 1)
        ok = (j < len(kk)) & (uk[jj] == u) & (tk[jj] <= deadline)
        alive, u, prev, deadline = alive[ok], u[ok], tk[jj[ok]], deadline[ok]
        times[alive, k] = prev
        reached[alive] += 1
    return reached, times


def _voided(columns: Columns, cu: np.ndarray, times: np.ndarray,
            excluded: list[tuple[Arrays, Excluded]]) -> np.ndarray:
    """Attempts with an excluded event after their step ``after`` and before their step
    ``before`` (both reached): the SQL plan's next such event, strictly later than ``after``."""
    void = np.zeros(len(cu), dtype=bool)
    for (xu, xt, xk), (after, before) in excluded:
        ta, tb = times[:, after - 1], times[:, before - 1]
        if len(xk) == 0:
            continue
        j = np.searchsorted(xk, columns.key(cu, np.maximum(ta, 0)), side="right")
        jj = np.minimum(j, len(xk) - 1)
        void |= (ta >= 0) & (tb >= 0) & (j < len(xk)) & (xu[jj] == cu) & (xt[jj] < tb)
    return void


def unordered_people(columns: Columns, arrays: list[Arrays], window_us: int, first: date,
                     last: date) -> People:
    """From every funnel event in the range, the steps whose next event (at or after it) is
    within the window; each person's best count. No step times: the steps have no order.
    Contiguous uid ranges run on ``columns.threads`` threads, as ordered funnels do."""
    if not columns.span:
        raise Overflow
    bounds = (epoch_us(day_start(first)), epoch_us(day_start(last + timedelta(days=1))))
    # about 70 bytes of work per event: ranges of at most UNORDERED_CHUNK events bound memory
    count = max(columns.threads, sum(len(k) for _, _, k in arrays) // UNORDERED_CHUNK)
    with ThreadPoolExecutor(columns.threads) as pool:
        parts = list(pool.map(lambda c: _unordered_chunk(columns, c, window_us, bounds),
                              _chunks(columns, arrays, count)))
    uid = np.concatenate([p[0] for p in parts])
    best = np.concatenate([p[1] for p in parts])
    times = np.full((len(uid), len(arrays)), -1, dtype=np.int64)
    return People(uid, best, times, len(uid), uid)


def _unordered_chunk(columns: Columns, arrays: list[Arrays], window_us: int,
                     bounds: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(uid, steps reached) of the people of one uid range.

    All steps' events (those a start in the range can reach) are merged in (uid, time) order,
    each labelled with its step; the next event of step s at or after each event is then a
    running minimum from the end, taken from the first event of its (uid, time): no search."""
    lo, hi = bounds
    keep = [(t >= lo) & (t < hi + window_us) for _, t, _ in arrays]
    keys = np.concatenate([k[m] for (_, _, k), m in zip(arrays, keep, strict=True)])
    label = np.concatenate([np.full(int(m.sum()), s, dtype=np.int8)
                            for s, m in enumerate(keep)])
    order = np.argsort(keys, kind="stable")  # sorted runs, one per step: a merge
    key, label = keys[order], label[order]
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    span = np.uint64(columns.span)
    since = key % span  # µs since tmin
    # the last key of the same person within the window: a later event is reached iff its key
    # is at most this
    limit = key - since + np.minimum(since + np.uint64(window_us), span - np.uint64(1))
    place = np.arange(n, dtype=np.int64)
    head = np.maximum.accumulate(np.where(np.r_[True, key[1:] != key[:-1]], place, 0))
    reached = np.zeros(n, dtype=np.int8)
    for s in range(len(arrays)):
        later = np.minimum.accumulate(np.where(label == s, place, n)[::-1])[::-1][head]
        reached += (later < n) & (key[np.minimum(later, n - 1)] <= limit)
    start = (since >= np.uint64(max(lo - columns.tmin, 0))) & \
        (since < np.uint64(max(hi - columns.tmin, 0)))
    au = (key[start] // span).astype(np.int64)
    reached = reached[start].astype(np.int64)
    if len(au) == 0:
        return au, reached
    heads = np.flatnonzero(np.r_[True, au[1:] != au[:-1]])
    return au[heads], np.maximum.reduceat(reached, heads)


def distinct_sorted(values: np.ndarray) -> np.ndarray:
    """Distinct values of a sorted array (np.unique would hash or sort again)."""
    if len(values) == 0:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def best_attempts(cu: np.ndarray, reached: np.ndarray) -> np.ndarray:
    """Index of each person's best attempt (furthest, then latest start).

    Attempts arrive sorted by (person, start), so it is the last of the person's attempts that
    reach their furthest step.
    """
    if len(cu) == 0:
        return np.zeros(0, dtype=np.int64)
    heads = np.flatnonzero(np.r_[True, cu[1:] != cu[:-1]])
    furthest = np.maximum.reduceat(reached, heads)
    at_max = np.flatnonzero(reached == np.repeat(furthest, np.diff(np.r_[heads, len(cu)])))
    return at_max[np.r_[cu[at_max][1:] != cu[at_max][:-1], True]]
