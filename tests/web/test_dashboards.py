"""``/dashboards`` and ``/dashboards/ID``: twins equal ``needle dashboard list/show --json``;
forms create, add, move and remove, refuse with the message next to the field, and nothing
changes without the CSRF token; names people typed are shown escaped. "Save as insight" on the
insight builder, and a bad option shown next to its field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from needle.web import create_app
from tests.web import filled


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled.build(tmp_path_factory.mktemp("dashboards") / "ws")


@pytest.fixture
def root(built: Path, tmp_path: Path) -> Path:
    """A private copy: the tests here post forms."""
    return Path(shutil.copytree(built, tmp_path / "ws"))


@pytest.fixture
def client(root: Path) -> TestClient:
    return TestClient(create_app(root))


def names(client: TestClient, number: int = 1) -> list[str]:
    return [i["name"] for i in client.get(f"/dashboards/{number}.json").json()["insights"]]


def test_twins_equal_the_cli(client: TestClient, root: Path) -> None:
    assert client.get("/dashboards.json").json() == filled.needle_json(root, "dashboard", "list")
    shown = client.get("/dashboards/1.json").json()
    assert shown == filled.needle_json(root, "dashboard", "show", "1")
    funnel, trend = shown["insights"]
    assert funnel["name"] == filled.INSIGHT and funnel["result"]["steps"][0]["event"] == "signup"
    assert trend["result"]["series"][0]["points"] and trend["error"] is None


def test_the_dashboard_draws_each_insight_with_its_table(client: TestClient) -> None:
    page = client.get("/dashboards/1").text
    assert page.count('class="tile"') == 2 and page.count("vegaEmbed(") == 2
    assert page.count("<summary>Data table</summary>") == 2
    assert page.count('<script src="/vendor/vega.min.js">') == 1


@pytest.mark.parametrize("path", ["/dashboards", "/dashboards/1"])
def test_names_people_typed_are_escaped(client: TestClient, path: str) -> None:
    page = client.get(path).text
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#39;dashboard&#39;)&lt;/script&gt;" in page
    if path.endswith("/1"):
        assert "&lt;script&gt;alert(&#39;insight&#39;)&lt;/script&gt;" in page


def test_create_add_move_remove(client: TestClient) -> None:
    token = filled.csrf(client)
    made = client.post("/dashboards", data={"name": "Growth", "csrf": token},
                       follow_redirects=False)
    assert (made.status_code, made.headers["location"]) == (303, "/dashboards/2")
    for insight in ("signups", "retention", filled.INSIGHT):
        added = client.post("/dashboards/2/add", data={"insight": insight, "csrf": token},
                            follow_redirects=False)
        assert added.status_code == 303
    assert names(client, 2) == ["signups", "retention", filled.INSIGHT]
    client.post("/dashboards/2/move", data={"insight": filled.INSIGHT, "position": "1",
                                            "csrf": token})
    client.post("/dashboards/2/remove", data={"insight": "signups", "csrf": token})
    assert names(client, 2) == [filled.INSIGHT, "retention"]
    page = client.get("/dashboards/2").text
    assert 'aria-label="Move retention earlier"' in page and "Move retention later" not in page


@pytest.mark.parametrize(("path", "form", "field", "message"), [
    ("/dashboards", {"name": filled.DASHBOARD}, "name", "exists; choose another name"),
    ("/dashboards", {"name": "  "}, "name", "a dashboard needs a name"),
    ("/dashboards/1/add", {"insight": "nope"}, "insight", "no insight named &#39;nope&#39;"),
    ("/dashboards/1/add", {"insight": "signups"}, "insight", "is already on dashboard"),
    ("/dashboards/1/move", {"insight": "signups", "position": "x"}, "position",
     "position &#39;x&#39;: write a whole number"),
])
def test_a_refusal_shows_the_form_again_with_the_message(client: TestClient, path: str,
                                                         form: dict[str, str], field: str,
                                                         message: str) -> None:
    before = client.get("/dashboards.json").json()
    answer = client.post(path, data={**form, "csrf": filled.csrf(client)})
    assert answer.status_code == 400 and message in answer.text
    if field != "position":
        assert f'id="err-{field}"' in answer.text
    assert client.get("/dashboards.json").json() == before


@pytest.mark.parametrize("token", [None, "forged"])
@pytest.mark.parametrize(("path", "form"), [
    ("/dashboards", {"name": "Sneaky"}),
    ("/dashboards/1/remove", {"insight": "signups"}),
    ("/dashboards/add", {"dashboard": "1", "insight": "retention"}),
    ("/query/funnel/save", {"params": "events=signup,invite_sent", "name": "sneaky"}),
])
def test_a_post_without_the_csrf_token_is_refused(client: TestClient, root: Path, path: str,
                                                  form: dict[str, str], token: str | None) -> None:
    filled.csrf(client)
    before = (client.get("/dashboards.json").json(), filled.needle_json(root, "insight", "list"))
    answer = client.post(path, data=form | ({"csrf": token} if token else {}))
    assert answer.status_code == 403 and answer.json()["field"] == "csrf"
    assert (client.get("/dashboards.json").json(),
            filled.needle_json(root, "insight", "list")) == before


def test_save_as_insight_then_add_it_to_a_dashboard(client: TestClient, root: Path) -> None:
    token = filled.csrf(client)
    params = "events=signup,invite_sent&window=7d"
    saved = client.post("/query/funnel/save", data={
        "params": params, "name": "invites", "description": "signup to invite", "csrf": token},
        follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/query/funnel?events=signup%2Cinvite_sent&window=7d" \
        "&saved=invites"
    insight = filled.needle_json(root, "insight", "show", "invites")
    assert insight["description"] == "signup to invite"
    assert filled.needle_json(root, "insight", "run", "invites") == client.get(
        f"/query/funnel.json?{params}").json()
    page = client.get(saved.headers["location"]).text
    assert "Saved as insight <strong>invites</strong>" in page
    assert 'action="/dashboards/add"' in page
    added = client.post("/dashboards/add", data={"dashboard": "1", "insight": "invites",
                                                  "csrf": token}, follow_redirects=False)
    assert added.headers["location"] == "/dashboards/1"
    assert names(client) == [filled.INSIGHT, "signups", "invites"]


@pytest.mark.parametrize(("name", "message"), [
    ("", "an insight needs a name"), ("signups", "insight &#39;signups&#39; exists"),
])
def test_saving_is_refused_next_to_the_name(client: TestClient, root: Path, name: str,
                                            message: str) -> None:
    before = filled.needle_json(root, "insight", "list")
    answer = client.post("/query/funnel/save", data={
        "params": "events=signup,invite_sent", "name": name, "csrf": filled.csrf(client)})
    assert answer.status_code == 400
    assert f'<span class="error field-error" id="err-name" role="alert">{message}' in answer.text
    assert 'figure class="chart"' in answer.text  # the result is still shown
    assert filled.needle_json(root, "insight", "list") == before


@pytest.mark.parametrize(("params", "field", "message"), [
    ("events=signup&interval=fortnight", "interval", "interval &#39;fortnight&#39;: choose"),
    ("events=signup&limit=many", "limit", "limit &#39;many&#39;: write a whole number"),
    ("events=signup,invite_sent&window=soon", "window", "window &#39;soon&#39;"),
    ("start-event=signup&periods=99", "periods", "periods: 1 to 52"),
])
def test_a_bad_option_is_shown_next_to_its_field(client: TestClient, params: str, field: str,
                                                 message: str) -> None:
    kind = {"interval": "trend", "limit": "trend", "window": "funnel", "periods": "retention"}
    answer = client.get(f"/query/{kind[field]}?{params}")
    assert answer.status_code == 400
    assert f'id="opt-{field}"' in answer.text and f'aria-describedby="err-{field}"' in answer.text
    assert f'id="err-{field}" role="alert">{message}' in answer.text
    assert client.get(f"/query/{kind[field]}.json?{params}").status_code == 400
