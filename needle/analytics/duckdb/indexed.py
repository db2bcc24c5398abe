"""Funnels and retention answered from the event index (trends: :mod:`.indexed_trend`).

Each ``run_*`` returns ``None`` when the query's shape needs the SQL plan (person filters,
repeated steps in an ordered funnel, a strict funnel with filters, exclusions or a breakdown, an
unordered funnel broken down); the engine then runs SQL.
Results equal the SQL plans'. Filters and breakdowns read the hot properties (:mod:`.streams`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from needle.analytics.duckdb.indexed_funnel import (
    Arrays,
    Overflow,
    People,
    distinct_sorted,
    funnel_people,
    unordered_people,
)
from needle.analytics.duckdb.indexed_strict import strict_people
from needle.analytics.duckdb.indexed_trend import period_index
from needle.analytics.duckdb.streams import (
    Stream,
    days,
    events,
    indexable,
    people_slices,
    prefetch_steps,
)
from needle.analytics.funnel_steps import bins, empty_steps, steps_from
from needle.analytics.index.store import Columns
from needle.analytics.periods import buckets
from needle.analytics.results import (
    Cohort,
    FunnelBreakdown,
    FunnelResult,
    FunnelStep,
    RetentionResult,
)
from needle.analytics.specs import DateRange, FunnelQuery, RetentionQuery

DAY_US = 86_400_000_000


def strict_shape(q: FunnelQuery) -> bool:
    """Strict funnels on every event of the people: filters would change which events count
    as "next" (the SQL plan numbers only the events that pass them)."""
    return (q.mode == "strict" and not (q.filters or q.exclusions or q.breakdown)
            and all(s.event is not None and not s.filters for s in q.steps))


def funnel_shape(q: FunnelQuery) -> bool:
    names = [s.event for s in q.steps]
    excluded = [e.step for e in q.exclusions] if q.mode == "ordered" else []
    return (
        (q.mode == "ordered" or (q.mode == "unordered" and not q.breakdown))
        and all(indexable(s, q.filters) for s in (*q.steps, *excluded))
        and len(set(names)) == len(names)
    )


def _excluded(files: Sequence[Path], columns: Columns, q: FunnelQuery
              ) -> list[tuple[Arrays, tuple[int, int]]] | None:
    """Each exclusion's events and the steps it sits between (the unordered plan has none)."""
    out = []
    for e in q.exclusions if q.mode == "ordered" else ():
        found = events(files, columns, e.step, q.filters)
        if found is None:
            return None
        keys = columns.key(found.uid, found.ts)
        out.append(((found.uid, found.ts, keys), (e.after, e.before or len(q.steps))))
    return out


def _streams(files: Sequence[Path], columns: Columns, q: FunnelQuery,
             breakdown: str | None = None) -> list[Stream] | None:
    excluded = [e.step for e in q.exclusions] if q.mode == "ordered" else []
    prefetch_steps(files, columns, [*q.steps, *excluded], q.filters, breakdown)
    found = [events(files, columns, s, q.filters, breakdown if i == 0 else None)
             for i, s in enumerate(q.steps)]
    return None if any(s is None for s in found) else found  # type: ignore[return-value]


def _arrays(columns: Columns, q: FunnelQuery, streams: list[Stream]) -> list[Arrays]:
    """Each step's (uid, ts, key); unfiltered steps use the index's own keys."""
    out = []
    for step, s in zip(q.steps, streams, strict=True):
        own = columns.keys(step.event or "")
        plain = not (step.filters or q.filters) and len(s.uid) == len(own)
        out.append((s.uid, s.ts, own if plain else columns.key(s.uid, s.ts)))
    return out


def _people(files: Sequence[Path], columns: Columns, q: FunnelQuery, arrays: list[Arrays],
            first: date, last: date, known: bool) -> People | None:
    started = columns.people.get(q.steps[0].event or "", 0) if known else None
    window = q.window_seconds * 1_000_000
    excluded = _excluded(files, columns, q)
    if excluded is None:
        return None
    try:
        if q.mode == "unordered":
            return unordered_people(columns, arrays, window, first, last)
        return funnel_people(columns, arrays, window, first, last, started, excluded)
    except Overflow:
        return None


def people(files: Sequence[Path], columns: Columns, q: FunnelQuery, first: date, last: date
           ) -> People | None:
    if strict_shape(q):
        names = [s.event or "" for s in q.steps]
        return strict_people(columns, names, q.window_seconds * 1_000_000, first, last)
    if not funnel_shape(q):
        return None
    streams = _streams(files, columns, q)
    if streams is None:
        return None
    plain = not (q.filters or q.steps[0].filters)
    return _people(files, columns, q, _arrays(columns, q, streams), first, last, plain)


def _steps(q: FunnelQuery, found: People) -> tuple[FunnelStep, ...]:
    n = len(q.steps)
    values: list = []
    for k in range(1, n + 1):
        at = found.reached >= k
        timed = k > 1 and q.mode != "unordered"
        gaps = (found.times[at, k - 1] - found.times[at, k - 2]) / 1e6 if timed else np.array([])
        values += [
            found.at_least(k),
            found.at_least(k) - found.at_least(k + 1) if k < n else found.at_least(k),
            float(np.median(gaps)) if len(gaps) else None,
            float(gaps.mean()) if len(gaps) else None,
        ]
    return steps_from(q, tuple(values))


