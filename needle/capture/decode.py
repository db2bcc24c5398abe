"""A capture request's bytes to JSON, the ways PostHog's SDKs send them.

The payload is the ``data`` query parameter, else the body; a form body carries it in its
``data`` field. It may be base64, gzip (by ``Content-Encoding``, the ``compression`` parameter or
the gzip magic bytes) or lz64 (lz-string, ``compression=lz64``). Every step is bounded by the
endpoint's limit, so a small request cannot decompress into a large one.
"""

from __future__ import annotations

import binascii
import json
import math
import re
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from needle.capture import lz64
from needle.capture.errors import BadPayload, TooLarge

GZIP_MAGIC = b"\x1f\x8b\x08"
FORM = "application/x-www-form-urlencoded"
_BASE64 = re.compile(rb"[A-Za-z0-9+/]+={0,2}")
_FORM = re.compile(rb"[A-Za-z0-9_.$%-]+=")  # a form's first field (curl sends JSON as forms too)
_GZIP = frozenset({"gzip", "gzip-js"})
_LZ64 = frozenset({"lz64", "lz-string"})
_B64 = frozenset({"base64", "b64"})


@dataclass(frozen=True)
class Raw:
    """What decoding needs of an HTTP request."""

    body: bytes
    query: dict[str, str] = field(default_factory=dict)  # the first value of each parameter
    content_type: str = ""
    content_encoding: str = ""


def decode(raw: Raw, limit: int) -> Any:
    """The JSON value the request carries; :class:`BadPayload` or :class:`TooLarge` if none."""
    data, hint = _payload(raw)
    return _json(_decompress(data, hint, limit))


def _payload(raw: Raw) -> tuple[bytes, str]:
    """The encoded payload and the compression named for it."""
    hint = raw.query.get("compression", "").lower()
    if raw.content_encoding.lower().strip() == "gzip":
        hint = "gzip"
    if raw.query.get("data"):
        return _unspace(raw.query["data"]).encode("utf-8", "surrogateescape"), hint
    if not raw.body:
        raise BadPayload("the request carries no events (empty body and no data parameter)")
    if raw.content_type.split(";")[0].strip().lower() == FORM and _FORM.match(raw.body):
        form = _form(raw.body)
        data = form.get("data", "")
        if not data:
            raise BadPayload("the form has no data field")
        return _unspace(data).encode("utf-8"), form.get("compression", hint).lower()
    if hint not in _LZ64 and hint not in _GZIP:
        return _maybe_base64(raw.body), hint
    return raw.body, hint


def _unspace(data: str) -> str:
    """Base64 whose '+' URL decoding read as spaces, restored; anything else as it was."""
    if " " in data and _BASE64.fullmatch(data.replace(" ", "+").encode("utf-8", "replace")):
        return data.replace(" ", "+")
    return data


def _form(body: bytes) -> dict[str, str]:
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise BadPayload("the form body is not URL-encoded UTF-8") from None
    return {name: values[0] for name, values in fields.items()}


def _maybe_base64(data: bytes) -> bytes:
    """``data`` decoded when it is all base64 (old SDKs wrap JSON so), else as it was."""
    stripped = data.strip()
    if len(stripped) % 4 or not _BASE64.fullmatch(stripped):
        return data
    try:
        return binascii.a2b_base64(stripped, strict_mode=True)
    except binascii.Error:
        return data


def _decompress(data: bytes, hint: str, limit: int) -> str:
    if hint in _GZIP or data.startswith(GZIP_MAGIC):
        data = _gunzip(data, limit)
    elif hint in _LZ64:
        return lz64.decompress_base64(_ascii(data), limit)
    elif hint in _B64:
        data = _maybe_base64(data)
    if len(data) > limit:
        raise TooLarge(f"the payload is over {limit} bytes")
    data = _maybe_base64(data)  # legacy endpoints: base64 inside the compression
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadPayload("the payload is not UTF-8 text") from None


def _ascii(data: bytes) -> str:
    try:
        return data.decode("ascii").replace(" ", "+")
    except UnicodeDecodeError:
        raise BadPayload("the lz64 payload is not base64 text") from None


def _gunzip(data: bytes, limit: int) -> bytes:
    """Gzip undone, stopping one byte past ``limit``: the bomb never lands in memory."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflate.decompress(data, limit + 1)
    except zlib.error:
        raise BadPayload("the payload is not valid gzip") from None
    if len(out) > limit:
        raise TooLarge(f"the payload decompresses to more than {limit} bytes")
    if not inflate.eof:
        raise BadPayload("the gzip payload ends early")
    return out


def _json(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_constant, parse_float=_float)
    except RecursionError:
        raise BadPayload("the payload nests too deeply") from None
    except ValueError as exc:
        raise BadPayload(f"the payload is not JSON: {exc}") from None


def _constant(name: str) -> None:
    """NaN and Infinity are not JSON; PostHog's SDKs never send them. Kept as null."""
    return None


def _float(text: str) -> float | None:
    number = float(text)
    return number if math.isfinite(number) else None
