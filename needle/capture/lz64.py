"""lz-string's ``compressToBase64`` undone, with a cap on the output (old posthog-js sends it).

The ``lzstring`` package on PyPI decodes the same format but cannot be stopped early: a few
kilobytes of lz-string can stand for gigabytes of text (each code may repeat a dictionary entry
one character longer than the last), so this decoder counts what it emits and gives up at the
limit. Bits are read from a string of '0'/'1' so each code costs one slice, not one step per bit.
"""

from __future__ import annotations

import re

from needle.capture.errors import BadPayload, TooLarge

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
# Each character's six bits, high bit first; '=' (64 in lz-string's table) reads as zeros.
_BITS = str.maketrans({c: format(i & 63 if c != "=" else 0, "06b") for i, c in enumerate(ALPHABET)})
_VALID = re.compile(r"[A-Za-z0-9+/=]*")


def decompress_base64(text: str, limit: int) -> str:
    """The text ``text`` encodes; :class:`TooLarge` past ``limit`` characters."""
    if not text:
        raise BadPayload("the lz64 payload is empty")
    if not _VALID.fullmatch(text):
        raise BadPayload("the lz64 payload has characters outside base64")
    units = _decode(_Bits(text), limit)
    try:  # lz-string works on UTF-16 code units: pairs of surrogates become one character
        return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeError:
        raise BadPayload("the lz64 payload decodes to broken UTF-16") from None


class _Bits:
    def __init__(self, text: str) -> None:
        self.end = 6 * len(text)
        self.bits = text.translate(_BITS) + "0" * 32
        self.at = 0

    def read(self, count: int) -> int:
        """The next ``count`` bits as a number, least significant bit first."""
        chunk = self.bits[self.at:self.at + count]
        self.at += count
        return int(chunk[::-1], 2)


def _decode(bits: _Bits, limit: int) -> str:
    first = _literal(bits, bits.read(2))
    if first is None:
        return ""
    words: list[str] = ["", "", "", first]  # codes 0-2 mean "literal" and "end"
    previous, out, size = first, [first], len(first)
    enlarge, width = 4, 3
    while True:
        if bits.at >= bits.end:
            raise BadPayload("the lz64 payload ends before its end marker")
        code = bits.read(width)
        if code == 2:
            return "".join(out)
        if code < 2:
            words.append(_literal(bits, code) or "")
            code = len(words) - 1
            enlarge -= 1
            if enlarge == 0:
                enlarge, width = 1 << width, width + 1
        if code < len(words):
            entry = words[code]
        elif code == len(words):
            entry = previous + previous[0]
        else:
            raise BadPayload("the lz64 payload refers past its dictionary")
        size += len(entry)
        if size > limit:
            raise TooLarge(f"the lz64 payload decompresses to more than {limit} characters")
        out.append(entry)
        words.append(previous + entry[0])
        previous = entry
        enlarge -= 1
        if enlarge == 0:
            enlarge, width = 1 << width, width + 1


def _literal(bits: _Bits, code: int) -> str | None:
    if code == 0:
        return chr(bits.read(8))
    if code == 1:
        return chr(bits.read(16))
    if code == 2:
        return None
    raise BadPayload("the lz64 payload does not start with a literal")
