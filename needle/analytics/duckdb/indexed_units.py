"""Experiment metrics per unit from the columnar cache, by binary search.

Why by hand: the SQL plan joins every metric event to its unit's exposure each time; the cache
already holds each event name's (user, time) keys sorted, so a unit's events in its window are
one ``searchsorted`` pair, and a sum metric adds the property values of that run
(:mod:`.values`). Feature-flag exposures are in the cache too; other exposures come from DuckDB
(they need the exposure event's properties), once per lake file: they are saved and extended as
the cache is. The rows have the SQL plan's shape and values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from needle.analytics.index import derived, flags
from needle.analytics.index.store import Columns
from needle.analytics.index.values import event_values
from needle.analytics.specs import ExperimentQuery, UnitMetric


@dataclass(frozen=True)
class Exposed:
    """One entry per exposed unit, sorted by uid: first exposure (µs) and the lowest and highest
    variant code (into ``names``) its exposures carried."""

    uid: np.ndarray
    us: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    names: list[str]

    @property
    def code(self) -> np.ndarray:
        """The unit's variant, or -1 when it was seen in several (the SQL plan's mixed units)."""
        return np.where(self.lo == self.hi, self.lo, -1)


def exposures(files: Sequence[Path], columns: Columns, event: str, variant_property: str,
              filters: Sequence[tuple[str, str]]) -> Exposed | None:
    """The exposed units. Flag exposures (PostHog's event, response and flag filter) are in the
    cache already. Others are read from the lake's JSON and saved per definition with the lake
    files they cover: the same state of the lake reads no JSON again, and after an import that
    extended the cache (so uids are unchanged) only the added files are read and merged in."""
    if _is_flag_definition(event, variant_property, filters):
        flagged = columns.flag_exposures().of(next((value for _, value in filters), None))
        return _group(flagged.uid, flagged.us, flagged.response, flagged.responses,
                      columns.users, None)
    path = derived.saved_path(columns, "exposures", [event, variant_property, sorted(filters)])
    saved, covered = derived.load(path, columns)
    prior = None if saved is None else Exposed(saved["uid"], saved["us"], saved["lo"],
                                               saved["hi"], saved["names"].tolist())
    todo = [f for f in files if str(f) not in covered]
    if prior is not None and not todo:
        return prior
    found = _query_exposures(todo, columns, event, variant_property, filters, prior)
    if found is not None:
        derived.save(path, {"uid": found.uid, "us": found.us, "lo": found.lo, "hi": found.hi,
                         "names": np.array(found.names, dtype=str)}, columns)
    return found


def _is_flag_definition(event: str, variant_property: str,
                        filters: Sequence[tuple[str, str]]) -> bool:
    """Whether the definition is a flag's exposures: PostHog's event and response, filtered on
    one flag or none (another key, or two flags at once, take the JSON path)."""
    return (event == flags.EVENT and variant_property == flags.RESPONSE
            and all(key == flags.FLAG for key, _ in filters) and len(set(filters)) <= 1)


def _query_exposures(files: Sequence[Path], columns: Columns, event: str, variant_property: str,
                     filters: Sequence[tuple[str, str]], prior: Exposed | None) -> Exposed | None:
    """The exposed units of ``prior`` and ``files``; ``None`` when the cache has no
    collision-free user hashes. DuckDB filters and extracts (the JSON is the costly part); units
    are grouped here."""
    params: list[Any] = [event]
    where = "".join(" AND json_extract_string(properties, ?) = ?" for _ in filters)
    for key, value in filters:
        params += [derived.key_path(key), value]
    read = derived.read_rows(
        files, columns, ("json_extract_string(properties, ?) AS variant",
                         [derived.key_path(variant_property)]),
        (f"event = ?{where} AND variant IS NOT NULL", params))
    if read is None:
        return None
    uid, table = read
    code, variants = flags.codes(table["variant"])
    return _group(uid, table["us"].to_numpy(), code, variants, columns.users, prior)


def _group(uid: np.ndarray, us: np.ndarray, code: np.ndarray, variants: list[str], users: int,
           prior: Exposed | None) -> Exposed:
    """Exposures (unit ``uid``, time ``us``, variant ``variants[code]``), merged into
    ``prior``, to one entry per unit in uid order.

    uids are dense (0 to ``users``), so per-unit minima and maxima go straight into arrays
    indexed by uid: no sort."""
    names = list(prior.names) if prior is not None else []
    index = {name: i for i, name in enumerate(names)}
    for name in variants:
        if name not in index:
            index[name] = len(names)
            names.append(name)
    remap = np.array([index[n] for n in variants], dtype=np.int32)
    code = remap[code] if len(remap) else np.zeros(0, dtype=np.int32)
    first = np.full(users, np.iinfo(np.int64).max)
    lo, hi = np.full(users, len(names), dtype=np.int32), np.full(users, -1, dtype=np.int32)
    if prior is not None:
        first[prior.uid], lo[prior.uid], hi[prior.uid] = prior.us, prior.lo, prior.hi
    np.minimum.at(first, uid, us)
    np.minimum.at(lo, uid, code)
    np.maximum.at(hi, uid, code)
    units = np.flatnonzero(hi >= 0)
    return Exposed(units.astype(np.int32), first[units], lo[units], hi[units], names)


def _micros(days: float) -> int:
    """``CAST(days * 86400e6 AS BIGINT)`` as DuckDB computes it (rounding half to even)."""
    return round(days * 86400e6)


def _window(columns: Columns, uid: np.ndarray, start: np.ndarray, m: UnitMetric
            ) -> tuple[np.ndarray, np.ndarray]:
    """Where each unit's events named ``m.event`` in its window start and stop in the event's
    keys (stop >= start): [start, start + days] for conversion, count and sum (no end without
    days), [start + day, start + day + 1 day) for retention, as the SQL plan computes them."""
    keys = columns.keys(m.event)
    last = columns.tmin + columns.span - 1  # no event is later: clamped keys stay in uid's range
    if m.kind == "retention":
        day = _micros(m.days or 0.0)
        lo_t, hi_t, closed = start + day, start + _micros((m.days or 0.0) + 1), False
    else:
        lo_t, closed = start, True
        hi_t = np.full_like(start, last) if m.days is None else start + _micros(m.days)
    lo = np.searchsorted(keys, columns.key(uid, np.minimum(lo_t, last + 1)), side="left")
    hi = (np.searchsorted(keys, columns.key(uid, np.minimum(hi_t, last)), side="right") if closed
          else np.searchsorted(keys, columns.key(uid, np.minimum(hi_t, last + 1)), side="left"))
    return lo, np.maximum(hi, lo)


def _counts(columns: Columns, uid: np.ndarray, start: np.ndarray, m: UnitMetric) -> np.ndarray:
    """Events of each unit in its window."""
    lo, hi = _window(columns, uid, start, m)
    return (hi - lo).astype(np.int64)


def _sums(columns: Columns, values: np.ndarray, uid: np.ndarray, start: np.ndarray,
          m: UnitMetric) -> np.ndarray:
    """The property ``values`` (in key order) of each unit's events in its window, added up
    one by one in time order (a difference of running totals would lose digits)."""
    lo, hi = _window(columns, uid, start, m)
    if not len(lo):
        return np.zeros(0)
    # the windows are disjoint and in key order, so [lo, hi) pairs are one ascending index list
    edges = np.column_stack([lo, hi]).ravel()
    totals = np.add.reduceat(np.append(values, 0.0), edges)[0::2]
    return np.where(hi > lo, totals, 0.0)


def _metric(files: Sequence[Path], columns: Columns, found: Exposed, m: UnitMetric
            ) -> np.ndarray | None:
    """Each exposed unit's value of ``m``; ``None`` when the SQL plan must run instead."""
    if m.kind != "sum":
        counts = derived.in_parallel(columns.threads, partial(_counts, columns, m=m), found.uid,
                                  found.us)
        return np.minimum(counts, 1) if m.binary else counts
    values = event_values(files, columns, m.event, m.property_name or "")
    if values is None:
        return None
    return derived.in_parallel(columns.threads, partial(_sums, columns, values, m=m), found.uid,
                            found.us)


def per_variant_rows(files: Sequence[Path], columns: Columns, q: ExperimentQuery
                     ) -> list[tuple[Any, ...]] | None:
    """Rows as the SQL plan returns them: variant, n, first and last exposure (epoch seconds),
    then each metric's sum and sum of squares; variants sorted, mixed units (None) last.
    ``None`` when the SQL plan must run instead."""
    x = q.exposure
    found = exposures(files, columns, x.event, x.variant_property, x.filters)
    if found is None:
        return None
    measured = [_metric(files, columns, found, m) for m in q.metrics]
    values = [v for v in measured if v is not None]
    if len(values) < len(measured):
        return None
    group = found.code + 1  # 0: units seen in several variants
    size = len(found.names) + 1
    counts = np.bincount(group, minlength=size)
    sums = [(np.bincount(group, v, size), np.bincount(group, v * v, size)) for v in values]
    order = [1 + k for k in sorted(range(len(found.names)), key=lambda k: found.names[k])] + [0]
    rows = []
    for g in (g for g in order if counts[g]):
        seen = found.us[group == g]
        # epoch seconds as DuckDB's epoch() computes them: the µs count divided as a double
        rows.append((found.names[g - 1] if g else None, float(counts[g]), float(seen.min() / 1e6),
                     float(seen.max() / 1e6), *(float(x[g]) for pair in sums for x in pair)))
    return rows