def run_funnel(files: Sequence[Path], columns: Columns, q: FunnelQuery, first: date,
               last: date) -> FunnelResult | None:
    found = people(files, columns, q, first, last)
    if found is None:
        return None
    n = len(q.steps)
    done = found.reached == n
    total = (found.times[done, n - 1] - found.times[done, 0]) / 1e6
    if q.mode == "unordered":  # no step times: no durations, no histogram
        total = np.zeros(0)
    steps = _steps(q, found) if found.started else empty_steps(q)
    groups = _breakdown(files, columns, q, first, last) if q.breakdown else ()
    if groups is None:
        return None
    return FunnelResult(steps, bins(total, q.histogram_bins), groups)


def _breakdown(files: Sequence[Path], columns: Columns, q: FunnelQuery, first: date,
               last: date) -> tuple[FunnelBreakdown, ...] | None:
    """One funnel per value of the breakdown on step 1's event (attempts are grouped by it),
    ordered as the SQL plan orders them: most starters first, then by value, absent last."""
    streams = _streams(files, columns, q, q.breakdown)
    if streams is None:
        return None
    head = streams[0]
    assert head.bd is not None
    arrays = _arrays(columns, q, streams)
    out = []
    for code in np.unique(head.bd):
        keep = head.bd == code
        mine = [(arrays[0][0][keep], arrays[0][1][keep], arrays[0][2][keep]), *arrays[1:]]
        found = _people(files, columns, q, mine, first, last, known=False)
        if found is None:
            return None
        if found.started:
            value = None if code < 0 else head.values[code]
            out.append(FunnelBreakdown(value, _steps(q, found)))
    out.sort(key=lambda b: (-b.steps[0].users, b.value is None, b.value or ""))
    return tuple(out)


def _index_of(day: date, unit: str) -> int:
    return int(period_index(np.array([_day_number(day)]), unit)[0])


def run_retention(
    files: Sequence[Path], columns: Columns, q: RetentionQuery, first: date, last: date
) -> RetentionResult | None:
    """Cohorts by the period of each person's first start event, returns as distinct (person,
    period) pairs: both read as (uid, day) sorted by uid, so no sort or hash at query time. The
    returns are counted a slice of people at a time, so memory stays flat however many there
    are (every person-day of a big lake, for "any event")."""
    if q.recurring or q.breakdown:
        return None
    start = days(files, columns, q.start, q.filters)
    back = days(files, columns, q.returning, q.filters)
    if start is None or back is None:
        return None
    su, sd = start
    head = np.r_[True, su[1:] != su[:-1]] if len(su) else np.zeros(0, dtype=bool)
    cohort_of = np.full(columns.users, np.iinfo(np.int64).min, dtype=np.int64)
    cohort_of[su[head]] = period_index(sd[head].astype(np.int64), q.period)
    lo, hi = _index_of(first, q.period), _index_of(last, q.period)
    day0, day1 = _day_number(first), _day_number(last)
    counts = np.zeros((hi - lo + 1, q.periods), dtype=np.int64)
    ru, rd = back
    for a, b in people_slices(ru):
        uid, day = ru[a:b], rd[a:b]
        inside = (day >= day0) & (day <= day1)
        uid, period = uid[inside], period_index(day[inside].astype(np.int64), q.period)
        cohort = cohort_of[uid]
        k = period - cohort
        keep = (cohort >= lo) & (cohort <= hi) & (k >= 0)
        counts += _returns(q, cohort_of, lo, hi, uid[keep], k[keep])
    sizes = np.bincount(
        cohort_of[(cohort_of >= lo) & (cohort_of <= hi)] - lo, minlength=hi - lo + 1
    )
    starts = [b.date() for b in buckets(first, last, q.period)]
    cohorts = []
    for i, start_day in enumerate(starts):
        visible = min(q.periods, hi - lo - i + 1)
        cohorts.append(Cohort(start_day, int(sizes[i]),
                              tuple(int(v) for v in counts[i, :visible])))
    return RetentionResult(q.period, tuple(cohorts), dates=DateRange(first, last))


def _day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def _returns(q: RetentionQuery, cohort_of: np.ndarray, lo: int, hi: int, uid: np.ndarray,
             k: np.ndarray) -> np.ndarray:
    """Returning people per (cohort, period) from returns ``(uid, k)``: uid ascending and, per
    person, k ascending, so distinct pairs are changes from the previous."""
    periods = q.periods
    counts = np.zeros((hi - lo + 1, periods), dtype=np.int64)
    if q.on_or_after:
        tails = np.r_[uid[1:] != uid[:-1], True] if len(uid) else np.zeros(0, dtype=bool)
        k_user, c_user = k[tails], cohort_of[uid[tails]] - lo  # each person's furthest period
        for j in range(periods):
            counts[:, j] = np.bincount(c_user[k_user >= j], minlength=hi - lo + 1)
        return counts
    inside = k < periods
    pairs = distinct_sorted(uid[inside].astype(np.int64) * periods + k[inside])
    users, ks = pairs // periods, pairs % periods
    flat = (cohort_of[users] - lo) * periods + ks
    return np.bincount(flat, minlength=(hi - lo + 1) * periods).reshape(-1, periods)

