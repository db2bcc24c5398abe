"""Seeded simulations: false-positive rates and interval coverage (vectorised, a few seconds).

Tolerances are three Monte-Carlo standard errors, sqrt(a(1-a)/R), so a correct engine fails
with probability ~0.3% per check and a biased one (e.g. peeking without correction) fails.
"""

from __future__ import annotations

import numpy as np

from needle.stats import (
    Proportion,
    SampleMean,
    adjust_p_values,
    confidence_sequence,
    contrast,
    fieller,
    welch,
)

ALPHA = 0.05


def _mc_error(rate: float, runs: int) -> float:
    return 3 * np.sqrt(rate * (1 - rate) / runs)


def _normal_arms(rng: np.random.Generator, runs: int, n: int, shift: float = 0.0,
                 mean: float = 10.0) -> tuple[SampleMean, SampleMean]:
    a = rng.lognormal(0, 1, size=(runs, n)) + mean
    b = rng.lognormal(0, 1, size=(runs, n)) + mean + shift
    arm = lambda x: SampleMean(n, x.sum(axis=1), (x * x).sum(axis=1))  # noqa: E731
    return arm(a), arm(b)


def test_aa_false_positive_rate_proportions() -> None:
    rng = np.random.default_rng(1)
    runs, n = 20_000, 2_000
    a = Proportion(n, rng.binomial(n, 0.1, runs))
    b = Proportion(n, rng.binomial(n, 0.1, runs))
    rate = np.mean(welch(contrast(a, b), ALPHA).p_value <= ALPHA)
    assert abs(rate - ALPHA) < _mc_error(ALPHA, runs), rate


def test_aa_false_positive_rate_skewed_means() -> None:
    a, b = _normal_arms(np.random.default_rng(2), 4_000, 1_000)
    rate = np.mean(welch(contrast(a, b), ALPHA).p_value <= ALPHA)
    assert abs(rate - ALPHA) < _mc_error(ALPHA, 4_000), rate


def test_interval_coverage_absolute_and_relative() -> None:
    runs, shift = 4_000, 0.3
    a, b = _normal_arms(np.random.default_rng(3), runs, 1_000, shift=shift)
    true_mean = 10 + np.exp(0.5)
    absolute = welch(contrast(a, b), ALPHA)
    covered = (absolute.ci_lower <= shift) & (shift <= absolute.ci_upper)
    assert abs(covered.mean() - (1 - ALPHA)) < _mc_error(ALPHA, runs), covered.mean()
    lo, hi, _ = fieller(contrast(a, b, relative=True), ALPHA)
    lift = shift / true_mean
    covered = (lo <= lift) & (lift <= hi)
    assert abs(covered.mean() - (1 - ALPHA)) < _mc_error(ALPHA, runs), covered.mean()


def _peeks(rng: np.random.Generator, runs: int, looks: int, step: int) -> tuple[Proportion, ...]:
    a = rng.binomial(1, 0.1, size=(runs, looks * step)).cumsum(axis=1)[:, step - 1::step]
    b = rng.binomial(1, 0.1, size=(runs, looks * step)).cumsum(axis=1)[:, step - 1::step]
    n = np.arange(1, looks + 1) * step
    return Proportion(n, a), Proportion(n, b)


def test_sequential_peeking_at_every_look_keeps_alpha() -> None:
    runs, looks = 3_000, 20
    a, b = _peeks(np.random.default_rng(4), runs, looks, step=250)
    c = contrast(a, b)
    always_valid = confidence_sequence(c, ALPHA, tuning=5_000).p_value <= ALPHA
    rate = np.mean(np.nan_to_num(always_valid).any(axis=1))
    assert rate <= ALPHA + _mc_error(ALPHA, runs), rate
    # the same peeking with fixed-horizon tests is what the sequences exist to prevent
    naive = np.mean((welch(c, ALPHA).p_value <= ALPHA).any(axis=1))
    assert naive > 2 * ALPHA, naive


def test_sequence_coverage_at_every_look() -> None:
    runs, looks = 2_000, 20
    a, b = _peeks(np.random.default_rng(5), runs, looks, step=250)
    r = confidence_sequence(contrast(a, b), ALPHA, tuning=5_000)
    missed = ((r.ci_lower > 0) | (r.ci_upper < 0)).any(axis=1)
    assert missed.mean() <= ALPHA + _mc_error(ALPHA, runs), missed.mean()


def test_holm_and_bh_control_errors_over_many_metrics() -> None:
    rng = np.random.default_rng(6)
    runs, metrics, n = 3_000, 10, 1_000
    a = Proportion(n, rng.binomial(n, 0.2, (runs, metrics)))
    b = Proportion(n, rng.binomial(n, 0.2, (runs, metrics)))
    p = welch(contrast(a, b), ALPHA).p_value
    for method in ("holm", "bh"):  # all nulls true: BH's FDR is the family-wise error rate
        adjusted = adjust_p_values(p, method)
        rate = np.mean((adjusted <= ALPHA).any(axis=1))
        assert rate <= ALPHA + _mc_error(ALPHA, runs), (method, rate)
    assert np.mean((p <= ALPHA).any(axis=1)) > 0.3  # uncorrected: ~40% false alarms
