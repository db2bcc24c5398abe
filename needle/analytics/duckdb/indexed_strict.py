"""Strict-order funnels on the event index: each step must be the person's very next event.

The SQL plan numbers every event of a person by (time, uuid) and joins step k to number k + 1.
The index keeps that same order for all events (:mod:`needle.analytics.index.sequence`), so an
attempt starting at place ``p`` of it needs, for step k, the row at place ``p + k - 1`` to be
of step k's name, of the same person and within the window: a few array look-ups per start, and
no event other than the starts is read. Every start is followed (no start dominates another
when any event in between breaks the chain); each person keeps the attempt that got furthest,
the latest start among those, as the SQL plan does.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import numpy as np

from needle.analytics.duckdb.indexed_funnel import People, best_attempts, distinct_sorted
from needle.analytics.index.store import Columns
from needle.analytics.periods import day_start, epoch_us

CHUNK = 1_000_000  # starts followed at once: bounds the memory of the step times


def strict_people(columns: Columns, names: list[str], window_us: int, first: date, last: date
                  ) -> People:
    """``names``: the steps' event names (repeats allowed); starts fall within first..last."""
    lo, hi = epoch_us(day_start(first)), epoch_us(day_start(last + timedelta(days=1)))
    a, _ = columns.names.get(names[0], (0, 0))
    uid, ts = columns.pairs(names[0])
    inside = np.flatnonzero((ts >= lo) & (ts < hi))
    starters = np.asarray(uid[inside])
    # parts of about CHUNK starts, cut between people: each person's attempts are in one part
    # (a part may be empty; there is always one)
    cuts = np.r_[0, np.searchsorted(starters, starters[CHUNK::CHUNK], side="left"),
                 len(starters)]
    parts = [_follow(columns, names, window_us, a + inside[i:j], starters[i:j],
                     np.asarray(ts[inside[i:j]])) for i, j in pairwise(cuts)]
    return People(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                  np.concatenate([p[2] for p in parts]), len(distinct_sorted(starters)),
                  starters)


def _follow(columns: Columns, names: list[str], window_us: int, rows: np.ndarray,
            cu: np.ndarray, ct: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each person's best attempt among the starts at index ``rows`` (users ``cu``, times
    ``ct``): (uid, steps reached, step times)."""
    place = np.asarray(columns.position[rows], dtype=np.int64)
    times = np.full((len(cu), len(names)), -1, dtype=np.int64)
    times[:, 0] = ct
    reached = np.ones(len(cu), dtype=np.int64)
    alive = np.arange(len(cu))
    total = len(columns.row)
    for k, name in enumerate(names[1:], start=1):
        start, stop = columns.names.get(name, (0, 0))
        nxt = place[alive] + k
        ok = nxt < total
        row = np.asarray(columns.row[np.minimum(nxt, total - 1)], dtype=np.int64)
        ok &= (row >= start) & (row < stop)
        alive, row = alive[ok], row[ok]
        step_ts = columns.ts[row]
        ok = (columns.uid[row] == cu[alive]) & (step_ts <= ct[alive] + window_us)
        alive = alive[ok]
        times[alive, k] = step_ts[ok]
        reached[alive] += 1
    best = best_attempts(cu, reached)
    return cu[best], reached[best], times[best]
