"""Deterministic synthetic product events for the analytics benchmark and oracle tests.

Users arrive over the period and fade out (so retention has a shape); 40 event names have Zipf
frequencies; a 4-step funnel (visit, signup, activate, purchase) has drop-off at every step and
exact ties between consecutive steps. Funnel events carry the person's plan (a quarter have
none), visits a country (30, skewed) and purchases a whole-number amount, for filters,
breakdowns and sums. Generated per block of users so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from needle.events.schema import EVENT_SCHEMA

FUNNEL = ("visit", "signup", "activate", "purchase")
NAMES = (*FUNNEL, *(f"event_{i:02d}" for i in range(36)))
START = datetime(2024, 1, 1, tzinfo=UTC)
PLANS = ('"plan": "free"', '"plan": "pro"', '"plan": "team"', None)
COUNTRIES = 30
AMOUNTS = 97


def _zipf_weights(n: int) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** 1.1
    return w / w.sum()


def _background(rng: np.random.Generator, users: np.ndarray, per_user: float, days: int):  # type: ignore[no-untyped-def]
    """Events of the Zipf mix: each user active from a start day with a fading rate."""
    counts = rng.poisson(per_user, len(users))
    owner = np.repeat(users, counts)
    first = rng.integers(0, days, len(users))
    span = np.maximum(days - first, 1)
    offset = np.repeat(first, counts) * 86400 + (
        rng.exponential(0.35, len(owner)) % 1.0 * np.repeat(span, counts) * 86400
    ).astype(np.int64)
    # visit is the most frequent name; the other funnel steps come only from attempts
    mix = np.array([0, *range(len(FUNNEL), len(NAMES))])
    names = mix[rng.choice(len(mix), len(owner), p=_zipf_weights(len(mix)))]
    return owner, offset, names


def _funnel(rng: np.random.Generator, users: np.ndarray, days: int):  # type: ignore[no-untyped-def]
    """Attempts at the funnel: 1-3 visits per user, each continuing with falling odds."""
    attempts = rng.integers(0, 4, len(users))
    owner = np.repeat(users, attempts)
    t = rng.integers(0, days * 86400, len(owner))
    out_owner, out_t, out_step = [owner], [t], [np.zeros(len(owner), dtype=np.int64)]
    alive = np.ones(len(owner), dtype=bool)
    for step, keep in enumerate((0.6, 0.5, 0.4), start=1):
        alive &= rng.random(len(owner)) < keep
        gap = rng.exponential(3 * 86400, len(owner)).astype(np.int64)
        gap[rng.random(len(owner)) < 0.1] = 0  # exact ties with the previous step
        t = t + gap
        out_owner.append(owner[alive])
        out_t.append(t[alive])
        out_step.append(np.full(alive.sum(), step))
    return np.concatenate(out_owner), np.concatenate(out_t), np.concatenate(out_step)


def blocks(
    events: int, users: int, days: int = 90, seed: int = 7, block_users: int = 100_000
) -> Iterator[pa.Table]:
    """About ``events`` events of ``users`` users over ``days`` days, in event tables per block."""
    rng = np.random.default_rng(seed)
    per_user = events / users - 3.0  # the funnel adds about 3 events per user
    next_uuid = 0
    for lo in range(0, users, block_users):
        ids = np.arange(lo, min(users, lo + block_users))
        b_owner, b_t, b_names = _background(rng, ids, per_user, days)
        f_owner, f_t, f_step = _funnel(rng, ids, days)
        owner = np.concatenate([b_owner, f_owner])
        seconds = np.minimum(np.concatenate([b_t, f_t]), days * 86400 - 1)
        name_idx = np.concatenate([b_names, f_step])
        yield _table(next_uuid, owner, seconds, name_idx, _properties(owner, name_idx))
        next_uuid += len(owner)


def _properties(owner: np.ndarray, name_idx: np.ndarray) -> pa.Array:
    """JSON objects, derived from the person and the row (no draws: the events stay as they
    were): the plan on funnel events, a country on visits, an amount on purchases. Each row
    takes its text from a table of every combination (one ``take``, no string building)."""
    plan = owner % len(PLANS)
    skew = ((owner * 2654435761) % 2**32 / 2**32) ** 3  # a few countries hold most visits
    country = (skew * COUNTRIES).astype(np.int64)
    amount = (owner * 31 + np.arange(len(owner))) % AMOUNTS
    visit, purchase = len(PLANS), len(PLANS) * (1 + COUNTRIES)
    code = np.where(name_idx >= len(FUNNEL), len(TEXTS) - 1, plan)
    code = np.where(name_idx == 0, visit + plan * COUNTRIES + country, code)
    code = np.where(name_idx == len(FUNNEL) - 1, purchase + plan * AMOUNTS + amount, code)
    return TEXTS.take(pa.array(code))


def _texts() -> pa.Array:
    """Every properties text: funnel steps by plan; visits by plan and country; purchases by
    plan and amount; then the empty object of every other event."""
    def obj(*parts: str | None) -> str:
        return "{" + ", ".join(p for p in parts if p) + "}"

    out = [obj(p) for p in PLANS]
    out += [obj(p, f'"country": "c{c:02d}"') for p in PLANS for c in range(COUNTRIES)]
    out += [obj(p, f'"amount": {a + 1}') for p in PLANS for a in range(AMOUNTS)]
    return pa.array([*out, "{}"])


TEXTS = _texts()


def _table(first_uuid: int, owner, seconds, name_idx, props: pa.Array) -> pa.Table:  # type: ignore[no-untyped-def]
    micros = int(START.timestamp()) * 1_000_000 + seconds.astype(np.int64) * 1_000_000
    names = pa.DictionaryArray.from_arrays(pa.array(name_idx.astype(np.int32)), pa.array(NAMES))
    return pa.table(
        {
            "uuid": pc.cast(pa.array(np.arange(first_uuid, first_uuid + len(owner))), pa.string()),
            "event": names.cast(pa.string()),
            "distinct_id": pc.binary_join_element_wise(
                "u", pc.cast(pa.array(owner), pa.string()), ""
            ),
            "timestamp": pa.array(micros, pa.timestamp("us", tz="UTC")),
            "properties": props,
        }
    ).cast(EVENT_SCHEMA)
