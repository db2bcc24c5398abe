"""``needle flag`` end to end, its declared JSON shapes, the page and its twin, and experiments
tied to a flag with ``needle experiment create --flag``."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
from fastapi.testclient import TestClient

from needle.capture.flags import evaluate
from needle.cli.main import load_command
from needle.cli.shapes import mismatches, shape_of
from needle.events.schema import EVENT_SCHEMA
from needle.web import create_app
from needle.workspace import Workspace

CREATE = ("flag", "create", "checkout", "--variant", "control=50", "--variant", "test=50")


def shape(*path: str) -> Any:
    command = load_command(path[0]).commands[path[1]]
    declared = shape_of(command)
    assert declared is not None
    return declared.fields


def test_create_list_show_archive(cli: Any) -> None:
    assert "Created flag 'checkout'" in cli(*CREATE, "--rollout", "80").output
    cli("flag", "create", "beta", "--where", "person.plan=pro", "--where", "person.seats>=5")
    listed = json.loads(cli("flag", "list", "--json").output)
    assert mismatches(listed, shape("flag", "list")) == []
    assert [f["key"] for f in listed] == ["beta", "checkout"]
    beta = listed[0]
    assert beta["variants"] == [] and beta["conditions"] == [
        {"property": "plan", "operator": "exact", "value": "pro"},
        {"property": "seats", "operator": "gte", "value": "5"}]
    shown = json.loads(cli("flag", "show", "checkout", "--json").output)
    assert mismatches(shown, shape("flag", "show")) == []
    assert (shown["rollout"], shown["version"], shown["active"]) == (80.0, 1, True)
    assert [v["key"] for v in shown["variants"]] == ["control", "test"]
    assert "Archived flag 'checkout'" in cli("flag", "archive", "checkout").output
    listed = json.loads(cli("flag", "list", "--json").output)
    assert [(f["key"], f["active"]) for f in listed] == [("beta", True), ("checkout", False)]
    table = cli("flag", "list").output
    assert "archived" in table and "person.plan=pro" in table
    assert "control" in cli("flag", "show", "checkout").output


def test_redefining_needs_replace_and_serves_again(cli: Any) -> None:
    cli(*CREATE)
    cli("flag", "archive", "checkout")
    refused = cli(*CREATE, ok=False)
    assert refused.exit_code == 1 and "exists (archived); replace it" in refused.output
    assert "Redefined" in cli("flag", "create", "checkout", "--variant", "control=90",
                              "--variant", "test=10", "--replace").output
    shown = json.loads(cli("flag", "show", "checkout", "--json").output)
    assert shown["active"] and shown["version"] == 3
    assert [v["percent"] for v in shown["variants"]] == [90.0, 10.0]


def test_bad_input_is_one_line(cli: Any) -> None:
    for args, words in [
        (("flag", "create", "x", "--variant", "a=60", "--variant", "b=60"), "add up to 120"),
        (("flag", "create", "x", "--where", "plan=pro"), "write person.PROPERTY=VALUE"),
        (("flag", "create", "x y"), "letters, digits"),
        (("flag", "create", "x", "--rollout", "120"), "percent from 0 to 100"),
        (("flag", "show", "nope"), "no flag with key 'nope'"),
    ]:
        result = cli(*args, ok=False)
        assert result.exit_code == 1 and words in result.output, result.output
    assert json.loads(cli("flag", "list", "--json").output) == []


def test_page_and_twin_equal_the_cli(cli: Any, workspace: Workspace) -> None:
    cli(*CREATE)
    cli("flag", "create", "beta", "--rollout", "25")
    client = TestClient(create_app(workspace.root))
    assert client.get("/flags.json").json() == json.loads(cli("flag", "list", "--json").output)
    page = client.get("/flags")
    assert page.status_code == 200
    assert "checkout" in page.text and "control 50%" in page.text and workspace.project_token \
        in page.text and 'href="/flags"' in page.text
    cli("flag", "archive", "beta")
    assert "archived" in client.get("/flags").text


# Experiments on a flag.
START = datetime(2026, 3, 2, tzinfo=UTC)


def _event(name: str, user: str, at: datetime, **props: object) -> dict[str, Any]:
    return {"uuid": str(uuid.uuid4()), "event": name, "distinct_id": user, "timestamp": at,
            "properties": json.dumps(props)}


def _flag_events(workspace: Workspace, key: str, users: int) -> Counter[Any]:
    """Each user reads the flag once (the SDK's exposure, false outside the rollout) and some
    buy; the arms each user got, by the library."""
    spec = workspace.flag(key).spec
    events, arms = [], Counter()
    for n in range(users):
        user, at = f"u{n}", START + timedelta(minutes=n)
        value = evaluate(spec, user).value
        arms[value] += 1
        events.append(_event("$feature_flag_called", user, at, **{
            "$feature_flag": key, "$feature_flag_response": value}))
        if n % 3 == 0:
            events.append(_event("purchase", user, at + timedelta(hours=1)))
    events.append(_event("$feature_flag_called", "u1", START, **{
        "$feature_flag": "another", "$feature_flag_response": "test"}))
    workspace.lake.append(pa.Table.from_pylist(events, schema=EVENT_SCHEMA))
    return arms


EXPERIMENT = ("experiment", "create", "exp", "--metric", "bought=conversion:purchase:7",
              "--hypothesis", "The new checkout sells more", "--decision-rule", "Ship if so")


def test_experiment_on_a_flag(cli: Any, workspace: Workspace) -> None:
    cli("flag", "create", "checkout", "--variant", "control=50", "--variant", "test=50",
        "--rollout", "70")
    arms = _flag_events(workspace, "checkout", 600)
    assert arms[False] > 100  # people outside the rollout read false: not in the experiment
    cli(*EXPERIMENT, "--flag", "checkout")
    shown = json.loads(cli("experiment", "show", "exp", "--json").output)
    assert (shown["exposure_event"], shown["variant_property"], shown["exposure_filters"],
            shown["control"], shown["split"]) == (
        "$feature_flag_called", "$feature_flag_response", {"$feature_flag": "checkout"},
        "control", {"control": 50.0, "test": 50.0})
    analysis = json.loads(cli("experiment", "analyze", "exp", "--json").output)
    assert {v["name"]: v["units"] for v in analysis["variants"]} == {
        "control": arms["control"], "test": arms["test"]}
    assert analysis["srm"]["ok"]


def test_experiment_on_a_flag_names_its_control(cli: Any) -> None:
    cli("flag", "create", "checkout", "--variant", "a=50", "--variant", "b=50")
    cli(*EXPERIMENT, "--flag", "checkout", "--control", "b")
    assert json.loads(cli("experiment", "show", "exp", "--json").output)["control"] == "b"
    wrong = cli(*EXPERIMENT, "--flag", "checkout", "--control", "c", "--replace", ok=False)
    assert "control 'c' is not a variant of flag 'checkout'" in wrong.output


def test_experiment_flag_options_are_checked(cli: Any) -> None:
    cli("flag", "create", "beta", "--rollout", "50")
    assert "two variants or more" in cli(*EXPERIMENT, "--flag", "beta", ok=False).output
    assert "no flag with key 'nope'" in cli(*EXPERIMENT, "--flag", "nope", ok=False).output
    both = cli(*EXPERIMENT, "--flag", "beta", "--exposure-event", "x", ok=False)
    assert "leave out --exposure-event" in both.output
    assert "--flag KEY" in cli(*EXPERIMENT, ok=False).output
