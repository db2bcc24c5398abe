"""A decoded capture payload to the project token and normalised events, by PostHog's rules.

Shapes: one event, a list of events, or ``{"api_key" | "token": ..., "batch": [...],
"sent_at": ...}``. The token comes from the batch, else from the events (``token``, ``$token``,
``api_key``, ``properties.token``), which must agree. ``distinct_id`` (or ``$distinct_id``, or
``properties.distinct_id``) is stringified and cut to 200 characters; a missing ``uuid`` gets a
UUIDv7; ``$set``/``$set_once`` sent beside the properties move into them. Times follow PostHog's
ingestion: ``offset`` (ms before now) wins; otherwise ``timestamp`` shifted by the client's clock
skew (``now - sent_at``) unless ``$ignore_sent_at``; more than 23 hours ahead, before 1970 or
unreadable, the time the server received it.
"""

from __future__ import annotations

import json
import os
import time
import uuid as uuidlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from needle.capture.errors import BadPayload, NoToken

MAX_DISTINCT_ID = 200
FUTURE_US = 23 * 3600 * 1_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_EVENT_TOKENS = ("token", "$token", "api_key")


@dataclass(frozen=True)
class Captured:
    """The events of one request, ready for the log: (uuid, event, distinct_id, µs since the
    epoch, properties as JSON text) each."""

    token: str
    rows: list[list[Any]]


