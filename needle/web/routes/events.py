"""``/events``: how many events and people, every event name, and the latest events."""

from __future__ import annotations

from fastapi import APIRouter, Request

from needle.web.pages import View, add_page
from needle.workspace import Workspace

router = APIRouter()
RECENT = 20


def events(request: Request, workspace: Workspace) -> View:
    stats = workspace.event_stats().to_json()
    return View(stats, {"recent": workspace.recent_events(RECENT).to_json()})


add_page(router, "/events", "events.html", "Events", events)
