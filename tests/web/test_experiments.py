"""``/experiments`` and an experiment's page: twins equal the CLI, a row per metric with its
verdict in words, the sample-ratio banner, p-values to three significant digits, and in
Chromium the interval chart drawn against zero."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from needle.experiments import ExperimentSpec
from needle.workspace import Workspace
from tests.serving import serving
from tests.web import loop
from tests.web.loop import SCREENSHOTS


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the loop workspace with a second experiment whose planned split is far off."""
    copied = loop.copy(loop.template(tmp_path_factory), tmp_path_factory.mktemp("experiments"))
    with Workspace.open(copied) as ws:
        ws.create_experiment(ExperimentSpec(
            name="skewed", exposure_event="$feature_flag_called",
            variant_property="$feature_flag_response",
            metrics=(ws.experiment_metric("done=conversion:checklist_done:7"),),
            hypothesis="the same checklist", decision_rule="ship if done rises",
            control="control", exposure_filters=(("$feature_flag", loop.FLAG),),
            split=(("control", 0.8), ("test", 0.2))))
    return copied


@pytest.fixture(scope="module")
def client(root: Path) -> TestClient:
    return loop.client(root)


@pytest.fixture(scope="module")
def served(root: Path) -> Iterator[str]:
    with serving(root) as url:
        yield url


@pytest.mark.parametrize(("path", "args"), [
    ("/experiments", ["experiment", "list"]),
    ("/experiments/checklist", ["experiment", "analyze", "checklist"]),
    ("/experiments/skewed", ["experiment", "analyze", "skewed"]),
])
def test_twins_equal_the_cli(client: TestClient, root: Path, path: str,
                             args: list[str]) -> None:
    assert client.get(f"{path}.json").json() == loop.cli_json(root, *args)
    assert client.get(path).status_code == 200


def _rows(page: str) -> list[list[str]]:
    """The results table's cells as text."""
    body = page[page.index('<table class="results">'):]
    return [[" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]]


def test_one_row_per_metric_with_its_verdict_in_words(client: TestClient) -> None:
    page = client.get("/experiments/checklist").text
    done, tickets = _rows(page)
    assert done[:2] == ["done", "test"] and done[8].startswith("better ")
    assert done[6] == "< 0.001" and done[7] == "> 99.9%"
    assert tickets[0] == "tickets" and tickets[8].startswith("inconclusive ")
    assert re.fullmatch(r"0\.\d{3}|0\.0\d{3}", tickets[6])  # three significant digits
    assert re.fullmatch(r"[+-]\d+\.\d% to [+-]\d+\.\d% \(\d+(\.\d)?% interval\)", done[5])
    assert "Sample ratio as planned" in page


def test_the_chart_is_an_interval_per_metric_against_zero(client: TestClient) -> None:
    page = client.get("/experiments/checklist").text
    found = re.search(r'<script type="application/json" id="intervals-spec">(.*?)</script>',
                      page, re.S)
    assert found is not None
    spec: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "bar", "tick", "text"]
    assert spec["layer"][0]["data"]["values"] == [{"zero": 0}]
    assert spec["layer"][3]["encoding"]["text"]["field"] == "verdict"  # not colour alone
    rows = spec["layer"][1]["data"]["values"] if "data" in spec["layer"][1] else \
        next(iter(spec["datasets"].values()))
    assert [(r["row"], r["verdict"]) for r in rows] == [("done", "better"),
                                                        ("tickets", "inconclusive")]


def test_a_sample_ratio_mismatch_is_a_banner(client: TestClient) -> None:
    page = client.get("/experiments/skewed").text
    assert 'class="banner bad" role="alert"' in page
    assert "Sample ratio mismatch: do not trust these results." in page


def test_an_unknown_experiment_is_one_error_body(client: TestClient) -> None:
    answer = client.get("/experiments/nope.json")
    assert answer.status_code == 400 and set(answer.json()) == {"error", "field"}


def test_no_experiments_says_how_to_define_one(tmp_path: Path) -> None:
    client = loop.client(loop.empty(tmp_path / "ws"))
    page = client.get("/experiments").text
    assert "No experiments yet" in page and "needle experiment create" in page
    assert client.get("/experiments.json").json() == []


def test_the_experiment_page_draws_its_intervals(page: Any, served: str) -> None:
    page.goto(served + "/experiments/checklist")
    page.wait_for_selector("figure.chart svg", timeout=15000)
    box = page.locator("figure.chart svg").first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    assert page.locator("figure.chart svg text", has_text="better").count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "experiment.png", full_page=True)
    assert page.errors == []
    assert page.hosts == {served.removeprefix("http://")}
