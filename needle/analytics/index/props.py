"""Hot properties: the properties queries filter and break down on, held beside the columnar
cache, dictionary-encoded, per event name.

PostHog materialises its most used properties as columns; here the choice is made by the
queries themselves: the first query that filters or breaks down an event name on some keys
reads those keys out of the lake's JSON once (DuckDB's ``json_extract_string``, the same text
the SQL plans compare), and every later query reads small integer codes instead. Saved with the
users and times they belong to (:mod:`.derived`): an import that extends the cache adds only
the new files' rows, with their new strings appended to each dictionary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from needle.analytics.index import derived, flags
from needle.analytics.index.store import Columns


@dataclass(frozen=True)
class Hot:
    """Every event of one name, sorted by (uid, time), with the code of each key's value
    (-1: absent) and each key's dictionary of values."""

    uid: np.ndarray
    ts: np.ndarray
    codes: dict[str, np.ndarray]
    values: dict[str, list[str]]


def hot(files: Sequence[Path], columns: Columns, event: str, keys: Sequence[str]) -> Hot | None:
    """The events named ``event`` with the values of ``keys``; ``None`` when the cache cannot
    map the lake's users or its time keys do not fit 64 bits."""
    keys = sorted(set(keys))
    if not columns.span:
        return None
    path = derived.saved_path(columns, "hot", [event, keys])
    saved, covered = derived.load(path, columns)
    todo = [f for f in files if str(f) not in covered]
    if saved is None or todo:
        found = _read(todo, columns, [event], keys)
        if found is None:
            return None
        saved = _store(path, columns, keys, found[event], saved)
    out = _as_hot(saved, keys)
    return out if len(out.uid) == len(columns.pairs(event)[0]) else None


def prefetch(files: Sequence[Path], columns: Columns, wanted: Sequence[tuple[str, Sequence[str]]]
             ) -> None:
    """Read the hot properties of several event names in one pass over the lake (a funnel
    filters every step): each pass reads every row's JSON page, so one pass for four names
    takes about a quarter of four. Names whose values are saved already are left out."""
    if not columns.span:
        return
    todo: dict[str, tuple[Path, list[str], dict[str, np.ndarray] | None]] = {}
    missing: set[tuple[str, ...]] = set()
    for event, keys in wanted:
        sorted_keys = sorted(set(keys))
        path = derived.saved_path(columns, "hot", [event, sorted_keys])
        saved, covered = derived.load(path, columns)
        files_todo = tuple(str(f) for f in files if str(f) not in covered)
        if (saved is None or files_todo) and event in columns.names and event not in todo:
            todo[event] = (path, sorted_keys, saved)
            missing.add(files_todo)
    if len(todo) < 2 or len(missing) != 1:  # one name, or names missing different files
        return
    every = sorted({k for _, keys, _ in todo.values() for k in keys})
    found = _read([Path(f) for f in missing.pop()], columns, list(todo), every)
    if found is None:
        return
    for event, (path, keys, saved) in todo.items():
        _store(path, columns, keys, found[event], saved)


def _store(path: Path, columns: Columns, keys: list[str], found: Hot,
           saved: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    """``found`` merged into what was ``saved``, in (uid, time) order, saved at ``path``."""
    order: slice | np.ndarray = slice(None)  # rows read are in (uid, time) order; merged: sorted
    if saved is not None:
        found = _merge(_as_hot(saved, keys), found, keys)
        order = np.argsort(columns.key(found.uid, found.ts), kind="stable")
    arrays = {"uid": found.uid[order], "ts": found.ts[order]}
    for i, key in enumerate(keys):
        arrays[f"c{i}"] = found.codes[key][order]
        arrays[f"v{i}"] = np.array(found.values[key], dtype=str)
    derived.save(path, arrays, columns)
    return arrays


def _as_hot(arrays: dict[str, np.ndarray], keys: list[str]) -> Hot:
    return Hot(np.asarray(arrays["uid"]), np.asarray(arrays["ts"]),
               {k: np.asarray(arrays[f"c{i}"]) for i, k in enumerate(keys)},
               {k: [str(v) for v in arrays[f"v{i}"].tolist()] for i, k in enumerate(keys)})


def _read(files: Sequence[Path], columns: Columns, events: list[str], keys: list[str]
          ) -> dict[str, Hot] | None:
    """Each of ``events``' rows with the values of ``keys``, per event name."""
    select = ", ".join(f"json_extract_string(properties, ?) AS p{i}" for i in range(len(keys)))
    read = derived.read_events(files, columns, events,
                               (select, [derived.key_path(k) for k in keys]))
    if read is None:
        return None
    # every name's rows share the dictionaries: values of other names are never looked up
    encoded = [flags.codes(read.table[f"p{i}"]) for i in range(len(keys))]
    ordered = [read.ordered(codes) for codes, _ in encoded]
    return {event: Hot(*read.pairs(event),
                       {k: by_name[event] for k, by_name in zip(keys, ordered, strict=True)},
                       {k: v for k, (_, v) in zip(keys, encoded, strict=True)})
            for event in events}


def _merge(old: Hot, new: Hot, keys: list[str]) -> Hot:
    """Both sets of rows, ``new``'s codes translated into the joint dictionaries."""
    codes, values = {}, {}
    for key in keys:
        values[key], mapping = flags.union(old.values[key], new.values[key])
        codes[key] = np.concatenate([old.codes[key], flags.translate(new.codes[key], mapping)])
    return Hot(np.concatenate([old.uid, new.uid]), np.concatenate([old.ts, new.ts]), codes,
               values)
