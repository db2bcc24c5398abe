"""``/plan``: the 12-week plan as a timeline of six two-week stages, each with its status (not
started, in progress, done or late) and due day, this week marked, the habits as streaks and the
next action as a link to its page.

The twin is what ``needle plan --json`` prints (the next action given as the CLI command too).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request

from needle.cli.hints import with_command
from needle.web.pages import View, add_page
from needle.workspace import Workspace

router = APIRouter()
WEEKS = 12
# A hint code -> the pages that do it (codes without a page, such as starting the plan, show
# the command).
NEXT: dict[str, tuple[tuple[str, str], ...]] = {
    "journal-log": (("Log a decision", "/journal/new"),),
    "journal-top": (("The week's decisions", "/journal"),),
    "problem-new": (("Write a problem statement", "/problems/new"),),
    "problem-link": (("Cite evidence on a problem", "/problems"),),
    "proposal-new": (("Write a proposal", "/proposals/new"),),
    "proposal-respond": (("Record a response", "/proposals"),),
    "proposal-learn": (("Record what was learned", "/proposals"),),
    "proposal-smaller": (("Score a smaller bet", "/bets/new"),),
    "ship-new": (("Publish a ship post", "/ships/new"),),
    "ship-feedback": (("Cite feedback on the problem", "/problems"),),
    "ship-learned": (("Say what was learned", "/ships"),),
    "teardown-new": (("Write a teardown", "/teardowns/new"),),
    "goal-new": (("Set a goal", "/goals/new"),),
    "resume-write": (("Resume bullets", "/resume"),),
    "portfolio-build": (("Build the portfolio", "/portfolio"),),
    "conversation-write": (("The manager conversation", "/conversation"),),
}


def plan(request: Request, workspace: Workspace) -> View:
    today = date.today()
    rows = [with_command(r) for r in workspace.plan(today)]
    where = workspace.plan_overview(today)
    following = workspace.plan_next(today)
    return View(rows, {
        "where": where, "weeks": range(1, WEEKS + 1), "start": rows[0]["starts"],
        "next": following and with_command(following),
        "next_links": NEXT.get(following["hint"], ()) if following else (),
        "done": sum(r["status"] == "done" for r in rows)})


add_page(router, "/plan", "plan.html", "The 12-week plan", plan)
