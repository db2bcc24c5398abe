"""Build the demo workspace: generate users, events and evidence, then write them in day chunks.

Every random stream is derived from the seed with numpy's ``SeedSequence``, so one seed gives the
same workspace on every machine.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from needle.demo import evidence, usage
from needle.demo import users as population
from needle.demo.encode import Encoder
from needle.demo.loop import add_loop
from needle.demo.plan import plan_evidence
from needle.demo.truth import (
    DEFAULT_DAYS,
    DEFAULT_SEED,
    DEFAULT_USERS,
    MIN_DAYS,
    PRODUCT,
    DemoTruth,
    truth_for,
)
from needle.errors import UserError
from needle.evidence.store import EvidenceRecord, add_evidence
from needle.workspace import CONFIG_FILE, STATE_DIR, Workspace

MARKER = "demo.json"
BUILDING = "demo.building"  # present while a build runs; a folder left with it was interrupted
MIN_USERS = 1_000
Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while building."""


@dataclass(frozen=True)
class DemoInfo:
    """What a demo workspace was built from (stored in ``.needle/demo.json``)."""

    product: str
    seed: int
    users: int
    days: int
    events: int
    evidence: int

    @property
    def truth(self) -> DemoTruth:
        return truth_for(self.days)


class DemoExists(UserError):
    """The folder already holds a demo workspace, built as ``info`` says."""

    def __init__(self, root: Path, info: DemoInfo) -> None:
        super().__init__(f"{root} already holds a demo workspace; force a rebuild to replace it",
                         field="force", value=str(root))
        self.info = info


def demo_info(root: Path | str) -> DemoInfo | None:
    """The build parameters of the demo workspace at ``root``, or None if it is not one."""
    path = Path(root) / STATE_DIR / MARKER
    if not path.is_file():
        return None
    return DemoInfo(**json.loads(path.read_text(encoding="utf-8")))


@dataclass
class Generated:
    """A demo in memory: events sorted by time, evidence records, and what encodes them."""

    truth: DemoTruth
    population: population.Population
    events: usage.Events
    evidence: list[EvidenceRecord]
    encoder: Encoder


def generate(seed: int = DEFAULT_SEED, users: int = DEFAULT_USERS,
             days: int = DEFAULT_DAYS) -> Generated:
    """Generate a demo without writing it (its size is known before anything is written)."""
    _check(users, days)
    truth = truth_for(days)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    pop = population.generate(streams[0], users, truth)
    plan = plan_evidence(seed, users, days)
    reporters = evidence.choose_reporters(streams[1], plan, pop, truth)
    extras = usage.Extras(truth)
    ses = usage.sessions(streams[2], pop, days)
    events = _events(streams[2], pop, ses, truth, extras)
    records = evidence.records(streams[4], plan, reporters, pop, truth)
    encoder = Encoder(streams[3], pop, extras.fragments, len(ses),
                      int(truth.start.timestamp() * 1_000_000))
    return Generated(truth, pop, events, records, encoder)


def build(path: Path | str, *, seed: int = DEFAULT_SEED, users: int = DEFAULT_USERS,
          days: int = DEFAULT_DAYS, progress: Progress | None = None,
          force: bool = False) -> Workspace:
    """Create a workspace at ``path`` holding the demo product and work in progress on it (an
    analysed experiment, a dashboard, a goal, a problem, built themes); see docs/demo.md for
    its facts."""
    _check(users, days)
    _prepare(Path(path), force)
    report = progress or (lambda stage, done, total: None)
    workspace = Workspace.init(path)
    (workspace.state_dir / BUILDING).touch()
    report("generate", 0, 1)
    demo = generate(seed, users, days)
    report("generate", 1, 1)
    written = _write_events(workspace, demo, report)
    report("evidence", 0, len(demo.evidence))
    with workspace.store.session() as session:
        stored = add_evidence(session, demo.evidence).added
    report("evidence", len(demo.evidence), len(demo.evidence))
    report("loop", 0, 1)
    add_loop(workspace, demo.truth, seed, users)
    report("loop", 1, 1)
    workspace.build_themes(progress=report)  # stored, so `needle themes` only reads them
    info = DemoInfo(PRODUCT, seed, users, days, written, stored)
    (workspace.state_dir / MARKER).write_text(json.dumps(asdict(info), indent=1), "utf-8")
    (workspace.state_dir / BUILDING).unlink()
    return workspace


def _check(users: int, days: int) -> None:
    if users < MIN_USERS:
        raise UserError(f"users {users}: use at least {MIN_USERS}", field="users", value=users)
    if days < MIN_DAYS:
        raise UserError(f"days {days}: use at least {MIN_DAYS} (the planted effects need them)",
                        field="days", value=days)


def _prepare(root: Path, force: bool) -> None:
    """Refuse to touch a folder holding anything but a demo; clear an old demo when forced."""
    interrupted, info = (root / STATE_DIR / BUILDING).exists(), demo_info(root)
    if interrupted or info is not None:
        if info is not None and not (force or interrupted):
            raise DemoExists(root, info)
        shutil.rmtree(root / STATE_DIR)
        (root / CONFIG_FILE).unlink(missing_ok=True)
    elif root.exists() and any(root.iterdir()):
        raise UserError(f"{root} is not empty; choose a new folder for the demo")


def _events(rng: np.random.Generator, pop: population.Population, ses: usage.Sessions,
            truth: DemoTruth, extras: usage.Extras) -> usage.Events:
    events = usage.Events.concat([
        usage.lifecycle(rng, pop, extras),
        usage.walk(rng, pop, ses, extras),
        usage.repeat_exposures(rng, pop, ses, truth, extras),
    ])
    usage.incident(rng, events, truth, extras)
    order = np.argsort(events.time, kind="stable")
    keep = order[events.time[order] < truth.days * population.DAY]
    return usage.Events(*(getattr(events, f)[keep] for f in
                          ("user", "code", "time", "extra", "session")))


def _write_events(workspace: Workspace, demo: Generated, report: Progress) -> int:
    written, total = 0, len(demo.events)
    report("events", 0, total)
    for table in demo.encoder.chunks(demo.events, demo.truth.days):
        written += workspace.lake.append(table).added
        report("events", written, total)
    return written
