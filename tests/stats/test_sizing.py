"""Power and sample needed with several arms and goal metrics, one-sided tests and proper
priors, against scipy root-finding, closed forms and simulation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from needle.stats import (
    GaussianPrior,
    bayesian_power,
    family_size,
    minimum_detectable_effect,
    power,
    sample_needed,
)


def _z_power(effect: float, sd: float, level: float, two_sided: bool = True) -> float:
    z = stats.norm.ppf(1 - level / (2 if two_sided else 1))
    far = stats.norm.cdf(-z - effect / sd) if two_sided else 0.0
    return float(stats.norm.sf(z - effect / sd) + far)


@pytest.mark.parametrize(("arms", "goals", "corrected"), [(2, 1, False), (4, 3, True),
                                                          (3, 2, True), (4, 3, False)])
def test_sample_needed_with_a_family_of_tests(arms: int, goals: int, corrected: bool) -> None:
    """Each test at alpha / ((arms - 1) goals), every goal metric at target ** (1 / goals):
    the factor is the root of the power equation found by scipy's brentq."""
    var, n, mde, alpha, target = 0.00092616, 40_000.0, 0.03, 0.05, 0.8
    tests = family_size(arms, goals, corrected)
    r = sample_needed(var, n, mde, alpha, target, tests=tests, goal_metrics=goals)
    goal = target ** (1 / goals)

    def gap(s: float) -> float:
        return _z_power(mde, np.sqrt(var / (1 + s)), alpha / tests) - goal

    assert float(r.scaling_factor) == pytest.approx(optimize.brentq(gap, 0, 1e4, xtol=1e-12),
                                                    rel=1e-9)
    assert r.target == pytest.approx(goal)


def test_one_sided_power_matches_statsmodels() -> None:
    """With equal arm variances (effect 0 in the variance formula) the relative-lift power is
    the z power of statsmodels' NormalIndPower on the standardised effect."""
    from statsmodels.stats.power import NormalIndPower

    mean, variance, n_total, effect = 10.0, 4.0, 2_000, 0.02
    se = np.sqrt(variance / (mean**2 * n_total / 2) * 2)
    for side, sm_side in (("greater", "larger"), ("two-sided", "two-sided")):
        got = _z_power(effect, se, 0.05, side == "two-sided")
        ref = NormalIndPower().power(effect * mean / np.sqrt(variance), n_total / 2, 0.05,
                                     alternative=sm_side)
        assert got == pytest.approx(ref, abs=1e-3)  # statsmodels adds the far tail for "larger"
        mine = power(mean, variance, effect, n_total, alternative=side)  # type: ignore[arg-type]
        mine_se = np.sqrt(variance / (mean**2 * n_total / 2) * (1 + (1 + effect) ** 2))
        assert mine == pytest.approx(_z_power(effect, mine_se, 0.05, side == "two-sided"),
                                     abs=1e-12)


@pytest.mark.parametrize("alternative", ["greater", "less"])
def test_one_sided_power_by_simulation(alternative: str) -> None:
    """Simulated one-sided z tests of the lift reject at the rate power() predicts."""
    rng = np.random.default_rng(21)
    runs, mean, sd, n = 20_000, 10.0, 3.0, 2_000
    effect = 0.01 if alternative == "greater" else -0.01
    a = rng.normal(mean, sd / np.sqrt(n), runs)
    b = rng.normal(mean * (1 + effect), sd / np.sqrt(n), runs)
    lift = (b - a) / a
    se = np.sqrt(sd**2 / (a**2 * n) * (1 + (b / a) ** 2))
    z = lift / se
    rejects = z > 1.6449 if alternative == "greater" else z < -1.6449
    predicted = power(mean, sd**2, effect, 2 * n, alternative=alternative)  # type: ignore[arg-type]
    assert abs(rejects.mean() - predicted) < 3 * np.sqrt(predicted * (1 - predicted) / runs)


def test_one_sided_mde_has_the_alternative_sign() -> None:
    up = minimum_detectable_effect(0.1, 0.09, 200_000, alternative="greater")
    down = minimum_detectable_effect(0.1, 0.09, 200_000, alternative="less")
    assert up > 0 > down
    assert power(0.1, 0.09, up, 200_000, alternative="greater") == pytest.approx(0.8, abs=1e-9)
    assert power(0.1, 0.09, down, 200_000, alternative="less") == pytest.approx(0.8, abs=1e-9)


def test_bayesian_power_by_simulation() -> None:
    """Draw estimates around the true lift, form the conjugate posterior by hand and count how
    often its interval excludes 0."""
    rng = np.random.default_rng(22)
    mean, variance, effect, n = 0.1, 0.09, 0.05, 20_000
    prior = GaussianPrior(0.02, 0.01, proper=True)
    v = variance / (mean**2 * n) * (1 + (1 + effect) ** 2)
    x = rng.normal(effect, np.sqrt(v), 200_000)
    precision = 1 / prior.variance + 1 / v
    post_mean, post_sd = (prior.mean / prior.variance + x / v) / precision, precision**-0.5
    excludes = np.abs(post_mean) > stats.norm.ppf(0.975) * post_sd
    predicted = bayesian_power(mean, variance, effect, n, 0.05, prior)
    assert abs(excludes.mean() - predicted) < 3 * np.sqrt(predicted * (1 - predicted) / 200_000)
    assert bayesian_power(mean, variance, effect, n) == pytest.approx(
        _z_power(effect, np.sqrt(v), 0.05), abs=1e-12)


def test_sample_needed_under_a_proper_prior() -> None:
    """The factor at which the credible interval excludes 0 with the target chance, found by
    brentq on the closed form of that chance."""
    var, n, mde, target = 0.00092616, 40_000.0, 0.03, 0.8
    prior = GaussianPrior(0.0, 0.01, proper=True)
    r = sample_needed(var, n, mde, 0.05, target, prior=prior)
    z = stats.norm.ppf(0.975)

    def gap(s: float) -> float:
        v = var / (1 + s)
        precision = 1 / prior.variance + 1 / v
        cut = z * np.sqrt(precision) * v  # x beyond this makes the posterior exclude 0
        return float(stats.norm.sf((cut - mde) / np.sqrt(v))
                     + stats.norm.cdf((-cut - mde) / np.sqrt(v))) - target

    assert float(r.scaling_factor) == pytest.approx(optimize.brentq(gap, 0, 1e4, xtol=1e-12),
                                                    rel=1e-9)