def read_request(payload: Any, path: str, now_us: int, sent_at_ms: str | None = None
                 ) -> Captured:
    """Check and normalise the events of a decoded payload received at ``now_us``."""
    events, batch_token, sent_at = _shape(payload)
    if not events:
        raise BadPayload("the request holds no events")
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            raise BadPayload(f"event {i} is not a JSON object")
    token = batch_token if batch_token is not None else _event_token(events)
    skew = _skew(sent_at, sent_at_ms, now_us)
    engage = path.startswith("/engage")
    ids = _UuidMaker(now_us // 1000, len(events))
    return Captured(token, [_row(i, event, now_us, skew, engage, ids)
                            for i, event in enumerate(events)])


def _shape(payload: Any) -> tuple[list[Any], str | None, Any]:
    if isinstance(payload, list):
        return payload, None, None
    if not isinstance(payload, dict):
        raise BadPayload("expected an event, a list of events or a batch")
    if "batch" not in payload:
        return [payload], None, None
    if not isinstance(payload["batch"], list):
        raise BadPayload("the batch is not a list of events")
    token = payload.get("api_key", payload.get("token"))
    if token is None:
        raise NoToken("the batch names no project token (api_key or token)")
    return payload["batch"], _token_text(token), payload.get("sent_at")


def _event_token(events: list[dict[str, Any]]) -> str:
    tokens = set()
    for event in events:
        props = event.get("properties")
        found = next((event[k] for k in _EVENT_TOKENS if event.get(k) is not None), None)
        if found is None and isinstance(props, dict):
            found = props.get("token")
        if found is not None:
            tokens.add(_token_text(found))
    if not tokens:
        raise NoToken("the request names no project token (api_key, token or properties.token)")
    if len(tokens) > 1:
        raise BadPayload("the events name different project tokens")
    return tokens.pop()


def _token_text(token: Any) -> str:
    if not isinstance(token, str) or not token:
        raise NoToken("the project token is empty or not a string")
    return token


def _row(i: int, event: dict[str, Any], now_us: int, skew: int | None, engage: bool,
         ids: _UuidMaker) -> list[Any]:
    name = event.get("event")
    if name is None and engage:
        name = "$identify"  # /engage carries person updates without an event name
    if not isinstance(name, str) or not name:
        raise BadPayload(f"event {i} has no event name")
    props = event.get("properties")
    if props is None:
        props = {}
    elif not isinstance(props, dict):
        raise BadPayload(f"event {i}: properties is not a JSON object")
    for key in ("$set", "$set_once"):
        if key in event and key not in props:
            props = {**props, key: event[key]}
    given = event.get("uuid")
    return [ids.next() if given is None or given == "" else _uuid(i, given),
            _text(i, "event name", name), _distinct_id(i, event, props),
            _timestamp(event, props, now_us, skew), _json(i, props)]


def _distinct_id(i: int, event: dict[str, Any], props: dict[str, Any]) -> str:
    for value in (event.get("distinct_id"), event.get("$distinct_id"), props.get("distinct_id")):
        if value is None or value == "":
            continue
        return _text(i, "distinct_id", distinct_id_text(value))
    raise BadPayload(f"event {i} has no distinct_id")


def distinct_id_text(value: Any) -> str:
    """A sent ``distinct_id`` as the text stored for it (and hashed for flags): JSON's form of
    a number, boolean, list or object, cut to 200 characters."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text[:MAX_DISTINCT_ID]


def _text(i: int, what: str, text: str) -> str:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise BadPayload(f"event {i}: the {what} is not valid Unicode") from None
    return text


def _uuid(i: int, value: Any) -> str:
    if not isinstance(value, str):
        raise BadPayload(f"event {i}: uuid is not a string")
    try:
        return str(uuidlib.UUID(value))
    except ValueError:
        raise BadPayload(f"event {i}: uuid {value[:64]!r} is not a UUID") from None


def uuid7() -> str:
    """A version-7 UUID: 48 bits of Unix milliseconds, then random bits (sortable by time)."""
    return _UuidMaker(time.time_ns() // 1_000_000, 1).next()


class _UuidMaker:
    """Version-7 UUIDs for the events of one request: one read of the random source for all."""

    def __init__(self, ms: int, count: int) -> None:
        self.head = (ms & (1 << 48) - 1) << 80 | 7 << 76 | 2 << 62
        self.random = os.urandom(10 * count)
        self.at = 0

    def next(self) -> str:
        rand = int.from_bytes(self.random[self.at:self.at + 10], "big")
        self.at += 10
        text = f"{self.head | (rand >> 62 & 0xFFF) << 64 | rand & (1 << 62) - 1:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_ENCODE = json.JSONEncoder(separators=(",", ":")).encode


def _json(i: int, props: dict[str, Any]) -> str:
    try:
        return _ENCODE(props)
    except (ValueError, RecursionError):
        raise BadPayload(f"event {i}: properties cannot be stored as JSON") from None


def _skew(sent_at: Any, sent_at_ms: str | None, now_us: int) -> int | None:
    """``now - sent_at`` in µs: how far the client's clock is behind the server's."""
    sent = _parse_time(sent_at) if isinstance(sent_at, str) else None
    if sent is None and sent_at_ms and sent_at_ms.isdigit() and len(sent_at_ms) < 16:
        sent = int(sent_at_ms) * 1000
        if sent < _YEAR_2021_US:  # seconds from an old SDK, not milliseconds: ignored
            sent = None
    return None if sent is None else now_us - sent


_YEAR_2021_US = 1_609_459_200 * 1_000_000


def _timestamp(event: dict[str, Any], props: dict[str, Any], now_us: int, skew: int | None
               ) -> int:
    offset = event.get("offset")
    stamp = event.get("timestamp")
    if isinstance(offset, int) and not isinstance(offset, bool):
        at = now_us - offset * 1000
    elif isinstance(stamp, str) and (parsed := _parse_time(stamp)) is not None:
        at = parsed if skew is None or props.get("$ignore_sent_at") is True else parsed + skew
    else:
        at = now_us
    return now_us if at - now_us > FUTURE_US or at < 0 else at


def _parse_time(text: str) -> int | None:
    """µs since the epoch of an ISO-8601 time (naive is UTC), epoch seconds or milliseconds as
    digits, or an RFC 2822 date; None when it is none of these."""
    text = text.strip()
    if text.isdigit() and len(text) < 16:
        number = int(text)
        return number * (1000 if number > 100_000_000_000 else 1_000_000)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return (moment - EPOCH) // _US
    except OverflowError:
        return None
