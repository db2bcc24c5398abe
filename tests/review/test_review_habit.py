"""Reading the weekly review is one of the plan's habits; the server's own checks are not."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from needle.workspace import Workspace
from tests.review.test_review import NORMAL_WEEKS


def _review_habit(ws: Workspace, today: date) -> dict:
    return next(h for h in ws.plan_overview(today)["habits"] if h["habit"] == "review")


def test_a_read_review_counts_and_a_computed_one_does_not(demo_workspace: Workspace,
                                                         tmp_path: Path) -> None:
    root = Path(shutil.copytree(demo_workspace.root, tmp_path / "ws"))
    today = date.today()
    with Workspace.open(root) as ws:
        ws.start_plan(today - timedelta(days=today.weekday()))
        ws.review(NORMAL_WEEKS[0])  # what the server's alert checks do
        assert _review_habit(ws, today)["times"] == 0
        ws.read_review(NORMAL_WEEKS[0])
        habit = _review_habit(ws, today)
    assert (habit["times"], habit["current"]) == (1, 1)
