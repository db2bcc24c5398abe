"""The flags API without a server: reading requests, the answer shape per endpoint and ``v``,
and how fresh the served flags are."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from needle.capture.decode import Raw
from needle.capture.errors import BadPayload, NoToken
from needle.capture.events import read_request as capture_request
from needle.capture.flag_api import (
    FlagSource,
    FlagsRequest,
    Served,
    answer,
    check_token,
    read_request,
    version_of,
)
from needle.capture.flags import Flag, FlagSpec, Variant

NOW = datetime(2026, 1, 1, tzinfo=UTC)
FLAGS = (Flag(FlagSpec("ab", (Variant("control", 50), Variant("test", 50))), 1, 3, "ada", NOW,
              NOW),
         Flag(FlagSpec("off", rollout=0), 2, 1, "ada", NOW, NOW))
SERVED = Served("phc_x", FLAGS)
ASK = FlagsRequest("phc_x", "user-1")


def test_reads_the_ways_sdks_send() -> None:
    body = {"token": "phc_x", "distinct_id": 42, "person_properties": {"plan": "pro"},
            "flag_keys_to_evaluate": ["ab"]}
    text = json.dumps(body).encode()
    for raw in (Raw(text), Raw(base64.b64encode(text)),
                Raw(b"data=" + base64.b64encode(text), content_type=
                    "application/x-www-form-urlencoded")):
        assert read_request(raw) == FlagsRequest("phc_x", "42", {"plan": "pro"},
                                                 frozenset({"ab"}))


@pytest.mark.parametrize(("sent", "stored"), [
    (True, "true"), ({"b": 1, "a": 2}, '{"a":2,"b":1}'), ([1, 2], "[1,2]"), ("é" * 300, "é" * 200)])
def test_a_distinct_id_is_the_one_capture_stores(sent: Any, stored: str) -> None:
    """A flag is hashed on the id the person's events are stored under."""
    asked = read_request(Raw(json.dumps({"token": "phc_x", "distinct_id": sent}).encode()))
    captured = capture_request({"event": "e", "distinct_id": sent, "token": "phc_x"}, "/e", 0)
    assert asked.distinct_id == captured.rows[0][2] == stored


@pytest.mark.parametrize("body", [b"", b"[1]", b'{"api_key": "phc_x"}', b"nope",
                                  b'{"distinct_id": "u", "person_properties": [1]}'])
def test_unreadable_requests_are_refused(body: bytes) -> None:
    with pytest.raises(BadPayload):
        read_request(Raw(body))


def test_the_token_must_be_the_workspaces() -> None:
    check_token(ASK, "phc_x")
    for token in (None, "phc_y"):
        with pytest.raises(NoToken):
            check_token(FlagsRequest(token, "u"), "phc_x")


@pytest.mark.parametrize(("endpoint", "v", "key", "expected"), [
    ("flags", 4, "flags", {"ab", "off"}),
    ("flags", 2, "flags", {"ab", "off"}),
    ("flags", 1, "featureFlags", {"ab": "control", "off": False}),
    ("decide", 4, "flags", {"ab", "off"}),
    ("decide", 3, "featureFlags", {"ab": "control", "off": False}),
    ("decide", 2, "featureFlags", {"ab": "control"}),
    ("decide", 1, "featureFlags", ["ab"]),
])
def test_the_shape_follows_endpoint_and_version(endpoint: str, v: int, key: str,
                                                expected: Any) -> None:
    body = answer(SERVED, ASK, endpoint, v)
    assert body["errorsWhileComputingFlags"] is False and body["requestId"]
    got = body[key]
    assert (set(got) if key == "flags" else got) == expected
    if key == "flags":
        record = got["ab"]
        assert record["metadata"] == {"id": 1, "version": 3, "description": None,
                                      "payload": None}
        assert ("value" in record) is (endpoint == "flags" and v >= 4)
        assert got["off"]["reason"]["code"] == "out_of_rollout_bound"


def test_only_the_flags_asked_for() -> None:
    body = answer(SERVED, FlagsRequest("phc_x", "u", keys=frozenset({"off"})), "flags", 4)
    assert list(body["flags"]) == ["off"]


@pytest.mark.parametrize(("text", "v"), [(None, 1), ("", 1), ("4", 4), ("x", 1), ("-1", 1),
                                         ("0", 0)])
def test_version_of(text: str | None, v: int) -> None:
    assert version_of(text) == v
    assert {"flags", "featureFlags"} & set(answer(SERVED, ASK, "decide", version_of(text)))


def test_the_source_reads_again_after_the_refresh_time() -> None:
    now, loads = [0.0], []

    def load() -> Served:
        loads.append(now[0])
        if len(loads) == 3:
            raise OSError("the store is away")
        return Served("phc_x", FLAGS[: len(loads)])

    source = FlagSource(load, refresh=1.0, clock=lambda: now[0])
    assert len(source.current().flags) == 1
    now[0] = 0.5
    assert len(source.current().flags) == 1 and loads == [0.0]
    now[0] = 1.0
    assert len(source.current().flags) == 2
    now[0] = 2.5  # a failed read keeps serving the flags read before
    assert len(source.current().flags) == 2 and len(loads) == 3
