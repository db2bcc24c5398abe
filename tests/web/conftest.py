"""The web app served for real (uvicorn on a loopback port) and Debian's Chromium driven by
Playwright; never a downloaded browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from needle.web import create_app
from tests.serving import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
EVENTS = "event,distinct_id,timestamp\n" + "".join(
    f"{event},u{user},2024-01-{1 + day:02d}T1{day}:00:00Z\n"
    for user in range(60) for day in range(user % 7 + 1)
    for event in ("visit", "signup", "purchase")[: 1 + (user + day) % 3])


@pytest.fixture(scope="module")
def web_workspace(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A small workspace with events over a week."""
    from needle.workspace import Workspace

    root = tmp_path_factory.mktemp("web")
    events = root / "events.csv"
    events.write_text(EVENTS, encoding="utf-8")
    with Workspace.init(root / "ws") as workspace:
        workspace.import_events([events])
    return root / "ws"


@pytest.fixture(scope="module")
def client(web_workspace: Path) -> TestClient:
    return TestClient(create_app(web_workspace))


@pytest.fixture(scope="module")
def served(web_workspace: Path) -> Iterator[str]:
    """The base URL of the app served by uvicorn on a loopback port, stopped afterwards."""
    with serving(web_workspace) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (scripts/services.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, served: str, tmp_path: Path) -> Iterator[Any]:
    """A page that records console errors and every host it requests."""
    context = browser.new_context()
    page = context.new_page()
    page.errors = []  # console errors and page exceptions
    page.hosts = set()
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.hosts.add(r.url.split("/")[2]))
    yield page
    context.close()
