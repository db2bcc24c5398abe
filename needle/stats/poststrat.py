"""Post-stratification: the effect as a share-weighted sum of effects within cells."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from needle.stats.frequentist import ArmStatistic, Contrast


def post_stratified(controls: Sequence[ArmStatistic], treatments: Sequence[ArmStatistic]
                    ) -> tuple[float, float]:
    """(estimate, se) of sum_k w_k (mean_Bk - mean_Ak) with w_k the cell's share of units;
    the variance is conditional on the cell shares."""
    c = post_stratified_contrast(controls, treatments)
    return float(c.estimate), float(c.se)


def post_stratified_contrast(controls: Sequence[ArmStatistic],
                             treatments: Sequence[ArmStatistic],
                             relative: bool = False) -> Contrast:
    """The post-stratified effect as a :class:`Contrast`, so every test (two- or one-sided,
    fixed-horizon or sequential) applies to it. Relative: sum_k w_k (mean_Bk - mean_Ak) over
    |sum_k w_k mean_Ak|, its variance by the delta method. Welch-Satterthwaite degrees of
    freedom over the 2k cell variances. Cells may hold arrays (one element per metric)."""
    def stack(arms: Sequence[ArmStatistic]) -> np.ndarray:
        """(3, cells, ...): n, mean and variance of every cell, broadcast together."""
        fields = [(x.n, x.mean, x.variance) for x in arms]
        return np.stack([np.stack(np.broadcast_arrays(*map(np.asarray, f)), dtype=float)
                         for f in fields], axis=1)

    (n_a, mean_a, var_a), (n_b, mean_b, var_b) = stack(controls), stack(treatments)
    w = (n_a + n_b) / (n_a + n_b).sum(axis=0)
    effect, base = np.sum(w * (mean_b - mean_a), axis=0), np.sum(w * mean_a, axis=0)
    grad_a, grad_b = -w, w  # gradients of the effect in each cell's means
    estimate = effect
    with np.errstate(divide="ignore", invalid="ignore"):
        if relative:
            estimate = effect / np.abs(base)
            grad_a = -w / np.abs(base) - w * effect * np.sign(base) / base**2
            grad_b = w / np.abs(base)
        part_a, part_b = grad_a**2 * var_a / n_a, grad_b**2 * var_b / n_b
        var = part_a.sum(axis=0) + part_b.sum(axis=0)
        dof = var**2 / (np.sum(part_a**2 / (n_a - 1), axis=0)
                        + np.sum(part_b**2 / (n_b - 1), axis=0))
    computable = (var > 0) & (np.minimum(n_a.min(axis=0), n_b.min(axis=0)) >= 2)
    reason = np.full(var.shape, None, dtype=object)
    reason[~computable] = "a cell has fewer than 2 units or no variance"
    if relative:
        reason[computable & (base == 0)] = "control mean is 0, so a relative effect is undefined"
    nan = np.full(var.shape, np.nan)
    return Contrast(estimate=estimate, se=np.sqrt(var), dof=dof,
                    n_total=n_a.sum(axis=0) + n_b.sum(axis=0), reason=reason,
                    relative=relative, numerator=nan, denominator=nan, var_numerator=nan,
                    var_denominator=nan, cov=nan)
