"""Per-arm sufficient statistics as frozen dataclasses.

Every field may be a scalar or a numpy array (one element per metric), so one call analyses many
metrics at once. Each kind exposes the same four numbers the tests need: ``n``, ``mean`` (the
estimand, regression-adjusted where that applies), ``variance`` (unit-level variance of that
estimand) and ``baseline`` (the unadjusted mean, the denominator of relative effects) with its
unit-level ``baseline_variance`` and ``baseline_covariance`` (covariance with ``mean``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

Array = Any  # a float or a numpy array of floats, broadcastable across fields


def _div(num: Array, den: Array) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(num, dtype=float) / np.asarray(den, dtype=float)


def _covariance(n: Array, sum_x: Array, sum_y: Array, sum_xy: Array) -> np.ndarray:
    return _div(np.asarray(sum_xy, dtype=float) - _div(np.multiply(sum_x, sum_y), n),
                np.asarray(n, dtype=float) - 1)


class _Plain:
    """Shared accessors of statistics without adjustment: baseline is the mean itself."""

    @property
    def mean(self) -> np.ndarray:
        raise NotImplementedError

    @property
    def variance(self) -> np.ndarray:
        raise NotImplementedError

    @property
    def baseline(self) -> np.ndarray:
        return self.mean

    @property
    def baseline_variance(self) -> np.ndarray:
        return self.variance

    @property
    def baseline_covariance(self) -> np.ndarray:
        return self.variance


@dataclass(frozen=True)
class Proportion(_Plain):
    """Units that converted (``sum``) out of ``n``; the variance is p(1-p), as a Bernoulli's."""

    n: Array
    sum: Array

    @property
    def mean(self) -> np.ndarray:
        return _div(self.sum, self.n)

    @property
    def variance(self) -> np.ndarray:
        p = self.mean
        return p * (1 - p)


@dataclass(frozen=True)
class SampleMean(_Plain):
    """A per-unit value through its count, sum and sum of squares (variance with ddof=1)."""

    n: Array
    sum: Array
    sum_squares: Array

    @property
    def mean(self) -> np.ndarray:
        return _div(self.sum, self.n)

    @property
    def variance(self) -> np.ndarray:
        return _covariance(self.n, self.sum, self.sum, self.sum_squares)


