"""Decoding the ways PostHog's SDKs send a payload, and refusing bombs."""

from __future__ import annotations

import base64
import gzip
import json
import struct
from urllib.parse import quote

import lzstring
import pytest

from needle.capture.decode import FORM, Raw, decode
from needle.capture.errors import BadPayload, TooLarge
from needle.capture.lz64 import decompress_base64

EVENT = {"event": "signup", "distinct_id": "u1", "properties": {"plan": "pro", "city": "Zürich"}}
TEXT = json.dumps(EVENT)
LIMIT = 2 * 1024 * 1024


def lz64(text: str) -> str:
    """lz-string as JavaScript runs it: on UTF-16 code units."""
    units = text.encode("utf-16-le", "surrogatepass")
    js = "".join(chr(u) for u in struct.unpack(f"<{len(units) // 2}H", units))
    return str(lzstring.LZString.compressToBase64(js))


B64 = base64.b64encode(TEXT.encode()).decode()
CASES = {
    "json body": Raw(TEXT.encode()),
    "base64 body": Raw(B64.encode()),
    "gzip by header": Raw(gzip.compress(TEXT.encode()), content_encoding="gzip"),
    "gzip by parameter": Raw(gzip.compress(TEXT.encode()), {"compression": "gzip-js"}),
    "gzip by magic bytes": Raw(gzip.compress(TEXT.encode())),
    "lz64 by parameter": Raw(lz64(TEXT).encode(), {"compression": "lz64"}),
    "form data": Raw(f"data={quote(TEXT)}".encode(), content_type=FORM),
    "form base64 with + as spaces": Raw(f"data={B64.replace('+', ' ')}&ver=1".encode(),
                                        content_type=FORM),
    "form lz64": Raw(f"data={quote(lz64(TEXT), safe='')}&compression=lz64".encode(),
                     content_type=FORM),
    "query data": Raw(b"", {"data": TEXT}),
    "query base64": Raw(b"", {"data": B64}),
    "query lz64": Raw(b"", {"data": lz64(TEXT), "compression": "lz64"}),
    "json sent as a form": Raw(TEXT.encode(), content_type=FORM),
}


@pytest.mark.parametrize("raw", CASES.values(), ids=CASES.keys())
def test_every_encoding_decodes_to_the_event(raw: Raw) -> None:
    assert decode(raw, LIMIT) == EVENT


@pytest.mark.parametrize("text", ["a", "hello hello hello", TEXT * 50, "é€😀" * 40, "\u0000x"])
def test_lz64_decoder_matches_lzstring(text: str) -> None:
    assert decompress_base64(lz64(text), 10 ** 6) == text


BOMBS = {
    "gzip": Raw(gzip.compress(b" " * (LIMIT + 1))),
    "lz64": Raw(lz64("A" * (LIMIT + 1)).encode(), {"compression": "lz64"}),
    "plain": Raw(b" " * (LIMIT + 1)),
}


@pytest.mark.parametrize("raw", BOMBS.values(), ids=BOMBS.keys())
def test_bombs_stop_at_the_limit(raw: Raw) -> None:
    assert len(raw.body) < LIMIT + 2
    with pytest.raises(TooLarge):
        decode(raw, LIMIT)


@pytest.mark.parametrize(("raw", "reason"), [
    (Raw(b""), "no events"),
    (Raw(b"{not json"), "not JSON"),
    (Raw(b"\xff\xfe"), "not UTF-8"),
    (Raw(gzip.compress(b"{}")[:-12]), "gzip"),
    (Raw(b"\x1f\x8b\x08garbage"), "gzip"),
    (Raw(b"AAAA", {"compression": "lz64"}), "lz64"),
    (Raw(b"!!", {"compression": "lz64"}), "lz64"),
    (Raw(b"[" * 100_000), "nests too deeply"),
    (Raw(b"a=1", content_type=FORM), "no data field"),
])
def test_undecodable_payloads_say_why(raw: Raw, reason: str) -> None:
    with pytest.raises(BadPayload, match=reason):
        decode(raw, LIMIT)


def test_non_finite_numbers_become_null() -> None:
    assert decode(Raw(b'{"a": NaN, "b": 1e999, "c": 1.5}'), LIMIT) == {"a": None, "b": None,
                                                                       "c": 1.5}
