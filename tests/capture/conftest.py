"""Capture tests: a workspace with its project token, and ``needle serve`` on a loopback port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from needle.workspace import Workspace
from tests.capture.server import Server, lake_rows, wait_for


@pytest.fixture
def root(tmp_path: Path) -> Path:
    Workspace.init(tmp_path / "ws").close()
    return tmp_path / "ws"


@pytest.fixture
def token(root: Path) -> str:
    with Workspace.open(root) as ws:
        return ws.project_token


@pytest.fixture
def server(root: Path) -> Iterator[Server]:
    server = Server(root).start()
    yield server
    server.stop()


@pytest.fixture
def lake() -> Callable[[Path], list[dict[str, Any]]]:
    return lake_rows


@pytest.fixture
def until() -> Callable[..., bool]:
    return wait_for
