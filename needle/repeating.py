"""Work a server repeats in the background: now, then every so many seconds, on its own daemon
thread, until stopped (the capture compactor, the alert checks)."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Repeating:
    """Calls ``work`` at once and then every ``seconds`` on a thread named ``name``; with
    ``last_on_stop``, once more when stopped, so that stopping leaves nothing undone."""

    def __init__(self, work: Callable[[], object], seconds: float, name: str,
                 last_on_stop: bool = False) -> None:
        self.work = work
        self.seconds = seconds
        self.name = name
        self.last_on_stop = last_on_stop
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop after the pass under way (and the last one, when asked for)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while True:
            self.work()
            if self._stop.wait(self.seconds):
                if self.last_on_stop:
                    self.work()
                return
