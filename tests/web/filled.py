"""A workspace with something on every page, built through the CLI as a person would: the tiny
product's events, real support queries (BANKING77) as evidence and their themes, saved insights
on a dashboard, a goal, a problem, a proposal past its date, a decision, an experiment. User text
carrying ``<script>`` sits in evidence, a theme label, an insight and a dashboard name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from typer.testing import CliRunner

from needle.cli.main import app
from needle.workspace import Workspace
from tests.artifacts import tinyproduct
from tests.conftest import SHARED
from tests.serving import serving

TRAIN = SHARED / "data" / "banking77" / "banking_data" / "train.csv"
INTENTS = ("card_arrival", "lost_or_stolen_card", "exchange_rate")
PER_INTENT = 15
SCRIPT = "<script>alert('{}')</script>"
EVIDENCE_SCRIPT = SCRIPT.format("evidence") + " my card never came"
INSIGHT = SCRIPT.format("insight")
DASHBOARD = SCRIPT.format("dashboard")
THEME = SCRIPT.format("theme")


def needle(root: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["-w", str(root), *args])
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.stdout


def needle_json(root: Path, *args: str) -> Any:
    return json.loads(needle(root, *args, "--json"))


def _evidence_csv(folder: Path) -> Path:
    train = pd.read_csv(TRAIN)
    picked = train[train.category.isin(INTENTS)].groupby("category").head(PER_INTENT)
    rows = [(text, f"u{i * 37 % 4000:05d}", f"2026-06-{1 + i % 28:02d}T10:00:00Z")
            for i, text in enumerate(picked.sample(frac=1.0, random_state=0).text)]
    rows.append((EVIDENCE_SCRIPT, "u00001", "2026-07-20T10:00:00Z"))
    frame = pd.DataFrame(rows, columns=["text", "customer", "created_at"])
    path = folder / "tickets.csv"
    frame.to_csv(path, index=False)
    return path


def build(root: Path) -> Path:
    """Make the workspace at ``root`` (its parent holds the files it was made from)."""
    with Workspace.init(root) as workspace:
        workspace.lake.append(tinyproduct.events())
    needle(root, "evidence", "import", str(_evidence_csv(root.parent)), "--kind", "ticket")
    themes = needle_json(root, "themes")["themes"]
    needle(root, "themes", "rename", str(themes[0]["id"]), THEME)
    needle(root, "insight", "save", INSIGHT, "funnel", "signup", "onboarding_completed",
           "--window", "2d")
    needle(root, "insight", "save", "signups", "trend", "signup", "--interval", "week")
    needle(root, "insight", "save", "retention", "retention", "--start-event", "signup")
    needle(root, "dashboard", "new", DASHBOARD, "--description", "Monday review")
    for name in (INSIGHT, "signups"):
        needle(root, "dashboard", "add", "1", name)
    today = date.today().isoformat()
    for args in (
        ("problem", "new", "Cards arrive late", "-e", "1", "-e", "2", "-e", "3"),
        ("goal", "new", "Onboard most", "--metric", tinyproduct.METRIC, "--target", "0.8",
         "--by", "2027-03-31"),
        ("proposal", "new", "Track cards", "--problem", "1", "--milestone",
         "2026-07-01: beta", "--milestone", "2026-08-01: launch"),
        ("journal", "log", "Track every card", "--on", today, "--by", "Cleo"),
        ("experiment", "create", "checklist", "--exposure-event", "signup", "--variant-prop",
         "plan", "--metric", "conversion:onboarding_completed:7", "--hypothesis",
         "a checklist helps", "--decision-rule", "ship if it rises"),
    ):
        needle(root, *args)
    return root


def csrf(client: Any) -> str:
    """The CSRF token the app gave this client (a page visit sets the cookie)."""
    client.get("/dashboards")
    return str(client.cookies["needle_csrf"])


def serve(root: Path) -> Iterator[str]:
    """The app of ``root`` served on a loopback port; stopped when resumed."""
    with serving(root) as url:
        yield url
