"""Small generated experiments: events for the lake, with the truth kept beside them."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from needle.events.schema import EVENT_SCHEMA
from needle.workspace import Workspace

START = datetime(2026, 3, 2, tzinfo=UTC)
FLAG = {"$feature_flag": "checkout-v2"}


@dataclass(frozen=True)
class Generated:
    events: list[dict]
    units: dict[str, dict]  # distinct_id -> variant, exposed_at, conversions, ...


def _event(name: str, user: str, at: datetime, **props: object) -> dict:
    return {"uuid": str(uuid.uuid4()), "event": name, "distinct_id": user, "timestamp": at,
            "properties": json.dumps(props)}


def generate(users: int = 3_000, seed: int = 11, lift: float = 0.08) -> Generated:
    """Users exposed over 10 days; 'purchase' converts at 20% (+lift in test) within 7 days;
    'support_ticket' is the same in both arms; some events fall outside the windows."""
    rng = np.random.default_rng(seed)
    events, units = [], {}
    for i in range(users):
        user, variant = f"u{i}", "test" if rng.random() < 0.5 else "control"
        exposed = START + timedelta(hours=float(rng.uniform(0, 240)))
        events.append(_event("$pageview", user, exposed - timedelta(hours=1)))
        events.append(_event("purchase", user, exposed - timedelta(minutes=5), amount=99.0))
        events.append(_event("$feature_flag_called", user, exposed, **FLAG,
                             **{"$feature_flag_response": variant}))
        rate = 0.2 + (lift if variant == "test" else 0.0)
        converted = rng.random() < rate
        amount = 0.0
        purchases = int(converted) * int(rng.integers(1, 4))
        for _ in range(purchases):
            price = float(rng.integers(5, 50))
            amount += price
            events.append(_event("purchase", user, exposed + timedelta(hours=float(
                rng.uniform(0, 24 * 7 - 1))), amount=price, note="paid by card"))
        if rng.random() < 0.1:  # late purchase: outside the 7-day window
            events.append(_event("purchase", user, exposed + timedelta(days=9), amount=10.0))
        ticket = rng.random() < 0.15
        if ticket:
            events.append(_event("support_ticket", user, exposed + timedelta(days=2)))
        units[user] = {"variant": variant, "converted": float(converted),
                       "purchases": float(purchases), "amount": amount, "ticket": float(ticket)}
    # two users also saw the other variant later: they must be excluded
    for user in ("u0", "u1"):
        other = "control" if units[user]["variant"] == "test" else "test"
        events.append(_event("$feature_flag_called", user, START + timedelta(days=11), **FLAG,
                             **{"$feature_flag_response": other}))
        units[user]["variant"] = None
    # another flag's exposures must be ignored
    events.append(_event("$feature_flag_called", "u5", START, **{"$feature_flag": "other",
                                                                  "$feature_flag_response": "x"}))
    return Generated(events, units)


def to_table(events: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(events, schema=EVENT_SCHEMA)


def renamed(events: list[dict], exposure: str) -> list[dict]:
    """The events with the flag exposures renamed ``exposure`` (a custom exposure event)."""
    return [{**e, "event": exposure} if e["event"] == "$feature_flag_called" else e
            for e in events]


@pytest.fixture(scope="module")
def generated() -> Generated:
    return generate()


@pytest.fixture
def experiment_workspace(workspace: Workspace, generated: Generated) -> Workspace:
    workspace.lake.append(to_table(generated.events))
    return workspace
