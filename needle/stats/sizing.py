"""Power, minimum detectable effect and the sample (and days) still needed.

Effects here are relative lifts. The variance of a lift e over a control mean mu with unit
variance sigma^2 and n units per arm is sigma^2 / (mu^2 n) * (1 + (1 + e)^2) (delta method, with
the treatment's variance taken equal to the control's). With sequential testing the standard
error is inflated by the ratio of the confidence-sequence half-width to the fixed-horizon one.

Several comparisons (treatments x goal metrics) under a multiple-testing correction are planned
as GrowthBook plans them: each test at alpha / m (Bonferroni, the bound every step-down
correction keeps), and the power target shared so all goal metrics reach it together
(target ** (1 / goal metrics)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from needle.stats.bayesian import GaussianPrior
from needle.stats.frequentist import Alternative
from needle.stats.sequential import halfwidth

FLAT = GaussianPrior()  # improper: the posterior is the likelihood


def family_size(arms: int = 2, goal_metrics: int = 1, corrected: bool = False) -> int:
    """How many tests share alpha: (arms - 1) x goal metrics under a correction, else 1."""
    return (arms - 1) * goal_metrics if corrected else 1


def _z(alpha: Any, alternative: Alternative) -> Any:
    return stats.norm.isf(np.asarray(alpha) / (2 if alternative == "two-sided" else 1))


def _rejection(effect: Any, sd: Any, bar: Any, alternative: Alternative) -> Any:
    """P(estimate beyond +-bar) for an estimate ~ N(effect, sd^2), on the alternative's sides."""
    with np.errstate(divide="ignore", invalid="ignore"):
        up, down = special.ndtr((effect - bar) / sd), special.ndtr(-(bar + effect) / sd)
    return {"two-sided": up + down, "greater": up, "less": down}[alternative]


def _sequential_inflation(n_total: float, alpha: float, tuning: float | None,
                          alternative: Alternative = "two-sided") -> float:
    if tuning is None:
        return 1.0
    return float(halfwidth(1 / math.sqrt(n_total), n_total, alpha, tuning,
                           alternative=alternative) / (_z(alpha, alternative)
                                                        / math.sqrt(n_total)))


def relative_se(mean: float, variance: float, n_per_arm: float, effect: float) -> float:
    return math.sqrt(variance / (mean**2 * n_per_arm) * (1 + (1 + effect) ** 2))


def power(mean: float, variance: float, effect: float, n_total: float, arms: int = 2,
          alpha: float = 0.05, tuning: float | None = None,
          alternative: Alternative = "two-sided", tests: int = 1) -> float:
    """Chance that a test at ``alpha / tests`` detects a relative lift ``effect``."""
    level = alpha / tests
    se = relative_se(mean, variance, n_total / arms, effect)
    se *= _sequential_inflation(n_total, level, tuning, alternative)
    return float(_rejection(effect, se, _z(level, alternative) * se, alternative))


def minimum_detectable_effect(mean: float, variance: float, n_total: float, arms: int = 2,
                              alpha: float = 0.05, target: float = 0.8,
                              tuning: float | None = None,
                              alternative: Alternative = "two-sided", tests: int = 1) -> float:
    """Smallest relative lift in the alternative's direction (positive for two-sided) detected
    with probability ``target``; the far tail is ignored, so this is the closed form
    e^2 = k (1 + (1 + e)^2) with k = (z_alpha + z_target)^2 sigma^2 / (mu^2 n)."""
    level = alpha / tests
    z = _z(level, alternative) + stats.norm.ppf(target)
    k = z**2 * variance / (mean**2 * (n_total / arms))
    k *= _sequential_inflation(n_total, level, tuning, alternative) ** 2
    if k >= 1:
        return math.inf
    root = math.sqrt(4 * k**2 + 8 * k * (1 - k))
    if alternative == "less":  # the root with 1 + e > 0 below zero
        return (2 * k - root) / (2 * (1 - k))
    return (2 * k + root) / (2 * (1 - k))


def bayesian_power(mean: float, variance: float, effect: float, n_per_arm: float,
                   alpha: float = 0.05, prior: GaussianPrior = FLAT) -> float:
    """Chance that the 1 - alpha credible interval of the lift excludes 0 when the true lift is
    ``effect``; the prior is on the relative lift. An improper prior gives the z power."""
    v = relative_se(mean, variance, n_per_arm, effect) ** 2
    return float(posterior_rejection(effect, v, alpha, prior))


