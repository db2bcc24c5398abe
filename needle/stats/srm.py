"""Sample ratio mismatch: are the assignment counts what the planned split would give?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

SRM_THRESHOLD = 0.001


@dataclass(frozen=True)
class SrmResult:
    p_value: float | None
    chi2: float | None
    ok: bool | None
    warning: str | None
    reason: str | None = None


def check_srm(units: Sequence[int], weights: Sequence[float] | None = None,
              threshold: float = SRM_THRESHOLD) -> SrmResult:
    """Pearson chi-square goodness of fit of the counts to the planned weights (equal if None)."""
    observed = np.asarray(units, dtype=float)
    total = observed.sum()
    if len(observed) < 2 or total == 0:
        return SrmResult(None, None, None, None,
                         "no units assigned, so the split cannot be checked")
    w = np.full(len(observed), 1 / len(observed)) if weights is None else np.asarray(weights)
    chi2, p = stats.chisquare(observed, total * w / w.sum())
    ok = bool(p >= threshold)
    warning = None if ok else (
        f"sample ratio mismatch (p = {p:.2g}): the variants did not receive the planned share of "
        "units, so assignment or logging is broken and the effects below may be biased; "
        "find the cause before trusting any result")
    return SrmResult(float(p), float(chi2), ok, warning)