def variance_of_ratio(mean_m: Array, var_m: Array, mean_d: Array, var_d: Array,
                      cov: Array) -> np.ndarray:
    """First-order (delta-method) variance of m/d."""
    mean_m, mean_d = np.asarray(mean_m, dtype=float), np.asarray(mean_d, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (var_m / mean_d**2 + var_d * mean_m**2 / mean_d**4
                - 2 * cov * mean_m / mean_d**3)


@dataclass(frozen=True)
class Ratio(_Plain):
    """A ratio of two per-unit sums (e.g. clicks per session), analysed by the delta method."""

    n: Array
    m: SampleMean
    d: SampleMean
    m_d_sum_of_products: Array

    @property
    def mean(self) -> np.ndarray:
        return _div(self.m.mean, self.d.mean)

    @property
    def covariance(self) -> np.ndarray:
        return _covariance(self.n, self.m.sum, self.d.sum, self.m_d_sum_of_products)

    @property
    def variance(self) -> np.ndarray:
        return variance_of_ratio(self.m.mean, self.m.variance, self.d.mean, self.d.variance,
                                 self.covariance)


@dataclass(frozen=True)
class Quantile(_Plain):
    """A quantile ``nu`` of a per-unit value, with the order-statistic interval [lower, upper]
    taken at nu -/+ z * sqrt(nu(1-nu)/n_star) (the Price-Bonett / Deng-Knoblich-Yu estimate,
    computable in SQL); ``n_star`` is the largest 100 * 2^k not above n."""

    n: Array
    n_star: Array
    nu: Array
    quantile_hat: Array
    quantile_lower: Array
    quantile_upper: Array

    @property
    def mean(self) -> np.ndarray:
        return np.asarray(self.quantile_hat, dtype=float)

    @property
    def variance(self) -> np.ndarray:
        from scipy.stats import norm

        z = norm.ppf(0.975)
        width = np.subtract(self.quantile_upper, self.quantile_lower)
        n = np.asarray(self.n, dtype=float)
        unit = (width / (2 * z)) ** 2 * _div(self.n_star, n) * (n - 1)
        # gbstats floors the variance at 1e-5 from n = 100; Needle keeps a zero-width interval
        # (ties, e.g. a quantile inside a mass of zeros) at zero so it reads "not computable"
        floor = np.where((np.asarray(self.n) >= 100) & (width > 0), 1e-5, 0.0)
        return np.maximum(unit, floor)


@dataclass(frozen=True)
class Adjusted:
    """A mean adjusted by regression on pre-period covariates (CUPED with one or several).

    ``pre_sum`` has shape (..., p), ``pre_cross`` (..., p, p) holds sums of x_i x_j and
    ``post_pre`` (..., p) sums of y x_i. ``theta`` (..., p) is fitted by :func:`pooled_theta`
    on both arms together, as CUPED prescribes, and must be the same for the two arms compared.
    """

    post: SampleMean
    pre_sum: Array
    pre_cross: Array
    post_pre: Array
    theta: Array

    @property
    def n(self) -> Array:
        return self.post.n

    def _pre_mean(self) -> np.ndarray:
        return _div(self.pre_sum, np.asarray(self.n, dtype=float)[..., None])

    def _cov_pre(self) -> np.ndarray:
        n = np.asarray(self.n, dtype=float)[..., None, None]
        s = np.asarray(self.pre_sum, dtype=float)
        return _div(self.pre_cross - s[..., :, None] * s[..., None, :] / n, n - 1)

    def _cov_post_pre(self) -> np.ndarray:
        n = np.asarray(self.n, dtype=float)[..., None]
        return _div(self.post_pre - np.asarray(self.post.sum)[..., None] * self.pre_sum / n,
                    n - 1)

    @property
    def mean(self) -> np.ndarray:
        return self.post.mean - np.sum(self.theta * self._pre_mean(), axis=-1)

    @property
    def variance(self) -> np.ndarray:
        theta = np.asarray(self.theta, dtype=float)
        quad = np.einsum("...i,...ij,...j->...", theta, self._cov_pre(), theta)
        return (self.post.variance + quad
                - 2 * np.sum(theta * self._cov_post_pre(), axis=-1))

    @property
    def baseline(self) -> np.ndarray:
        return self.post.mean

    @property
    def baseline_variance(self) -> np.ndarray:
        return self.post.variance

    @property
    def baseline_covariance(self) -> np.ndarray:
        return self.post.variance - np.sum(self.theta * self._cov_post_pre(), axis=-1)


def adjusted_pair(post_a: SampleMean, pre_sum_a: Array, pre_cross_a: Array, post_pre_a: Array,
                  post_b: SampleMean, pre_sum_b: Array, pre_cross_b: Array,
                  post_pre_b: Array) -> tuple[Adjusted, Adjusted]:
    """Both arms adjusted with the slope fitted on the two arms pooled (one theta per metric)."""
    n = np.asarray(post_a.n, dtype=float) + np.asarray(post_b.n, dtype=float)
    pooled = Adjusted(
        SampleMean(n, np.add(post_a.sum, post_b.sum), np.add(post_a.sum_squares,
                                                             post_b.sum_squares)),
        np.add(pre_sum_a, pre_sum_b), np.add(pre_cross_a, pre_cross_b),
        np.add(post_pre_a, post_pre_b), 0.0)
    theta = pooled_theta(pooled)
    return (Adjusted(post_a, pre_sum_a, pre_cross_a, post_pre_a, theta),
            Adjusted(post_b, pre_sum_b, pre_cross_b, post_pre_b, theta))


def pooled_theta(pooled: Adjusted) -> np.ndarray:
    """Least-squares slopes of y on x; a covariate without variance gets slope 0 (pinv)."""
    cov_pre = np.nan_to_num(pooled._cov_pre())
    cov_post_pre = np.nan_to_num(pooled._cov_post_pre())
    return np.einsum("...ij,...j->...i", np.linalg.pinv(cov_pre, hermitian=True), cov_post_pre)


@dataclass(frozen=True)
class RatioAdjusted:
    """A ratio metric adjusted by the same ratio in the pre-period (CUPED for ratios).

    ``cross`` holds the 4x4 matrix of sums of products of (m_post, d_post, m_pre, d_pre); its
    diagonal are the sums of squares. ``theta`` comes from :func:`ratio_adjusted_pair`.
    """

    n: Array
    sums: Array       # (..., 4)
    cross: Array      # (..., 4, 4)
    theta: Array

    def _means(self) -> np.ndarray:
        return _div(self.sums, np.asarray(self.n, dtype=float)[..., None])

    def _cov(self) -> np.ndarray:
        n = np.asarray(self.n, dtype=float)[..., None, None]
        s = np.asarray(self.sums, dtype=float)
        return _div(self.cross - s[..., :, None] * s[..., None, :] / n, n - 1)

    def _gradient(self, theta: Array) -> np.ndarray:
        m, d, mp, dp = np.moveaxis(self._means(), -1, 0)
        t = np.asarray(theta, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.stack([1 / d, -m / d**2, -t / dp, t * mp / dp**2], axis=-1)

    def _quad(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.einsum("...i,...ij,...j->...", left, self._cov(), right)

    @property
    def mean(self) -> np.ndarray:
        m, d, mp, dp = np.moveaxis(self._means(), -1, 0)
        return _div(m, d) - np.asarray(self.theta) * _div(mp, dp)

    @property
    def variance(self) -> np.ndarray:
        g = self._gradient(self.theta)
        return self._quad(g, g)

    @property
    def baseline(self) -> np.ndarray:
        m, d, _, _ = np.moveaxis(self._means(), -1, 0)
        return _div(m, d)

    def _post_gradient(self) -> np.ndarray:
        return self._gradient(0.0)

    @property
    def baseline_variance(self) -> np.ndarray:
        g = self._post_gradient()
        return self._quad(g, g)

    @property
    def baseline_covariance(self) -> np.ndarray:
        return self._quad(self._gradient(self.theta), self._post_gradient())

    def pre_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """(cov(pre ratio, post ratio), var(pre ratio)) at theta = 1, for fitting theta."""
        full = self._gradient(1.0)
        pre = full * np.array([0.0, 0.0, 1.0, 1.0])
        post = full * np.array([1.0, 1.0, 0.0, 0.0])
        return self._quad(pre, post), self._quad(pre, pre)


def ratio_adjusted_pair(n_a: Array, sums_a: Array, cross_a: Array, n_b: Array, sums_b: Array,
                        cross_b: Array) -> tuple[RatioAdjusted, RatioAdjusted]:
    """Both arms with theta = -sum(cov(pre, post)) / sum(var(pre)) over the two arms."""
    a, b = RatioAdjusted(n_a, sums_a, cross_a, 0.0), RatioAdjusted(n_b, sums_b, cross_b, 0.0)
    cov_a, var_a = a.pre_terms()
    cov_b, var_b = b.pre_terms()
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.where(var_a + var_b == 0, 0.0, -(cov_a + cov_b) / (var_a + var_b))
    return (RatioAdjusted(n_a, sums_a, cross_a, theta),
            RatioAdjusted(n_b, sums_b, cross_b, theta))
