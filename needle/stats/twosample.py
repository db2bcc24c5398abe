"""Differences between two independent samples, a minus b: of proportions from counts, of means
and medians from per-unit arrays.

Each answer is an interval for a minus b with a p-value and the method in words, so callers can
print it beside the numbers: Newcombe's interval for proportions (sound at rates near 0 or 1,
where Wald's is not), Welch's for means (no equal-variance assumption) and a seeded bootstrap
for medians (no closed form worth trusting on skewed durations).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Interval:
    """A confidence interval for a minus b, the p-value of "no difference" and how both were
    computed."""

    low: float
    high: float
    p_value: float
    method: str


def proportion_difference(hits_a: int, n_a: int, hits_b: int, n_b: int,
                          confidence: float = 0.95) -> Interval:
    """Newcombe (hybrid Wilson score) interval for hits_a / n_a - hits_b / n_b, Wald test. The
    p-value is NaN, silently, when both rates are 0 or both 1 (no variance to test against)."""
    # imported here: statsmodels adds ~0.2 s to every import of needle.stats
    from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

    low, high = confint_proportions_2indep(hits_a, n_a, hits_b, n_b, method="newcomb",
                                           compare="diff", alpha=1 - confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = test_proportions_2indep(hits_a, n_a, hits_b, n_b, method="wald").pvalue
    return Interval(float(low), float(high), float(p), "Newcombe interval, Wald test (statsmodels)")


def mean_difference(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> Interval:
    """Welch t interval and test for mean(a) - mean(b)."""
    result = stats.ttest_ind(a, b, equal_var=False)
    ci = result.confidence_interval(confidence)
    return Interval(float(ci.low), float(ci.high), float(result.pvalue), "Welch t interval (scipy)")


def median_difference(a: np.ndarray, b: np.ndarray, confidence: float = 0.95,
                      resamples: int = 2000, seed: int = 0) -> Interval:
    """Bootstrap percentile interval for median(a) - median(b), Mann-Whitney test; seeded so
    the same data always gives the same interval."""
    def diff(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.median(x, axis=axis) - np.median(y, axis=axis)

    boot = stats.bootstrap((a, b), diff, confidence_level=confidence, n_resamples=resamples,
                           method="percentile", rng=np.random.default_rng(seed))
    p = stats.mannwhitneyu(a, b).pvalue
    return Interval(float(boot.confidence_interval.low), float(boot.confidence_interval.high),
                    float(p), "bootstrap percentile interval, Mann-Whitney test (scipy)")
