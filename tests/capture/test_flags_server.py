"""The real SDKs read flags from a server on loopback: the same answers as the library, changes
served within 10 seconds, archived flags no longer served, the token checked."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient
from posthog import Posthog

from needle.capture.flags import FlagSpec, evaluate, parse_condition, parse_variants
from needle.experiments.definitions import ExperimentSpec
from needle.web import create_app
from needle.workspace import Workspace
from tests.serving import serving

NODE = Path(__file__).parent / "node"
IDS = [f"user-{n}" for n in range(150)]
SPECS = [
    FlagSpec("checkout-redesign", parse_variants(["control=50", "test=50"])),
    FlagSpec("pricing", parse_variants(["control=34", "a=33", "b=33"]), rollout=60),
    FlagSpec("beta", rollout=30),
    FlagSpec("pro-only", parse_variants(["control=50", "test=50"]),
             conditions=(parse_condition("person.plan=pro"),)),
]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with Workspace.init(tmp_path_factory.mktemp("flags") / "ws") as workspace:
        for spec in SPECS:
            workspace.create_flag(spec)
        return workspace.root


@pytest.fixture(scope="module")
def token(root: Path) -> str:
    with Workspace.open(root) as workspace:
        return workspace.project_token


@pytest.fixture(scope="module")
def url(root: Path) -> Iterator[str]:
    """``needle serve``'s app on a loopback port, in a thread."""
    with serving(root) as base:
        yield base


@pytest.fixture
def sdk(url: str, token: str) -> Iterator[Posthog]:
    client = Posthog(token, host=url, sync_mode=True, max_retries=0)
    yield client
    client.shutdown()


