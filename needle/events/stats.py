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
    # Through Arrow: DuckDB's own conversion of TIMESTAMPTZ to Python needs pytz.
    totals = con.sql(
        "SELECT count(*) AS events, count(DISTINCT distinct_id) AS users, "
        f"min(timestamp) AS first, max(timestamp) AS last FROM {source}"
    ).to_arrow_table().to_pylist()[0]
    names = con.execute(
        f"SELECT event, count(*) AS n FROM {source} GROUP BY event ORDER BY n DESC, event"
    ).fetchall()
    return LakeStats(**totals, event_names=dict(names))
