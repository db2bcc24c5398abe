"""Workspaces for the artifact tests: every store test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner, Result

from needle.cli.main import app
from needle.evidence.store import add_evidence
from needle.workspace import Workspace
from tests.artifacts import tinyproduct

PG_DEFAULT = "postgresql+psycopg://needle:needle@localhost:5432/needle_test"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL URL; a missing server fails the run in CI and skips elsewhere."""
    url = os.environ.get("NEEDLE_TEST_POSTGRES_URL", PG_DEFAULT)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        message = f"PostgreSQL not reachable at {url}: {str(exc).splitlines()[0]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message + " (run scripts/services.sh)")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def postgres_database(postgres_server: str) -> Iterator[str]:
    """A fresh database of its own, dropped afterwards, so parallel users do not collide."""
    name = f"needle_art_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture(scope="session")
def product_events() -> pa.Table:
    return tinyproduct.events()


def make_workspace(root: Path, store_url: str | None, events: pa.Table | None) -> Workspace:
    """A workspace whose needle.toml names ``store_url``, holding the tiny product's data."""
    root.mkdir(parents=True)
    if store_url:
        (root / "needle.toml").write_text(f'[needle]\nstore_url = "{store_url}"\n'
                                          'author = "ada"\n', encoding="utf-8")
    workspace = Workspace.init(root)
    if events is not None:
        workspace.lake.append(events)
    with workspace.store.session() as session:
        add_evidence(session, tinyproduct.evidence())
    return workspace


@pytest.fixture
def ws(tmp_path: Path, store_url: str, product_events: pa.Table) -> Iterator[Workspace]:
    workspace = make_workspace(tmp_path / "ws", store_url, product_events)
    yield workspace
    workspace.close()


class Needle:
    """Runs ``needle -w ROOT ...`` in-process; ``ok=False`` expects a one-line user error."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True) -> Result:
        result = self.runner.invoke(app, ["-w", str(self.root), *args])
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        else:
            assert result.exit_code == 1, (result.output, result.exception)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def needle(ws: Workspace) -> Needle:
    return Needle(ws.root)
