"""The compactor: the write-ahead log's closed segments into the event lake, then deleted.

Every second (or when stopped) it closes the active segment, appends the events of the closed
ones to the lake, which skips uuids it holds already, and only then deletes the segments. A crash
anywhere in between leaves segments whose events the lake may partly hold: the next pass (on the
next start, first thing) appends them again and the lake keeps one copy of each uuid.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from needle.capture.wal import WriteAheadLog, read_segment
from needle.errors import UserError
from needle.events.lake import AppendResult, EventLake
from needle.events.schema import EVENT_SCHEMA
from needle.repeating import Repeating

INTERVAL = 1.0  # seconds between passes: an event is in the lake about this long after its 200
BATCH_BYTES = 64 * 1024 * 1024  # segments read into one append, at most (at least one)
CROWDED = 48  # files one day may hold before its files are merged into one

log = logging.getLogger("needle.capture")
Append = Callable[[pa.Table], AppendResult]


@dataclass
class Progress:
    """What the compactor has done since it started."""

    moved: int = 0  # events appended to the lake
    skipped: int = 0  # events the lake held already (a replay after a crash)
    passes: int = 0
    last: float | None = None  # time.time() of the last pass that moved events
    error: str | None = None  # why the last pass failed, until one succeeds


class Compactor:
    """Moves ``wal``'s closed segments into the lake through ``append``, on its own thread."""

    def __init__(self, wal: WriteAheadLog, append: Append, interval: float = INTERVAL) -> None:
        self.wal = wal
        self.append = append
        self.progress = Progress()
        # a last pass when stopped, so a clean shutdown leaves the log empty
        self._repeating = Repeating(self.flush, interval, "needle-compactor", last_on_stop=True)

    def start(self) -> None:
        self._repeating.start()

    def stop(self) -> None:
        """Stop after a last pass, so a clean shutdown leaves the log empty."""
        self._repeating.stop()

    def flush(self) -> int:
        """One pass; the number of events added to the lake. Failures wait for the next."""
        added = 0
        try:
            segments = self.wal.rotate()
            while segments:
                batch, segments = _take(segments)
                added += self._move(batch)
            self.progress.error = None
        except UserError as exc:  # the lake is busy with an import: the next pass retries
            self.progress.error = str(exc)
        except Exception as exc:  # keep capturing; the log keeps the events until it works
            log.exception("moving captured events into the lake failed")
            self.progress.error = f"{type(exc).__name__}: {exc}"
        self.progress.passes += 1
        return added

    def _move(self, segments: list[Path]) -> int:
        table = events_table(r for s in segments for r in read_segment(s))
        result = self.append(table) if table.num_rows else AppendResult(0, 0)
        for segment in segments:
            segment.unlink()
        self.progress.moved += result.added
        self.progress.skipped += result.duplicates
        if result.added:
            self.progress.last = time.time()
        return result.added


def _take(segments: list[Path]) -> tuple[list[Path], list[Path]]:
    """The oldest segments up to :data:`BATCH_BYTES` (at least one), and the rest."""
    size, count = 0, 0
    for segment in segments:
        size += segment.stat().st_size
        count += 1
        if size >= BATCH_BYTES:
            break
    return segments[:count], segments[count:]


def events_table(records: Iterable[bytes]) -> pa.Table:
    """The events of log records (JSON lists of rows) as a table of the lake's schema."""
    columns: list[list] = [[], [], [], [], []]
    for record in records:
        for row in json.loads(record):
            for column, value in zip(columns, row, strict=True):
                column.append(value)
    uuid, event, distinct_id, timestamp, properties = columns
    return pa.table([pa.array(uuid, pa.string()), pa.array(event, pa.string()),
                     pa.array(distinct_id, pa.string()),
                     pa.array(timestamp, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
                     pa.array(properties, pa.string())], schema=EVENT_SCHEMA)


def tidy_lake(lake: EventLake) -> bool:
    """Merge the lake's days when one of them holds more than :data:`CROWDED` files (each pass
    of the compactor adds a file to the days it touches)."""
    per_day = Counter(path.parent.name for path in lake.files())
    if not per_day or max(per_day.values()) <= CROWDED:
        return False
    lake.compact()
    return True
