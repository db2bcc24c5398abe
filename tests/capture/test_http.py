"""The capture endpoints over HTTP: every path and method, CORS, and each 400/401/413."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from needle.web import create_app

PATHS = ["/i/v0/e", "/e", "/capture", "/batch", "/track", "/engage"]
MB = 1024 * 1024


@pytest.fixture
def client(root: Path) -> Iterator[TestClient]:
    with TestClient(create_app(root)) as client:  # the lifespan starts and stops capture
        yield client


def event(token: str, **fields: Any) -> dict[str, Any]:
    return {"event": "signup", "distinct_id": "u1", "token": token, **fields}


@pytest.mark.parametrize("slash", ["", "/"])
@pytest.mark.parametrize("path", PATHS)
def test_every_path_accepts_get_and_post(client: TestClient, token: str, path: str,
                                         slash: str) -> None:
    body = json.dumps(event(token))
    posted = client.post(path + slash, content=body)
    got = client.get(path + slash, params={"data": base64.b64encode(body.encode()).decode()})
    assert (posted.status_code, posted.json()) == (200, {"status": 1})
    assert (got.status_code, got.json()) == (200, {"status": 1})


def test_preflight_allows_any_site(client: TestClient) -> None:
    answer = client.options("/e/", headers={"Origin": "https://shop.example",
                                            "Access-Control-Request-Method": "POST",
                                            "Access-Control-Request-Headers": "content-type"})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "https://shop.example"
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert answer.headers["access-control-allow-credentials"] == "true"


def test_no_login_and_no_csrf_off_loopback(root: Path, token: str) -> None:
    with TestClient(create_app(root, host="0.0.0.0")) as client:
        assert client.post("/e/", content=json.dumps(event(token))).status_code == 200
        assert client.get("/events").status_code in (200, 303)  # pages still need the login


def _bomb() -> bytes:
    return gzip.compress(b" " * (3 * MB))


# (name, path, body, headers, status, reason)
REFUSALS: list[tuple[str, str, Any, dict[str, str], int, str]] = [
    ("not JSON", "/e/", b"{nope", {}, 400, "not JSON"),
    ("empty body", "/e/", b"", {}, 400, "no events"),
    ("no event name", "/e/", {"distinct_id": "u", "token": "{token}"}, {}, 400, "event name"),
    ("no distinct id", "/e/", {"event": "e", "token": "{token}"}, {}, 400, "distinct_id"),
    ("bad uuid", "/e/", {"event": "e", "distinct_id": "u", "token": "{token}", "uuid": "x"}, {},
     400, "uuid"),
    ("two tokens", "/e/", [{"event": "e", "distinct_id": "u", "token": "{token}"},
                           {"event": "e", "distinct_id": "u", "token": "phc_other"}], {}, 400,
     "different project tokens"),
    ("empty batch", "/batch/", {"api_key": "{token}", "batch": []}, {}, 400, "no events"),
    ("broken gzip", "/e/", b"\x1f\x8b\x08\x00broken", {}, 400, "gzip"),
    ("no token", "/e/", {"event": "e", "distinct_id": "u"}, {}, 401, "no project token"),
    ("unknown token", "/e/", {"event": "e", "distinct_id": "u", "token": "phc_nope"}, {}, 401,
     "not this workspace's"),
    ("empty token", "/batch/", {"api_key": "", "batch": [{"event": "e", "distinct_id": "u"}]},
     {}, 401, "empty"),
    ("event request over 2 MB", "/e/", b" " * (2 * MB + 1), {}, 413, "over"),
    ("gzip bomb", "/e/", _bomb(), {"Content-Encoding": "gzip"}, 413, "decompresses"),
    ("batch over 20 MB", "/batch/", b" " * (20 * MB + 1), {}, 413, "over"),
    ("declared length over 20 MB", "/batch/", b"{}", {"Content-Length": str(21 * MB)}, 413,
     "over"),
]


@pytest.mark.parametrize(("path", "body", "headers", "status", "reason"),
                         [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusals(client: TestClient, token: str, path: str, body: Any, headers: dict[str, str],
                  status: int, reason: str) -> None:
    content = body if isinstance(body, bytes) else json.dumps(body).replace("{token}", token)
    answer = client.post(path, content=content, headers=headers)
    assert answer.status_code == status
    assert reason in answer.json()["error"]


def test_a_batch_may_be_larger_than_an_event_request(client: TestClient, token: str) -> None:
    batch = {"api_key": token, "batch": [event(token, properties={"pad": "x" * 1000})
                                         for _ in range(3000)]}
    body = json.dumps(batch).encode()
    assert 2 * MB < len(body) < 20 * MB
    assert client.post("/batch/", content=body).status_code == 200
    assert client.post("/e/", content=body).status_code == 413


def test_other_methods_are_refused(client: TestClient) -> None:
    assert client.put("/e/", content=b"{}").status_code == 405


def test_the_events_page_shows_live_counts(client: TestClient, token: str) -> None:
    assert client.post("/batch/", content=json.dumps(
        {"api_key": token, "batch": [event(token), event(token)]})).status_code == 200
    live = client.get("/events/live.json").json()
    assert live["running"] and live["events"] == 2 and live["requests"] == 1
    assert "2 events captured" in client.get("/events/live").text
    assert 'hx-get="/events/live"' in client.get("/events").text
