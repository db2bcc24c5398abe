"""Why a metric moved: the property value, the related event, or the funnel step behind a move.

A property value is a driver when it holds most of the move (at least half of it) and moved
beyond its proportional part of the move by five Poisson standard deviations: a drop spread evenly
over every value has no single driver, and saying "Chrome" because Chrome is most of the traffic
would mislead.
A related event is the other event that moved most against the metric on the same day, measured
in Poisson standard deviations (``change / sqrt(baseline)``): where a lost event went (an error
logged instead) or what came with a jump.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from math import sqrt
from typing import Any

import numpy as np

from needle.analytics.engine import Engine
from needle.review import daily

MIN_SHARE = 0.5
MIN_SIGMAS = 5.0


@dataclass(frozen=True)
class Driver:
    """One explanation of a move: ``event`` (with ``property`` = ``value`` when a property value
    explains it) changed by ``change`` on the day, ``share`` of that event's move."""

    kind: str  # property | related event | funnel step
    event: str
    property: str | None
    value: str | None
    change: float
    share: float | None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "event": self.event, "property": self.property,
                "value": self.value, "change": self.change, "share": self.share}

    def sentence(self) -> str:
        if self.kind == "funnel step":
            verb = "rose" if self.change > 0 else "fell"
            return (f"the step {self.event} {verb} by {abs(self.change) * 100:.1f} points of "
                    "conversion")
        where = f" with {self.property} = {self.value!r}" if self.property else ""
        share = f" ({self.share:.0%} of its move)" if self.share is not None else ""
        verb = "rose" if self.change > 0 else "fell"
        return f"{self.event}{where} {verb} by {abs(self.change):,.0f}{share}"


def property_driver(engine: Engine, event: str, day: date, baseline: list[date]
                    ) -> Driver | None:
    """The property value of ``event`` that holds most of its move on ``day``, if one does."""
    found = daily.property_changes(engine, event, day, baseline)
    best: Driver | None = None
    for key in {k for k, _, _, _ in found}:
        values = [(v, now, before) for k, v, now, before in found if k == key]
        move = sum(now - before for _, now, before in values)
        total_before = sum(before for _, _, before in values)
        if abs(move) < 1:
            continue
        for value, now, before in values:
            share = (now - before) / move
            held = before / total_before if total_before else 0.0
            beyond = (now - before - held * move) / sqrt(before + 1.0)  # vs. a proportional move
            if share >= MIN_SHARE and abs(beyond) >= MIN_SIGMAS and (
                    best is None or (best.share or 0) < share):
                best = Driver("property", event, key, value, now - before, share)
    return best


def related_event(counts: dict[str, np.ndarray], event: str, index: int,
                  baseline: list[int]) -> Driver | None:
    """The other event that moved most against ``event`` on day ``index`` (counts per day)."""
    own = counts[event][index] - float(np.mean(counts[event][baseline]))
    best, best_sigmas = None, MIN_SIGMAS
    for other, series in counts.items():
        if other == event:
            continue
        before = float(np.mean(series[baseline]))
        change = float(series[index]) - before
        sigmas = abs(change) / sqrt(before + 1.0)
        if change * own < 0 and sigmas > best_sigmas:
            best, best_sigmas = Driver("related event", other, None, None, change, None), sigmas
    return best


def event_drivers(engine: Engine, counts: dict[str, np.ndarray], event: str, first: date,
                  day: date) -> list[Driver]:
    """Drivers of a move of ``event`` on ``day``: its own property value, and the related event
    with that event's property value, against the same weekday of the three weeks before."""
    index = (day - first).days
    baseline = [index - 7 * k for k in (1, 2, 3) if index - 7 * k >= 0]
    if not baseline:
        return []
    days_before = [first + timedelta(days=i) for i in baseline]
    found = [d for d in [property_driver(engine, event, day, days_before)] if d]
    related = related_event(counts, event, index, baseline)
    if related is not None:
        found.append(related)
        cause = property_driver(engine, related.event, day, days_before)
        if cause is not None:
            found.append(cause)
    return found
