"""``/plan``: the 12-week plan as a timeline of six two-week stages, each ticked off by the
artifacts that exist, with the next step as a link to its form.

The twin is what ``needle plan --json`` prints (the next step given as the CLI command too).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request

from needle.cli.hints import with_command
from needle.web.pages import View, add_page
from needle.workspace import Workspace

router = APIRouter()
WEEKS = 12
# A stage's hint code -> the pages that do it.
NEXT: dict[str, tuple[tuple[str, str], ...]] = {
    "problem-new": (("Write a problem statement", "/problems/new"),),
    "problem-link": (("Cite evidence on a problem", "/problems"),),
    "bet-proposal-new": (("Score a bet", "/bets/new"), ("Write a proposal", "/proposals/new")),
    "ship-new": (("Publish a ship post", "/ships/new"),),
    "goal-journal-new": (("Set a goal", "/goals/new"), ("Log a decision", "/journal/new")),
    "teardown-portfolio-new": (("Write a teardown", "/teardowns/new"),
                               ("Build the portfolio", "/portfolio")),
}


def plan(request: Request, workspace: Workspace) -> View:
    today = date.today()
    rows = workspace.plan(today)
    start = date.fromisoformat(rows[0]["starts"])
    week = (today - start).days // 7 + 1
    following = next((r for r in rows if not r["done"]), None)
    return View([with_command(r) for r in rows], {
        "week": week if 1 <= week <= WEEKS else None, "weeks": range(1, WEEKS + 1),
        "start": start, "next": following, "links": NEXT,
        "done": sum(r["done"] for r in rows)})


add_page(router, "/plan", "plan.html", "The 12-week plan", plan)
