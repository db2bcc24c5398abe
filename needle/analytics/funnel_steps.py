"""Funnel results from per-step numbers, shared by the SQL plan and the event index."""

from __future__ import annotations

import numpy as np

from needle.analytics.results import FunnelStep, HistogramBin
from needle.analytics.specs import FunnelQuery


def steps_from(q: FunnelQuery, values: tuple) -> tuple[FunnelStep, ...]:
    n = len(q.steps)
    start = values[0]
    out = []
    for k in range(n):
        users, dropped, med, mean = values[4 * k : 4 * k + 4]
        out.append(
            FunnelStep(
                event=q.steps[k].event or "",
                users=users,
                conversion_rate=users / start if start else 0.0,
                dropped=dropped if k < n - 1 else 0,
                median_seconds_to_convert=med,
                average_seconds_to_convert=mean,
            )
        )
    return tuple(out)


def empty_steps(q: FunnelQuery) -> tuple[FunnelStep, ...]:
    return tuple(FunnelStep(s.event or "", 0, 0.0, 0, None, None) for s in q.steps)


def bins(seconds: np.ndarray, count: int) -> tuple[HistogramBin, ...]:
    """Bins of equal width from 0 to the slowest conversion, converted people only."""
    if len(seconds) == 0:
        return ()
    counts, edges = np.histogram(seconds, bins=count, range=(0, max(seconds.max(), 1)))
    return tuple(
        HistogramBin(float(edges[i]), float(edges[i + 1]), int(c)) for i, c in enumerate(counts)
    )
