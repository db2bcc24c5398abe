"""The capture endpoints, as a plain ASGI layer in front of the web app: SDK traffic is the
server's hot path, so it skips the routing, login and CSRF of the pages.

``/i/v0/e/``, ``/e/``, ``/capture/``, ``/batch/``, ``/track/`` and ``/engage/``, with or without
the trailing slash; GET and POST, and OPTIONS for CORS preflight. Answers as PostHog's: 200
``{"status": 1}``; 400 with the reason; 401 for a missing or unknown token; 413 over the limits;
503 when the log cannot be written (the SDK retries).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from needle.capture.decode import Raw
from needle.capture.errors import BadPayload, CaptureRefused, NoToken, TooLarge
from needle.capture.service import Capture, limit_for
from needle.jsontext import dumps

CAPTURE_PATHS = ("/i/v0/e", "/e", "/capture", "/batch", "/track", "/engage")
_ROUTED = frozenset(CAPTURE_PATHS) | {f"{p}/" for p in CAPTURE_PATHS}
STATUS = {BadPayload: 400, NoToken: 401, TooLarge: 413}
OK = b'{"status":1}'

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
log = logging.getLogger("needle.capture")


class CaptureMiddleware:
    """Answers the capture paths itself and hands everything else to ``app``."""

    def __init__(self, app: ASGIApp, capture: Capture) -> None:
        self.app = app
        self.capture = capture

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in _ROUTED:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        cors = _cors(headers)
        method = scope["method"]
        if method == "OPTIONS":
            await _answer(send, 200, b"", cors)
        elif method not in ("GET", "POST"):
            await _answer(send, 405, _error("use GET or POST"), cors)
        else:
            status, body = await self._capture(scope, receive, headers)
            await _answer(send, status, body, cors)

    async def _capture(self, scope: Scope, receive: Receive, headers: dict[str, str]
                       ) -> tuple[int, bytes]:
        path = scope["path"]
        try:
            body = await _body(receive, headers, limit_for(path))
            raw = Raw(body, _query(scope["query_string"]), headers.get("content-type", ""),
                      headers.get("content-encoding", ""))
            await self.capture.accept(raw, path)
        except CaptureRefused as exc:
            return STATUS.get(type(exc), 400), _error(str(exc))
        except OSError as exc:  # the log cannot be written (a full disk): nothing was stored
            log.error("capture log write failed: %s", exc)
            return 503, _error("the server cannot store events right now; send them again")
        return 200, OK


async def _body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    """The request body, refused as soon as it is over ``limit`` bytes."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the request is over {limit} bytes")
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise BadPayload("the client went away before sending the whole request")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the request is over {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _query(query_string: bytes) -> dict[str, str]:
    if not query_string:
        return {}
    params: dict[str, str] = {}
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        params.setdefault(name, value)
    return params


def _cors(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """Any site's pages may send events (the token, not the origin, says whose they are)."""
    origin = headers.get("origin")
    allowed = headers.get("access-control-request-headers") or "content-type"
    cors = [(b"access-control-allow-origin", (origin or "*").encode("latin-1")),
            (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
            (b"access-control-allow-headers", allowed.encode("latin-1")),
            (b"access-control-max-age", b"86400"), (b"vary", b"origin")]
    if origin:
        cors.append((b"access-control-allow-credentials", b"true"))
    return cors


def _error(message: str) -> bytes:
    return dumps({"error": message, "field": None}).encode()


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
                  ) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})
