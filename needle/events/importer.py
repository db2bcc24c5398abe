"""``needle events import``: files of events into the lake, all or nothing.

Every file is read and checked before the lake is touched, and the lake takes all the files'
events in one append, so a bad row anywhere leaves the workspace exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa

from needle.events.lake import EventLake
from needle.events.mapping import EventMapping
from needle.events.normalise import to_events
from needle.events.schema import EVENT_SCHEMA
from needle.io.files import BadRow, ImportResult, write_rejects
from needle.io.tables import ReadOptions, read_table

Step = Callable[[str], None]
STEPS_PER_FILE = 2  # and one more for the whole import


def import_events(
    lake: EventLake,
    paths: Sequence[Path],
    mapping: EventMapping,
    options: ReadOptions,
    timezone: str = "UTC",
    rejects_to: Path | None = None,
    step: Step | None = None,
) -> ImportResult:
    """Import ``paths`` into ``lake``; with ``options.skip_bad`` bad rows go to ``rejects_to``."""
    step = step or (lambda _: None)
    tables: list[pa.Table] = []
    rejected: list[BadRow] = []
    for path in paths:
        step(f"reading {path.name}")
        raw = read_table(path, options)
        step(f"checking {path.name}")
        events, bad = to_events(raw, mapping, timezone, options.skip_bad)
        tables.append(events)
        rejected += raw.rejected + bad
    step("writing the lake")
    table = pa.concat_tables(tables) if tables else EVENT_SCHEMA.empty_table()
    appended = lake.append(table)
    written = write_rejects(rejects_to, rejected) if rejected and rejects_to else None
    return ImportResult(len(paths), table.num_rows, appended.added, len(rejected), written)
