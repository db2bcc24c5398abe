"""In Chromium: query pages draw their chart, with no console error and no other host."""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.mark.parametrize("path", [
    "/query/trend?events=visit,signup&interval=day",
    "/query/funnel?events=visit,signup,purchase&window=7d",
    "/query/retention?start-event=visit&period=day&periods=5",
    "/query/lifecycle?event=visit",
    "/query/stickiness?event=visit",
    "/query/paths?event=visit",
])
def test_query_pages_draw_a_chart(page, served: str, path: str) -> None:
    page.goto(served + path)
    page.wait_for_selector("figure.chart svg", timeout=15000)
    box = page.locator("figure.chart svg").first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"query-{path.split('?')[0].rsplit('/', 1)[1]}.png",
                    full_page=True)
    assert page.errors == []
    assert page.hosts == {served.removeprefix("http://")}
