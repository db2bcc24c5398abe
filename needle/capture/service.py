"""One server's capture: check a request, log it durably, and keep the compactor running."""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from needle.capture.compactor import INTERVAL, Append, Compactor
from needle.capture.decode import Raw, decode
from needle.capture.errors import NoToken
from needle.capture.events import Captured, read_request
from needle.capture.wal import WriteAheadLog

MB = 1024 * 1024
EVENT_LIMIT = 2 * MB  # bytes of a request to an event endpoint, before and after decompression
BATCH_LIMIT = 20 * MB  # bytes of a request to /batch
BATCH_PATHS = ("/batch",)
OFFLOAD = 256 * 1024  # requests larger than this are decoded off the event loop


def limit_for(path: str) -> int:
    return BATCH_LIMIT if path.rstrip("/") in BATCH_PATHS else EVENT_LIMIT


class Capture:
    """The write-ahead log under ``folder`` and its compactor, which hands events to ``append``;
    requests must carry ``token``."""

    def __init__(self, folder: Path, token: str, append: Append,
                 interval: float = INTERVAL) -> None:
        self.token = token
        self.wal = WriteAheadLog(folder)
        self.compactor = Compactor(self.wal, append, interval)
        self.requests = 0
        self.events = 0
        self.started: float | None = None

    # Life: the web app's lifespan, or the first request when the app runs without one.
    def start(self) -> None:
        if self.started is None:
            self.wal.open()
            self.compactor.start()  # its first pass replays what a crash left in the log
            self.started = time.time()

    def stop(self) -> None:
        """Move what the log holds into the lake, then stop."""
        if self.started is not None:
            self.compactor.stop()
            self.wal.close()
            self.started = None

    @asynccontextmanager
    async def lifespan(self, _app: Any) -> AsyncIterator[None]:
        self.start()
        try:
            yield
        finally:
            await asyncio.to_thread(self.stop)

    # Requests.
    async def accept(self, raw: Raw, path: str) -> int:
        """Store the events of a request durably; the number stored. Raises a
        :class:`~needle.capture.errors.CaptureRefused` when the request is refused."""
        self.start()
        now_us = time.time_ns() // 1000
        if len(raw.body) + len(raw.query.get("data", "")) > OFFLOAD:
            captured = await asyncio.to_thread(self.read, raw, path, now_us)
        else:
            captured = self.read(raw, path, now_us)
        await self.wal.append(json.dumps(captured.rows).encode())
        self.requests += 1
        self.events += len(captured.rows)
        return len(captured.rows)

    def read(self, raw: Raw, path: str, now_us: int) -> Captured:
        """The request's events, checked: decoded, normalised, and for this workspace."""
        captured = read_request(decode(raw, limit_for(path)), path, now_us, raw.query.get("_"))
        if not hmac.compare_digest(captured.token.encode(), self.token.encode()):
            raise NoToken("the project token is not this workspace's")
        return captured

    def status(self) -> dict[str, Any]:
        """Live counts since the server started, for the events page."""
        progress = self.compactor.progress
        return {"running": self.started is not None, "requests": self.requests,
                "events": self.events, "in_lake": progress.moved,
                "waiting": max(self.events - progress.moved - progress.skipped, 0),
                "last_moved": progress.last, "error": progress.error}
