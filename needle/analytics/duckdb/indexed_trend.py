"""Trends answered from the event index: counts, distinct people and property sums, averages,
minima and maxima per bucket, with filters, a top-N breakdown and formulas, as the SQL plan
(:mod:`.trend`) gives them; ``None`` for the shapes it leaves to SQL (quantiles, per-person
averages, person filters, "any event" with filters or a breakdown, distinct people per hour of
any event)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from needle.analytics.duckdb.indexed_funnel import distinct_sorted
from needle.analytics.duckdb.streams import Stream, events, people_slices
from needle.analytics.index.active import DAY_US, active_days
from needle.analytics.index.store import Columns
from needle.analytics.periods import buckets, day_start, epoch_us, label
from needle.analytics.results import Point, TrendSeries
from needle.analytics.shaping import OTHER, breakdown_order, formula_series, series_label
from needle.analytics.specs import PROPERTY_MEASURES, Series, TrendQuery

MEASURES = ("events", "users", "sum", "avg", "min", "max")
Values = list[float | int | None]


def period_index(days: np.ndarray, unit: str) -> np.ndarray:
    """Day numbers (since 1970-01-01, a Thursday) to day, Monday-week or month numbers."""
    if unit == "day":
        return days
    if unit == "week":
        return (days + 3) // 7
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def bucket(ts: np.ndarray, unit: str) -> np.ndarray:
    if unit == "hour":
        return ts // 3_600_000_000
    return period_index(ts // DAY_US, unit)


def run_trend(files: Sequence[Path], columns: Columns, q: TrendQuery, first: date, last: date,
              compare: str) -> list[TrendSeries] | None:
    slots = buckets(first, last, q.interval)
    span = (epoch_us(day_start(first)), epoch_us(day_start(last + timedelta(days=1))))
    start = int(bucket(np.array([epoch_us(slots[0])]), q.interval)[0])
    table: dict[tuple[int, str | None], TrendSeries] = {}
    for i, s in enumerate(q.series):
        groups = _series(files, columns, q, s, span, start, len(slots))
        if groups is None:
            return None
        empty: Values = [0 if s.measure in ("events", "users", "sum") else None] * len(slots)
        for value in sorted(groups, key=breakdown_order) if q.breakdown else [None]:
            values = groups.get(value, empty)
            points = tuple(Point(label(t, q.interval), values[n]) for n, t in enumerate(slots))
            table[i, value] = TrendSeries(series_label(s), points, value, compare)
    out = list(table.values())
    if q.formula:
        out += formula_series(q, table, compare)
    return out


def _series(files: Sequence[Path], columns: Columns, q: TrendQuery, s: Series,
            span: tuple[int, int], start: int, n: int) -> dict[str | None, Values] | None:
    """Per breakdown value (``None`` without one), the series' value in each bucket."""
    if s.measure not in MEASURES:
        return None
    if s.step.event is None:
        if q.breakdown or q.filters or s.step.filters or s.measure not in ("events", "users"):
            return None
        return _any_event(columns, s.measure, q.interval, span, start, n)
    number = s.property if s.measure in PROPERTY_MEASURES else None
    found = events(files, columns, s.step, q.filters, q.breakdown, number)
    if found is None:
        return None
    found = found.where((found.ts >= span[0]) & (found.ts < span[1]))
    b = bucket(found.ts, q.interval) - start
    if not q.breakdown:
        return {None: _measure(s.measure, found, 0, b, 1, n)[0]}
    names, group = _groups(s.measure, found, q.breakdown_limit)
    rows = _measure(s.measure, found, group, b, len(names), n)
    present = np.bincount(group, minlength=len(names))
    return {name: rows[g] for g, name in enumerate(names) if present[g]}


