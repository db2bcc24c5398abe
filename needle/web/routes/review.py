"""``/review``: the weekly review (``?week=YYYY-Www``; default the newest complete week), the same
document ``needle review`` prints; its twin equals ``needle review --json``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from markupsafe import Markup

from needle.review.render import html
from needle.web.pages import View, add_page
from needle.workspace import Workspace

router = APIRouter()


def review(request: Request, workspace: Workspace) -> View:
    found = workspace.read_review(request.query_params.get("week") or None)
    # The body is Needle's own Markdown render, in which every value from the data is literal
    # text (needle.review.render), so it goes in as markup.
    return View(found.to_json(), {"body": Markup(html(found))})


add_page(router, "/review", "review.html", "Weekly review", review)
