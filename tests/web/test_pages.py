"""Every page and its JSON twin; twins equal the CLI's ``--json``; user text is escaped."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from needle.cli.main import app
from needle.web import create_app
from tests.web import filled

QUERIES = [
    ("funnel", "events=visit,signup&window=7d", ["visit", "signup", "--window", "7d"]),
    ("trend", "events=visit,purchase&measure=users", ["visit", "purchase", "--measure", "users"]),
    ("retention", "start-event=visit&period=day&periods=4",
     ["--start-event", "visit", "--period", "day", "--periods", "4"]),
    ("stickiness", "event=visit", ["visit"]),
    ("lifecycle", "event=signup&interval=day", ["signup", "--interval", "day"]),
    ("paths", "event=visit&steps=2", ["visit", "--steps", "2"]),
    ("sql", "sql=SELECT count(*) AS n FROM events", ["SELECT count(*) AS n FROM events"]),
]


@pytest.mark.parametrize("path", ["/", "/events", "/query/funnel"])
def test_pages_and_twins_answer(client, path: str) -> None:
    assert client.get(path).status_code == 200
    twin = "/.json" if path == "/" else f"{path}.json"
    answer = client.get(twin)
    assert answer.status_code == (400 if path == "/query/funnel" else 200)
    json.loads(answer.text)


@pytest.mark.parametrize(("kind", "params", "args"), QUERIES)
def test_query_twins_equal_the_cli(client, web_workspace, kind: str, params: str,
                                   args: list[str]) -> None:
    cli = CliRunner().invoke(app, ["-w", str(web_workspace), "query", kind, *args, "--json"])
    assert cli.exit_code == 0, cli.output
    assert client.get(f"/query/{kind}.json?{params}").json() == json.loads(cli.stdout)
    assert client.get(f"/query/{kind}?{params}").status_code == 200


def test_user_text_in_the_url_is_escaped(client) -> None:
    page = client.get("/query/trend?events=<script>alert(1)</script>").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page


def test_bad_options_answer_one_error_body(client) -> None:
    answer = client.get("/query/trend.json?events=visit&limit=many")
    assert answer.status_code == 400
    assert answer.json() == {"error": "limit 'many': write a whole number",
                             "field": "breakdown_limit"}


@pytest.mark.parametrize(("path", "field"), [
    ("/evidence.json?limit=99999999999999999999", "limit"),
    ("/themes/99999999999999999999.json", "theme"),
    ("/bets.json?problem=99999999999999999999", "problem"),
    ("/query/trend.json?events=visit&limit=99999999999999999999", "breakdown_limit"),
])
def test_numbers_too_large_to_store_are_refused(client, path: str, field: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 400
    assert answer.json()["field"] == field
    assert answer.json()["error"].endswith("'99999999999999999999': write a whole number of at "
                                           "most 18 digits")


@pytest.mark.parametrize("params", ["", "?sql=", "?sql=%20%20"])
def test_a_sql_query_without_sql_asks_for_one(client, params: str) -> None:
    answer = client.get(f"/query/sql.json{params}")
    assert answer.status_code == 400
    assert answer.json() == {"error": "write a SQL query", "field": "sql"}


def test_saving_a_sql_query_without_sql_asks_for_one(client, web_workspace) -> None:
    token = filled.csrf(client)
    answer = client.post("/query/sql/save", data={"params": "", "name": "none", "csrf": token},
                         follow_redirects=False)
    assert answer.status_code == 400 and "write a SQL query" in answer.text
    assert "none" not in [i["name"] for i in filled.needle_json(web_workspace, "insight", "list")]


def test_a_page_that_does_not_exist_answers_one_error_body(client) -> None:
    answer = client.get("/nowhere.json")
    assert answer.status_code == 404
    assert answer.json() == {"error": "there is no page at /nowhere.json", "field": None}
    page = client.get("/nowhere")
    assert page.status_code == 404 and "there is no page at /nowhere" in page.text
    answer = client.get("/portfolio/build")
    assert answer.status_code == 405 and answer.headers["allow"] == "POST"
    assert "/portfolio/build does not take a GET" in answer.text
    answer = client.put("/flags/")  # the SDKs' API answers in JSON
    assert answer.status_code == 405
    assert answer.json() == {"error": "/flags/ does not take a PUT", "field": None}


def test_a_parameter_that_is_no_option_is_refused(client) -> None:
    answer = client.get("/query/funnel.json?events=visit,signup&windw=1d")
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("funnel has no option 'windw'; its options: ")
    page = client.get("/query/funnel?events=visit,signup&windw=1d")
    assert page.status_code == 400 and "funnel has no option &#39;windw&#39;" in page.text


def test_secrets_beyond_ascii_are_refused_not_crashed(web_workspace) -> None:
    off_loopback = TestClient(create_app(web_workspace, host="0.0.0.0"))
    assert off_loopback.post("/login", data={"token": "clé"}).status_code == 401
    bearer = {"authorization": "Bearer clé".encode()}
    assert off_loopback.get("/.json", headers=bearer).status_code == 401
    local = TestClient(create_app(web_workspace))
    local.get("/")
    answer = local.post("/problems/new", data={"title": "T", "csrf": "clé"})
    assert answer.status_code == 403 and answer.json()["field"] == "csrf"
