"""``/review``: the weekly review. It does not exist yet; until it does, the page answers and
says so, pointing to what already covers part of it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from needle.web.pages import View, add_page
from needle.workspace import Workspace

router = APIRouter()
NOT_YET = "The weekly review does not exist yet."


def review(request: Request, workspace: Workspace) -> View:
    return View({"review": None, "note": NOT_YET})


add_page(router, "/review", "review.html", "Weekly review", review)
