"""The decision loop's pages: each list and each artifact's page and twin, with data and in an
empty workspace; twins equal the CLI's ``--json``; what people typed is shown escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web import loop

LISTS = [
    ("/problems", ["problem", "list"]),
    ("/problems?status=open", ["problem", "list", "--status", "open"]),
    ("/bets", ["bet", "rank"]),
    ("/bets?problem=1", ["bet", "rank", "--problem", "1"]),
    ("/proposals", ["proposal", "list"]),
    ("/goals", ["goal", "status"]),
    ("/ships", ["ship", "list"]),
    ("/journal", ["journal"]),
    ("/journal?on=" + loop.DAY, ["journal", "--on", loop.DAY]),
    ("/teardowns", ["teardown", "list"]),
]
DETAILS = [
    ("/problems/1", ["problem", "show", "1"]),
    ("/bets/3", ["bet", "show", "3"]),
    ("/proposals/4", ["proposal", "show", "4"]),
    ("/ships/5", ["ship", "show", "5"]),
    ("/goals/6", ["goal", "show", "6"]),
    ("/journal/7", ["journal", "show", "7"]),
    ("/teardowns/10", ["teardown", "show", "10"]),
]
EMPTY = [
    ("/problems", "import your customers' words"),
    ("/bets", "write a problem statement</a> first"),
    ("/proposals", "No proposals yet"),
    ("/goals", "set the first goal"),
    ("/ships", "publish a ship post"),
    ("/journal", "log the first decision"),
    ("/teardowns", "No teardowns yet"),
]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return loop.template(tmp_path_factory)


@pytest.fixture(scope="module")
def client(root: Path) -> TestClient:
    return loop.client(root)


@pytest.fixture(scope="module")
def empty_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return loop.client(loop.empty(tmp_path_factory.mktemp("empty") / "ws"))


def _twin(path: str) -> str:
    base, _, query = path.partition("?")
    return f"{base}.json" + (f"?{query}" if query else "")


@pytest.mark.parametrize(("path", "args"), LISTS + DETAILS)
def test_twins_equal_the_cli(client: TestClient, root: Path, path: str,
                             args: list[str]) -> None:
    answer = client.get(_twin(path))
    assert answer.status_code == 200
    assert answer.json() == loop.cli_json(root, *args)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", [p for p, _ in LISTS + DETAILS])
def test_pages_read_as_people_read(client: TestClient, path: str) -> None:
    page = client.get(path).text
    assert not re.search(r"\d\d:\d\d:\d\d\.\d", page)  # no microseconds
    assert '<a href="' + _twin(path).replace("&", "&amp;") in page


@pytest.mark.parametrize(("path", "words"), EMPTY)
def test_empty_pages_say_what_to_do_first(empty_client: TestClient, path: str,
                                          words: str) -> None:
    page = empty_client.get(path)
    assert page.status_code == 200 and words in page.text
    assert empty_client.get(_twin(path)).json() == []


@pytest.mark.parametrize("path", ["/problems", "/problems/1", "/journal", "/journal/9",
                                  "/teardowns", "/teardowns/10", "/problems/new",
                                  "/problems/1/edit", "/ships/5", "/bets/3"])
def test_user_text_is_shown_escaped(client: TestClient, path: str) -> None:
    page = client.get(path).text
    assert loop.SCRIPT not in page and loop.ESCAPED in page


def test_the_ranking_explains_each_score(client: TestClient) -> None:
    page = client.get("/bets").text
    assert "confidence set by hand (untested channel)" in page and "RICE = " in page


def test_an_unknown_artifact_is_one_error_body(client: TestClient) -> None:
    answer = client.get("/problems/99.json")
    assert answer.status_code == 400
    assert answer.json() == {"error": "no problem with id 99", "field": "problem"}
    assert client.get("/problems/99").status_code == 400
    assert client.get("/bets/1.json").json()["error"] == "no bet with id 1"


def test_an_id_no_store_can_hold_is_a_page_that_does_not_exist(client: TestClient) -> None:
    answer = client.get("/problems/99999999999999999999999.json")
    assert answer.status_code == 404
    assert answer.json() == {
        "error": "there is no page at /problems/99999999999999999999999.json", "field": None}
    for path in ("/problems/99999999999999999999999", "/bets/123456789012345678901/edit"):
        page = client.get(path)
        assert page.status_code == 404 and "there is no page at" in page.text


def test_the_journal_of_the_calendar_s_first_week_has_no_week_before(client: TestClient,
                                                                     root: Path) -> None:
    page = client.get("/journal?on=0001-01-03")
    assert page.status_code == 200
    assert "Week before" not in page.text and 'href="/journal?on=0001-01-08"' in page.text
    assert client.get("/journal.json?on=0001-01-03").json() == loop.cli_json(
        root, "journal", "--on", "0001-01-03")


def test_links_open_what_they_name(client: TestClient) -> None:
    page = client.get("/journal/7").text
    assert '<a href="/proposals/4">proposal:4</a>' in page
    ship = client.get("/ships/5").text
    assert 'href="/experiments/checklist"' in ship and "a guided onboarding" in ship
    assert json.loads(client.get("/ships/5.json").text)["outcome"] in ship
