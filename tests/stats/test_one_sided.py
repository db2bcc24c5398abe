"""One-sided tests in every method: seeded A/A simulations keep the false-positive rate within
three Monte-Carlo standard errors of alpha, and p-values agree with the intervals' bounds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from needle.stats import (
    GaussianPrior,
    Proportion,
    SampleMean,
    adjusted_pair,
    confidence_sequence,
    contrast,
    gaussian_effect,
    post_stratified_contrast,
    welch,
)

ALPHA = 0.05
SIDES = ("greater", "less")


def _mc_error(rate: float, runs: int) -> float:
    return 3 * np.sqrt(rate * (1 - rate) / runs)


def _rejects(result: Any, alternative: str) -> np.ndarray:
    return np.asarray(result.ci_lower > 0 if alternative == "greater" else result.ci_upper < 0)


@pytest.mark.parametrize("alternative", SIDES)
def test_aa_welch_one_sided(alternative: str) -> None:
    rng = np.random.default_rng(11)
    runs, n = 20_000, 2_000
    a, b = (Proportion(n, rng.binomial(n, 0.1, runs)) for _ in range(2))
    r = welch(contrast(a, b), ALPHA, alternative)  # type: ignore[arg-type]
    rate = np.mean(r.p_value <= ALPHA)
    assert abs(rate - ALPHA) < _mc_error(ALPHA, runs), rate
    assert np.array_equal(r.p_value <= ALPHA, _rejects(r, alternative))


def _cuped_arms(rng: np.random.Generator, runs: int, n: int) -> Any:
    def arm() -> tuple[Any, ...]:
        x = rng.normal(10, 3, size=(runs, n))
        y = 0.8 * x + rng.normal(0, 2, size=(runs, n))
        return (SampleMean(n, y.sum(1), (y * y).sum(1)), x.sum(1)[:, None],
                (x * x).sum(1)[:, None, None], (x * y).sum(1)[:, None])
    return adjusted_pair(*arm(), *arm())


@pytest.mark.parametrize("relative", [False, True])
@pytest.mark.parametrize("alternative", SIDES)
def test_aa_cuped_one_sided(alternative: str, relative: bool) -> None:
    runs = 8_000
    a, b = _cuped_arms(np.random.default_rng(12), runs, 400)
    r = welch(contrast(a, b, relative), ALPHA, alternative)  # type: ignore[arg-type]
    rate = np.mean(r.p_value <= ALPHA)
    assert abs(rate - ALPHA) < _mc_error(ALPHA, runs), rate


@pytest.mark.parametrize("alternative", SIDES)
def test_aa_post_stratified_one_sided(alternative: str) -> None:
    rng = np.random.default_rng(13)
    runs, rates, sizes = 20_000, (0.05, 0.2, 0.5), (3_000, 1_500, 500)
    controls, treats = ([Proportion(n, rng.binomial(n, p, runs))
                         for p, n in zip(rates, sizes, strict=True)] for _ in range(2))
    r = welch(post_stratified_contrast(controls, treats), ALPHA,
              alternative)  # type: ignore[arg-type]
    rate = np.mean(r.p_value <= ALPHA)
    assert abs(rate - ALPHA) < _mc_error(ALPHA, runs), rate
    assert np.array_equal(r.p_value <= ALPHA, _rejects(r, alternative))


@pytest.mark.parametrize("alternative", SIDES)
def test_aa_bayesian_one_sided_bound(alternative: str) -> None:
    """Under a flat prior the one-sided credible bound excludes 0 at rate alpha."""
    rng = np.random.default_rng(14)
    runs, n = 20_000, 2_000
    a, b = (Proportion(n, rng.binomial(n, 0.1, runs)) for _ in range(2))
    post = gaussian_effect(contrast(a, b), GaussianPrior(), ALPHA,
                           alternative=alternative)  # type: ignore[arg-type]
    rate = np.mean(_rejects(post, alternative))
    assert abs(rate - ALPHA) < _mc_error(ALPHA, runs), rate
    unbounded = post.ci_upper if alternative == "greater" else post.ci_lower
    assert np.all(np.isinf(unbounded))


def _peeks(rng: np.random.Generator, runs: int, looks: int, step: int) -> list[Any]:
    """Cumulative A/A proportions at each look, one row per simulated experiment."""
    a = np.cumsum(rng.binomial(step, 0.1, size=(looks, runs)), axis=0)
    b = np.cumsum(rng.binomial(step, 0.1, size=(looks, runs)), axis=0)
    return [contrast(Proportion(step * (k + 1), a[k]), Proportion(step * (k + 1), b[k]))
            for k in range(looks)]


@pytest.mark.parametrize("alternative", SIDES)
def test_aa_sequential_one_sided_survives_peeking(alternative: str) -> None:
    """Ten looks at one A/A stream: the one-sided sequence keeps the chance of ever rejecting
    below alpha, where the fixed-horizon one-sided test read at every look does not."""
    runs = 4_000
    contrasts = _peeks(np.random.default_rng(15), runs, 10, 500)
    side: Any = alternative
    ever_seq = np.zeros(runs, dtype=bool)
    ever_fixed = np.zeros(runs, dtype=bool)
    for c in contrasts:
        r = confidence_sequence(c, ALPHA, 5_000, alternative=side)
        assert np.array_equal(r.p_value <= ALPHA, _rejects(r, alternative))
        ever_seq |= r.p_value <= ALPHA
        ever_fixed |= welch(c, ALPHA, side).p_value <= ALPHA
    assert ever_seq.mean() < ALPHA + _mc_error(ALPHA, runs), ever_seq.mean()
    assert ever_fixed.mean() > ALPHA + _mc_error(ALPHA, runs), ever_fixed.mean()


def test_sequential_one_sided_p_is_where_the_bound_touches_zero() -> None:
    a, b = Proportion(4_000, 400), Proportion(4_000, 460)
    c = contrast(a, b, relative=True)
    p = float(confidence_sequence(c, ALPHA, 5_000, alternative="greater").p_value)
    at_p = confidence_sequence(c, p, 5_000, design_alpha=ALPHA, alternative="greater")
    assert abs(float(at_p.ci_lower)) < 1e-12
    away = confidence_sequence(c, ALPHA, 5_000, alternative="less")
    assert float(away.p_value) == 1.0 and float(away.ci_lower) == -np.inf


def test_one_sided_welch_matches_scipy() -> None:
    """Welch one-sided p-values against scipy's test on the same summary statistics."""
    a, b = SampleMean(800, 8_400.0, 120_000.0), SampleMean(900, 9_900.0, 140_000.0)
    c = contrast(a, b)
    for side in SIDES:
        r = welch(c, ALPHA, side)  # type: ignore[arg-type]
        ref = stats.ttest_ind_from_stats(
            float(b.mean), float(np.sqrt(b.variance)), 900, float(a.mean),
            float(np.sqrt(a.variance)), 800, equal_var=False, alternative=side)
        assert abs(float(r.p_value) - ref.pvalue) < 1e-12


def test_post_stratified_lift_se_matches_its_spread() -> None:
    """The delta-method se of the post-stratified lift is the standard deviation of the lift
    over 20,000 simulated experiments (within 3%), and its intervals cover the true lift."""
    rng = np.random.default_rng(16)
    runs, rates, sizes = 20_000, np.array([0.05, 0.2, 0.5]), np.array([3_000, 1_500, 500])
    controls = [Proportion(n, rng.binomial(n, p, runs)) for p, n in zip(rates, sizes,
                                                                       strict=True)]
    treats = [Proportion(n, rng.binomial(n, p * 1.1, runs)) for p, n in zip(rates, sizes,
                                                                           strict=True)]
    c = post_stratified_contrast(controls, treats, relative=True)
    assert np.mean(c.se) == pytest.approx(np.std(c.estimate), rel=0.03)
    r = welch(c, ALPHA)
    covered = np.mean((r.ci_lower <= 0.1) & (r.ci_upper >= 0.1))
    assert abs(covered - (1 - ALPHA)) < _mc_error(ALPHA, runs), covered
