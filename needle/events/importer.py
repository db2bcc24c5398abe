"""``needle events import``: files of events into the lake, all or nothing.

The lake's writer lock is taken first, so a second import waits for the first instead of
failing once it has read everything. Every file is then read and checked before the lake is
touched, and the lake takes all the files' events in one append, so a bad row anywhere (or a
full disk) leaves the workspace exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa

from needle.events.lake import EventLake, Waiting
from needle.events.mapping import EventMapping
from needle.events.normalise import to_events
from needle.events.schema import EVENT_SCHEMA
from needle.io.files import BadRow, ImportResult, discard, write_rejects
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
    *,
    waiting: Waiting | None = None,
    lock_timeout: float | None = None,
) -> ImportResult:
    """Import ``paths`` into ``lake``; with ``options.skip_bad`` bad rows go to ``rejects_to``,
    as do rows left out because an earlier row holds their event id with other content.

    ``waiting`` is told how long the import has waited for another writer (up to
    ``lock_timeout`` seconds, by default the lake's).
    """
    step = step or (lambda _: None)
    with lake.writing(lock_timeout, waiting):
        tables: list[pa.Table] = []
        rejected: list[BadRow] = []
        conflicts: list[BadRow] = []
        for path in paths:
            step(f"reading {path.name}")
            raw = read_table(path, options)
            step(f"checking {path.name}")
            found = to_events(raw, mapping, timezone, options.skip_bad)
            tables.append(found.events)
            rejected += raw.rejected + found.bad
            conflicts += found.conflicts
        step("writing the lake")
        table = pa.concat_tables(tables) if tables else EVENT_SCHEMA.empty_table()
        listed = rejected + conflicts
        written = write_rejects(rejects_to, listed) if listed and rejects_to else None
        try:
            appended = lake.append(table)
        except BaseException:
            discard(written)
            raise
    return ImportResult(len(paths), table.num_rows, appended.added, len(rejected), written,
                        conflicts=len(conflicts))