def quietly(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A getter posthog-python 7 marks deprecated (it still works, and SDKs in the field use it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return call(*args, **kwargs)


def library(distinct_id: str, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    return {s.key: evaluate(s, distinct_id, properties).value for s in SPECS}


def test_get_all_flags_equals_the_library(sdk: Posthog) -> None:
    for n, distinct_id in enumerate(IDS):
        properties = {"plan": "pro" if n % 2 else "free"}
        got = sdk.get_all_flags(distinct_id, person_properties=properties)
        assert got == library(distinct_id, properties), distinct_id


def test_get_feature_flag_and_feature_enabled_equal_the_library(sdk: Posthog) -> None:
    for distinct_id in IDS[:60]:
        expected = library(distinct_id, {"plan": "pro"})
        for key in ("checkout-redesign", "pricing", "pro-only"):
            got = quietly(sdk.get_feature_flag, key, distinct_id,
                          person_properties={"plan": "pro"}, send_feature_flag_events=False)
            assert got == expected[key], (key, distinct_id)
        enabled = quietly(sdk.feature_enabled, "beta", distinct_id,
                          send_feature_flag_events=False)
        assert enabled is expected["beta"]


def test_evaluate_flags_snapshot(sdk: Posthog) -> None:
    snapshot = sdk.evaluate_flags("user-7", person_properties={"plan": "pro"})
    expected = library("user-7", {"plan": "pro"})
    assert snapshot.get_flag("checkout-redesign") == expected["checkout-redesign"]
    assert snapshot.is_enabled("beta") is expected["beta"]
    assert set(snapshot.keys) == set(expected)


def test_a_missing_property_fails_the_condition(sdk: Posthog) -> None:
    assert quietly(sdk.get_feature_flag, "pro-only", "user-1",
                   send_feature_flag_events=False) is False


def _wait(check: Callable[[], bool], timeout: float = 10) -> float:
    """Seconds until ``check`` holds; fails past ``timeout``."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < timeout, "not served within the time"
        time.sleep(0.1)
    return time.monotonic() - start


def test_changes_are_served_within_10_seconds(sdk: Posthog, root: Path) -> None:
    with Workspace.open(root) as workspace:
        workspace.create_flag(FlagSpec("late", parse_variants(["control=50", "test=50"])))
    assert _wait(lambda: "late" in (sdk.get_all_flags("user-1") or {})) < 10
    with Workspace.open(root) as workspace:
        workspace.create_flag(FlagSpec("late", parse_variants(["control=0", "test=100"])),
                              replace=True)
    assert _wait(lambda: {(sdk.get_all_flags(i) or {}).get("late") for i in IDS[:20]}
                 == {"test"}) < 10
    with Workspace.open(root) as workspace:
        workspace.archive_flag("late")
    assert _wait(lambda: "late" not in (sdk.get_all_flags("user-1") or {})) < 10
    assert quietly(sdk.get_feature_flag, "late", "user-1", send_feature_flag_events=False) \
        is None


@pytest.mark.parametrize(("body", "status"), [
    ({"distinct_id": "u"}, 401),
    ({"api_key": "phc_not_this_one", "distinct_id": "u"}, 401),
    ({"api_key": "TOKEN"}, 400),
])
def test_token_and_distinct_id_are_required(url: str, token: str, body: dict[str, Any],
                                             status: int) -> None:
    body = {k: token if v == "TOKEN" else v for k, v in body.items()}
    for path in ("/flags/?v=4", "/flags", "/decide/?v=3"):
        answer = requests.post(url + path, json=body, timeout=10)
        assert answer.status_code == status, path
        assert answer.json()["detail"]


def test_decide_answers_the_legacy_shapes(url: str, token: str) -> None:
    body = {"token": token, "distinct_id": "user-3", "person_properties": {"plan": "pro"}}
    expected = library("user-3", {"plan": "pro"})
    v3 = requests.post(url + "/decide/?v=3", json=body, timeout=10).json()
    assert v3["featureFlags"] == expected and v3["errorsWhileComputingFlags"] is False
    v2 = requests.post(url + "/decide/?v=2", json=body, timeout=10).json()
    assert v2["featureFlags"] == {k: v for k, v in expected.items() if v is not False}
    v1 = requests.post(url + "/decide/", json=body, timeout=10).json()
    assert v1["featureFlags"] == [k for k, v in expected.items() if v is not False]
    flags = requests.post(url + "/flags/?v=2", json=body, timeout=10).json()["flags"]
    assert {k: f["variant"] or f["enabled"] for k, f in flags.items()} == expected


def test_gzip_and_form_bodies(url: str, token: str) -> None:
    import gzip

    body = json.dumps({"api_key": token, "distinct_id": "user-3"}).encode()
    zipped = requests.post(url + "/flags/?v=4", data=gzip.compress(body), timeout=10,
                           headers={"Content-Encoding": "gzip",
                                    "Content-Type": "application/json"})
    assert zipped.json()["flags"]["checkout-redesign"]["value"] == \
        library("user-3")["checkout-redesign"]
    preflight = requests.options(url + "/flags/", headers={"Origin": "https://app.example"},
                                 timeout=10)
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"


def test_posthog_node_reads_the_same_flags(url: str, token: str) -> None:
    node = shutil.which("node")
    if node is None or not (NODE / "node_modules" / "posthog-node").exists():
        pytest.fail("node and posthog-node are missing: `make install` installs them")
    script = """
import { PostHog } from "posthog-node";
const [url, token, ids] = process.argv.slice(1);
const client = new PostHog(token, { host: url, fetchRetryCount: 0 });
const out = {};
for (const id of JSON.parse(ids)) {
  out[id] = await client.getAllFlags(id, { personProperties: { plan: "pro" } });
}
out.single = await client.getFeatureFlag("checkout-redesign", "user-5",
                                         { sendFeatureFlagEvents: false });
await client.shutdown();
console.log(JSON.stringify(out));
"""
    done = subprocess.run([node, "--input-type=module", "-e", script, url, token,
                           json.dumps(IDS[:30])], cwd=NODE, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    for distinct_id in IDS[:30]:
        assert answers[distinct_id] == library(distinct_id, {"plan": "pro"}), distinct_id
    assert answers["single"] == library("user-5")["checkout-redesign"]


def test_off_loopback_the_api_needs_no_login_but_the_page_does(root: Path, token: str) -> None:
    client = TestClient(create_app(root, host="0.0.0.0"))
    answer = client.post("/flags/?v=4", json={"api_key": token, "distinct_id": "user-1"})
    assert answer.status_code == 200 and "checkout-redesign" in answer.json()["flags"]
    assert client.post("/decide/?v=3", json={"api_key": token, "distinct_id": "u"}).is_success
    assert client.get("/flags", follow_redirects=False).status_code == 303
    assert client.get("/flags.json").status_code == 401


def test_sdk_exposures_feed_an_experiment_on_the_flag(sdk: Posthog, root: Path) -> None:
    """The SDK's ``$feature_flag_called`` events, captured by the same server, are the
    exposures of ``needle experiment create --flag``: one unit per person, in their variant;
    people outside the rollout (the SDK reports false) are not in the experiment."""
    users = [f"buyer-{n}" for n in range(80)]
    for n, distinct_id in enumerate(users):
        quietly(sdk.get_feature_flag, "pricing", distinct_id)
        if n % 3 == 0:
            sdk.capture("purchase", distinct_id=distinct_id)
    sdk.flush()
    expected = Counter(evaluate(SPECS[1], u).value for u in users)
    assert expected[False] > 10

    def exposures() -> int:
        with Workspace.open(root) as workspace:
            if not workspace.lake.files():
                return 0
            return workspace.sql("SELECT count(*) FROM events WHERE event = "
                                 "'$feature_flag_called' AND json_extract_string(properties, "
                                 "'$.\"$feature_flag\"') = 'pricing'").rows[0][0]

    _wait(lambda: exposures() >= len(users), timeout=20)
    with Workspace.open(root) as workspace:
        workspace.create_experiment(ExperimentSpec(
            "redesign", "", "", (workspace.experiment_metric("conversion:purchase:1"),),
            "The redesign sells more", "Ship if it does"), flag="pricing")
        _, analysis = workspace.analyze_experiment("redesign")
    del expected[False]
    assert dict(zip(analysis.variants, analysis.units, strict=True)) == dict(expected)
