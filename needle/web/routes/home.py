"""``/``: this week: key metrics against last week, goals, themes on the rise, experiments
waiting for a decision, proposals past their date, decisions logged; and, in a workspace with
nothing in it yet, what to do first."""

from __future__ import annotations

from fastapi import APIRouter, Request

from needle.artifacts.metrics import parse_metric
from needle.web.pages import View, add_page
from needle.workspace import Workspace

router = APIRouter()


def home(request: Request, workspace: Workspace) -> View:
    week = workspace.this_week()
    return View(week.to_json(), {"empty": week.empty, "goal_texts": {
        g.goal: {name: parse_metric(g.metric).format(getattr(g, name))
                 for name in ("baseline", "current", "target")} for g in week.goals}})


add_page(router, "/", "home.html", "This week", home)
