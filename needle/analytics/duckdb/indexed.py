"""Funnels, retention and trends by event name, answered from the columnar cache.

Each ``run_*`` returns ``None`` when the query's shape needs the SQL plan (filters, breakdowns,
exclusions, repeated steps, other modes); the engine then runs SQL. Results equal the SQL plans'.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from needle.analytics.duckdb.indexed_funnel import Overflow, People, funnel_people
from needle.analytics.funnel_steps import bins, steps_from
from needle.analytics.index.store import Columns
from needle.analytics.periods import buckets, day_start, epoch_us, label
from needle.analytics.results import (
    Cohort,
    FunnelResult,
    Point,
    RetentionResult,
    TrendSeries,
)
from needle.analytics.specs import DateRange, FunnelQuery, RetentionQuery, Step, TrendQuery

DAY_US = 86_400_000_000


def _plain(step: Step) -> bool:
    return step.event is not None and not step.filters


def funnel_shape(q: FunnelQuery) -> bool:
    names = [s.event for s in q.steps]
    return (
        q.mode == "ordered"
        and all(_plain(s) for s in q.steps)
        and len(set(names)) == len(names)
        and not (q.filters or q.exclusions or q.breakdown)
    )


def people(columns: Columns, q: FunnelQuery, first: date, last: date) -> People | None:
    if not funnel_shape(q):
        return None
    try:
        return funnel_people(
            columns, [s.event or "" for s in q.steps], q.window_seconds * 1_000_000, first, last
        )
    except Overflow:
        return None


def run_funnel(columns: Columns, q: FunnelQuery, first: date, last: date) -> FunnelResult | None:
    found = people(columns, q, first, last)
    if found is None:
        return None
    n = len(q.steps)
    values: list = []
    for k in range(1, n + 1):
        at = found.reached >= k
        gaps = (found.times[at, k - 1] - found.times[at, k - 2]) / 1e6 if k > 1 else np.array([])
        values += [
            found.at_least(k),
            found.at_least(k) - found.at_least(k + 1) if k < n else found.at_least(k),
            float(np.median(gaps)) if len(gaps) else None,
            float(gaps.mean()) if len(gaps) else None,
        ]
    done = found.reached == n
    total = (found.times[done, n - 1] - found.times[done, 0]) / 1e6
    return FunnelResult(steps_from(q, tuple(values)), bins(total, q.histogram_bins))


def _period_index(days: np.ndarray, unit: str) -> np.ndarray:
    """Day numbers (since 1970-01-01, a Thursday) to day, Monday-week or month numbers."""
    if unit == "day":
        return days
    if unit == "week":
        return (days + 3) // 7
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _index_of(day: date, unit: str) -> int:
    return int(_period_index(np.array([(day - date(1970, 1, 1)).days]), unit)[0])


def run_retention(
    columns: Columns, q: RetentionQuery, first: date, last: date
) -> RetentionResult | None:
    if not (_plain(q.start) and _plain(q.returning)) or q.recurring or q.filters or q.breakdown:
        return None
    su, st = columns.pairs(q.start.event or "")
    head = np.r_[True, su[1:] != su[:-1]] if len(su) else np.zeros(0, dtype=bool)
    cohort_of = np.full(columns.users, np.iinfo(np.int64).min, dtype=np.int64)
    cohort_of[su[head]] = _period_index(st[head] // DAY_US, q.period)
    lo, hi = _index_of(first, q.period), _index_of(last, q.period)
    ru, rt = columns.pairs(q.returning.event or "")
    mask = (rt >= epoch_us(day_start(first))) & (rt < epoch_us(day_start(last + timedelta(days=1))))
    ru, rp = ru[mask], _period_index(rt[mask] // DAY_US, q.period)
    cp = cohort_of[ru]
    k = rp - cp
    keep = (cp >= lo) & (cp <= hi) & (k >= 0)
    return _cohort_table(q, first, last, cohort_of, lo, hi, ru[keep], cp[keep], k[keep])


def _cohort_table(q, first, last, cohort_of, lo, hi, uid, cp, k) -> RetentionResult:  # type: ignore[no-untyped-def]
    periods = q.periods
    sizes = np.bincount(
        cohort_of[(cohort_of >= lo) & (cohort_of <= hi)] - lo, minlength=hi - lo + 1
    )
    if q.on_or_after:
        key = np.unique(uid.astype(np.int64))
        best = np.zeros(len(key), dtype=np.int64) - 1
        np.maximum.at(best, np.searchsorted(key, uid), k)
        k_user, c_user = best, cohort_of[key] - lo
        counts = np.zeros((hi - lo + 1, periods), dtype=np.int64)
        for j in range(periods):
            counts[:, j] = np.bincount(c_user[k_user >= j], minlength=hi - lo + 1)
    else:
        inside = k < periods
        pairs = np.unique(uid[inside].astype(np.int64) * periods + k[inside])
        users, ks = pairs // periods, pairs % periods
        flat = (cohort_of[users] - lo) * periods + ks
        counts = np.bincount(flat, minlength=(hi - lo + 1) * periods).reshape(-1, periods)
    starts = [b.date() for b in buckets(first, last, q.period)]
    cohorts = []
    for i, start in enumerate(starts):
        visible = min(periods, hi - lo - i + 1)
        cohorts.append(Cohort(start, int(sizes[i]), tuple(int(v) for v in counts[i, :visible])))
    return RetentionResult(q.period, tuple(cohorts), dates=DateRange(first, last))


def _bucket(ts: np.ndarray, unit: str) -> np.ndarray:
    if unit == "hour":
        return ts // 3_600_000_000
    return _period_index(ts // DAY_US, unit)


def run_trend(
    columns: Columns, q: TrendQuery, first: date, last: date, compare: str
) -> list[TrendSeries] | None:
    shape = all(_plain(s.step) and s.measure in ("events", "users") for s in q.series)
    if not shape or q.filters or q.breakdown or q.formula:
        return None
    slots = buckets(first, last, q.interval)
    start = _bucket(np.array([epoch_us(slots[0])]), q.interval)[0]
    lo, hi = epoch_us(day_start(first)), epoch_us(day_start(last + timedelta(days=1)))
    out = []
    for s in q.series:
        uid, ts = columns.pairs(s.step.event or "")
        mask = (ts >= lo) & (ts < hi)
        b = _bucket(ts[mask], q.interval) - start
        if s.measure == "users":
            u = uid[mask]
            b = b[np.r_[True, (u[1:] != u[:-1]) | (b[1:] != b[:-1])]] if len(b) else b
        counts = np.bincount(b, minlength=len(slots))
        points = tuple(Point(label(t, q.interval), int(counts[i])) for i, t in enumerate(slots))
        out.append(TrendSeries(s.label or s.step.event or "", points, None, compare))
    return out
