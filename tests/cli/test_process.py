"""The ``needle`` process as people run it: what it prints and its exit code come through the
end of the process (where :func:`needle.cli.main.main` freezes what it made)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from needle.workspace import Workspace


def _needle(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "needle", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


def test_a_listing_prints_its_json_and_exits_zero(tmp_path: Path) -> None:
    Workspace.init(tmp_path).close()
    assert _needle("problem", "new", "Exports time out", cwd=tmp_path).returncode == 0
    done = _needle("problem", "list", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p["title"] for p in json.loads(done.stdout)] == ["Exports time out"]


def test_a_command_that_reads_events_prints_nothing_on_stderr(tmp_path: Path) -> None:
    Workspace.init(tmp_path).close()
    events = tmp_path / "e.csv"
    events.write_text("event,distinct_id,timestamp\nvisit,u1,2024-01-01T00:00:00Z\n",
                      encoding="utf-8")
    for args in (("events", "import", str(events)), ("query", "trend", "visit", "--json"),
                 ("events", "stats", "--json")):
        done = _needle(*args, cwd=tmp_path)
        assert (done.returncode, done.stderr.strip()) == (0, ""), args


def test_a_user_error_exits_one_with_its_line(tmp_path: Path) -> None:
    Workspace.init(tmp_path).close()
    done = _needle("problem", "list", "--status", "solve", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("error: problem status 'solve': use one of draft, open")


def test_a_usage_error_exits_two(tmp_path: Path) -> None:
    done = _needle("problem", "show", "abc", cwd=tmp_path)
    assert done.returncode == 2 and "'abc' is not a valid int" in done.stderr
