"""``needle token``: the project token, made with the workspace, printed plain or as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from needle.cli.json_reference import json_commands
from needle.cli.main import app
from needle.cli.shapes import mismatches, shape_of
from needle.workspace import Workspace


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["-w", str(root), "token", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_workspace_has_a_project_token_from_the_start(root: Path) -> None:
    token = (root / ".needle" / "project-token").read_text().strip()
    assert token.startswith("phc_") and len(token) > 20
    assert run(root).strip() == token
    printed = json.loads(run(root, "--json"))
    assert printed == {"token": token}
    shape = dict(json_commands())[("token",)]
    assert mismatches(printed, shape_of(shape).fields) == []  # type: ignore[union-attr]


def test_an_older_workspace_gets_one_on_first_use(root: Path) -> None:
    (root / ".needle" / "project-token").unlink()
    with Workspace.open(root) as ws:
        assert ws.project_token == ws.project_token != ""
    assert run(root, "--login").strip() != run(root).strip()
