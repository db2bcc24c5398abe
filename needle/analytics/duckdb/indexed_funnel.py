"""Ordered funnels on the columnar cache, by binary search over arrays sorted by (user, time).

Why by hand: the SQL plan hashes or sorts every start each query; here the cache is already
sorted, so each step is one ``searchsorted``. Only "candidate" starts are followed: the latest
start at or before each step-2 event. Any other start s is dominated by the latest start s* at or
before s's own next step 2: s* has the same next steps and a later deadline, so it reaches at
least as far. Among a person's attempts reaching their furthest step the latest start is kept
(also a candidate), as in the SQL plan, so both give identical results.
"""

from __future__ import annotations

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
        everyone = _distinct_sorted(np.asarray(self.starters))
        return np.setdiff1d(everyone, self.uid[self.reached >= 2]) if dropped else everyone


class Overflow(Exception):
    """(user, time) keys do not fit 64 bits; the SQL plan must run instead."""


Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]  # uid, ts, key of one event name


def funnel_people(
    columns: Columns, steps: list[str], window_us: int, first: date, last: date
) -> People:
    """People are independent, so contiguous uid ranges run on ``columns.threads`` threads
    (NumPy releases the GIL in searchsorted and its element-wise loops)."""
    if not columns.span:
        raise Overflow
    trim = columns.days is None or not (first <= columns.days[0] and columns.days[1] <= last)
    bounds = (epoch_us(day_start(first)), epoch_us(day_start(last + timedelta(days=1))))
    arrays = [(*columns.pairs(s), columns.keys(s)) for s in steps]
    edges = np.linspace(0, columns.users, columns.threads + 1).astype(np.uint64) * columns.span
    cuts = [np.searchsorted(k, edges) for _, _, k in arrays]
    chunks = [[(u[c[i]:c[i + 1]], t[c[i]:c[i + 1]], k[c[i]:c[i + 1]])
               for (u, t, k), c in zip(arrays, cuts, strict=True)]
              for i in range(columns.threads)]
    with ThreadPoolExecutor(columns.threads) as pool:
        parts = list(pool.map(lambda c: _chunk(columns, c, window_us, bounds if trim else None),
                              chunks))
    started = sum(p.started for p in parts) if trim else columns.people.get(steps[0], 0)
    return People(np.concatenate([p.uid for p in parts]),
                  np.concatenate([p.reached for p in parts]),
                  np.concatenate([p.times for p in parts]), started,
                  np.concatenate([p.starters for p in parts]))


def _chunk(columns: Columns, arrays: list[Arrays], window_us: int,
           bounds: tuple[int, int] | None) -> People:
    """The funnel over the people of one uid range."""
    u1, t1, k1 = arrays[0]
    started = 0
    if bounds is not None:
        inside = (t1 >= bounds[0]) & (t1 < bounds[1])
        u1, t1, k1 = u1[inside], t1[inside], k1[inside]
        started = len(_distinct_sorted(u1))
    # Later steps need no range mask: they are searched at or after a start and checked
    # against its window.
    u2, _, k2 = arrays[1]
    cand = np.searchsorted(k1, k2, side="right") - 1
    ok = cand >= 0
    cand = _distinct_sorted(cand[ok][u1[cand[ok]] == u2[ok]])
    cu, ct = np.asarray(u1[cand]), np.asarray(t1[cand])
    times = np.full((len(cand), len(arrays)), -1, dtype=np.int64)
    times[:, 0] = ct
    reached = np.ones(len(cand), dtype=np.int64)
    alive = np.arange(len(cand))  # attempts still going; each step searches only for them
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
    best = _best(cu, reached)
    return People(cu[best], reached[best], times[best], started, u1)


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """Distinct values of a sorted array (np.unique would hash or sort again)."""
    if len(values) == 0:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def _best(cu: np.ndarray, reached: np.ndarray) -> np.ndarray:
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
