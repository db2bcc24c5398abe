"""The exact Beta-Binomial quadrature against seeded Monte Carlo, and the Gaussian model."""

from __future__ import annotations

import numpy as np
from scipy import stats

from needle.stats import GaussianPrior, SampleMean, beta_binomial, contrast, gaussian_effect

DRAWS = 400_000


def test_beta_binomial_matches_monte_carlo_for_three_arms() -> None:
    n, conv = np.array([900.0, 880.0, 910.0]), np.array([90.0, 101.0, 88.0])
    r = beta_binomial(n, conv)
    rng = np.random.default_rng(12)
    draws = rng.beta(conv + 1, n - conv + 1, size=(DRAWS, 3))
    best = np.bincount(draws.argmax(axis=1), minlength=3) / DRAWS
    beat = (draws > draws[:, :1]).mean(axis=0)
    loss_ship = np.maximum(draws[:, :1] - draws, 0).mean(axis=0)
    loss_keep = np.maximum(draws - draws[:, :1], 0).mean(axis=0)
    tol = 4 * np.sqrt(0.25 / DRAWS)
    assert np.allclose(r.chance_to_be_best, best, atol=tol)
    assert np.allclose(r.chance_to_beat_control[1:], beat[1:], atol=tol)
    assert np.allclose(r.risk_treatment, loss_ship, atol=2e-4)
    assert np.allclose(r.risk_control, loss_keep, atol=2e-4)
    assert np.allclose(r.ci_lower, stats.beta.ppf(0.025, conv + 1, n - conv + 1))


def test_beta_binomial_lower_is_better() -> None:
    up = beta_binomial([1_000, 1_000], [50, 40])
    down = beta_binomial([1_000, 1_000], [50, 40], inverse=True)
    assert np.isclose(up.chance_to_beat_control[1] + down.chance_to_beat_control[1], 1)
    assert np.isclose(up.risk_treatment[1], down.risk_control[1])


def test_proper_prior_shrinks_towards_its_mean() -> None:
    a, b = SampleMean(200, 2_000.0, 21_000.0), SampleMean(200, 2_200.0, 25_000.0)
    c = contrast(a, b)
    flat = gaussian_effect(c)
    tight = gaussian_effect(c, GaussianPrior(0.0, 1e-4, proper=True, scale="absolute"))
    assert abs(tight.mean) < abs(flat.mean) and tight.sd < flat.sd
    assert np.isclose(flat.chance_to_win, stats.norm.cdf(c.estimate / c.se))
