"""Thompson-sampling bandits: exact best-arm and top-two chances against Monte-Carlo draws,
period weighting against a hand computation, and whole simulated bandits that find the best
arm and stop."""

from __future__ import annotations

import numpy as np
import pytest

from needle.stats import period_weighted, thompson, top_two_probabilities
from needle.stats.bandits import floored
from needle.stats.bayesian import gaussian_best

MEANS = np.array([0.100, 0.115, 0.105, 0.112])
SDS = np.array([0.0067, 0.0071, 0.0069, 0.0090])


def _draws(inverse: bool = False) -> np.ndarray:
    y = np.random.default_rng(31).normal(MEANS, SDS, size=(400_000, len(MEANS)))
    return np.argsort(-y if inverse else y, axis=1)


@pytest.mark.parametrize("inverse", [False, True])
def test_best_and_top_two_chances_match_draws(inverse: bool) -> None:
    order = _draws(inverse)
    first = np.bincount(order[:, -1], minlength=4) / len(order)
    second = np.bincount(order[:, -2], minlength=4) / len(order)
    tol = 4 * np.sqrt(0.25 / len(order))
    assert np.allclose(gaussian_best(MEANS, SDS, inverse=inverse), first, atol=tol)
    assert np.allclose(top_two_probabilities(MEANS, SDS, inverse), (first + second) / 2, atol=tol)


def test_two_arms_share_top_two_equally_in_either_direction() -> None:
    for inverse in (False, True):
        assert np.allclose(top_two_probabilities(MEANS[:2], SDS[:2], inverse), [0.5, 0.5])


def test_floor_keeps_every_arm_and_the_order() -> None:
    w = floored([0.0, 0.7, 0.3], 0.05)
    assert w.min() == pytest.approx(0.05) and w.sum() == pytest.approx(1)
    assert list(np.argsort(w)) == [0, 2, 1]
    assert np.allclose(floored([0.9, 0.1], 0.6), [0.5, 0.5])


def test_period_weighting_undoes_simpsons_paradox() -> None:
    """Traffic moved to arm 1 in a period when every arm converted more: pooling the periods
    makes arm 1 look better, weighting both arms by the periods' shares does not."""
    n = np.array([[1_000, 1_000], [500, 4_500]])
    rate = np.array([[0.10, 0.10], [0.20, 0.20]])
    units, mean, var = period_weighted(n, rate, rate * (1 - rate))
    share = n.sum(axis=1) / n.sum()
    assert np.allclose(mean, share @ rate) and mean[0] == pytest.approx(mean[1])
    pooled = (n * rate).sum(axis=0) / n.sum(axis=0)
    assert pooled[1] - pooled[0] > 0.04
    assert np.allclose(var, (share[:, None] ** 2 * rate * (1 - rate) / n).sum(axis=0))
    assert list(units) == [1_500, 5_500]


def test_not_enough_units_keeps_the_weights() -> None:
    r = thompson([50, 60], [0.1, 0.15], [0.0018, 0.0021], [0.5, 0.5])
    assert not r.enough_units and list(r.weights) == [0.5, 0.5] and not r.stop


def _run_bandit(rng: np.random.Generator, rates: np.ndarray, periods: int,
                per_period: int) -> tuple[list, np.ndarray]:
    """A whole bandit: each period's traffic split by the current weights, weights updated
    from the period-weighted statistics of all periods so far; stops when told to."""
    k = len(rates)
    weights = np.full(k, 1 / k)
    n = np.zeros((0, k))
    hits = np.zeros((0, k))
    results = []
    for _ in range(periods):
        units = rng.multinomial(per_period, weights)
        n = np.vstack([n, units])
        hits = np.vstack([hits, rng.binomial(units, rates)])
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(n > 0, hits / n, 0.0)
        total, mean, var = period_weighted(n, p, p * (1 - p) * n / np.maximum(n - 1, 1))
        r = thompson(total, mean, var, weights)
        results.append(r)
        weights = r.weights
        if r.stop:
            break
    return results, weights


def test_simulated_bandits_find_the_best_arm_and_stop() -> None:
    rng = np.random.default_rng(32)
    rates = np.array([0.10, 0.10, 0.13])
    winners, shares = [], []
    for _ in range(40):
        results, weights = _run_bandit(rng, rates, 30, 1_500)
        winners.append(results[-1].winner)
        shares.append(weights[2])
    assert np.mean([w == 2 for w in winners]) >= 0.9, winners
    assert np.mean(shares) > 0.45  # top-two gives the leader at most half the traffic


def test_simulated_aa_bandit_rarely_declares_a_winner_early() -> None:
    """Equal arms: stopping at a 95% chance to be best over 10 looks happens in a minority of
    runs, and the weights stay spread."""
    rng = np.random.default_rng(33)
    stops = 0
    for _ in range(40):
        results, weights = _run_bandit(rng, np.array([0.1, 0.1, 0.1]), 10, 1_500)
        stops += results[-1].stop
        assert weights.min() >= 0.01 - 1e-12
    assert stops / 40 < 0.35
