"""A first look at a workspace: how many events and users, which events, how much evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
from sqlalchemy import func, select

from needle.evidence.models import Evidence
from needle.workspace import Workspace

TOP_EVENTS = 10


@dataclass(frozen=True)
class FirstLook:
    events: int
    users: int
    first: datetime | None
    last: datetime | None
    top_events: list[tuple[str, int]]
    evidence: dict[str, int]  # kind -> count

    def to_json(self) -> dict[str, Any]:
        return {
            "events": self.events, "users": self.users,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "top_events": [{"event": e, "count": n} for e, n in self.top_events],
            "evidence": self.evidence,
        }


def first_look(workspace: Workspace) -> FirstLook:
    with workspace.store.session() as session:
        rows = session.execute(
            select(Evidence.kind, func.count()).group_by(Evidence.kind).order_by(Evidence.kind))
        evidence = {kind: count for kind, count in rows}
    files = [str(path) for path in workspace.lake.files()]
    if not files:
        return FirstLook(0, 0, None, None, [], evidence)
    con = duckdb.connect()
    source = f"read_parquet({files!r})"
    # Epoch microseconds: DuckDB needs pytz to return zoned datetimes, which Needle does not use.
    events, users, first, last = con.execute(
        "SELECT count(*), count(DISTINCT distinct_id), epoch_us(min(timestamp)), "
        f"epoch_us(max(timestamp)) FROM {source}").fetchall()[0]
    top = con.execute(f"SELECT event, count(*) AS n FROM {source} GROUP BY event "
                      f"ORDER BY n DESC, event LIMIT {TOP_EVENTS}").fetchall()
    return FirstLook(events, users, _utc(first), _utc(last), [(e, n) for e, n in top], evidence)


def _utc(micros: int) -> datetime:
    return datetime.fromtimestamp(micros / 1_000_000, UTC)
