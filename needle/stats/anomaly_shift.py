"""A step change in a daily conversion rate: did the rate move from some day of this week on?

The point detector (:mod:`needle.stats.anomalies`) sees a rate's days one at a time, and a day's
rate rests on that day's few entrants; a launch that lifts conversion by a few points is clear
only when the days since it are pooled. So each day ``s`` of the week is tried as the start of a
new level: the days ``s``..end pooled against the ``baseline`` days before the week, by the
two-proportion z-test. The strongest split is kept, scored one minus its two-sided p-value.
The splits overlap (each pools the week's last days), so the week's maximum is not corrected as
if they were independent; a quiet week alerts somewhat more often than one minus the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import norm


@dataclass(frozen=True)
class RateShift:
    """The strongest split: from row ``start`` on the rate is ``after`` against ``before``."""

    start: int
    before: float
    after: float
    z: float
    score: float  # 1 - the two-sided p-value
    alert: bool


def rate_shift(converted: ArrayLike, entered: ArrayLike, first: int, last: int,
               threshold: float, baseline: int = 28) -> RateShift | None:
    """The strongest step change starting in rows ``first``..``last`` (inclusive), or None when
    there are no entrants to compare."""
    conv = np.asarray(converted, dtype=float)
    ent = np.asarray(entered, dtype=float)
    lo = max(0, first - baseline)
    n0, x0 = ent[lo:first].sum(), conv[lo:first].sum()
    best: RateShift | None = None
    for start in range(first, last + 1):
        n1, x1 = ent[start:last + 1].sum(), conv[start:last + 1].sum()
        if n0 == 0 or n1 == 0:
            continue
        pooled = (x0 + x1) / (n0 + n1)
        spread = np.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
        if spread == 0:
            continue
        z = float((x1 / n1 - x0 / n0) / spread)
        score = 1.0 - 2 * float(norm.sf(abs(z)))
        if best is None or abs(z) > abs(best.z):
            best = RateShift(start, float(x0 / n0), float(x1 / n1), z, score, score >= threshold)
    return best
