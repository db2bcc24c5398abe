"""The write-ahead log: accepted requests, on disk and fsynced before the SDK hears 200.

Records go to numbered segment files (``wal-000000000042.log``), each record framed as its
length and CRC-32 (little-endian u32 each) then its bytes. One writer thread takes every record
waiting, writes them in one call and fsyncs once (group commit): the cost of an fsync is shared
by all the requests that arrived while the previous one ran. Whoever handed in a record hears
back only after its fsync.

The compactor reads closed segments only: :meth:`WriteAheadLog.rotate` closes the active one.
A crash can leave a torn record at the end of the segment that was active; reading stops there
(that record was never acknowledged). The folder is locked while open: one server per workspace.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import queue
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from needle.errors import UserError

FRAME = struct.Struct("<II")
log = logging.getLogger("needle.capture")
SEGMENT = "wal-{:012d}.log"
Done = Callable[[BaseException | None], None]


class LogBusy(UserError):
    """Another process holds this workspace's capture log."""


class WriteAheadLog:
    """The log in ``folder``; :meth:`open` starts its writer thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._queue: queue.SimpleQueue[tuple[bytes, Any]] = queue.SimpleQueue()
        self._lock: IO[str] | None = None
        self._fd = -1
        self._number = 0
        self._size = 0
        self._torn = False
        self._thread: threading.Thread | None = None

    # Life.
    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.folder / ".lock", "w")  # noqa: SIM115 (held until close)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            self._lock = None
            raise LogBusy(f"{self.folder}: another Needle server captures events for this "
                          "workspace") from None
        numbers = [segment_number(p) for p in self.segments()]
        self._start_segment(max(numbers, default=0) + 1)
        self._thread = threading.Thread(target=self._run, name="needle-wal", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the writer after the records handed in so far, and release the folder."""
        if self._thread is not None:
            self._queue.put((b"", _STOP))
            self._thread.join()
            self._thread = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
            if not self._size:
                (self.folder / SEGMENT.format(self._number)).unlink(missing_ok=True)
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    # Appending.
    def submit(self, record: bytes, done: Done) -> None:
        """Hand ``record`` to the writer; ``done(error)`` is called, on the writer thread,
        once it is fsynced (``error`` None) or cannot be."""
        self._queue.put((record, done))

    async def append(self, record: bytes) -> None:
        """Append ``record`` and wait, without blocking the event loop, for its fsync."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.put((record, (loop, future)))
        await future

    def append_wait(self, record: bytes) -> None:
        """Append ``record`` and block until it is fsynced."""
        event = threading.Event()
        failure: list[BaseException | None] = [None]

        def done(error: BaseException | None) -> None:
            failure[0] = error
            event.set()

        self.submit(record, done)
        event.wait()
        if failure[0] is not None:
            raise failure[0]

    # Segments.
    def segments(self) -> list[Path]:
        return sorted(self.folder.glob("wal-*.log"))

    def rotate(self) -> list[Path]:
        """Close the active segment if it holds records; the closed segments, oldest first."""
        event = threading.Event()
        self._queue.put((b"", (_ROTATE, event)))
        event.wait()
        active = self.folder / SEGMENT.format(self._number)
        return [p for p in self.segments() if p != active]

    def _start_segment(self, number: int) -> None:
        path = self.folder / SEGMENT.format(number)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _fsync_folder(self.folder)  # the new name survives a crash
        if self._fd >= 0:
            os.close(self._fd)
        self._fd, self._number, self._size = fd, number, 0

    # The writer thread.
    def _run(self) -> None:
        while True:
            items = [self._queue.get()]
            while True:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            records = [(r, d) for r, d in items if not _is_control(d)]
            if records:
                self._commit(records)
            for _, control in items:
                if control is _STOP:
                    return
                if isinstance(control, tuple) and control[0] is _ROTATE:
                    self._rotate(control[1])

    def _rotate(self, event: threading.Event) -> None:
        try:
            if self._size:
                self._start_segment(self._number + 1)
        except OSError:  # no room for a new segment: keep writing this one; the compactor waits
            log.warning("cannot start a new capture log segment in %s", self.folder)
        finally:
            event.set()

    def _commit(self, records: list[tuple[bytes, Any]]) -> None:
        data = b"".join(FRAME.pack(len(r), zlib.crc32(r)) + r for r, _ in records)
        error: BaseException | None = None
        try:
            if self._torn:  # the last write failed: what follows goes to a clean segment
                self._start_segment(self._number + 1)
                self._torn = False
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            os.fdatasync(self._fd)
            self._size += len(data)
        except OSError as exc:  # a full disk: nothing of this group is acknowledged
            error = exc
            self._torn = True
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
        _notify([d for _, d in records], error)


def read_segment(path: Path) -> Iterator[bytes]:
    """The records of a segment, up to the first torn or corrupt one."""
    data = path.read_bytes()
    at = 0
    while at + FRAME.size <= len(data):
        length, crc = FRAME.unpack_from(data, at)
        record = data[at + FRAME.size:at + FRAME.size + length]
        if len(record) < length or zlib.crc32(record) != crc:
            return
        yield record
        at += FRAME.size + length


def segment_number(path: Path) -> int:
    return int(path.stem.removeprefix("wal-"))


_STOP = object()
_ROTATE = object()


def _is_control(done: Any) -> bool:
    return done is _STOP or (isinstance(done, tuple) and done[0] is _ROTATE)


def _notify(waiters: list[Any], error: BaseException | None) -> None:
    """Tell every waiter; asyncio futures of one loop are resolved in one call to that loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for waiter in waiters:
        if isinstance(waiter, tuple):
            by_loop.setdefault(waiter[0], []).append(waiter[1])
        else:
            waiter(error)
    for loop, futures in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop closed while its requests waited
            loop.call_soon_threadsafe(_resolve, futures, error)


def _resolve(futures: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for future in futures:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
