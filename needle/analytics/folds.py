"""Funnel attempts folded over events sorted by (person, time), many people at once.

A pure function over arrays, so any engine that hands over events in that order folds with it.
The rules are the SQL plan's (:mod:`needle.analytics.duckdb.funnel`): every step-1 event in the
range starts an attempt (any step's event, unordered); in ordered funnels step k is the earliest
matching event at or after step k-1 (a step repeating an earlier step's event must use a later
row) within the window of step 1; strict funnels need the person's very next event; unordered
funnels count the distinct steps whose next event (at or after the start) is within the window.
An exclusion event strictly after step ``after`` and before step ``before`` voids the attempt.
Each person (and breakdown value) keeps the attempt that got furthest, the last listed among
the latest such starts (the latest in (time, tie-break) order, as the event index and the SQL
plan's strict funnels keep).

Why by hand: no library offers an as-of search per group. A found row must belong to the
attempt's person, so one ``searchsorted`` per step serves every person of the batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MISSING = np.iinfo(np.int64).min  # a step not reached


@dataclass(frozen=True)
class Plan:
    steps: int
    window_us: int
    mode: str  # ordered, strict or unordered
    start_us: int  # attempts start in [start_us, end_us)
    end_us: int
    same_event: tuple[tuple[int, ...], ...]  # per step, the earlier steps with its event
    exclusions: tuple[tuple[int, int], ...]  # (after, before), steps from 1


@dataclass(frozen=True)
class Best:
    """One row per (person, breakdown) with an attempt: its furthest step and step times."""

    person: np.ndarray  # the person's code
    group: np.ndarray  # the breakdown code
    reached: np.ndarray
    times: np.ndarray  # (steps, rows), MISSING where not reached (always, unordered)


def fold(plan: Plan, person: np.ndarray, ts: np.ndarray, marks: list[np.ndarray],
         excluded: list[np.ndarray], group: np.ndarray) -> Best:
    """``person`` (int codes), ``ts`` (µs): every event, sorted by (person, ts, tie-break);
    ``marks``: per step, which events match it; ``excluded``: per exclusion, its events;
    ``group``: each event's breakdown code (an attempt takes its first event's)."""
    n = len(ts)
    new = np.r_[True, (person[1:] != person[:-1]) | (ts[1:] != ts[:-1])] if n else np.ones(0, bool)
    tie = np.maximum.accumulate(np.where(new, np.arange(n), 0))  # first row of equal time
    starts = marks[0] if plan.mode != "unordered" else np.logical_or.reduce(marks)
    attempts = np.flatnonzero(starts & (ts >= plan.start_us) & (ts < plan.end_us))
    if plan.mode == "unordered":
        reached = _unordered(plan, person, ts, marks, tie, attempts)
        times = np.full((plan.steps, len(attempts)), MISSING, dtype=np.int64)
    else:
        chain = _strict if plan.mode == "strict" else _ordered
        rows = chain(plan, person, ts, marks, tie, attempts)
        keep = ~_voided(plan, person, ts, new, excluded, rows)
        attempts, rows = attempts[keep], rows[:, keep]
        times = np.where(rows >= 0, ts[np.maximum(rows, 0)], MISSING)
        reached = 1 + (rows[1:] >= 0).sum(axis=0)
    return _best(person[attempts], group[attempts], reached, times)


def _next(candidates: np.ndarray, lower: np.ndarray, person: np.ndarray, who: np.ndarray
          ) -> np.ndarray:
    """Per attempt, the first candidate row at or after ``lower`` of the same person, or -1."""
    if not len(candidates):
        return np.full(len(lower), -1, dtype=np.int64)
    at = np.searchsorted(candidates, lower, "left")
    row = candidates[np.minimum(at, len(candidates) - 1)]
    return np.where((at < len(candidates)) & (person[row] == who), row, -1)


def _ordered(plan: Plan, person: np.ndarray, ts: np.ndarray, marks: list[np.ndarray],
             tie: np.ndarray, attempts: np.ndarray) -> np.ndarray:
    rows = np.full((plan.steps, len(attempts)), -1, dtype=np.int64)
    rows[0] = attempts
    who, limit = person[attempts], ts[attempts] + plan.window_us
    for k in range(1, plan.steps):
        found = rows[k - 1] >= 0
        lower = tie[np.maximum(rows[k - 1], 0)]
        for j in plan.same_event[k]:
            lower = np.maximum(lower, rows[j] + 1)
        row = _next(np.flatnonzero(marks[k]), lower, person, who)
        found &= (row >= 0) & (ts[np.maximum(row, 0)] <= limit)
        rows[k] = np.where(found, row, -1)
    return rows


def _strict(plan: Plan, person: np.ndarray, ts: np.ndarray, marks: list[np.ndarray],
            tie: np.ndarray, attempts: np.ndarray) -> np.ndarray:
    rows = np.full((plan.steps, len(attempts)), -1, dtype=np.int64)
    rows[0] = attempts
    who, limit = person[attempts], ts[attempts] + plan.window_us
    found = np.ones(len(attempts), dtype=bool)
    for k in range(1, plan.steps):
        row = attempts + k
        found &= row < len(ts)
        row = np.minimum(row, len(ts) - 1)
        found &= (person[row] == who) & marks[k][row] & (ts[row] <= limit)
        rows[k] = np.where(found, row, -1)
    return rows


def _unordered(plan: Plan, person: np.ndarray, ts: np.ndarray, marks: list[np.ndarray],
               tie: np.ndarray, attempts: np.ndarray) -> np.ndarray:
    who, lower, limit = person[attempts], tie[attempts], ts[attempts] + plan.window_us
    reached = np.zeros(len(attempts), dtype=np.int64)
    for mark in marks:
        row = _next(np.flatnonzero(mark), lower, person, who)
        reached += (row >= 0) & (ts[np.maximum(row, 0)] <= limit)
    return reached


def _voided(plan: Plan, person: np.ndarray, ts: np.ndarray, new: np.ndarray,
            excluded: list[np.ndarray], rows: np.ndarray) -> np.ndarray:
    """Attempts with an excluded event strictly later than step ``after`` and before step
    ``before`` (both reached)."""
    voided = np.zeros(rows.shape[1], dtype=bool)
    if not plan.exclusions:
        return voided
    # the first row of the next (person, time): the first strictly later event
    later = np.r_[np.flatnonzero(new)[1:], len(ts)]
    after_tie = np.repeat(later, np.diff(np.r_[np.flatnonzero(new), len(ts)]))
    for mark, (after, before) in zip(excluded, plan.exclusions, strict=True):
        r_after, r_before = rows[after - 1], rows[before - 1]
        both = (r_after >= 0) & (r_before >= 0)
        who = person[np.maximum(r_after, 0)]
        row = _next(np.flatnonzero(mark), after_tie[np.maximum(r_after, 0)], person, who)
        voided |= both & (row >= 0) & (ts[np.maximum(row, 0)] < ts[np.maximum(r_before, 0)])
    return voided


def _best(person: np.ndarray, group: np.ndarray, reached: np.ndarray, times: np.ndarray
          ) -> Best:
    """Per (person, group): the attempt with the most steps, then the latest start, then the
    last listed."""
    order = np.lexsort((np.arange(len(person)), times[0], reached, group, person))
    p, g = person[order], group[order]
    last = np.r_[(p[1:] != p[:-1]) | (g[1:] != g[:-1]), True] if len(p) else np.ones(0, bool)
    keep = order[last]
    return Best(person[keep], group[keep], reached[keep], times[:, keep])
