"""Extending the columnar cache with the files an import added, instead of rebuilding it.

An import only adds files to the lake (compaction replaces some, and then the cache is rebuilt),
so the cache of a subset of today's files can take in the new files' events: people seen for the
first time get the next uids, and each event name's sorted keys take the new keys in one merge
(binary search, then insert) instead of a sort of every event again.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from needle.analytics.index import flags, places, sequence
from needle.analytics.index.store import (
    LAYOUT,
    LOCATION,
    connection,
    key_span,
    make_keys,
    save_user_hashes,
    write_meta,
)


def base_for(cache_dir: Path, files: Sequence[Path]) -> Path | None:
    """A finished cache of the same layout made from some, not all, of ``files``."""
    wanted = {str(p) for p in files}
    for root in sorted(cache_dir.glob("columns-*")):
        path = root / "meta.json"
        if root.suffix == ".tmp" or not path.exists():
            continue
        meta = json.loads(path.read_text(encoding="utf-8"))
        if meta.get("layout") == LAYOUT and meta["span"] and set(meta["files"]) < wanted:
            return root
    return None


def extend(base: Path, root: Path, files: Sequence[Path]) -> bool:
    """Write at ``root`` the cache of ``files`` from the cache at ``base`` and the added files;
    False (nothing written) when the new keys would not fit 64 bits or there are no events."""
    meta = json.loads((base / "meta.json").read_text(encoding="utf-8"))
    added = sorted(str(p) for p in files if str(p) not in set(meta["files"]))
    tmp = root.with_name(root.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    located = places.located(base)
    rows, fresh, hashes, flagged = _added_rows(base, tmp, added, meta["users"], len(located))
    users = meta["users"] + len(fresh)
    old_times = (meta["tmin"], meta["tmin"] + meta["span"] - 1) if meta["days"] else None
    times = _times(old_times, rows["ts"])
    span = key_span(users, *times) if times else 0
    if not times or not span:
        shutil.rmtree(tmp)
        return False
    pq.write_table(pa.concat_tables([pq.read_table(base / "users.parquet"), fresh]),
                   tmp / "users.parquet")
    ranges, people, moved, placed = _merge(base, tmp, meta, rows, times[0], span)
    if not _merge_sequence(base, tmp, rows["grouping"], moved, placed):
        shutil.rmtree(tmp)
        return False
    files_added = [(path, pq.read_metadata(path).num_rows) for path in added]
    places.write(tmp, located + files_added, places.extended(
        np.load(base / "lake_rows.npy", mmap_mode="r"), moved, located, files_added,
        rows["loc"], placed))
    _merge_hashes(base, tmp, hashes)
    flags.save(tmp, flags.merge(flags.load(base), flagged))
    write_meta(tmp, files, ranges, people, users, times, meta["lineage"])
    os.replace(tmp, root)
    return True


def _added_rows(base: Path, tmp: Path, added: list[str], known: int, numbered: int
                ) -> tuple[dict[str, np.ndarray], pa.Table, dict[str, np.ndarray],
                           flags.FlagExposures]:
    """The added files' (event, uid, ts) grouped by name, each name's in (uid, time, uuid)
    order, with ``grouping`` (the place of each row in the added events' own such order); the
    new people (in uid order), their hashes, and the added flag exposures.

    New people are numbered from ``known`` on, in ``distinct_id`` order; the added files from
    ``numbered`` on, in their order."""
    con = connection(tmp / "spill")
    try:
        con.execute("CREATE TEMP TABLE old AS SELECT distinct_id, file_row_number::INTEGER AS uid "
                    "FROM read_parquet(?, file_row_number = true)", [str(base / "users.parquet")])
        con.execute(f"""CREATE TEMP TABLE fresh AS
            SELECT distinct_id, ({known} + row_number() OVER (ORDER BY distinct_id) - 1)::INTEGER
                   AS uid
            FROM (SELECT DISTINCT distinct_id FROM read_parquet(?)
                  EXCEPT SELECT distinct_id FROM old)""", [added])
        fresh = con.sql("SELECT distinct_id FROM fresh ORDER BY uid").to_arrow_table()
        hashes = con.sql("SELECT hash(distinct_id) AS h, uid FROM fresh").fetchnumpy()
        table = con.sql(
            f"SELECT e.event, u.uid, epoch_us(e.timestamp) AS ts, ({LOCATION}) + "
            f"({numbered}::UBIGINT << 32) AS loc FROM read_parquet(?, file_row_number = true) e "
            "JOIN (SELECT * FROM old UNION ALL SELECT * FROM fresh) u USING (distinct_id) "
            "ORDER BY u.uid, ts, e.uuid", params=[added]).to_arrow_table()
        flagged = flags.query(con, "read_parquet(?)",
                              "(SELECT * FROM old UNION ALL SELECT * FROM fresh)", [added])
    finally:
        con.close()
    shutil.rmtree(tmp / "spill", ignore_errors=True)
    # names as codes into their sorted list (Arrow encodes in C; NumPy would box every string)
    event = pc.dictionary_encode(table["event"]).combine_chunks()
    seen = event.dictionary.to_pylist()
    names = sorted(seen)
    code_of = {n: i for i, n in enumerate(names)}
    rank = np.array([code_of[n] for n in seen], dtype=np.int64)
    code = rank[event.indices.to_numpy()] if len(table) else np.zeros(0, dtype=np.int64)
    grouping = sequence.by_name(code, len(names))
    rows = {"names": np.array(names, dtype=object), "code": code[grouping],
            "uid": table["uid"].to_numpy()[grouping], "ts": table["ts"].to_numpy()[grouping],
            "loc": table["loc"].to_numpy()[grouping], "grouping": grouping}
    return rows, fresh, hashes, flagged


def _times(old: tuple[int, int] | None, ts: np.ndarray) -> tuple[int, int] | None:
    """First and last event time (µs) of the old cache and the added rows together."""
    if not len(ts):
        return old
    lo, hi = int(ts.min()), int(ts.max())
    return (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))


def _merge(base: Path, tmp: Path, meta: dict, rows: dict[str, np.ndarray], tmin: int, span: int
           ) -> tuple[dict[str, tuple[int, int]], dict[str, int], np.ndarray, np.ndarray]:
    """Each event name's old and new keys merged in key order, written name after name; also
    where each old row and each added row went."""
    counts = np.bincount(rows["code"], minlength=len(rows["names"]))
    new = {str(n): (int(b - c), int(b)) for n, c, b in
           zip(rows["names"], counts, np.cumsum(counts), strict=True)}
    old = {n: tuple(r) for n, r in meta["names"].items()}
    total = meta["rows"] + len(rows["code"])
    # written name after name through plain files: pages mapped for writing would count in
    # the process's memory until the end
    out = {name: _npy_writer(tmp / f"{name}.npy", dtype, total) for name, dtype in
           (("uid", np.int32), ("ts", np.int64), ("key", np.uint64))}
    arrays = {name: np.load(base / f"{name}.npy", mmap_mode="r") for name in ("uid", "ts")}
    ranges, people, at = {}, {}, 0
    moved = np.empty(meta["rows"], dtype=sequence.index_dtype(total))
    placed = np.empty(len(rows["code"]), dtype=moved.dtype)
    for name in sorted(old.keys() | new.keys()):
        a, b = old.get(name, (0, 0))
        c, d = new.get(name, (0, 0))
        before = make_keys(arrays["uid"][a:b], arrays["ts"][a:b], tmin, span)
        after = make_keys(rows["uid"][c:d], rows["ts"][c:d], tmin, span)
        where = np.searchsorted(before, after, side="right")
        end = at + len(before) + len(after)
        # np.insert puts after[i] at where[i] + i, and shifts old row j by the inserts at or
        # before it
        placed[c:d] = at + where + np.arange(len(after))
        moved[a:b] = at + np.arange(len(before)) + np.searchsorted(
            where, np.arange(len(before)), side="right")
        np.insert(before, where, after).tofile(out["key"])
        uid = np.insert(arrays["uid"][a:b], where, rows["uid"][c:d])
        uid.tofile(out["uid"])
        np.insert(arrays["ts"][a:b], where, rows["ts"][c:d]).tofile(out["ts"])
        ranges[name] = (at, end)
        people[name] = int(np.count_nonzero(uid[1:] != uid[:-1])) + 1 if len(uid) else 0
        at = end
    for file in out.values():
        file.close()
    return ranges, people, moved, placed


def _npy_writer(path: Path, dtype: type[np.generic], rows: int) -> BinaryIO:
    """An open ``.npy`` file of ``rows`` values of ``dtype``, its header written: the values
    follow in order."""
    file = open(path, "wb")  # noqa: SIM115 -- closed by the caller once every name is written
    np.lib.format.write_array_header_1_0(
        file, {"descr": np.dtype(dtype).str, "fortran_order": False, "shape": (rows,)})
    return file


def _merge_sequence(base: Path, tmp: Path, grouping: np.ndarray, moved: np.ndarray,
                    placed: np.ndarray) -> bool:
    """The global order of the old events and the added ones (see :mod:`.sequence`), as rows
    of the new index; False when a tie in time between them needs a full build."""
    keys = np.load(tmp / "key.npy", mmap_mode="r")
    old_rows = moved[np.load(base / "row.npy", mmap_mode="r")]
    new_rows = np.empty_like(placed)
    new_rows[grouping] = placed
    merged = sequence.merged_rows(old_rows, keys[old_rows], new_rows, keys[new_rows])
    if merged is None:
        return False
    sequence.save(tmp, sequence.inverse(merged), merged)
    return True


def _merge_hashes(base: Path, tmp: Path, fresh: dict[str, np.ndarray]) -> None:
    """The old people's hashes with the new people's, unless the old ones already collided."""
    if not (base / "user_hash.npy").exists():
        return
    hashes = np.concatenate([np.load(base / "user_hash.npy"), fresh["h"]])
    uid = np.concatenate([np.load(base / "user_hash_uid.npy"), fresh["uid"]])
    order = np.argsort(hashes)  # distinct hashes: no ties to keep in order
    save_user_hashes(tmp, hashes[order], uid[order])
