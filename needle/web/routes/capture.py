"""``/events/live``: what the capture API took in since the server started, and how much of it
is in the lake yet; the events page polls it every two seconds."""

from __future__ import annotations

from fastapi import APIRouter, Request

from needle.web.pages import View, add_page
from needle.workspace import Workspace

router = APIRouter()


def live(request: Request, workspace: Workspace) -> View:
    return View({**request.app.state.capture.status(), "lake_events": workspace.lake.row_count()})


add_page(router, "/events/live", "events_live.html", "Live events", live)
