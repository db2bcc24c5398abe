"""PostHog's rules for shapes, tokens, distinct ids, uuids and times."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from needle.capture.errors import BadPayload, NoToken
from needle.capture.events import read_request

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
NOW_US = int(NOW.timestamp()) * 1_000_000
E = {"event": "e", "distinct_id": "u"}


def us(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1_000_000)


def one(payload: Any, path: str = "/e/", sent_at_ms: str | None = None) -> list[Any]:
    return read_request(payload, path, NOW_US, sent_at_ms).rows[0]


@pytest.mark.parametrize(("payload", "token"), [
    ({**E, "api_key": "phc_a"}, "phc_a"),
    ({**E, "token": "phc_a"}, "phc_a"),
    ({**E, "$token": "phc_a"}, "phc_a"),
    ({**E, "properties": {"token": "phc_a"}}, "phc_a"),
    ([{**E, "token": "phc_a"}, {**E, "token": "phc_a"}], "phc_a"),
    ([{**E, "token": "phc_a"}, E], "phc_a"),
    ({"api_key": "phc_b", "batch": [{**E, "token": "phc_a"}]}, "phc_b"),
    ({"token": "phc_b", "batch": [E]}, "phc_b"),
])
def test_the_token_comes_from_the_batch_or_the_events(payload: Any, token: str) -> None:
    assert read_request(payload, "/batch/", NOW_US).token == token


@pytest.mark.parametrize(("payload", "error"), [
    (E, NoToken),
    ({"batch": [E]}, NoToken),
    ({"api_key": "", "batch": [E]}, NoToken),
    ({**E, "token": 42}, NoToken),
    ([{**E, "token": "a"}, {**E, "token": "b"}], BadPayload),
    ({"api_key": "a", "batch": []}, BadPayload),
    ({"api_key": "a", "batch": {}}, BadPayload),
    ([], BadPayload),
    ("text", BadPayload),
    ([1], BadPayload),
    ({"token": "a", "distinct_id": "u"}, BadPayload),
    ({"token": "a", "event": ""}, BadPayload),
    ({"token": "a", "event": "e"}, BadPayload),
    ({"token": "a", "event": "e", "distinct_id": ""}, BadPayload),
    ({"token": "a", "event": "e", "distinct_id": None}, BadPayload),
    ({"token": "a", **E, "properties": [1]}, BadPayload),
    ({"token": "a", **E, "uuid": "not-a-uuid"}, BadPayload),
    ({"token": "a", **E, "uuid": 7}, BadPayload),
    ({"token": "a", "event": "\ud800", "distinct_id": "u"}, BadPayload),
])
def test_refusals(payload: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        read_request(payload, "/e/", NOW_US)


@pytest.mark.parametrize(("event", "distinct_id"), [
    ({"distinct_id": "myid"}, "myid"),
    ({"$distinct_id": "23"}, "23"),
    ({"properties": {"distinct_id": "myid"}}, "myid"),
    ({"distinct_id": 23, "properties": {"distinct_id": "myid"}}, "23"),
    ({"distinct_id": 23.5}, "23.5"),
    ({"distinct_id": True}, "true"),
    ({"distinct_id": ["a", "b"]}, '["a","b"]'),
    ({"distinct_id": {"string": "a", "number": 3}}, '{"number":3,"string":"a"}'),
    ({"distinct_id": "x" * 222}, "x" * 200),
])
def test_distinct_ids_are_stringified_and_cut(event: dict[str, Any], distinct_id: str) -> None:
    assert one({"token": "t", "event": "e", **event})[2] == distinct_id


def test_a_missing_uuid_becomes_a_uuid7_and_a_given_one_is_kept() -> None:
    made = uuid.UUID(one({**E, "token": "t"})[0])
    assert made.version == 7 and made.variant == uuid.RFC_4122
    assert made.int >> 80 == NOW_US // 1000  # its first 48 bits: when it was received, in ms
    given = str(uuid.uuid4())
    assert one({**E, "token": "t", "uuid": given.upper()})[0] == given


@pytest.mark.parametrize(("fields", "sent_at_ms", "expected"), [
    ({}, None, "2026-03-01T12:00:00+00:00"),
    ({"timestamp": "2026-03-01T11:00:00Z"}, None, "2026-03-01T11:00:00+00:00"),
    ({"timestamp": "2026-03-01T11:00:00"}, None, "2026-03-01T11:00:00+00:00"),
    ({"timestamp": "2026-03-01T13:00:00+02:00"}, None, "2026-03-01T11:00:00+00:00"),
    ({"offset": 5000}, None, "2026-03-01T11:59:55+00:00"),
    ({"offset": 5000, "timestamp": "2020-01-01T00:00:00Z"}, None, "2026-03-01T11:59:55+00:00"),
    # the client's clock is 10 minutes fast: its timestamps move back by as much
    ({"timestamp": "2026-03-01T12:05:00Z", "sent_at": "2026-03-01T12:10:00Z"}, None,
     "2026-03-01T11:55:00+00:00"),
    ({"timestamp": "2026-03-01T12:05:00Z"}, str(us("2026-03-01T12:10:00+00:00") // 1000),
     "2026-03-01T11:55:00+00:00"),
    ({"timestamp": "2026-03-01T12:05:00Z", "sent_at": "2026-03-01T12:10:00Z",
      "properties": {"$ignore_sent_at": True}}, None, "2026-03-01T12:05:00+00:00"),
    ({"timestamp": "2026-03-03T12:00:00Z"}, None, "2026-03-01T12:00:00+00:00"),  # >23h ahead
    ({"timestamp": "0001-01-01T00:00:00Z"}, None, "2026-03-01T12:00:00+00:00"),
    ({"timestamp": "yesterday"}, None, "2026-03-01T12:00:00+00:00"),
    ({"timestamp": "1772362800000"}, None, "2026-03-01T11:00:00+00:00"),
    ({"timestamp": "Sun, 01 Mar 2026 11:00:00 +0000"}, None, "2026-03-01T11:00:00+00:00"),
])
def test_times_follow_posthogs_ingestion(fields: dict[str, Any], sent_at_ms: str | None,
                                         expected: str) -> None:
    sent_at = fields.pop("sent_at", None)
    event = {**E, **fields}
    payload = {"api_key": "t", "batch": [event], "sent_at": sent_at} if sent_at else \
        {**event, "token": "t"}
    assert one(payload, sent_at_ms=sent_at_ms)[3] == us(expected)


def test_set_and_set_once_move_into_the_properties() -> None:
    row = one({**E, "token": "t", "$set": {"email": "a@b"}, "$set_once": {"first": 1},
               "properties": {"$set": {"kept": True}}})
    assert json.loads(row[4]) == {"$set": {"kept": True}, "$set_once": {"first": 1}}


def test_engage_without_an_event_name_is_an_identify() -> None:
    row = one({"$token": "t", "$distinct_id": "u", "$set": {"name": "Ana"}}, path="/engage/")
    assert row[1] == "$identify" and json.loads(row[4]) == {"$set": {"name": "Ana"}}
