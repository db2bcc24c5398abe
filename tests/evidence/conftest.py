"""Helpers for evidence tests: small files, the stored count, a throwaway PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from needle.evidence.models import Evidence
from needle.workspace import Workspace

POSTGRES_URL = os.environ.get(
    "NEEDLE_TEST_POSTGRES_URL", "postgresql+psycopg://needle:needle@localhost:5432/needle_test")


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """write(name, content) -> path; bytes are written as given, text as UTF-8."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return _write


@pytest.fixture
def stored(workspace: Workspace):  # type: ignore[no-untyped-def]
    """stored() -> how many pieces of evidence the workspace holds."""

    def _count() -> int:
        with workspace.store.session() as session:
            return int(session.scalar(select(func.count()).select_from(Evidence)) or 0)

    return _count


@pytest.fixture
def snapshot(workspace: Workspace):  # type: ignore[no-untyped-def]
    """snapshot() -> every file (with its bytes) and folder of the workspace but the store's
    database, and the stored evidence: equal before and after means nothing changed."""

    def _snapshot() -> tuple[dict[str, bytes | None], list[tuple]]:
        files = {str(p.relative_to(workspace.root)): None if p.is_dir() else p.read_bytes()
                 for p in sorted(workspace.root.rglob("*")) if not p.name.startswith("needle.db")}
        with workspace.store.session() as session:
            rows = [(e.id, e.kind, e.text, e.customer, e.source_id, e.meta)
                    for e in session.scalars(select(Evidence).order_by(Evidence.id))]
        return files, rows

    return _snapshot


@pytest.fixture
def postgres_workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A workspace whose store is a fresh PostgreSQL database, dropped afterwards."""
    name = f"needle_evidence_{uuid.uuid4().hex[:12]}"
    admin = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    ws = Workspace.init(tmp_path / "pg", {"store_url": POSTGRES_URL.rsplit("/", 1)[0] + "/" + name})
    yield ws
    ws.close()
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
