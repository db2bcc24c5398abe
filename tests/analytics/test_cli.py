"""The CLI's JSON shapes, saved insights, and the Workspace API on one small lake."""

from __future__ import annotations

import json

import pytest

from tests.analytics.conftest import D, H, ev, table

ROWS = [
    ev("u", "visit", 0, {"src": "ads"}),
    ev("u", "signup", H),
    ev("u", "buy", 2 * H),
    ev("v", "visit", D, {"src": "seo"}),
    ev("v", "signup", 9 * D),
    ev("w", "visit", 8 * D),
]


@pytest.fixture
def loaded(workspace, cli):
    workspace.lake.append(table(ROWS))
    return cli


def as_json(cli, *args: str):
    return json.loads(cli(*args, "--json").stdout)


def test_funnel_json_shape(loaded) -> None:
    out = as_json(loaded, "query", "funnel", "visit", "signup", "buy", "--window", "7d")
    assert [(s["event"], s["users"], s["median_seconds_to_convert"]) for s in out["steps"]] == [
        ("visit", 3, None),
        ("signup", 1, 3600.0),
        ("buy", 1, 3600.0),
    ]
    people = as_json(
        loaded, "query", "funnel", "visit", "signup", "--window", "7d", "--people", "1"
    )
    assert people == {"step": 1, "people": ["v", "w"]}


def test_retention_json_shape(loaded) -> None:
    out = as_json(
        loaded,
        "query",
        "retention",
        "--start-event",
        "visit",
        "--return-event",
        "any",
        "--period",
        "week",
        "--periods",
        "2",
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-14",
    )
    assert out["cohorts"] == [
        {"start": "2024-01-01", "users": 2, "retained": [2, 1]},
        {"start": "2024-01-08", "users": 1, "retained": [1]},
    ]


def test_trend_json_shape(loaded) -> None:
    out = as_json(
        loaded,
        "query",
        "trend",
        "visit",
        "signup",
        "--interval",
        "day",
        "--measure",
        "users",
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-02",
    )
    assert [(s["label"], s["points"]) for s in out["series"]] == [
        ("visit", [{"t": "2024-01-01", "value": 1}, {"t": "2024-01-02", "value": 1}]),
        ("signup", [{"t": "2024-01-01", "value": 1}, {"t": "2024-01-02", "value": 0}]),
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["stickiness", "visit"],
        ["lifecycle", "visit", "--interval", "week"],
        ["paths", "visit"],
        ["sql", "SELECT count(*) AS n FROM events"],
    ],
)
def test_other_queries_print_json_and_tables(loaded, args: list[str]) -> None:
    assert isinstance(as_json(loaded, "query", *args), dict)
    assert loaded("query", *args).stdout.strip()


def test_bad_input_is_one_line(loaded) -> None:
    result = loaded("query", "funnel", "a", "b", "--window", "7x", ok=False)
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "window" in result.stderr


def test_saved_insights(loaded, workspace) -> None:
    loaded(
        "insight",
        "save",
        "signups",
        "funnel",
        "visit",
        "signup",
        "--window",
        "7d",
        "--description",
        "visit to signup",
    )
    assert loaded("insight", "save", "signups", "trend", "visit", ok=False).exit_code == 1
    loaded(
        "insight", "save", "signups", "funnel", "visit", "signup", "--window", "14d", "--replace"
    )
    listed = as_json(loaded, "insight", "list")
    assert [(i["name"], i["kind"]) for i in listed] == [("signups", "funnel")]
    shown = as_json(loaded, "insight", "show", "signups")
    assert shown["query"]["window_seconds"] == 14 * 86400
    ran = as_json(loaded, "insight", "run", "signups")
    assert [s["users"] for s in ran["steps"]] == [3, 2]
    assert workspace.run_insight("signups").to_json() == ran
    assert loaded("insight", "run", "nope", ok=False).exit_code == 1


def test_workspace_api(loaded, workspace) -> None:
    assert [s.users for s in workspace.funnel(["visit", "signup"], window="7d").steps] == [3, 1]
    assert workspace.retention("visit", start="2024-01-01", end="2024-01-07").cohorts[0].users == 2
    assert workspace.trend(["visit"], start="2024-01-01", end="2024-01-01").series[0].total == 1
    assert workspace.sql("SELECT count(*) FROM events").rows == ((6,),)
