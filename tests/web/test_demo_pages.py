"""The demo workspace through the web: every page of this part of the app and its twin answer,
none is empty; in Chromium, a funnel is built, saved as an insight and added to the demo's
dashboard, where its chart is drawn, with no console error and no other host requested."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from needle.web import create_app
from needle.workspace import Workspace
from tests.web.filled import serve
from tests.web.test_browser import SCREENSHOTS

PAGES = {
    "/": "Key metrics", "/events": "Event names", "/dashboards": "Key metrics",
    "/dashboards/1": "activation-funnel", "/evidence": "oldest first",
    "/evidence?query=crash&kind=ticket": "best first", "/themes": "<h2>Topics</h2>",
    "/query/funnel?events=signup,onboarding_completed,project_created&window=7d":
        "Save as insight",
}


@pytest.fixture(scope="module")
def demo_root(demo_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's demo, which must stay as built."""
    return Path(shutil.copytree(demo_workspace.root, tmp_path_factory.mktemp("demo-web") / "ws"))


@pytest.fixture(scope="module")
def demo_client(demo_root: Path) -> TestClient:
    return TestClient(create_app(demo_root))


@pytest.fixture(scope="module")
def served(demo_root: Path) -> Iterator[str]:
    """The demo copy served by uvicorn (the ``page`` fixture browses this server)."""
    yield from serve(demo_root)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_and_twin_answers_and_shows_the_demo(demo_client: TestClient,
                                                        path: str) -> None:
    page = demo_client.get(path)
    assert page.status_code == 200 and PAGES[path] in page.text
    base, _, query = path.partition("?")
    twin = demo_client.get(("/.json" if base == "/" else f"{base}.json")
                           + (f"?{query}" if query else ""))
    assert twin.status_code == 200 and twin.json()


def test_this_week_of_the_demo(demo_client: TestClient) -> None:
    week = demo_client.get("/.json").json()
    assert week["metrics"][0]["this_week"] > 0 and len(week["metrics"]) > 2
    assert [g["verdict"] for g in week["goals"]] == ["in progress"]
    assert [(e["name"], e["analysed"]) for e in week["experiments"]] == [("onboarding", True)]


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def _charts_drawn(page: Any, count: int) -> None:
    page.wait_for_function(f"document.querySelectorAll('figure.chart svg').length >= {count}",
                           timeout=20000)
    for svg in page.locator("figure.chart svg").all():
        box = svg.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50


def test_build_a_funnel_save_it_and_see_it_on_the_dashboard(page: Any, served: str) -> None:
    page.goto(served + "/query/funnel")
    page.fill("#opt-events", "signup,onboarding_completed,project_created")
    page.fill("#opt-window", "7d")
    page.click("form.builder button[type=submit]")
    _charts_drawn(page, 1)
    page.fill("#insight-name", "signup-to-project")
    page.fill("#insight-description", "New users to a first project in a week")
    page.click("form.save button[type=submit]")
    page.wait_for_selector("text=Saved as insight")
    _charts_drawn(page, 1)
    _shot(page, "query-funnel-saved")
    page.select_option("#add-dashboard", label="Key metrics")
    page.click("form[action='/dashboards/add'] button[type=submit]")
    page.wait_for_url(served + "/dashboards/1")
    _charts_drawn(page, 4)
    tile = page.locator("article.tile", has_text="signup-to-project")
    assert tile.locator("figure.chart svg").count() == 1
    tile.locator("summary", has_text="Data table").click()
    assert tile.locator("table").is_visible()
    _shot(page, "dashboard")
    assert page.errors == []
    assert page.hosts == {served.removeprefix("http://")}


@pytest.mark.parametrize(("path", "name", "charts"), [
    ("/", "home", 0), ("/dashboards", "dashboards", 0), ("/evidence?query=crash", "evidence", 0),
    ("/themes", "themes-demo", 0),
])
def test_pages_render_without_console_errors(page: Any, served: str, path: str, name: str,
                                             charts: int) -> None:
    page.goto(served + path)
    page.wait_for_load_state("networkidle")
    _shot(page, name)
    assert page.errors == []
    assert page.hosts == {served.removeprefix("http://")}
