"""The server checks alert rules on its own, between reviews."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from needle.errors import UserError
from needle.web import create_app
from needle.web.schedule import AlertSchedule, check_alerts
from needle.workspace import Workspace


def test_a_served_workspace_checks_its_rules(demo_workspace: Workspace, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(demo_workspace.root, root)
    with Workspace.open(root) as workspace:
        rule = workspace.add_alert("daily-active-people", "above", 0)
    with TestClient(create_app(root)):  # the lifespan starts the schedule: a pass at once
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with Workspace.open(root) as workspace:
                checked = {r.id: r for r in workspace.alerts()}[rule.id]
            if checked.checked_week is not None:
                break
            time.sleep(0.2)
    assert checked.firing is True  # more than nobody was active in the week
    assert checked.message.startswith("this week ")  # type: ignore[union-attr]


def test_without_rules_nothing_is_reviewed(workspace: Workspace) -> None:
    assert check_alerts(workspace.root, {}) == 0  # an empty workspace: no review, no error


def test_zero_minutes_never_starts_a_thread() -> None:
    calls: list[int] = []
    schedule = AlertSchedule(lambda: calls.append(1) or 0, 0)
    schedule.start()
    schedule.stop()
    assert calls == [] and schedule.passes == 0


def test_negative_minutes_are_refused_before_serving(workspace: Workspace) -> None:
    with pytest.raises(UserError, match=r"^setting alert_minutes -5: write 0 \(no checks\)"):
        create_app(workspace.root, {"alert_minutes": -5})
