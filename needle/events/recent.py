"""The newest events of the lake, read from its files whatever query engine is configured.

Every file holds one UTC day, so the newest ``limit`` events lie in the newest days that hold
at least ``limit`` rows together: only those files are read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from needle.events.manifest import read_manifest

COLUMNS = ("timestamp", "event", "distinct_id", "properties")


def latest_events(root: Path, limit: int) -> tuple[list[tuple[Any, ...]], bool]:
    """The ``limit`` newest events of the lake under ``root``, newest first (ties by uuid),
    and whether the lake holds more."""
    files, rows = [], 0
    entries = sorted(read_manifest(root)["files"], key=lambda e: e["day"], reverse=True)
    total = sum(e["rows"] for e in entries)
    for i, entry in enumerate(entries):
        if rows >= limit and entry["day"] != entries[i - 1]["day"]:
            break
        files.append(str(root / entry["path"]))
        rows += entry["rows"]
    if not files or limit <= 0:
        return [], total > 0
    import duckdb

    table = duckdb.connect().sql(
        f"SELECT {', '.join(COLUMNS)} FROM read_parquet($files) ORDER BY timestamp DESC, uuid "
        "LIMIT $limit", params={"files": files, "limit": limit}).to_arrow_table()
    newest = list(zip(*(table[c].to_pylist() for c in COLUMNS), strict=True))
    return newest, total > len(newest)
