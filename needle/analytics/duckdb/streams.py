"""What the index's fast paths read for one step: the (user, time) of the events it matches,
sorted by (user, time), with the code of a breakdown value per event.

Filters are evaluated once per distinct value of their property (the hot properties'
dictionaries, :mod:`needle.analytics.index.props`) by DuckDB with the SQL plans' own condition,
so both paths give every operator one meaning; each event then looks its value's answer up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from needle.analytics.duckdb.expr import condition
from needle.analytics.index import Columns, props
from needle.analytics.index.active import DAY_US, active_days
from needle.analytics.index.derived import number_sql
from needle.analytics.index.props import hot
from needle.analytics.specs import PropertyFilter, Step

PEOPLE_SLICE = 1 << 22  # rows a per-person count handles at a time, so memory stays flat


@dataclass(frozen=True)
class Stream:
    """Events sorted by (uid, time); ``bd`` codes into ``values`` (-1: no value), or None."""

    uid: np.ndarray
    ts: np.ndarray
    bd: np.ndarray | None = None
    values: tuple[str, ...] = ()
    number: np.ndarray | None = None  # a property as a number (NaN: absent or not a number)

    def where(self, keep: np.ndarray) -> Stream:
        bd = None if self.bd is None else self.bd[keep]
        number = None if self.number is None else self.number[keep]
        return Stream(self.uid[keep], self.ts[keep], bd, self.values, number)


def people_slices(uid: np.ndarray) -> list[tuple[int, int]]:
    """[a, b) slices of ``uid`` (sorted) of about :data:`PEOPLE_SLICE` rows, never splitting a
    person: counts of distinct people add up over them."""
    size = PEOPLE_SLICE
    cuts = np.searchsorted(uid, uid[size::size], side="left").tolist()
    return list(pairwise(sorted({0, *cuts, len(uid)})))


def indexable(step: Step, filters: Sequence[PropertyFilter] = ()) -> bool:
    """Whether the index can give the step's events: a named event, event properties only."""
    return step.event is not None and not any(f.person for f in (*step.filters, *filters))


def events(files: Sequence[Path], columns: Columns, step: Step,
           filters: Sequence[PropertyFilter] = (), breakdown: str | None = None,
           number: str | None = None) -> Stream | None:
    """The events of ``step`` that pass ``filters`` too, with the code of their ``breakdown``
    value and their ``number`` property as a number; ``None`` when the index cannot say."""
    if not indexable(step, filters):
        return None
    name = step.event or ""
    conditions = (*step.filters, *filters)
    if name not in columns.names:  # no such events: nothing to read
        none = np.zeros(0, dtype=np.int32)
        return Stream(none, np.zeros(0, dtype=np.int64), None if breakdown is None else none,
                      number=None if number is None else np.zeros(0))
    keys = hot_keys(step, filters, breakdown, number)
    if not keys:
        return Stream(*columns.pairs(name))
    found = hot(files, columns, name, keys)
    if found is None:
        return None
    keep = np.ones(len(found.uid), dtype=bool)
    for f in conditions:
        keep &= matches(found.values[f.key], f)[found.codes[f.key]]
    bd = None if breakdown is None else found.codes[breakdown]
    values = () if breakdown is None else tuple(found.values[breakdown])
    amount = None if number is None else numbers(found.values[number])[found.codes[number]]
    return Stream(found.uid, found.ts, bd, values, amount).where(keep)


def hot_keys(step: Step, filters: Sequence[PropertyFilter] = (), breakdown: str | None = None,
             number: str | None = None) -> list[str]:
    """The properties :func:`events` reads for the step: its filters', the breakdown, the
    number (none: the index's own pairs serve)."""
    keys = [f.key for f in (*step.filters, *filters)]
    return keys + [k for k in (breakdown, number) if k is not None]


def prefetch_steps(files: Sequence[Path], columns: Columns, steps: Sequence[Step],
                   filters: Sequence[PropertyFilter] = (), breakdown: str | None = None) -> None:
    """Read the hot properties every step needs in one pass (see :func:`props.prefetch`);
    the first step's carry ``breakdown``."""
    wanted = [(s.event, hot_keys(s, filters, breakdown if i == 0 else None))
              for i, s in enumerate(steps) if indexable(s, filters)]
    props.prefetch(files, columns, [(e, k) for e, k in wanted if e is not None and k])


def matches(values: list[str], f: PropertyFilter) -> np.ndarray:
    """Whether each value (and, last, the absent value: code -1) passes ``f``."""
    hits = _on_values(values, f"SELECT i FROM d WHERE {condition('v', f)}")["i"]
    out = np.zeros(len(values) + 1, dtype=bool)
    out[np.asarray(hits, dtype=np.int64)] = True
    return out


def numbers(values: list[str]) -> np.ndarray:
    """Each value as the SQL plans read it (:func:`number_sql`), NaN for none; the absent value
    last."""
    rows = _on_values(values, f"SELECT i, {number_sql('v')} AS x FROM d")
    out = np.full(len(values) + 1, np.nan)
    x = np.ma.filled(np.ma.asarray(rows["x"]).astype(float), np.nan)
    out[np.asarray(rows["i"], dtype=np.int64)] = x
    return out


def _on_values(values: list[str], sql: str) -> dict[str, np.ndarray]:
    """``sql`` over ``d(i, v)``: each value with its code, and the absent value (NULL) last."""
    table = pa.table({"i": pa.array(range(len(values) + 1), pa.int64()),
                      "v": pa.array([*values, None], pa.string())})
    con = duckdb.connect()
    try:
        con.register("d", table)
        return con.sql(sql).fetchnumpy()
    finally:
        con.close()


def days(files: Sequence[Path], columns: Columns, step: Step,
         filters: Sequence[PropertyFilter] = ()) -> tuple[np.ndarray, np.ndarray] | None:
    """(uid, day number) of the step's events, sorted, with repeats; "any event" without
    filters reads the index's active days."""
    if step.event is None and not step.filters and not filters:
        return active_days(columns)
    found = events(files, columns, step, filters)
    if found is None:
        return None
    return found.uid, found.ts // DAY_US
