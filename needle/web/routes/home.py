"""``/``: what the workspace holds, and where to start when it holds nothing yet."""

from __future__ import annotations

from fastapi import APIRouter, Request

from needle.demo.look import first_look
from needle.web.pages import View, add_page
from needle.workspace import Workspace

router = APIRouter()


def home(request: Request, workspace: Workspace) -> View:
    look = first_look(workspace)
    return View(look.to_json(), {"empty": not look.lake.events and not look.evidence})


add_page(router, "/", "home.html", "This week", home)
