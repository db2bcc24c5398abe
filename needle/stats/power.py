"""Power, minimum detectable effect and the sample (and days) still needed.

Effects here are relative lifts. The variance of a lift e over a control mean mu with unit
variance sigma^2 and n units per arm is sigma^2 / (mu^2 n) * (1 + (1 + e)^2) (delta method, with
the treatment's variance taken equal to the control's). With sequential testing the standard
error is inflated by the ratio of the confidence-sequence half-width to the fixed-horizon one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import optimize, stats

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
    """How far an experiment is from ``target`` power for a lift ``mde``."""

    power_now: float
    scaling_factor: float          # additional units as a multiple of the current units
    additional_units: float
    days_needed: float | None      # at the current traffic, None when traffic is unknown


def sample_needed(effect_variance: float, units: float, mde: float, alpha: float = 0.05,
                  target: float = 0.8, tuning: float | None = None,
                  units_per_day: float | None = None) -> SampleNeeded:
    """Solve power(s) = target, with the effect's variance shrinking as 1 / (1 + s). With
    sequential testing the estimate must clear the confidence sequence's half-width."""
    z = stats.norm.ppf(1 - alpha / 2)

    def power_at(s: float) -> float:
        sd = math.sqrt(effect_variance / (1 + s))
        bar = z * sd if tuning is None else float(halfwidth(sd, units * (1 + s), alpha, tuning))
        return float(stats.norm.sf((bar - mde) / sd) + stats.norm.cdf(-(bar + mde) / sd))

    now = power_at(0.0)
    scale = 0.0
    if now < target:
        high = 1.0
        while power_at(high) < target and high < 1e9:
            high *= 2
        scale = optimize.brentq(lambda s: power_at(s) - target, 0.0, high, xtol=1e-12,
                                rtol=1e-14)
    extra = scale * units
    days = extra / units_per_day if units_per_day else None
    return SampleNeeded(now, float(scale), float(extra), days)
