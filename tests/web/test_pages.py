"""Every page and its JSON twin; twins equal the CLI's ``--json``; user text is escaped."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from needle.cli.main import app

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
