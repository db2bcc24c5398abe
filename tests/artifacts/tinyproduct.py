"""A small product with a planted launch effect, for tests that need events and evidence.

Users sign up over eight weeks; from LAUNCH (a Monday, four weeks in) more of them complete
onboarding within two days. Some customers left evidence, a few after the launch.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa

from needle.events.schema import EVENT_SCHEMA
from needle.evidence.store import EvidenceRecord

START = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday
DAYS = 56
LAUNCH = START + timedelta(days=28)
USERS = 4000
RATE_BEFORE, RATE_AFTER = 0.50, 0.66
METRIC = "conversion:signup>onboarding_completed@2d"
WEEKDAY = np.array([1.0, 1.05, 1.0, 0.95, 0.85, 0.45, 0.4])


def events(seed: int = 3) -> pa.Table:
    rng = np.random.default_rng(seed)
    weights = np.tile(WEEKDAY, DAYS // 7)
    days = rng.choice(DAYS, size=USERS, p=weights / weights.sum())
    rows: list[tuple[str, str, datetime]] = []
    for i, day in enumerate(days):
        user = f"u{i:05d}"
        t = START + timedelta(days=int(day), seconds=int(rng.integers(0, 86_400)))
        rows.append(("signup", user, t))
        rate = RATE_AFTER if t >= LAUNCH else RATE_BEFORE
        for name, p, hours in (("onboarding_completed", rate, 36), ("project_created", 0.6, 120),
                               ("invite_sent", 0.4, 72)):
            if rng.random() >= p:
                break
            t = t + timedelta(seconds=int(rng.integers(60, hours * 3600)))
            rows.append((name, user, t))
    return pa.table({
        "uuid": [str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | n)) for n in
                 range(len(rows))],
        "event": [r[0] for r in rows], "distinct_id": [r[1] for r in rows],
        "timestamp": [r[2] for r in rows],
        "properties": [json.dumps({"plan": "free"}) for _ in rows],
    }, schema=EVENT_SCHEMA)


QUOTES = (
    ("ticket", "u00010", "I signed up but the onboarding checklist never finished loading."),
    ("ticket", "u00022", "Stuck on the onboarding step that asks for my team size."),
    ("interview", "u00031", "Onboarding felt long, I gave up and came back a week later."),
    ("survey", "u00047", "Setup is confusing; I didn't know what to do after signing up."),
    ("ticket", "u00052", "Could not finish onboarding on mobile."),
)
FEEDBACK = (
    ("review", "u03001", "The new guided onboarding got me to my first board in minutes."),
    ("ticket", "u03002", "Guided onboarding skipped the invite step, had to find it myself."),
)


def evidence() -> list[EvidenceRecord]:
    before = [EvidenceRecord(kind, text, "tiny.csv", customer=who,
                             created_at=START + timedelta(days=3 + i), source_id=f"b{i}")
              for i, (kind, who, text) in enumerate(QUOTES)]
    after = [EvidenceRecord(kind, text, "tiny.csv", customer=who,
                            created_at=LAUNCH + timedelta(days=4 + i), source_id=f"a{i}")
             for i, (kind, who, text) in enumerate(FEEDBACK)]
    return before + after
