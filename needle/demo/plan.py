"""Which evidence a demo holds: theme, kind, time and source id of every piece.

The plan depends only on the seed, the number of users and the span, never on the generated
events, so :func:`needle.demo.truth.evidence_themes` can regenerate it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from needle.demo.truth import NOISE, NOISE_SHARE, THEMES, WEEKDAY_FACTOR, evidence_count

PLAN_STREAM = 101
KINDS = ("ticket", "survey", "interview")
PREFIX = {"ticket": "TCK-", "survey": "SRV-", "interview": "INT-"}
FIRST_NUMBER = {"ticket": 18_204, "survey": 5_001, "interview": 101}
BUG_MIX = (0.65, 0.2, 0.15)
WISH_MIX = (0.35, 0.45, 0.2)
KIND_MIX = {
    "slow_board_loading": BUG_MIX, "csv_export_broken": BUG_MIX, "calendar_sync": BUG_MIX,
    "mobile_app_crashes": BUG_MIX, "search_misses": BUG_MIX, "pricing_confusion": WISH_MIX,
    "notification_noise": WISH_MIX, "permissions_roles": WISH_MIX, "dark_mode": WISH_MIX,
    NOISE: (0.3, 0.6, 0.1),
}


@dataclass(frozen=True)
class PlannedEvidence:
    source_id: str
    theme: str
    kind: str
    time: float  # seconds since the demo's start


def trend_weights(trend: str, days: int) -> np.ndarray:
    """Relative volume per day of a theme with this trend."""
    x = np.arange(days) / days
    if trend == "rising":
        return 0.2 + 2.4 * x**1.5
    if trend == "falling":  # a fix ships at 55% of the span; reports fade out after it
        return np.where(x < 0.55, 1.6, np.maximum(0.1, 1.6 - 4.5 * (x - 0.55)))
    return np.ones(days)


def plan_evidence(seed: int, users: int, days: int) -> list[PlannedEvidence]:
    """The evidence of a demo build, in time order."""
    rng = np.random.default_rng([seed, PLAN_STREAM])
    names = [t.name for t in THEMES] + [NOISE]
    shares = np.array([t.share for t in THEMES] + [NOISE_SHARE])
    trends = [t.trend for t in THEMES] + ["steady"]
    theme = rng.choice(len(names), size=evidence_count(users), p=shares / shares.sum())
    weekday = np.array(WEEKDAY_FACTOR)[np.arange(days) % 7]
    day, kind = np.empty(len(theme), dtype=np.int64), np.empty(len(theme), dtype=np.int64)
    for i, name in enumerate(names):
        hit = np.flatnonzero(theme == i)
        weights = trend_weights(trends[i], days) * weekday
        day[hit] = rng.choice(days, size=len(hit), p=weights / weights.sum())
        kind[hit] = rng.choice(len(KINDS), size=len(hit), p=KIND_MIX[name])
    time = day * 86_400.0 + rng.uniform(8 * 3600, 19 * 3600, len(theme))
    order = np.argsort(time, kind="stable")
    counters = dict(FIRST_NUMBER)
    plan = []
    for i in order:
        k = KINDS[kind[i]]
        plan.append(PlannedEvidence(f"{PREFIX[k]}{counters[k]}", names[theme[i]], k,
                                    float(time[i])))
        counters[k] += 1
    return plan
