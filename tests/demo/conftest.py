"""Plain DuckDB over the demo's Parquet files: an oracle independent of Needle's engine."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from needle.demo import DemoInfo, demo_info, evidence_themes
from needle.evidence.models import Evidence
from needle.workspace import Workspace


@pytest.fixture(scope="session")
def demo(demo_workspace: Workspace) -> DemoInfo:
    info = demo_info(demo_workspace.root)
    assert info is not None
    return info


@pytest.fixture(scope="session")
def con(demo_workspace: Workspace, demo: DemoInfo) -> Iterator[duckdb.DuckDBPyConnection]:
    """Tables ``events`` (``day_no``: days since the demo's start) and ``evidence`` (+ theme)."""
    connection = duckdb.connect()
    files = [str(path) for path in demo_workspace.lake.files()]
    start = demo.truth.start.isoformat()
    connection.execute(
        "CREATE TABLE events AS SELECT *, "
        f"date_diff('day', TIMESTAMPTZ '{start}', timestamp) AS day_no FROM read_parquet({files!r})"
    )
    themes = evidence_themes(demo.seed, demo.users, demo.days)
    with demo_workspace.store.session() as session:
        rows = [(e.source_id, e.kind, e.customer, e.created_at, e.text,
                 themes.get(e.source_id or "")) for e in session.query(Evidence)]
    connection.execute("CREATE TABLE evidence (source_id VARCHAR, kind VARCHAR, "
                       "customer VARCHAR, created_at TIMESTAMP, text VARCHAR, theme VARCHAR)")
    connection.executemany("INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?)", rows)
    yield connection
    connection.close()
