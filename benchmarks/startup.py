"""Start-up benchmark: how long `needle` takes, whole process, to answer small commands on the
demo workspace, against the 0.3 s goal and the start-up of Python itself.

``python -m benchmarks startup [--smoke] [--repeat N] [--root DIR]``. The full run builds the
default demo (themes included, so `needle themes` has some to list) under
benchmarks/.data/startup-demo once and reuses it; ``--smoke`` builds a 1,000-user demo in a
temporary folder and runs each command once. Each command runs once to warm up, then N times;
the median is shown with its ratio to `python -c pass` and, when git is installed, to `git
--help` (a CLI that answers at once), all measured in this run; importing SQLAlchemy alone is
shown too, the floor of every command that reads the store. The median CPU time (user +
system) is shown too: on a busy machine it moves much less than the wall-clock time the goal is
about.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks._demo import demo_workspace

GOAL = 0.3  # seconds
COMMANDS = (("--help",), ("events", "stats", "--json"), ("problem", "list", "--json"),
            ("themes", "--json"))


def workspace(smoke: bool, root: Path | None) -> Path:
    return demo_workspace("startup", smoke, root)


def needle() -> list[str]:
    """The `needle` command of this interpreter's environment (as installed, or as a module)."""
    script = Path(sys.executable).parent / "needle"
    return [str(script)] if script.exists() else [sys.executable, "-m", "needle"]


def timed(argv: list[str], cwd: Path, repeat: int) -> tuple[float, float, str]:
    """Median wall-clock and CPU seconds of ``repeat`` whole-process runs after one to warm
    up, and the output."""
    env = {**os.environ, "COLUMNS": "100"}
    out = _run(argv, cwd, env)
    wall, cpu = [], []
    for _ in range(repeat):
        start, used = time.perf_counter(), _children_cpu()
        _run(argv, cwd, env)
        wall.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - used)
    return statistics.median(wall), statistics.median(cpu), out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.startup")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--root", type=Path, default=None, help="a demo workspace to run in")
    args = parser.parse_args(argv)
    root = workspace(args.smoke, args.root)
    repeat = 1 if args.smoke else args.repeat
    git = shutil.which("git")
    runs = [("python -c pass", [sys.executable, "-c", "pass"])]
    runs += [("git --help", [git, "--help"])] if git else []
    runs += [("python -c 'import sqlalchemy'", [sys.executable, "-c", "import sqlalchemy"])]
    runs += [("needle " + " ".join(command), [*needle(), *command]) for command in COMMANDS]
    rows = []
    for name, command in runs:
        seconds, cpu, out = timed(command, root, repeat)
        if "--json" in command:
            json.loads(out)  # a command that printed something else did not answer
        rows.append((name, seconds, cpu))
    python, peer = rows[0][1], rows[1][1] if git else None
    header = f"{'command':<30} {'median s':>9} {'cpu s':>6} {'/python':>8} {'/goal':>6}"
    print(header + (f" {'/git':>6}" if peer else ""))
    for name, seconds, cpu in rows:
        print(f"{name:<30} {seconds:>9.3f} {cpu:>6.3f} {seconds / python:>8.1f} "
              f"{seconds / GOAL:>6.2f}" + (f" {seconds / peer:>6.1f}" if peer else ""))
    slow = [name for name, seconds, _ in rows if name.startswith("needle") and seconds > GOAL]
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"median of {repeat} on {root} (load average {load}): {len(slow)} of {len(COMMANDS)} "
          f"over the {GOAL} s goal" + (f" ({', '.join(slow)})" if slow else ""))