def posterior_rejection(effect: Any, data_variance: Any, alpha: Any,
                        prior: GaussianPrior) -> np.ndarray:
    """P(the credible interval excludes 0) for an estimate ~ N(effect, data_variance): the
    posterior mean (m0/v0 + x/v) / precision clears z / sqrt(precision) when
    x > v (z sqrt(precision) - m0 / v0) (or the mirror below)."""
    v = np.asarray(data_variance, dtype=float)
    z = _z(alpha, "two-sided")
    if not prior.proper:
        return np.asarray(_rejection(effect, np.sqrt(v), z * np.sqrt(v), "two-sided"))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = 1 / prior.variance + 1 / v
        bar, shift = v * np.sqrt(precision) * z, v * prior.mean / prior.variance
        sd = np.sqrt(v)
        return np.asarray(special.ndtr((effect + shift - bar) / sd)
                          + special.ndtr(-(bar + shift + effect) / sd))


@dataclass(frozen=True)
class SampleNeeded:
    """How far an experiment is from ``target`` power for a lift ``mde`` (arrays allowed)."""

    power_now: np.ndarray
    scaling_factor: np.ndarray     # additional units as a multiple of the current units
    additional_units: np.ndarray
    days_needed: np.ndarray | None  # at the current traffic, None when traffic is unknown
    target: float = 0.8             # the per-metric target reached (shared by goal metrics)


def sample_needed(effect_variance: Any, units: Any, mde: Any, alpha: Any = 0.05,
                  target: float = 0.8, tuning: float | None = None,
                  units_per_day: Any = None, tests: int = 1, goal_metrics: int = 1,
                  prior: GaussianPrior | None = None,
                  alternative: Alternative = "two-sided") -> SampleNeeded:
    """Solve power(s) = target, with the effect's variance shrinking as 1 / (1 + s); with
    sequential testing the estimate must clear the confidence sequence's half-width, with a
    proper prior the credible interval must exclude 0. ``tests`` comparisons share ``alpha``
    (each at alpha / tests) and ``goal_metrics`` share the target (target ** (1 / goal
    metrics)). Vectorised: doubling then bisection to ~1e-13 relative, on whole arrays."""
    var, n = np.asarray(effect_variance, dtype=float), np.asarray(units, dtype=float)
    mde = np.abs(np.asarray(mde, dtype=float))
    if alternative == "less":
        mde = -mde
    level = np.asarray(alpha, dtype=float) / tests
    goal = target ** (1 / goal_metrics)
    z = _z(level, alternative)

    def power_at(s: np.ndarray) -> np.ndarray:
        sd = np.sqrt(var / (1 + s))
        if prior is not None and prior.proper:
            return posterior_rejection(mde, sd**2, level, prior)
        bar = z * sd if tuning is None else halfwidth(sd, n * (1 + s), level, tuning,
                                                      alternative=alternative)
        return np.asarray(_rejection(mde, sd, bar, alternative))

    now = power_at(np.zeros(np.broadcast(var, n, mde, level).shape))
    high = _bracket(power_at, now, goal)
    scale = np.where(now >= goal, 0.0, _bisect(power_at, np.zeros_like(high), high, goal))
    scale = np.where(np.isnan(now), np.nan, scale)
    extra = scale * n
    days = None if units_per_day is None else extra / np.asarray(units_per_day, dtype=float)
    return SampleNeeded(now, scale, extra, days, goal)


def _bracket(power_at: Any, now: np.ndarray, goal: float) -> np.ndarray:
    high = np.ones_like(now)
    for _ in range(64):
        short = power_at(high) < goal
        if not short.any():
            break
        high = np.where(short, high * 2, high)
    return high


def _bisect(power_at: Any, low: np.ndarray, high: np.ndarray, goal: float) -> np.ndarray:
    for _ in range(200):
        mid = (low + high) / 2
        below = power_at(mid) < goal
        low, high = np.where(below, mid, low), np.where(below, high, mid)
        if np.all(high - low <= 1e-13 * high):
            break
    return high
