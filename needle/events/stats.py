"""A first look at the event lake: counts, users, time span and event names."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import duckdb

from needle.events.lake import EventLake


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


def lake_stats(lake: EventLake) -> LakeStats:
    files = [str(path) for path in lake.files()]
    if not files:
        return LakeStats(0, 0, None, None, {})
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    source = f"read_parquet({files!r})"
    events, users, first, last = con.execute(
        "SELECT count(*), count(DISTINCT distinct_id), min(timestamp), max(timestamp) "
        f"FROM {source}"
    ).fetchone()  # type: ignore[misc]
    names = con.execute(
        f"SELECT event, count(*) AS n FROM {source} GROUP BY event ORDER BY n DESC, event"
    ).fetchall()
    return LakeStats(events, users, first, last, dict(names))
