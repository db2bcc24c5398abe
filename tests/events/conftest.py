"""Helpers for event import tests: write a small file, read the lake back."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """write(name, content) -> path; bytes are written as given, text as UTF-8."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return _write


@pytest.fixture
def lake_rows(workspace):  # type: ignore[no-untyped-def]
    """lake_rows() -> every event as a dict, timestamps as ISO strings in UTC, in time order."""

    def _rows() -> list[dict]:
        files = [str(p) for p in workspace.lake.files()]
        if not files:
            return []
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        return con.sql(
            "SELECT uuid, event, distinct_id, strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%f') AS ts, "
            f"properties FROM read_parquet({files!r}) ORDER BY timestamp, distinct_id, event"
        ).to_arrow_table().to_pylist()

    return _rows


@pytest.fixture
def snapshot(workspace):  # type: ignore[no-untyped-def]
    """snapshot() -> every file (with its bytes) and folder of the workspace but the store's
    database, and the stored evidence: equal before and after means nothing changed."""
    from sqlalchemy import select

    from needle.evidence.models import Evidence

    def _snapshot() -> tuple[dict[str, bytes | None], list[tuple]]:
        files = {str(p.relative_to(workspace.root)): None if p.is_dir() else p.read_bytes()
                 for p in sorted(workspace.root.rglob("*")) if not p.name.startswith("needle.db")}
        with workspace.store.session() as session:
            rows = [(e.id, e.kind, e.text, e.customer, e.source_id)
                    for e in session.scalars(select(Evidence).order_by(Evidence.id))]
        return files, rows

    return _snapshot
