"""``/review`` and its twin: the same review as ``needle review --json``."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from needle.cli.main import app as cli
from needle.web.app import create_app
from needle.workspace import Workspace

WEEK = "2026-W35"


def test_review_page_and_twin_equal_the_cli(demo_workspace: Workspace) -> None:
    root = demo_workspace.root
    printed = CliRunner().invoke(cli, ["-w", str(root), "review", "--week", WEEK, "--json"])
    assert printed.exit_code == 0, printed.output
    with TestClient(create_app(root)) as client:
        twin = client.get(f"/review.json?week={WEEK}")
        page = client.get(f"/review?week={WEEK}")
        bad = client.get("/review?week=soon")
    assert twin.json() == json.loads(printed.stdout)
    assert page.status_code == 200 and "<h2>Anomalies</h2>" in page.text
    assert "task_completed events fell" in page.text
    assert bad.status_code == 400 and "write an ISO week as YYYY-Www" in bad.text
