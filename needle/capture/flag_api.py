"""The flags API of PostHog's SDKs: read a ``/flags`` or ``/decide`` request, answer it in the
shape the SDK asked for, and keep the served flags fresh.

Which shape depends on the endpoint and the ``v`` parameter the SDK sends (posthog-python 7
asks ``/flags/?v=4``, posthog-node and posthog-js ``/flags/?v=2``, older SDKs ``/decide/?v=3``):

========  =====  =======================================================================
endpoint  v      answer
========  =====  =======================================================================
flags     >= 4   ``flags``: a record per flag (key, enabled, variant, reason, metadata)
                 with its typed ``value``
flags     2, 3   ``flags``: the same records without ``value``
flags     < 2    ``featureFlags``: each flag's value (variant or bool)
decide    >= 4   as flags v2
decide    3      ``featureFlags`` with every flag's value, ``featureFlagPayloads``
decide    2      ``featureFlags`` with the flags that are on
decide    < 2    ``featureFlags``: the keys of the flags that are on
========  =====  =======================================================================

Archived flags are left out, as PostHog leaves out deleted ones.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from needle.capture.decode import Raw, decode
from needle.capture.errors import BadPayload, NoToken
from needle.capture.events import distinct_id_text
from needle.capture.flags import Evaluation, Flag, evaluate

LIMIT = 2 * 1024 * 1024  # bytes of a flags request, before and after decompression
REFRESH = 1.0  # seconds a loaded set of flags is served before the store is read again

log = logging.getLogger("needle.capture")
Answer = Callable[[Sequence[tuple[Flag, Evaluation]]], dict[str, Any]]


@dataclass(frozen=True)
class FlagsRequest:
    """What a flags request asks: for whom, with which properties, which flags (None: all)."""

    token: str | None
    distinct_id: str
    person_properties: Mapping[str, Any] = field(default_factory=dict)
    keys: frozenset[str] | None = None


@dataclass(frozen=True)
class Served:
    """What the server answers from: the project token and the active flags."""

    token: str
    flags: tuple[Flag, ...]


def read_request(raw: Raw) -> FlagsRequest:
    """The request in ``raw``, decoded the ways the SDKs encode it; :class:`BadPayload` when it
    names nobody."""
    if not raw.body and not raw.query.get("data"):
        raise BadPayload("the flags request is empty: send JSON with the distinct_id and the "
                         "project token")
    body = decode(raw, LIMIT)
    if not isinstance(body, dict):
        raise BadPayload("the flags request is not a JSON object")
    token = body.get("api_key") or body.get("token") or raw.query.get("token")
    distinct_id = body.get("distinct_id")
    if distinct_id is None or distinct_id == "":
        raise BadPayload("the flags request names no distinct_id")
    properties = body.get("person_properties") or {}
    if not isinstance(properties, dict):
        raise BadPayload("person_properties is not an object")
    keys = body.get("flag_keys_to_evaluate") or body.get("flag_keys")
    return FlagsRequest(str(token) if token else None, distinct_id_text(distinct_id),
                        properties, frozenset(map(str, keys)) if isinstance(keys, list) else None)


def check_token(request: FlagsRequest, token: str) -> None:
    """:class:`NoToken` unless the request carries this workspace's project token."""
    if not request.token:
        raise NoToken("the flags request carries no project token (api_key or token)")
    if not hmac.compare_digest(request.token.encode(), token.encode()):
        raise NoToken("the project token is not this workspace's")


def answer(served: Served, request: FlagsRequest, endpoint: str, version: int
           ) -> dict[str, Any]:
    """The SDK's answer: every active flag (or those asked for) evaluated for the person."""
    results = [(flag, evaluate(flag.spec, request.distinct_id, request.person_properties))
               for flag in served.flags if request.keys is None or flag.key in request.keys]
    return {**shape(endpoint, version)(results), "errorsWhileComputingFlags": False,
            "requestId": str(uuid.uuid4()), "evaluatedAt": int(time.time() * 1000)}


def version_of(text: str | None) -> int:
    """The ``v`` parameter as a number; absent, unreadable or negative is 1."""
    try:
        version = int(text or 1)
    except ValueError:
        return 1
    return version if version >= 0 else 1


# The answer shapes.
def _record(flag: Flag, result: Evaluation) -> dict[str, Any]:
    return {"key": flag.key, "enabled": result.enabled, "variant": result.variant,
            "reason": {"code": result.reason, "condition_index": result.condition_index,
                       "description": result.description},
            "metadata": {"id": flag.id, "version": flag.version, "description": None,
                         "payload": None}}


def _records(results: Sequence[tuple[Flag, Evaluation]]) -> dict[str, Any]:
    return {"flags": {flag.key: _record(flag, result) for flag, result in results}}


def _typed_records(results: Sequence[tuple[Flag, Evaluation]]) -> dict[str, Any]:
    return {"flags": {flag.key: {**_record(flag, result), "value": result.value}
                      for flag, result in results}}


def _values(results: Sequence[tuple[Flag, Evaluation]]) -> dict[str, Any]:
    return {"featureFlags": {flag.key: result.value for flag, result in results},
            "featureFlagPayloads": {}}


def _values_on(results: Sequence[tuple[Flag, Evaluation]]) -> dict[str, Any]:
    return {"featureFlags": {flag.key: result.value for flag, result in results
                             if result.enabled}}


def _keys_on(results: Sequence[tuple[Flag, Evaluation]]) -> dict[str, Any]:
    return {"featureFlags": [flag.key for flag, result in results if result.enabled]}


# endpoint -> (lowest v, answer), highest first: the first row at or below the request's v.
SHAPES: dict[str, tuple[tuple[int, Answer], ...]] = {
    "flags": ((4, _typed_records), (2, _records), (0, _values)),
    "decide": ((4, _records), (3, _values), (2, _values_on), (0, _keys_on)),
}


def shape(endpoint: str, version: int) -> Answer:
    return next(build for lowest, build in SHAPES[endpoint] if version >= lowest)


class FlagSource:
    """The served flags and token, loaded by ``load`` and read again once ``refresh`` seconds
    have passed, so a flag created or changed while the server runs is served soon after."""

    def __init__(self, load: Callable[[], Served], refresh: float = REFRESH,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._load, self._refresh, self._clock = load, refresh, clock
        self._lock = threading.Lock()
        self._served: Served | None = None
        self._loaded = 0.0

    def current(self) -> Served:
        with self._lock:
            if self._served is not None and self._clock() - self._loaded < self._refresh:
                return self._served
            try:
                self._served = self._load()
            except Exception:
                if self._served is None:
                    raise
                log.exception("reading the flags failed; serving the ones read before")
            self._loaded = self._clock()
            return self._served
