"""The event model: PostHog's, with timestamps in UTC and properties as a JSON string."""

from __future__ import annotations

import pyarrow as pa

EVENT_SCHEMA = pa.schema(
    [
        pa.field("uuid", pa.string(), nullable=False),
        pa.field("event", pa.string(), nullable=False),
        pa.field("distinct_id", pa.string(), nullable=False),
        pa.field("timestamp", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("properties", pa.string(), nullable=False),
    ]
)
