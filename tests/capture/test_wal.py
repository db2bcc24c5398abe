"""The write-ahead log and the compactor: group commit, torn tails, replay without duplicates."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from needle.capture.compactor import Compactor, events_table
from needle.capture.wal import FRAME, LogBusy, WriteAheadLog, read_segment
from needle.events.lake import EventLake


def record(*numbers: int) -> bytes:
    return json.dumps([[f"00000000-0000-7000-8000-{n:012d}", "e", "u", 1_770_000_000_000_000 + n,
                        "{}"] for n in numbers]).encode()


@pytest.fixture
def wal(tmp_path: Path) -> WriteAheadLog:
    log = WriteAheadLog(tmp_path / "capture")
    log.open()
    yield log
    log.close()


def test_concurrent_appends_share_fsyncs(wal: WriteAheadLog,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    syncs = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (syncs.append(fd), real(fd)))
    threads = [threading.Thread(target=wal.append_wait, args=(record(n),)) for n in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = [r for s in wal.rotate() for r in read_segment(s)]
    assert sorted(records) == sorted(record(n) for n in range(200))
    assert 1 <= len(syncs) < 200


def test_reading_stops_at_a_torn_record(wal: WriteAheadLog) -> None:
    wal.append_wait(record(1))
    wal.append_wait(record(2))
    [segment] = wal.rotate()
    with open(segment, "ab") as f:  # a crash in the middle of a write
        f.write(FRAME.pack(100, 0) + b"[[half")
    assert list(read_segment(segment)) == [record(1), record(2)]


def test_one_server_per_log(wal: WriteAheadLog) -> None:
    with pytest.raises(LogBusy):
        WriteAheadLog(wal.folder).open()


def test_a_restart_replays_the_log_and_the_lake_keeps_one_copy(tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "events")
    log = WriteAheadLog(tmp_path / "capture")
    log.open()
    for n in range(10):
        log.append_wait(record(n))
    lake.append(events_table([record(0), record(1), record(2)]))  # moved, then a crash
    log.close()  # as kill -9 would leave it: segments still on disk
    again = WriteAheadLog(tmp_path / "capture")
    again.open()
    compactor = Compactor(again, lake.append, interval=60)
    compactor.start()
    compactor.stop()
    again.close()
    assert lake.row_count() == 10
    assert compactor.progress.moved == 7 and compactor.progress.skipped == 3
    assert again.segments() == []
