"""The newest events read from the lake's files equal the SQL engine's answer."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from needle import Workspace


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("recent")
    rng = random.Random(5)
    start = datetime(2024, 3, 1, tzinfo=UTC)
    lines = ["event,distinct_id,timestamp,uuid"]
    for i in range(400):  # days of very different sizes; some times shared by several events
        at = start + timedelta(days=rng.choice([0, 1, 1, 2, 5, 5, 5, 9]),
                               minutes=rng.randrange(0, 30))
        lines.append(f"e{i % 7},u{rng.randrange(40)},{at.isoformat()},"
                     f"00000000-0000-4000-8000-{i:012d}")
    csv = root / "events.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    workspace = Workspace.init(root / "ws")
    workspace.import_events([csv])
    more = root / "more.csv"  # a second file for the newest day
    more.write_text("event,distinct_id,timestamp\nlate,u1,2024-03-10T23:59:00Z\n",
                    encoding="utf-8")
    workspace.import_events([more])
    return workspace


@pytest.mark.parametrize("limit", [1, 3, 20, 150, 401, 1000])
def test_recent_events_equal_the_sql_engine(workspace: Workspace, limit: int) -> None:
    by_sql = workspace.sql("SELECT timestamp, event, distinct_id, properties FROM events "
                           "ORDER BY timestamp DESC, uuid", limit=limit).to_json()
    assert workspace.recent_events(limit).to_json() == by_sql
    assert len(by_sql["rows"]) == min(limit, 401)


def test_an_empty_lake_has_no_recent_events(tmp_path: Path) -> None:
    result = Workspace.init(tmp_path).recent_events(5).to_json()
    assert result == {"columns": ["timestamp", "event", "distinct_id", "properties"],
                      "rows": [], "truncated": False}
