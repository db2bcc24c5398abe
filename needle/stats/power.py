"""Power, minimum detectable effect and the sample (and days) still needed.

Effects here are relative lifts. The variance of a lift e over a control mean mu with unit
variance sigma^2 and n units per arm is sigma^2 / (mu^2 n) * (1 + (1 + e)^2) (delta method, with
the treatment's variance taken equal to the control's). With sequential testing the standard
error is inflated by the ratio of the confidence-sequence half-width to the fixed-horizon one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from needle.stats.sequential import halfwidth


def _power(effect: float, se: float, alpha: float) -> float:
    z = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.sf(z - effect / se) + stats.norm.cdf(-z - effect / se))


def _sequential_inflation(n_total: float, alpha: float, tuning: float | None) -> float:
    if tuning is None:
        return 1.0
    return float(halfwidth(1 / math.sqrt(n_total), n_total, alpha, tuning)
                 / (stats.norm.ppf(1 - alpha / 2) / math.sqrt(n_total)))


def relative_se(mean: float, variance: float, n_per_arm: float, effect: float) -> float:
    return math.sqrt(variance / (mean**2 * n_per_arm) * (1 + (1 + effect) ** 2))


def power(mean: float, variance: float, effect: float, n_total: float, arms: int = 2,
          alpha: float = 0.05, tuning: float | None = None) -> float:
    """Chance that a two-sided test at ``alpha`` detects a relative lift ``effect``."""
    se = relative_se(mean, variance, n_total / arms, effect)
    return _power(effect, se * _sequential_inflation(n_total, alpha, tuning), alpha)


def minimum_detectable_effect(mean: float, variance: float, n_total: float, arms: int = 2,
                              alpha: float = 0.05, target: float = 0.8,
                              tuning: float | None = None) -> float:
    """Smallest positive relative lift detected with probability ``target`` (closed form:
    e^2 = k (1 + (1 + e)^2) with k = (z_{1-alpha/2} + z_target)^2 sigma^2 / (mu^2 n))."""
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(target)
    k = z**2 * variance / (mean**2 * (n_total / arms))
    k *= _sequential_inflation(n_total, alpha, tuning) ** 2
    if k >= 1:
        return math.inf
    return (2 * k + math.sqrt(4 * k**2 + 8 * k * (1 - k))) / (2 * (1 - k))


@dataclass(frozen=True)
class SampleNeeded:
    """How far an experiment is from ``target`` power for a lift ``mde`` (arrays allowed)."""

    power_now: np.ndarray
    scaling_factor: np.ndarray     # additional units as a multiple of the current units
    additional_units: np.ndarray
    days_needed: np.ndarray | None  # at the current traffic, None when traffic is unknown


def sample_needed(effect_variance: Any, units: Any, mde: Any, alpha: Any = 0.05,
                  target: float = 0.8, tuning: float | None = None,
                  units_per_day: Any = None) -> SampleNeeded:
    """Solve power(s) = target, with the effect's variance shrinking as 1 / (1 + s); with
    sequential testing the estimate must clear the confidence sequence's half-width.
    Vectorised: doubling then bisection to ~1e-13 relative, on whole arrays at once."""
    var, n = np.asarray(effect_variance, dtype=float), np.asarray(units, dtype=float)
    mde, alpha = np.abs(np.asarray(mde, dtype=float)), np.asarray(alpha, dtype=float)
    z = stats.norm.ppf(1 - alpha / 2)

    def power_at(s: np.ndarray) -> np.ndarray:
        sd = np.sqrt(var / (1 + s))
        bar = z * sd if tuning is None else halfwidth(sd, n * (1 + s), alpha, tuning)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(special.ndtr((mde - bar) / sd) + special.ndtr(-(bar + mde) / sd))

    now = power_at(np.zeros(np.broadcast(var, n, mde, alpha).shape))
    low, high = np.zeros_like(now), np.ones_like(now)
    for _ in range(64):
        short = power_at(high) < target
        if not short.any():
            break
        low, high = np.where(short, high, low), np.where(short, high * 2, high)
    for _ in range(200):
        mid = (low + high) / 2
        below = power_at(mid) < target
        low, high = np.where(below, mid, low), np.where(below, high, mid)
        if np.all(high - low <= 1e-13 * high):
            break
    scale = np.where(now >= target, 0.0, high)
    scale = np.where(np.isnan(now), np.nan, scale)
    extra = scale * n
    days = None if units_per_day is None else extra / np.asarray(units_per_day, dtype=float)
    return SampleNeeded(now, scale, extra, days)
