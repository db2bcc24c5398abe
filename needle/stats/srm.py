"""Sample ratio mismatch: are the assignment counts what the planned split would give?

Arms planned at weight 0 (a holdout, a retired variant) expect no traffic: the chi-square runs
over the positive-weight arms only (as ``scipy.stats.chisquare`` on those arms, df = k - 1 of
them), and any unit in a zero-weight arm is itself a finding, whatever the p-value says.
"""

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
    unplanned_units: int = 0  # units in arms planned at weight 0


def check_srm(units: Sequence[int], weights: Sequence[float] | None = None,
              threshold: float = SRM_THRESHOLD) -> SrmResult:
    """Pearson chi-square goodness of fit of the counts to the planned weights (equal if None)."""
    observed = np.asarray(units, dtype=float)
    w = np.full(len(observed), 1.0) if weights is None else np.asarray(weights, dtype=float)
    planned = w > 0
    stray = int(observed[~planned].sum())
    total = observed[planned].sum()
    if planned.sum() < 2 or total == 0:
        return SrmResult(None, None, None if not stray else False, _stray(stray),
                         "fewer than two planned arms received units, so the split cannot be "
                         "checked", stray)
    chi2, p = stats.chisquare(observed[planned], total * w[planned] / w[planned].sum())
    ok = bool(p >= threshold) and not stray
    warning = _stray(stray) if stray else None if p >= threshold else (
        f"sample ratio mismatch (p = {p:.2g}): the variants did not receive the planned share of "
        "units, so assignment or logging is broken and the effects below may be biased; "
        "find the cause before trusting any result")
    return SrmResult(float(p), float(chi2), ok, warning, None, stray)


def _stray(units: int) -> str | None:
    if not units:
        return None
    return (f"{units} units reached arms planned at weight 0: assignment or logging is broken; "
            "find the cause before trusting any result")
