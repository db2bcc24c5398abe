"""A second import waits for the first to finish, before it reads its files, instead of failing
once it has read them all."""

import fcntl
import json
import threading
import time
from datetime import UTC, datetime

import pyarrow as pa
import pytest

import needle.events.importer
from needle.errors import UserError
from needle.events.importer import import_events
from needle.events.mapping import EventMapping
from needle.events.schema import EVENT_SCHEMA
from needle.io.tables import ReadOptions

CSV = "user_id,event,timestamp\nu1,a,2024-01-02T00:00:00Z\n"


@pytest.fixture
def held(workspace):  # type: ignore[no-untyped-def]
    """Another writer's lock on the lake; ``held.release_after(seconds)`` lets it go."""
    workspace.lake.root.mkdir(parents=True, exist_ok=True)
    lock = open(workspace.lake.root / ".lock", "w")  # noqa: SIM115
    fcntl.flock(lock, fcntl.LOCK_EX)

    class Held:
        released = float("inf")

        def release_after(self, seconds: float) -> None:
            def release() -> None:
                Held.released = time.monotonic()
                lock.close()
            threading.Timer(seconds, release).start()

    yield Held()
    lock.close()


@pytest.fixture
def reads(monkeypatch):  # type: ignore[no-untyped-def]
    """The times at which the importer read a file."""
    times: list[float] = []
    real = needle.events.importer.read_table

    def read_table(path, options):  # type: ignore[no-untyped-def]
        times.append(time.monotonic())
        return real(path, options)

    monkeypatch.setattr(needle.events.importer, "read_table", read_table)
    return times


def test_an_import_waits_for_the_lock_before_reading(workspace, write, held, reads):
    waited: list[float] = []
    held.release_after(1.3)
    result = import_events(workspace.lake, [write("e.csv", CSV)], EventMapping(), ReadOptions(),
                           waiting=waited.append, lock_timeout=30)
    assert result.added == 1
    assert waited and waited[0] < 0.5 and len(waited) >= 2
    assert reads and reads[0] >= held.released


def test_an_import_gives_up_after_the_timeout_without_reading(workspace, write, held, reads):
    with pytest.raises(UserError, match=r"another Needle process has been writing events for "
                                        r"0.3 s; try again when it has finished"):
        import_events(workspace.lake, [write("e.csv", CSV)], EventMapping(), ReadOptions(),
                      lock_timeout=0.3)
    assert reads == []
    assert workspace.lake.row_count() == 0


def test_the_cli_says_it_is_waiting(cli, write, workspace, held):
    held.release_after(1.0)
    result = cli("events", "import", str(write("e.csv", CSV)), "--json")
    assert json.loads(result.stdout)["added"] == 1
    assert result.stderr == "waiting for another Needle process to finish writing events\n"


def test_an_append_outside_an_import_fails_at_once_when_the_lake_is_busy(workspace, held):
    table = pa.table({"uuid": ["a"], "event": ["e"], "distinct_id": ["u"],
                      "timestamp": [datetime(2024, 1, 1, tzinfo=UTC)], "properties": ["{}"]}
                     ).cast(EVENT_SCHEMA)
    began = time.monotonic()
    with pytest.raises(UserError, match="another Needle process is writing events; wait for it"):
        workspace.lake.append(table)
    assert time.monotonic() - began < 1


def test_another_thread_does_not_share_an_imports_lock(workspace):
    outcome: list[str] = []
    with workspace.lake.writing():
        def append() -> None:
            try:
                workspace.lake.compact()
                outcome.append("wrote")
            except UserError:
                outcome.append("refused")
        thread = threading.Thread(target=append)
        thread.start()
        thread.join()
    assert outcome == ["refused"]
