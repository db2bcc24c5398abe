"""``/plan`` (the 12 weeks as a timeline), ``/portfolio`` and ``/review``: twins equal the CLI,
empty workspaces say what to do first, and in Chromium the plan opens without an error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.serving import serving
from tests.web import loop
from tests.web.loop import SCREENSHOTS


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return loop.copy(loop.template(tmp_path_factory), tmp_path_factory.mktemp("plan"))


@pytest.fixture(scope="module")
def client(root: Path) -> TestClient:
    return loop.client(root)


@pytest.fixture(scope="module")
def empty_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return loop.empty(tmp_path_factory.mktemp("empty") / "ws")


@pytest.fixture(scope="module")
def served(root: Path) -> Iterator[str]:
    with serving(root) as url:
        yield url


def test_the_plan_twin_equals_the_cli(client: TestClient, root: Path,
                                      empty_root: Path) -> None:
    assert client.get("/plan.json").json() == loop.cli_json(root, "plan")
    assert loop.client(empty_root).get("/plan.json").json() == loop.cli_json(empty_root, "plan")


def test_the_plan_is_a_timeline_of_six_stages(client: TestClient) -> None:
    page = client.get("/plan").text
    assert page.count('class="stage ') == 6 and page.count("week ") >= 12
    assert page.count('<p class="state">not started</p>') == 6  # in words, not colour
    assert "The plan has not started" in page and "needle plan start" in page


def test_an_empty_plan_starts_with_a_problem(empty_root: Path) -> None:
    page = loop.client(empty_root).get("/plan").text
    assert "Next: stage 1, See the product layer" in page
    assert "<code>needle plan start [--date YYYY-MM-DD]</code>" in page


def test_the_portfolio_twin_is_what_a_build_prints(client: TestClient, root: Path) -> None:
    twin = client.get("/portfolio.json").json()
    assert not (root / "portfolio").exists()  # reading the page writes nothing
    assert twin == loop.cli_json(root, "portfolio", "build")
    assert twin["pages"] and twin["claims"] and twin["bullets"]
    page = client.get("/portfolio").text
    assert "Open the built site" in page and loop.SCRIPT not in page


def test_the_portfolio_form_builds_the_site(tmp_path: Path, root: Path) -> None:
    copied = loop.copy(root, tmp_path)
    client = loop.client(copied)
    token = loop.form_token(client, "/portfolio")
    answer = client.post("/portfolio/build", data={"csrf": token}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/portfolio")
    assert client.get("/portfolio/site/index.html").status_code == 200
    assert client.get("/portfolio/site/portfolio.pdf").content.startswith(b"%PDF-")
    assert client.get("/portfolio/site/needle.toml").status_code == 400


def test_the_roadmap_resume_and_guides_twins_equal_the_cli(client: TestClient,
                                                           root: Path) -> None:
    assert client.get("/roadmap.json").json() == loop.cli_json(root, "roadmap")
    assert client.get("/resume.json").json() == loop.cli_json(root, "resume", "list")
    assert client.get("/guides.json").json() == loop.cli_json(root, "interview", "list")
    assert "Now" in client.get("/roadmap").text


def test_an_empty_portfolio_says_what_to_do_first(empty_root: Path) -> None:
    page = loop.client(empty_root).get("/portfolio").text
    assert "Nothing to show yet" in page and "/problems/new" in page


def test_the_plan_opens_in_chromium(page: Any, served: str) -> None:
    page.goto(served + "/plan")
    stages = page.locator(".timeline .stage")
    assert stages.count() == 6
    box = stages.first.bounding_box()
    assert box is not None and box["width"] > 50
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "plan.png", full_page=True)
    assert page.errors == []
    assert page.hosts == {served.removeprefix("http://")}
