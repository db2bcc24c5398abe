"""A first look at the event lake: counts, users, time span and event names.

Counting reads every event, so the answer is kept (in a cache folder) with a digest of the
manifest it was counted from; the manifest changes with every write to the lake, and until it
does the kept answer is the answer. Reading it needs neither DuckDB nor Arrow.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from needle.events.manifest import manifest_files, manifest_text

CACHE_FILE = "lake-stats.json"


@dataclass(frozen=True)
class LakeStats:
    events: int
    users: int
    first: datetime | None
    last: datetime | None
    event_names: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["first"] = self.first.isoformat() if self.first else None
        data["last"] = self.last.isoformat() if self.last else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LakeStats:
        first, last = (datetime.fromisoformat(data[k]) if data[k] else None
                       for k in ("first", "last"))
        return cls(data["events"], data["users"], first, last, data["event_names"])


def lake_stats(root: Path, cache: Path | None = None) -> LakeStats:
    """The stats of the lake under ``root``; kept in ``cache`` (a folder) when given."""
    text = manifest_text(root)
    digest = hashlib.sha256(text.encode()).hexdigest()
    kept = _kept(cache / CACHE_FILE, digest) if cache is not None else None
    if kept is not None:
        return kept
    stats = _count([str(path) for path in manifest_files(json.loads(text), root)])
    if cache is not None:
        _keep(cache / CACHE_FILE, digest, stats)
    return stats


def _kept(path: Path, digest: str) -> LakeStats | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LakeStats.from_json(data["stats"]) if data["manifest"] == digest else None
    except (OSError, ValueError, KeyError, TypeError):  # none yet, or not ours: count again
        return None


def _keep(path: Path, digest: str, stats: LakeStats) -> None:
    """Write the answer whole (a reader never sees half of it), or not at all on a full or
    read-only disk: it is only a cache."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({"manifest": digest, "stats": stats.to_json()}),
                       encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def _count(files: list[str]) -> LakeStats:
    if not files:
        return LakeStats(0, 0, None, None, {})
    import duckdb

    con = duckdb.connect()
    source = f"read_parquet({files!r})"
    # Times as microseconds since the epoch: DuckDB's own conversion of TIMESTAMPTZ to Python
    # needs pytz, and Arrow's imports pandas (a few tenths of a second).
    events, users, first, last = con.execute(
        "SELECT count(*), count(DISTINCT distinct_id), epoch_us(min(timestamp)), "
        f"epoch_us(max(timestamp)) FROM {source}"
    ).fetchone() or (0, 0, None, None)
    names = con.execute(
        f"SELECT event, count(*) AS n FROM {source} GROUP BY event ORDER BY n DESC, event"
    ).fetchall()
    return LakeStats(events, users, _utc(first), _utc(last), dict(names))


def _utc(micros: int | None) -> datetime | None:
    return None if micros is None else _EPOCH + timedelta(microseconds=micros)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
