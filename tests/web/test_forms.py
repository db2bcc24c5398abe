"""Forms create and edit every artifact through the library: POST with the CSRF token, then a
redirect; a refusal shows the library's message (the CLI's words) next to its field and
stores nothing; a post without the token is refused; and in Chromium a problem is written
citing three pieces of evidence picked from a search."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from needle.cli.main import app as cli_app
from tests.artifacts.tinyproduct import METRIC
from tests.serving import serving
from tests.web import loop
from tests.web.loop import DAY, SCREENSHOTS

NEW_ID = 11  # the loop workspace holds artifacts 1 to 10
GROUPS = ("problem", "bet", "proposal", "journal", "goal", "ship", "teardown")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return loop.template(tmp_path_factory)


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    return loop.copy(template, tmp_path)


@pytest.fixture
def client(root: Path) -> TestClient:
    return loop.client(root)


@pytest.fixture(scope="module")
def served(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(loop.copy(template, tmp_path_factory.mktemp("forms"))) as url:
        yield url


def post(client: TestClient, path: str, data: dict[str, Any], form: str | None = None) -> Any:
    """Post ``data`` with the CSRF token of the form page ``form`` (default: ``path``)."""
    token = loop.form_token(client, form or path)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


def shown_values(page: str) -> dict[str, str]:
    """What an edit form shows in each field, as a browser would post it untouched."""
    values = {n: html.unescape(v) for n, v in re.findall(
        r'<input type="(?:text|date)" id="[^"]+" name="([^"]+)" value="([^"]*)"', page)}
    values |= {n: html.unescape(v) for n, v in re.findall(
        r'<textarea id="[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)}
    for name, options in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>',
                                    page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        values[name] = html.unescape(chosen.group(1)) if chosen else ""
    return values


def field_error(page: str, field: str) -> str | None:
    found = re.search(rf'id="f-{re.escape(field)}-error"[^>]*>(.*?)</', page, re.S)
    return html.unescape(found.group(1)) if found else None


def cli_error(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli_app, ["-w", str(root), *args])
    assert result.exit_code == 1, result.output
    return result.stderr.removeprefix("error: ").strip()


CREATE = [
    ("problem", "/problems", {"title": "Mobile onboarding fails", "statement": "It breaks.",
                              "evidence": ["4", "5", "6"]},
     lambda a: [e["id"] for e in a["evidence"]] == [4, 5, 6]
     and a["fields"]["statement"] == "It breaks."),
    ("bet", "/bets", {"title": "Templates", "problem": "1", "method": "ice", "impact": "6",
                      "ease": "7", "criteria": ""},
     lambda a: a["score"]["method"] == "ice" and a["fields"]["ease"] == 7.0),
    ("proposal", "/proposals", {"title": "Checklist v2", "problem": "1", "metric": METRIC,
                                "target": "0.7", "decision_rule": "ship at +5 points",
                                "timeline": "2027-01-04: beta\n\n2027-02-01: everyone"},
     lambda a: a["fields"]["timeline"] == ["2027-01-04: beta", "2027-02-01: everyone"]
     and a["fields"]["baseline"]["n"] > 0 and a["fields"]["problem"] == 1),
    ("decision", "/journal", {"title": "Hire a designer", "importance": "4",
                              "link": "problem:1\nexperiment:checklist"},
     lambda a: a["links"] == ["problem:1", "experiment:checklist"]
     and a["fields"]["decided_by"] == "ada" and a["fields"]["importance"] == 4),
    ("goal", "/goals", {"title": "Onboard three in four", "metric": METRIC, "target": "0.75",
                        "due": "2027-06-30"},
     lambda a: a["fields"]["target"] == 0.75 and a["status_now"]["verdict"] == "in progress"),
    ("teardown", "/teardowns", {"title": "Linear onboarding", "competitor": "Linear",
                                "sources": "https://linear.app\na customer call"},
     lambda a: a["fields"]["sources"] == ["https://linear.app", "a customer call"]),
]


@pytest.mark.parametrize(("kind", "path", "data", "check"), CREATE,
                         ids=[c[0] for c in CREATE])
def test_a_form_creates_through_the_library(client: TestClient, root: Path, kind: str,
                                            path: str, data: dict[str, Any], check: Any) -> None:
    answer = post(client, f"{path}/new", data)
    assert (answer.status_code, answer.headers["location"]) == (303, f"{path}/{NEW_ID}")
    made = loop.cli_json(root, "journal" if kind == "decision" else kind, "show", str(NEW_ID))
    assert made["title"] == data["title"] and made["author"] == "ada" and check(made)
    assert client.get(answer.headers["location"]).status_code == 200


def test_a_proposal_is_approved_then_ships_by_forms(client: TestClient, root: Path) -> None:
    post(client, "/proposals/new", {"title": "Checklist v2", "problem": "1", "metric": METRIC,
                                    "target": "0.7", "decision_rule": "ship at +5 points"})
    answer = post(client, f"/proposals/{NEW_ID}/respond",
                  {"response": "approved", "by": "Cleo", "why": "the data"},
                  form=f"/proposals/{NEW_ID}")
    assert answer.status_code == 303
    assert loop.cli_json(root, "proposal", "show", str(NEW_ID))["locked_at"] is not None
    answer = post(client, "/ships/new", {"title": "Checklist v2 shipped", "proposal": str(NEW_ID),
                                         "shipped_on": DAY, "weeks": "3", "evidence": "6, 7",
                                         "experiment": ""})
    assert (answer.status_code, answer.headers["location"]) == (303, f"/ships/{NEW_ID + 1}")
    ship = loop.cli_json(root, "ship", "show", str(NEW_ID + 1))
    assert ship["outcome"] == "success" and [e["id"] for e in ship["feedback"]] == [6, 7]


def test_an_edit_changes_only_what_changed(client: TestClient, root: Path) -> None:
    shown = shown_values(client.get("/teardowns/10/edit").text)
    assert shown == {"title": f"Asana checklists {loop.SCRIPT}", "status": "draft",
                     "competitor": "Asana", "shipped": "onboarding checklists",
                     "why": "activation", "differently": "",
                     "sources": "https://asana.com/blog\na call with a customer"}
    data = shown | {"status": "published", "differently": "start from a template"}
    answer = post(client, "/teardowns/10/edit", data)
    assert (answer.status_code, answer.headers["location"]) == (303, "/teardowns/10")
    last = loop.cli_json(root, "teardown", "history", "10")[-1]
    assert last["action"] == "edit" and set(last["changes"]) == {"status", "differently"}


def test_decision_outcome_and_problem_links_by_forms(client: TestClient, root: Path) -> None:
    post(client, "/journal/7/outcome", {"outcome": "onboarding rose"}, form="/journal/7")
    decision = loop.cli_json(root, "journal", "show", "7")
    assert (decision["status"], decision["fields"]["outcome"]) == ("reviewed",
                                                                   "onboarding rose")
    refused = post(client, "/problems/1/link", {"evidence": "5", "link": "theme:1"},
                   form="/problems/1")
    assert field_error(refused.text, "link-link") == "unknown theme id 1"
    assert loop.cli_json(root, "problem", "show", "1")["links"][-1] == "evidence:8"
    post(client, "/problems/1/link", {"evidence": "5"}, form="/problems/1")
    assert loop.cli_json(root, "problem", "show", "1")["links"][-1] == "evidence:5"


# (form page, what is posted, the field the error is next to, the same question for the CLI)
REFUSED = [
    ("/goals/new", {"title": "Faster", "metric": METRIC, "target": "0.7"}, "due",
     ["goal", "new", "Faster", "--metric", METRIC, "--target", "0.7"]),
    ("/bets/new", {"title": "B", "problem": "1", "reach": "500"}, "reach_reason",
     ["bet", "new", "B", "--problem", "1", "--reach", "500"]),
    ("/bets/new", {"title": "B", "problem": "1", "effort": "0"}, "effort",
     ["bet", "new", "B", "--problem", "1", "--effort", "0"]),
    ("/bets/new", {"title": "B", "problem": "1", "method": "weighted", "criteria": "revenue"},
     "criteria", ["bet", "new", "B", "--problem", "1", "--method", "weighted",
                  "--criterion", "revenue"]),
    ("/bets/new", {"title": "B", "problem": "1", "method": "weighted",
                   "criteria": "revenue=3:8\nrevenue=1:2"},
     "criteria", ["bet", "new", "B", "--problem", "1", "--method", "weighted",
                  "--criterion", "revenue=3:8", "--criterion", "revenue=1:2"]),
    ("/problems/new", {"title": " ", "evidence": ["1"]}, "title",
     ["problem", "new", " ", "-e", "1"]),
    ("/problems/new", {"title": "P", "evidence": ["1", "999"]}, "evidence",
     ["problem", "new", "P", "-e", "1", "-e", "999"]),
    ("/proposals/new", {"title": f"P {loop.SCRIPT}", "problem": "1",
                        "metric": "conversion:signup"}, "metric",
     ["proposal", "new", "P", "--problem", "1", "--metric", "conversion:signup"]),
    ("/journal/new", {"title": "D", "importance": "9"}, "importance",
     ["journal", "log", "D", "--importance", "9"]),
    ("/journal/new", {"title": "D", "link": "rumour:1"}, "link",
     ["journal", "log", "D", "--link", "rumour:1"]),
    ("/ships/new", {"title": "S", "proposal": "4", "shipped_on": DAY}, "proposal",
     ["ship", "new", "S", "--proposal", "4", "--shipped-on", DAY]),
    ("/teardowns/new", {"title": "T", "competitor": " "}, "competitor",
     ["teardown", "new", "T", "--competitor", " "]),
    ("/proposals/4/edit", {"target": "0.9"}, "target",
     ["proposal", "edit", "4", "--target", "0.9"]),
    ("/goals/6/edit", {"due": "soon"}, "due", ["goal", "edit", "6", "--by", "soon"]),
]


@pytest.mark.parametrize(("path", "data", "field", "args"), REFUSED,
                         ids=[f"{c[0]}:{c[2]}" for c in REFUSED])
def test_a_refusal_is_shown_next_to_its_field(client: TestClient, root: Path, path: str,
                                              data: dict[str, Any], field: str,
                                              args: list[str]) -> None:
    before = {group: loop.cli_json(root, group, "list") for group in GROUPS}
    history = loop.cli_json(root, "proposal", "history", "4")
    if path.endswith("/edit"):
        data = shown_values(client.get(path).text) | data
    answer = post(client, path, data)
    assert answer.status_code == 400
    message = field_error(answer.text, field)
    assert message is not None, answer.text
    assert cli_error(root, *args).startswith(message)  # the CLI's words, then its own hint
    assert loop.SCRIPT not in answer.text
    assert before == {group: loop.cli_json(root, group, "list") for group in GROUPS}
    assert loop.cli_json(root, "proposal", "history", "4") == history


# Text the web reads before the library sees a value: (form, posted, field, message).
UNREADABLE = [
    ("/bets/new", {"title": "B", "problem": "first"}, "problem",
     "problem 'first': write a whole number"),
    ("/bets/new", {"title": "B", "problem": "1", "impact": "nan", "effort": "1"}, "impact",
     "impact 'nan' is not a number"),
    ("/bets/new", {"title": "B", "problem": "1", "impact": "2", "effort": "inf"}, "effort",
     "effort 'inf' is not a number"),
    ("/problems/new", {"title": "P", "evidence": ["1", "99999999999999999999999"]}, "evidence",
     "evidence '1 99999999999999999999999': write ids as numbers, e.g. 12, 15"),
    ("/ships/new", {"title": "S", "proposal": "99999999999999999999", "shipped_on": DAY},
     "proposal", "proposal '99999999999999999999': write a whole number of at most 18 digits"),
]


@pytest.mark.parametrize(("path", "data", "field", "message"), UNREADABLE,
                         ids=[f"{c[0]}:{c[2]}" for c in UNREADABLE])
def test_unreadable_values_are_refused_next_to_their_field(
        client: TestClient, root: Path, path: str, data: dict[str, Any], field: str,
        message: str) -> None:
    before = {group: loop.cli_json(root, group, "list") for group in GROUPS}
    answer = post(client, path, data)
    assert answer.status_code == 400
    assert field_error(answer.text, field) == message
    assert before == {group: loop.cli_json(root, group, "list") for group in GROUPS}


@pytest.mark.parametrize(("data", "field"), [
    ({"field": "target", "value": "0.7", "reason": " "}, "reason"),
    ({"field": "metric", "value": "", "reason": "a better metric"}, "value"),
])
def test_an_action_refusal_is_shown_on_the_artifact_page(client: TestClient, root: Path,
                                                         data: dict[str, str],
                                                         field: str) -> None:
    answer = post(client, "/proposals/4/amend", data, form="/proposals/4")
    assert answer.status_code == 400
    message = field_error(answer.text, f"amend-{field}")
    assert message is not None, answer.text
    assert cli_error(root, "proposal", "amend", "4", *(f"--{k}={v}" for k, v in data.items())
                     ).startswith(message)
    assert loop.cli_json(root, "proposal", "show", "4")["fields"]["amendments"] is None


@pytest.mark.parametrize(("path", "data"), [
    ("/problems/new", {"title": "Sneaky", "evidence": ["1"]}),
    ("/teardowns/10/edit", {"title": "Renamed", "competitor": "Asana"}),
    ("/journal/7/outcome", {"outcome": "sneaky"}),
    ("/portfolio/build", {}),
])
@pytest.mark.parametrize("token", [None, "forged"])
def test_a_post_without_the_csrf_token_is_refused(client: TestClient, root: Path, path: str,
                                                  data: dict[str, Any],
                                                  token: str | None) -> None:
    loop.form_token(client, "/problems/new")  # the client holds the cookie, not the form
    sent = data if token is None else {**data, "csrf": token}
    answer = client.post(path, data=sent, follow_redirects=False)
    assert answer.status_code == 403
    assert answer.json() == {"error": "the form is stale; reload the page", "field": "csrf"}
    assert len(loop.cli_json(root, "problem", "list")) == 1
    assert loop.cli_json(root, "teardown", "show", "10")["title"].startswith("Asana")
    assert loop.cli_json(root, "journal", "show", "7")["fields"]["outcome"] is None
    assert not (root / "portfolio").exists()


def test_the_evidence_search_keeps_what_was_typed_and_stores_nothing(
        client: TestClient, root: Path) -> None:
    answer = post(client, "/problems/new", {"do": "search", "q": "onboarding mobile",
                                            "title": f"Typed {loop.SCRIPT}", "evidence": ["8"]})
    assert answer.status_code == 200
    page = answer.text
    assert 'name="evidence" value="8" checked' in page  # the pick is kept
    assert 'id="ev-5"' in page and "Could not finish onboarding on mobile." in page
    assert f'value="Typed {loop.ESCAPED}"' in page and loop.SCRIPT not in page
    assert len(loop.cli_json(root, "problem", "list")) == 1
    refused = post(client, "/problems/new", {"do": "search", "q": "?!"})
    assert field_error(refused.text, "q") == "give some words to search for"


def test_forms_have_labels_for_every_field(client: TestClient) -> None:
    for path in ("/problems/new", "/bets/new", "/proposals/new", "/journal/new", "/goals/new",
                 "/ships/new", "/teardowns/new", "/bets/3/edit", "/proposals/4"):
        page = client.get(path).text
        ids = re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', page)
        labelled = set(re.findall(r'<label for="([^"]+)"', page))
        assert ids and set(ids) <= labelled, path


def test_a_problem_cites_three_pieces_found_by_search(page: Any, served: str) -> None:
    page.goto(served + "/problems/new")
    page.fill("#f-q", "onboarding")
    page.press("#f-q", "Enter")  # the keyboard searches: Search is the form's first button
    page.wait_for_selector("#ev-1")
    for piece in ("#ev-1", "#ev-2"):
        page.check(piece)
    page.focus("#ev-3")
    page.keyboard.press("Space")
    page.fill("#f-title", "Onboarding stalls for new teams")
    page.fill("#f-statement", "New teams cannot finish setting up.")
    page.click("button[value=save]")
    page.wait_for_url(re.compile(r"/problems/\d+$"))
    assert page.locator("blockquote").count() == 3
    assert page.locator("h1").inner_text().endswith("Onboarding stalls for new teams")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "problem-created.png", full_page=True)
    assert page.errors == []
    assert page.hosts == {served.removeprefix("http://")}
