"""Generated event columns to Arrow tables in the lake's schema, one day at a time.

Strings (uuids, session ids, JSON properties) are assembled with numpy and Arrow compute kernels
rather than per-event Python formatting, which would dominate the build time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from needle.demo import catalog
from needle.demo.usage import Events
from needle.demo.users import BROWSER_NAMES, DAY, OS_NAMES, Population
from needle.events.schema import EVENT_SCHEMA

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_DASHES = (8, 12, 16, 20)
CHUNK_ROWS = 250_000  # rows per lake append: few appends, bounded memory


def hex_strings(raw: np.ndarray) -> pa.StringArray:
    """Rows of bytes (n, k) as n lower-case hex strings of 2k characters."""
    chars = np.empty((raw.shape[0], raw.shape[1] * 2), dtype=np.uint8)
    chars[:, 0::2] = _HEX[raw >> 4]
    chars[:, 1::2] = _HEX[raw & 15]
    return _fixed_width(chars)


def uuids(rng: np.random.Generator, n: int) -> pa.StringArray:
    """``n`` random version-4 UUIDs in their canonical text form."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    chars = np.empty((n, 32), dtype=np.uint8)
    chars[:, 0::2] = _HEX[raw >> 4]
    chars[:, 1::2] = _HEX[raw & 15]
    pieces = np.split(chars, _DASHES, axis=1)
    dash = np.full((n, 1), ord("-"), dtype=np.uint8)
    joined = [pieces[0]]
    for piece in pieces[1:]:
        joined += [dash, piece]
    return _fixed_width(np.hstack(joined))


def _fixed_width(chars: np.ndarray) -> pa.StringArray:
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(chars).tobytes())
    ).cast(pa.string())


def person_prefixes(pop: Population) -> pa.StringArray:
    """Each user's opening of a properties object: ``{"plan":...`` without the closing brace."""
    columns = {
        "plan": (list(catalog.PLANS), pop.plan),
        "company_size": (list(catalog.COMPANY_SIZES), pop.size),
        "country": (list(catalog.COUNTRIES), pop.country),
        "$browser": (BROWSER_NAMES, pop.browser),
        "$os": (OS_NAMES, pop.os),
        "$device_type": (["Desktop", "Mobile"], pop.mobile.astype(np.int64)),
    }
    parts = [pc.take(pa.array([f"{json.dumps(key)}:{json.dumps(v)}" for v in values]), index)
             for key, (values, index) in columns.items()]
    return pc.binary_join_element_wise("{", pc.binary_join_element_wise(*parts, ","), "")


def session_fragments(rng: np.random.Generator, n: int) -> pa.StringArray:
    ids = hex_strings(rng.integers(0, 256, size=(n, 8), dtype=np.uint8))
    return pc.binary_join_element_wise('"$session_id":"ses_', ids, '"', "")


class Encoder:
    """Turns day slices of sorted events into ``EVENT_SCHEMA`` tables."""

    def __init__(self, rng: np.random.Generator, pop: Population, fragments: Sequence[str],
                 session_count: int, start_us: int) -> None:
        self.rng = rng
        self.ids = pa.array(pop.ids, pa.string())
        self.prefixes = person_prefixes(pop)
        self.sessions = session_fragments(rng, session_count)
        self.extras = pa.array(fragments, pa.string())
        self.names = pa.array(catalog.EVENTS, pa.string())
        self.start_us = start_us

    def chunks(self, events: Events, days: int, rows: int = CHUNK_ROWS) -> Iterator[pa.Table]:
        """Tables of whole days of ``events`` (sorted by time), about ``rows`` rows each."""
        bounds = np.searchsorted(events.time, np.arange(days + 1) * DAY)
        lo = 0
        for day in range(1, days + 1):
            if bounds[day] - bounds[lo] >= rows or day == days:
                if bounds[day] > bounds[lo]:
                    yield self.table(events, slice(bounds[lo], bounds[day]))
                lo = day

    def table(self, events: Events, rows: slice) -> pa.Table:
        user, session, extra = events.user[rows], events.session[rows], events.extra[rows]
        properties = pc.binary_join_element_wise(
            pc.take(self.prefixes, user),
            pc.take(self.sessions, pa.array(session, mask=session < 0)),
            pc.take(self.extras, pa.array(extra, mask=extra < 0)),
            ",", null_handling="skip",
        )
        micros = self.start_us + np.round(events.time[rows] * 1e6).astype(np.int64)
        return pa.table([
            uuids(self.rng, len(user)),
            pc.take(self.names, events.code[rows]),
            pc.take(self.ids, user),
            pa.array(micros, pa.timestamp("us", tz="UTC")),
            pc.binary_join_element_wise(properties, "}", ""),
        ], schema=EVENT_SCHEMA)
