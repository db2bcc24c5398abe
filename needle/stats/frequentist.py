"""Two-arm frequentist tests on sufficient statistics: Welch t (or z), absolute or relative.

A relative effect is (mean_b - mean_a) / |baseline_a|. Its standard error comes from the delta
method; :func:`fieller` gives the exact Fieller interval, which stays honest when the control
mean is noisy and which excludes zero exactly when the absolute test rejects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
from scipy import stats

Alternative = Literal["two-sided", "greater", "less"]
Distribution = Literal["t", "z"]


class ArmStatistic(Protocol):
    """What a per-arm statistic offers the tests (see :mod:`needle.stats.moments`)."""

    @property
    def n(self) -> Any: ...
    @property
    def mean(self) -> np.ndarray: ...
    @property
    def variance(self) -> np.ndarray: ...
    @property
    def baseline(self) -> np.ndarray: ...
    @property
    def baseline_variance(self) -> np.ndarray: ...
    @property
    def baseline_covariance(self) -> np.ndarray: ...


@dataclass(frozen=True)
class Contrast:
    """An effect estimate with its standard error, Welch degrees of freedom and, where the
    effect cannot be computed, the reason (an object array of str | None)."""

    estimate: np.ndarray
    se: np.ndarray
    dof: np.ndarray
    n_total: np.ndarray
    reason: np.ndarray
    relative: bool
    # ratio form N / M of the relative effect, for Fieller: variances and covariance
    numerator: np.ndarray
    denominator: np.ndarray
    var_numerator: np.ndarray
    var_denominator: np.ndarray
    cov: np.ndarray


@dataclass(frozen=True)
class TestResult:
    """Estimate, interval and p-value; NaN wherever ``reason`` says it is not computable."""

    estimate: np.ndarray
    se: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    p_value: np.ndarray
    dof: np.ndarray
    reason: np.ndarray


def _reasons(*pairs: tuple[np.ndarray, str], shape: tuple[int, ...]) -> np.ndarray:
    """The first reason whose condition holds, element-wise; None where none does."""
    out = np.full(shape, None, dtype=object)
    for condition, text in reversed(pairs):
        out = np.where(np.broadcast_to(condition, shape), text, out)
    return out


def degenerate(a: ArmStatistic, b: ArmStatistic, relative: bool) -> np.ndarray:
    """Why the two-arm comparison is not computable (zero variance, n < 2, zero baseline)."""
    n_a, n_b = np.asarray(a.n, dtype=float), np.asarray(b.n, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        var_a, var_b = np.nan_to_num(a.variance), np.nan_to_num(b.variance)
        shape = np.broadcast(n_a, n_b, var_a, var_b).shape
        return _reasons(
            (n_a < 2, "control has fewer than 2 units"),
            (n_b < 2, "treatment has fewer than 2 units"),
            (~np.isfinite(a.mean), "control mean is undefined (e.g. a ratio whose denominator "
                                   "sums to 0)"),
            (~np.isfinite(b.mean), "treatment mean is undefined (e.g. a ratio whose "
                                   "denominator sums to 0)"),
            (~np.isfinite(a.variance) | ~np.isfinite(b.variance),
             "values too large for their variance to be computed in double precision"),
            (var_a <= 0, "control values have zero variance (e.g. no or only conversions)"),
            (var_b <= 0, "treatment values have zero variance (e.g. no or only conversions)"),
            (np.asarray(relative & (np.nan_to_num(a.baseline) == 0)),
             "control mean is 0, so a relative effect is undefined"),
            shape=shape,
        )


def welch_dof(a: ArmStatistic, b: ArmStatistic) -> np.ndarray:
    """Welch-Satterthwaite degrees of freedom from the unit-level variances."""
    n_a, n_b = np.asarray(a.n, dtype=float), np.asarray(b.n, dtype=float)
    v_a, v_b = a.variance / n_a, b.variance / n_b
    with np.errstate(divide="ignore", invalid="ignore"):
        return (v_a + v_b) ** 2 / (v_a**2 / (n_a - 1) + v_b**2 / (n_b - 1))


def contrast(a: ArmStatistic, b: ArmStatistic, relative: bool = False) -> Contrast:
    """The effect of ``b`` over ``a``; relative effects use the delta method for their se."""
    n_a, n_b = np.asarray(a.n, dtype=float), np.asarray(b.n, dtype=float)
    num = np.asarray(b.mean - a.mean, dtype=float)
    den = np.asarray(a.baseline, dtype=float)
    var_num = b.variance / n_b + a.variance / n_a
    var_den = a.baseline_variance / n_a
    cov = -a.baseline_covariance / n_a
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = num / den
        var_rel = (var_num - 2 * ratio * cov + ratio**2 * var_den) / den**2
        estimate = num / np.abs(den) if relative else num
    variance = var_rel if relative else var_num
    return Contrast(
        estimate=estimate, se=np.sqrt(np.maximum(variance, 0.0)), dof=welch_dof(a, b),
        n_total=n_a + n_b, reason=degenerate(a, b, relative), relative=relative,
        numerator=num, denominator=den, var_numerator=var_num, var_denominator=var_den, cov=cov,
    )


def critical(alpha: Any, dof: Any, distribution: Distribution = "t") -> np.ndarray:
    """The two-sided critical value at level alpha (pass 2*alpha for a one-sided bound)."""
    q = 1 - np.asarray(alpha, dtype=float) / 2
    if distribution == "z":
        return np.asarray(stats.norm.ppf(q))
    return np.asarray(stats.t.ppf(q, np.nan_to_num(dof, nan=1.0)))


def welch(c: Contrast, alpha: Any = 0.05, alternative: Alternative = "two-sided",
          distribution: Distribution = "t") -> TestResult:
    """Welch t-test (or z-test) and its interval for one contrast or an array of them."""
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = c.estimate / c.se
    dist = stats.norm if distribution == "z" else stats.t(np.nan_to_num(c.dof, nan=1.0))
    if alternative == "two-sided":
        p = 2 * dist.sf(np.abs(statistic))
        half = critical(alpha, c.dof, distribution) * c.se
        lower, upper = c.estimate - half, c.estimate + half
    else:
        half = critical(2 * np.asarray(alpha), c.dof, distribution) * c.se
        if alternative == "greater":
            p, lower, upper = dist.sf(statistic), c.estimate - half, np.full_like(half, np.inf)
        else:
            p, lower, upper = dist.cdf(statistic), np.full_like(half, -np.inf), c.estimate + half
    return _mask(c, c.estimate, lower, upper, p)


def _mask(c: Contrast, estimate: Any, lower: Any, upper: Any, p: Any) -> TestResult:
    bad = np.asarray(c.reason != None)  # noqa: E711 (element-wise comparison on an object array)
    def nan(x: Any) -> np.ndarray:
        return np.where(bad, np.nan, np.asarray(x, dtype=float))
    return TestResult(nan(estimate), nan(c.se), nan(lower), nan(upper), nan(p), c.dof, c.reason)


def fieller(c: Contrast, alpha: Any = 0.05, distribution: Distribution = "t",
            crit: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fieller interval for the relative effect; (lower, upper, g). Unbounded (NaN) when
    g >= 1, i.e. when the control mean is not distinguishable from zero. ``crit`` replaces the
    t or z critical value (e.g. a confidence sequence's half-width over its se)."""
    t = critical(alpha, c.dof, distribution) if crit is None else np.asarray(crit)
    m, n = c.denominator, c.numerator
    with np.errstate(divide="ignore", invalid="ignore"):
        g = t**2 * c.var_denominator / m**2
        a = m**2 - t**2 * c.var_denominator
        b = m * n - t**2 * c.cov
        disc = b**2 - a * (n**2 - t**2 * c.var_numerator)
        root = np.sqrt(np.maximum(disc, 0.0))
        lo, hi = (b - root) / a, (b + root) / a
    ok = (g < 1) & (c.reason == None)  # noqa: E711
    sign = np.sign(m)
    lower = np.where(ok, np.where(sign < 0, -hi, lo), np.nan)
    upper = np.where(ok, np.where(sign < 0, -lo, hi), np.nan)
    return lower, upper, g
