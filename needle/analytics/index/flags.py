"""Feature-flag exposures in the columnar cache: PostHog's ``$feature_flag_called`` events with
their flag and response read out of the JSON once, when the cache is built or extended.

Experiments on flags (the usual case: PostHog's SDKs send this event whenever code reads a flag)
then find their exposed users without parsing JSON, as funnels find their steps. Rows are
(uid, µs, flag code, response code), sorted by flag code only (nothing needs more order); the
codes index the string lists in ``flags.json``. A null flag is code -1; events without a
response are left out (an experiment ignores them).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

EVENT = "$feature_flag_called"
FLAG = "$feature_flag"
RESPONSE = "$feature_flag_response"
ARRAYS = ("uid", "us", "flag", "response")
PARALLEL_ROWS = 1 << 20  # values per half past which strings are encoded on two threads


@dataclass(frozen=True)
class FlagExposures:
    """Every flag exposure in the cache, sorted by flag code."""

    uid: np.ndarray
    us: np.ndarray
    flag: np.ndarray
    response: np.ndarray
    flags: list[str]
    responses: list[str]

    def of(self, flag: str | None) -> FlagExposures:
        """The exposures to ``flag`` (``None``: to every flag)."""
        if flag is None:
            return self
        code = self.flags.index(flag) if flag in self.flags else len(self.flags)
        lo, hi = np.searchsorted(self.flag, [code, code + 1])
        return FlagExposures(self.uid[lo:hi], self.us[lo:hi], self.flag[lo:hi],
                             self.response[lo:hi], self.flags, self.responses)


def query(con: duckdb.DuckDBPyConnection, source: str, users: str,
          params: list[object] | None = None) -> FlagExposures:
    """The flag exposures in ``source`` (a relation of lake rows), users numbered by ``users``
    (a relation of distinct_id, uid)."""
    table = con.sql(f"""
        SELECT * FROM (
          SELECT u.uid, epoch_us(e.timestamp) AS us,
                 json_extract_string(e.properties, '$."{FLAG}"') AS flag,
                 json_extract_string(e.properties, '$."{RESPONSE}"') AS response
          FROM {source} e JOIN {users} u USING (distinct_id) WHERE e.event = '{EVENT}')
        WHERE response IS NOT NULL""", params=params).to_arrow_table()
    flag, flags = codes(table["flag"])
    response, responses = codes(table["response"])
    return _sorted(table["uid"].to_numpy(), table["us"].to_numpy(), flag, response, flags,
                   responses)


def merge(old: FlagExposures, new: FlagExposures) -> FlagExposures:
    """Both sets of exposures, with ``new``'s codes translated into the joint string lists."""
    flags, flag_map = union(old.flags, new.flags)
    responses, response_map = union(old.responses, new.responses)
    return _sorted(np.concatenate([old.uid, new.uid]), np.concatenate([old.us, new.us]),
                   np.concatenate([old.flag, translate(new.flag, flag_map)]),
                   np.concatenate([old.response, translate(new.response, response_map)]),
                   flags, responses)


def save(root: Path, found: FlagExposures) -> None:
    for name in ARRAYS:
        np.save(root / f"flag_{name}.npy", getattr(found, name))
    (root / "flags.json").write_text(
        json.dumps({"flags": found.flags, "responses": found.responses}), encoding="utf-8")


def load(root: Path) -> FlagExposures:
    names = json.loads((root / "flags.json").read_text(encoding="utf-8"))
    uid, us, flag, response = (np.asarray(np.load(root / f"flag_{name}.npy", mmap_mode="r"))
                               for name in ARRAYS)
    return FlagExposures(uid, us, flag, response, names["flags"], names["responses"])


def codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Strings as int32 codes into their distinct values, in order of first appearance (null:
    -1). Long columns are encoded in two halves on two threads (Arrow's hashing releases the
    GIL), the second half's codes then moved into the joint dictionary."""
    half = len(column) // 2
    if half < PARALLEL_ROWS:
        indices, dictionary = _encoded(column)
        return indices, dictionary.to_pylist()
    with ThreadPoolExecutor(2) as pool:
        (first, seen), (second, more) = pool.map(_encoded, [column[:half], column[half:]])
    joint = pc.unique(pa.concat_arrays([seen, more]))
    mapping = pc.index_in(more, value_set=joint).to_numpy(zero_copy_only=False)
    return (np.concatenate([first, translate(second, mapping.astype(np.int32))]),
            joint.to_pylist())


def _encoded(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    encoded = pc.dictionary_encode(column).combine_chunks()
    indices = pc.fill_null(encoded.indices, -1).to_numpy()
    return indices.astype(np.int32, copy=False), encoded.dictionary


def union(old: list[str], new: list[str]) -> tuple[list[str], np.ndarray]:
    """``old`` followed by the strings only ``new`` has, and each of ``new``'s codes in it."""
    index = {s: i for i, s in enumerate(old)}
    joint = old + [s for s in new if s not in index]
    index.update((s, i) for i, s in enumerate(joint))
    return joint, np.array([index[s] for s in new], dtype=np.int32)


def translate(codes: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    return np.where(codes < 0, codes, mapping[np.maximum(codes, 0)] if len(mapping) else codes)


def _sorted(uid: np.ndarray, us: np.ndarray, flag: np.ndarray, response: np.ndarray,
            flags: list[str], responses: list[str]) -> FlagExposures:
    order = np.argsort(flag, kind="stable")  # a full (flag, uid, us) sort took seconds
    return FlagExposures(uid[order].astype(np.int32), us[order].astype(np.int64), flag[order],
                         response[order].astype(np.int32), flags, responses)
