"""Post-stratification: the effect as a share-weighted sum of effects within cells."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from needle.stats.frequentist import ArmStatistic


def post_stratified(controls: Sequence[ArmStatistic], treatments: Sequence[ArmStatistic]
                    ) -> tuple[float, float]:
    """(estimate, se) of sum_k w_k (mean_Bk - mean_Ak) with w_k the cell's share of units;
    the variance is conditional on the cell shares."""
    n = np.array([float(a.n) + float(b.n) for a, b in zip(controls, treatments, strict=True)])
    w = n / n.sum()
    diff = np.array([float(b.mean - a.mean) for a, b in zip(controls, treatments, strict=True)])
    var = np.array([float(a.variance) / float(a.n) + float(b.variance) / float(b.n)
                    for a, b in zip(controls, treatments, strict=True)])
    return float(w @ diff), float(np.sqrt(w**2 @ var))