def _groups(measure: str, found: Stream, limit: int) -> tuple[list[str | None], np.ndarray]:
    """The breakdown values kept (the top ``limit`` by the measure over the whole range, then
    by value, absent last; the rest together as ``$other``) and each event's group."""
    assert found.bd is not None
    code = found.bd + 1  # 0: absent
    size = len(found.values) + 1
    totals = _measure(measure, found, code, 0, size, 1)
    names: list[str | None] = [None, *found.values]
    seen = np.flatnonzero(np.bincount(code, minlength=size)).tolist()
    ranked = sorted(seen, key=lambda c: (totals[c][0] is None, -(totals[c][0] or 0),
                                         names[c] is None, names[c] or ""))
    top = ranked[: limit + 1]
    if len(top) <= limit:
        return names, code
    keep = top[:limit]
    to_group = np.full(size, limit, dtype=code.dtype)
    to_group[keep] = np.arange(limit)
    return [names[c] for c in keep] + [OTHER], to_group[code]


def _measure(measure: str, found: Stream, group: np.ndarray | int, b: np.ndarray | int,
             groups: int, n: int) -> list[Values]:
    """The measure per (group, bucket) (each an array per event, or one for all), as lists
    per group; buckets without events get the value the SQL plan fills in (0 for counts and
    sums, else None)."""
    cell = np.broadcast_to(np.asarray(group * n + b, dtype=np.int64), found.uid.shape)
    size = groups * n
    rows = np.bincount(cell, minlength=size)
    if measure == "events":
        out: np.ndarray = rows.astype(object)
    elif measure == "users":
        out = _distinct_users(found.uid, cell, size, sorted_cells=groups == 1).astype(object)
    else:
        out = _numeric(measure, found.number, cell, size, rows)
    return [out[g * n:(g + 1) * n].tolist() for g in range(groups)]


def _distinct_users(uid: np.ndarray, cell: np.ndarray, size: int, sorted_cells: bool
                    ) -> np.ndarray:
    """Distinct people per cell. Events come sorted by (uid, time), so without groups a
    person's cells ascend and distinct pairs are changes from the previous event; with groups
    the (person, cell) keys are sorted first (NumPy's hashing unique took seconds here), a
    slice of people at a time."""
    if sorted_cells:
        fresh = np.r_[True, (uid[1:] != uid[:-1]) | (cell[1:] != cell[:-1])] if len(uid) else []
        return np.bincount(cell[np.asarray(fresh, dtype=bool)], minlength=size)
    counts = np.zeros(size, dtype=np.int64)
    for a, b in people_slices(uid):
        key = distinct_sorted(np.sort(uid[a:b].astype(np.int64) * size + cell[a:b]))
        counts += np.bincount(key % size, minlength=size)
    return counts


def _numeric(measure: str, number: np.ndarray | None, cell: np.ndarray, size: int,
             rows: np.ndarray) -> np.ndarray:
    """sum, avg, min or max of the numbers per cell: NULL (None) where a cell's events have no
    number, and a sum of 0 where the cell has no events, as SQL's aggregates and zero-fill."""
    assert number is not None
    ok = ~np.isnan(number)
    x, c = number[ok], cell[ok]
    counted = np.bincount(c, minlength=size)
    if measure in ("sum", "avg"):
        total = np.bincount(c, weights=x, minlength=size)
        value = total if measure == "sum" else total / np.maximum(counted, 1)
    else:
        fill = np.inf if measure == "min" else -np.inf
        value = np.full(size, fill)
        (np.minimum if measure == "min" else np.maximum).at(value, c, x)
    out = value.astype(object)
    out[counted == 0] = None
    if measure == "sum":
        out[rows == 0] = 0
    return out


def _any_event(columns: Columns, measure: str, interval: str, span: tuple[int, int],
               start: int, n: int) -> dict[str | None, Values] | None:
    """Every event: counts added up name by name; distinct people from their active days."""
    if measure == "events":
        counts = np.zeros(n, dtype=np.int64)
        for name in columns.names:
            ts = columns.pairs(name)[1]
            ts = ts[(ts >= span[0]) & (ts < span[1])]
            counts += np.bincount(bucket(ts, interval) - start, minlength=n)
        return {None: counts.astype(object).tolist()}
    if interval == "hour":
        return None
    uid, day = active_days(columns)
    inside = (day >= span[0] // DAY_US) & (day < span[1] // DAY_US)
    b = period_index(day[inside].astype(np.int64), interval) - start
    users = _distinct_users(uid[inside], b, n, sorted_cells=True)
    return {None: users.astype(object).tolist()}
