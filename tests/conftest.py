"""Shared fixtures: a fresh workspace per test, the CLI runner, paths to ../shared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from needle.cli.main import app
from needle.workspace import Workspace

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def shared() -> Path:
    return SHARED


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.init(tmp_path / "ws")
    yield ws
    ws.close()


class Cli:
    """Runs ``needle -w <workspace> ...`` in-process and returns the click Result."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True):  # type: ignore[no-untyped-def]
        result = self.runner.invoke(app, ["-w", str(self.root), *args])
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result


@pytest.fixture
def cli(workspace: Workspace) -> Cli:
    return Cli(workspace.root)


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The demo product at test scale, built once per session: read it, never write to it."""
    from needle.demo import build
    from needle.demo.truth import TEST_USERS

    ws = build(tmp_path_factory.mktemp("demo") / "ws", users=TEST_USERS)
    yield ws
    ws.close()
