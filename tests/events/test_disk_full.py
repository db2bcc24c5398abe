"""A full or read-only disk during an import: one line, and the workspace exactly as it was.

Tests run as root, where a read-only folder does not stop writes, so the writers are made to
fail as the operating system would.
"""

import errno
import os
from pathlib import Path

import pytest

import needle.events.lake

SEED = "user_id,event,timestamp\nu0,seed,2024-01-01T00:00:00Z\n"
BATCH = ("user_id,event,timestamp\nu1,a,2024-01-02T00:00:00Z\nu2,b,2024-01-03T00:00:00Z\n"
         "u3,c,never\n")
FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
READ_ONLY = OSError(errno.EROFS, os.strerror(errno.EROFS))


def _half_written(error: OSError):  # type: ignore[no-untyped-def]
    """A Parquet writer that leaves half a file behind, then fails."""
    def write_table(table, where, **options):  # type: ignore[no-untyped-def]
        Path(where).write_bytes(b"PAR1 half")
        raise error
    return write_table


def _failing(error: OSError):  # type: ignore[no-untyped-def]
    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise error
    return fail


def _failing_into(name: str, error: OSError):  # type: ignore[no-untyped-def]
    """``os.replace`` that fails when it would put a file named ``name`` in place."""
    real = os.replace

    def replace(source, target):  # type: ignore[no-untyped-def]
        if Path(target).name.startswith(name):
            raise error
        real(source, target)
    return replace


# (case, object, attribute, replacement, words of the line after "error: ")
CASES = [
    ("parquet-full", needle.events.lake.pq, "write_table", _half_written(FULL),
     "cannot write the event lake: No space left on device; nothing was imported"),
    ("parquet-read-only", needle.events.lake.pq, "write_table", _failing(READ_ONLY),
     "cannot write the event lake: Read-only file system; nothing was imported"),
    ("manifest-full", os, "replace", _failing_into("manifest.json", FULL),
     "cannot write the event lake: No space left on device; nothing was imported"),
    ("rejects-full", os, "replace", _failing_into("events-", FULL),
     "cannot write the rejected rows: No space left on device; nothing was imported"),
]


@pytest.mark.parametrize(("case", "target", "name", "replacement", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_a_failing_disk_changes_nothing(cli, write, snapshot, monkeypatch, tmp_path, case,
                                        target, name, replacement, words):
    cli("events", "import", str(write("seed.csv", SEED)))
    before = snapshot()
    monkeypatch.setattr(target, name, replacement)
    result = cli("events", "import", str(write("batch.csv", BATCH)), "--skip-bad", ok=False)
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    assert line.startswith("error: ") and line.endswith(words)
    after = snapshot()
    assert set(after[0]) == set(before[0])
    assert after == before
