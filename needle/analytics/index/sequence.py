"""Each person's full event sequence, kept beside the index: the order of every event by
(user, time, uuid), the order the SQL plans give ``row_number()`` over a person's events.

The index holds events per name; strict funnels need to know whether two events of a person are
consecutive among all their events. Two permutations answer that without reading any names:
``position`` (an index row's place in the global order) and ``row`` (the index row at a place).
Two events of one person are consecutive iff their positions differ by one, and the event after
position ``p`` is of name ``n`` iff ``row[p + 1]`` falls in ``n``'s range of the index.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def index_dtype(n: int) -> type[np.signedinteger]:
    """The narrowest signed integer that numbers ``n`` rows (halves the arrays below 2**31)."""
    return np.int32 if n < 2**31 else np.int64


def by_name(code: np.ndarray, names: int) -> np.ndarray:
    """The permutation grouping events given in global order by their name's code, each name's
    events staying in global order: ``layout[i]`` is the global place of index row ``i``."""
    small = code.astype(np.int16) if names < 2**15 else code  # 16-bit keys: a radix sort
    return np.argsort(small, kind="stable").astype(index_dtype(len(code)))


def inverse(permutation: np.ndarray) -> np.ndarray:
    out = np.empty_like(permutation)
    out[permutation] = np.arange(len(permutation), dtype=permutation.dtype)
    return out


def save(root: Path, position: np.ndarray, row: np.ndarray) -> None:
    np.save(root / "position.npy", position)
    np.save(root / "row.npy", row)


def merged_rows(old_rows: np.ndarray, old_keys: np.ndarray, new_rows: np.ndarray,
                new_keys: np.ndarray) -> np.ndarray | None:
    """The global order after an import, as index rows: the old events (``old_rows``, their
    keys ``old_keys``, both in the old global order) merged with the added ones (in their own
    global order). ``None`` when an added event has the same (user, time) as an old one: which
    comes first depends on uuids the index does not hold, so the index is built again."""
    where = np.searchsorted(old_keys, new_keys, side="left")
    inside = where < len(old_keys)
    if (old_keys[where[inside]] == new_keys[inside]).any():
        return None
    return np.insert(old_rows, where, new_rows)
