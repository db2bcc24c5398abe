"""``/``, this week: key metrics against last week, goals, themes, what waits for a decision; its
twin equals ``needle week --json``; an empty workspace says what to do first on every page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from needle.web import create_app
from needle.workspace import Workspace
from tests.web import filled

PAGES = ["/", "/events", "/dashboards", "/evidence", "/themes", "/query/funnel"]
FIRST_STEPS = {
    "/": "Start here", "/events": "No events yet", "/dashboards": "No dashboards yet",
    "/evidence": "No evidence yet", "/themes": "No evidence yet, so no themes",
    "/query/funnel": "Run",
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled.build(tmp_path_factory.mktemp("home") / "ws")


@pytest.fixture(scope="module")
def home(root: Path) -> TestClient:
    return TestClient(create_app(root))


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    Workspace.init(tmp_path_factory.mktemp("empty") / "ws").close()
    yield TestClient(create_app(tmp_path_factory.getbasetemp() / "empty0" / "ws"))


def test_the_twin_is_what_needle_week_prints(home: TestClient, root: Path) -> None:
    assert home.get("/.json").json() == filled.needle_json(root, "week")


def test_this_week_shows_what_moved_and_what_waits(home: TestClient) -> None:
    week = home.get("/.json").json()
    last = week["this_week"]["end"]
    assert week["last"].startswith(last)
    assert week["last_week"]["end"] < week["this_week"]["start"]
    people, *events = week["metrics"]
    assert people["name"] == "people active" and people["this_week"] > 0
    assert {m["event"] for m in events} <= {"signup", "onboarding_completed", "project_created",
                                            "invite_sent"}
    counts = [m["this_week"] for m in events]
    assert counts == sorted(counts, reverse=True) and len(events) >= 2
    assert [(g["title"], g["verdict"]) for g in week["goals"]] == [("Onboard most",
                                                                    "in progress")]
    assert [e["name"] for e in week["experiments"]] == ["checklist"]
    assert [(p["title"], p["due"]) for p in week["proposals"]] == [("Track cards", "2026-08-01")]
    assert [d["title"] for d in week["decisions"]] == ["Track every card"]
    page = home.get("/").text
    for text in ("people active", "Onboard most", "checklist", "Track cards", "Track every card",
                 str(escape(people["sql"]))):
        assert text in page


@pytest.mark.parametrize("path", PAGES)
def test_an_empty_workspace_says_what_to_do_first(empty: TestClient, path: str) -> None:
    page = empty.get(path)
    assert page.status_code == 200 and FIRST_STEPS[path] in page.text
    twin = empty.get("/.json" if path == "/" else f"{path}.json")
    assert twin.status_code == (400 if path == "/query/funnel" else 200)


def test_an_empty_week_is_empty(empty: TestClient) -> None:
    week = empty.get("/.json").json()
    assert (week["last"], week["metrics"], week["goals"], week["evidence"]) == (None, [], [], 0)
