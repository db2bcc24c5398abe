"""Multi-armed bandits: Thompson sampling on Gaussian posteriors of each arm's mean.

Each arm's mean gets a conjugate normal posterior (prior N(0, 10^4) per arm by default, as
GrowthBook's). The chance that each arm is best, and for top-two sampling the chance that it is
first or second, are one-dimensional integrals computed by quadrature, so weights are exact and
reproducible rather than estimated from random draws. Traffic weights are those chances with an
additive floor, p_i = f + (1 - k f) w_i, so no arm starves and the posterior order is kept.

Because the weights change between periods, an arm's pooled mean would mix periods in different
proportions (Simpson's paradox); :func:`period_weighted` combines per-period means with the same
period weights for every arm instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from needle.stats.bayesian import GaussianPrior, _grid, gaussian_best

BANDIT_PRIOR = GaussianPrior(mean=0.0, variance=1e4, proper=True, scale="absolute")
MIN_UNITS = 100          # per arm before weights move away from the current ones
STOP_PROBABILITY = 0.95  # the leader's chance to be best at which the bandit stops


@dataclass(frozen=True)
class BanditResult:
    """Posterior per arm, the chance each is best, the next period's weights and the verdict.
    ``weights`` are the current ones while ``enough_units`` is False."""

    posterior_mean: np.ndarray
    posterior_sd: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    best_arm_probabilities: np.ndarray
    weights: np.ndarray
    enough_units: bool
    stop: bool
    winner: int | None
    message: str


def period_weighted(n: Any, mean: Any, variance: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(units, mean, variance of the mean) per arm from per-period statistics (periods on axis
    0, arms on axis 1): every arm's period means are weighted by the period's share of all
    units. A period an arm did not see is left out of that arm and its weights renormalised."""
    n = np.asarray(n, dtype=float)
    share = n.sum(axis=1, keepdims=True) / n.sum()
    seen = n > 0
    w = np.where(seen, share, 0.0)
    w = w / w.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.where(seen, np.asarray(mean, dtype=float), 0.0)
        v = np.where(seen, np.asarray(variance, dtype=float) / n, 0.0)
    return n.sum(axis=0), np.sum(w * m, axis=0), np.sum(w**2 * v, axis=0)


def top_two_probabilities(means: Any, sds: Any, inverse: bool = False) -> np.ndarray:
    """P(arm i is first or second) / 2 for independent normal posteriors: the top-two weights
    (they sum to 1)."""
    m, s = np.asarray(means, dtype=float), np.asarray(sds, dtype=float)
    if inverse:
        m = -m
    z = stats.norm.isf(1e-12)
    x, w = _grid(np.min(m - z * s), np.max(m + z * s))
    nodes = (x[None, :] - m[:, None]) / s[:, None]
    pdf = np.exp(-0.5 * nodes**2) / (np.sqrt(2 * np.pi) * s[:, None])
    cdf = special.ndtr(nodes)
    k = len(m)
    second = np.zeros(k)
    for i in range(k):
        for j in range(k):
            if j != i:
                rest = np.prod(np.delete(cdf, [i, j], axis=0), axis=0)
                second[i] += np.sum(w * pdf[i] * (1 - cdf[j]) * rest)
    return (gaussian_best(m, s) + np.clip(second, 0, 1)) / 2


def floored(weights: Any, floor: float) -> np.ndarray:
    """p_i = f + (1 - k f) w_i / sum(w): every arm keeps at least ``floor``; uniform when the
    floors alone would exceed 1, no floor when it is negative."""
    w = np.asarray(weights, dtype=float)
    f = max(0.0, floor)
    if f * len(w) >= 1:
        return np.full(len(w), 1 / len(w))
    return f + (1 - f * len(w)) * w / w.sum()


def thompson(n: Any, mean: Any, variance_of_mean: Any, current_weights: Any,
             prior: GaussianPrior = BANDIT_PRIOR, alpha: float = 0.05, inverse: bool = False,
             top_two: bool = True, min_weight: float = 0.01, min_units: int = MIN_UNITS,
             stop_probability: float = STOP_PROBABILITY) -> BanditResult:
    """Next weights for arms with ``n`` units, estimated means and variances of those means.
    An arm without information (no variance yet) keeps its prior; under an improper prior it
    has none, so the weights stay where they are until it has."""
    n, data_mean = np.asarray(n, dtype=float), np.asarray(mean, dtype=float)
    data_var = np.asarray(variance_of_mean, dtype=float)
    with np.errstate(divide="ignore"):
        data_precision = np.where(data_var > 0, 1 / data_var, 0.0)
    prior_precision = 1 / prior.variance if prior.proper else 0.0
    precision = prior_precision + data_precision
    current = np.asarray(current_weights, dtype=float)
    if np.any(precision == 0):
        nan = np.full(len(n), np.nan)
        return BanditResult(nan, nan, nan, nan, nan, current, False, False, None,
                            "an arm has no variance yet and the prior is improper: weights "
                            "unchanged")
    post_var = 1 / precision
    post_mean = post_var * (prior_precision * prior.mean + data_precision * data_mean)
    sd = np.sqrt(post_var)
    half = stats.norm.isf(alpha / 2) * sd
    best = gaussian_best(post_mean, sd, inverse=inverse)
    chances = top_two_probabilities(post_mean, sd, inverse) if top_two else best
    enough = bool(np.all(n >= min_units))
    weights = floored(chances, min_weight) if enough else current
    leader = int(np.argmax(best))
    stop = enough and bool(best[leader] >= stop_probability)
    message = (f"stop: arm {leader} is best with probability {best[leader]:.3f}" if stop
               else "weights updated" if enough
               else f"every arm needs {min_units} units before weights change")
    return BanditResult(post_mean, sd, post_mean - half, post_mean + half, best, weights,
                        enough, stop, leader if stop else None, message)
