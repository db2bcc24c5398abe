"""Two-sample intervals against closed forms computed here: Wilson/Newcombe, Welch and a
Mann-Whitney normal approximation; the median bootstrap against a plain numpy bootstrap."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from needle.stats import mean_difference, median_difference, proportion_difference


def _wilson(hits: int, n: int, z: float) -> tuple[float, float]:
    p = hits / n
    centre = (hits + z**2 / 2) / (n + z**2)
    half = z * math.sqrt(n) / (n + z**2) * math.sqrt(p * (1 - p) + z**2 / (4 * n))
    return centre - half, centre + half


@pytest.mark.parametrize(("hits_a", "n_a", "hits_b", "n_b", "confidence"), [
    (45, 120, 30, 130, 0.95),
    (30, 130, 45, 120, 0.95),
    (0, 50, 3, 40, 0.95),
    (50, 50, 47, 50, 0.9),
    (812, 10_000, 760, 9_500, 0.99),
])
def test_proportions_newcombe_and_wald(hits_a: int, n_a: int, hits_b: int, n_b: int,
                                       confidence: float) -> None:
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p_a, p_b = hits_a / n_a, hits_b / n_b
    (l_a, u_a), (l_b, u_b) = _wilson(hits_a, n_a, z), _wilson(hits_b, n_b, z)
    d = p_a - p_b
    se = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    r = proportion_difference(hits_a, n_a, hits_b, n_b, confidence)
    assert r.low == pytest.approx(d - math.hypot(p_a - l_a, u_b - p_b), rel=1e-12, abs=1e-14)
    assert r.high == pytest.approx(d + math.hypot(u_a - p_a, p_b - l_b), rel=1e-12, abs=1e-14)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(d / se)), rel=1e-9)
    assert r.method == "Newcombe interval, Wald test (statsmodels)"


def test_proportions_without_variance_have_an_interval_and_no_p_value() -> None:
    r = proportion_difference(0, 10, 0, 20)  # filterwarnings = error: no RuntimeWarning either
    assert r.low < 0 < r.high and math.isnan(r.p_value)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_means_welch(confidence: float) -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(10.4, 3.0, 80), rng.normal(9.5, 1.0, 150)
    v_a, v_b = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    dof = (v_a + v_b) ** 2 / (v_a**2 / (len(a) - 1) + v_b**2 / (len(b) - 1))
    d, se = a.mean() - b.mean(), math.sqrt(v_a + v_b)
    half = stats.t.ppf(1 - (1 - confidence) / 2, dof) * se
    r = mean_difference(a, b, confidence)
    assert (r.low, r.high) == pytest.approx((d - half, d + half), rel=1e-10)
    assert r.p_value == pytest.approx(2 * stats.t.sf(abs(d / se), dof), rel=1e-9)
    assert r.method == "Welch t interval (scipy)"


def test_medians_bootstrap_and_mann_whitney() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.exponential(3.0, 300), rng.exponential(2.0, 300)  # skewed: mean != median
    resampled = np.array([np.median(rng.choice(a, len(a))) - np.median(rng.choice(b, len(b)))
                          for _ in range(20_000)])
    r = median_difference(a, b)
    tolerance = 0.25 * resampled.std()  # ~4 Monte Carlo standard errors at 2,000 resamples
    assert r.low == pytest.approx(np.percentile(resampled, 2.5), abs=tolerance)
    assert r.high == pytest.approx(np.percentile(resampled, 97.5), abs=tolerance)
    n_a, n_b = len(a), len(b)
    u = stats.rankdata(np.concatenate([a, b]))[:n_a].sum() - n_a * (n_a + 1) / 2
    z = (max(u, n_a * n_b - u) - n_a * n_b / 2 - 0.5) / math.sqrt(n_a * n_b * (n_a + n_b + 1) / 12)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(z), rel=1e-9)
    assert r.method == "bootstrap percentile interval, Mann-Whitney test (scipy)"


def test_medians_are_seeded_and_narrow_with_confidence() -> None:
    rng = np.random.default_rng(6)
    a, b = rng.exponential(3.0, 100), rng.exponential(2.0, 120)
    r = median_difference(a, b)
    assert median_difference(a, b) == r
    assert median_difference(a, b, seed=1) != r
    narrower = median_difference(a, b, confidence=0.8)
    assert r.low < narrower.low < narrower.high < r.high
