"""Workspaces for the artifact tests: every store test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
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
from needle.store import Store
from needle.workspace import Workspace
from tests.artifacts import tinyproduct

PG_DEFAULT = "postgresql+psycopg://needle:needle@localhost:5432/needle_test"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL URL; a missing server fails the run (`make test` starts it)."""
    url = os.environ.get("NEEDLE_TEST_POSTGRES_URL", PG_DEFAULT)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        message = f"PostgreSQL not reachable at {shown}: {str(exc).splitlines()[0]}"
        pytest.fail(message + " (run scripts/services.sh)")
    finally:
        engine.dispose()
    return url


def _create_database(server: str, template: str | None = None) -> str:
    name = f"needle_art_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'
                          + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return name


def _drop_database(server: str, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _url(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def postgres_database(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database of its own, dropped afterwards."""
    name = _create_database(postgres_server)
    yield _url(postgres_server, name)
    _drop_database(postgres_server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_url(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store on each backend."""
    if store_kind == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture(scope="session")
def product_events() -> pa.Table:
    return tinyproduct.events()


def make_workspace(root: Path, events: pa.Table | None) -> Workspace:
    """A workspace (SQLite store) holding the tiny product's events and evidence."""
    root.mkdir(parents=True)
    (root / "needle.toml").write_text('[needle]\nauthor = "ada"\n', encoding="utf-8")
    workspace = Workspace.init(root)
    if events is not None:
        workspace.lake.append(events)
    with workspace.store.session() as session:
        add_evidence(session, tinyproduct.evidence())
    return workspace


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory, product_events: pa.Table) -> Path:
    """One migrated, filled workspace that each test copies instead of building its own."""
    root = tmp_path_factory.mktemp("template") / "ws"
    make_workspace(root, product_events).close()
    return root


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> Iterator[str]:
    """A migrated PostgreSQL database holding the evidence, copied per test."""
    name = _create_database(postgres_server)
    store = Store(_url(postgres_server, name))
    with store.session() as session:
        add_evidence(session, tinyproduct.evidence())
    store.close()
    yield name
    _drop_database(postgres_server, name)


@pytest.fixture
def ws(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path,
       template: Path) -> Iterator[Workspace]:
    """A copy of the template workspace; on PostgreSQL its store is a copy of that template."""
    root = shutil.copytree(template, tmp_path / "ws")
    if store_kind == "postgresql":
        server, base = request.getfixturevalue("postgres_server"), request.getfixturevalue(
            "postgres_template")
        name = _create_database(server, template=base)
        request.addfinalizer(lambda: _drop_database(server, name))
        (root / "needle.toml").write_text(
            f'[needle]\nstore_url = "{_url(server, name)}"\nauthor = "ada"\n',
            encoding="utf-8")
    workspace = Workspace.open(root)
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
