"""The analysis of sufficient statistics: one decision rule everywhere, honest degeneracy."""

from __future__ import annotations

import numpy as np
import pytest

from needle.experiments import AnalysisOptions, analyze
from needle.experiments.sums import ExperimentSums, MetricSums, from_units


def _sums(n: list[float], conversions: list[list[float]], units: list[float] | None = None,
          variants: tuple[str, ...] | None = None) -> ExperimentSums:
    variants = variants or tuple(["control", *[f"v{i}" for i in range(1, len(n))]])
    metrics = tuple(MetricSums(f"m{i}", "proportion", np.array(n, float), np.array(c, float),
                               np.array(c, float)) for i, c in enumerate(conversions))
    return ExperimentSums(variants, np.array(units or n, float), metrics)


def _excludes_zero(ci: tuple) -> bool:
    return ci[0] > 0 or ci[1] < 0


@pytest.mark.parametrize("correction", ["none", "holm", "bh"])
@pytest.mark.parametrize("sequential", [None, 20_000.0])
def test_significant_agrees_with_every_interval(correction: str, sequential: float | None
                                                ) -> None:
    rng = np.random.default_rng(9)
    n = [5_000.0, 5_000.0, 5_000.0]
    conversions = [list(rng.binomial(5_000, [0.1, 0.1 + d, 0.1 - d]).astype(float))
                   for d in np.linspace(0, 0.02, 60)]
    result = analyze(_sums(n, conversions), AnalysisOptions(
        correction=correction, sequential_tuning=sequential))  # type: ignore[arg-type]
    decisions = [c.significant for m in result.metrics for c in m.comparisons]
    assert any(decisions) and not all(decisions)
    for m in result.metrics:
        for c in m.comparisons:
            assert _excludes_zero(c.absolute_ci) == c.significant
            assert _excludes_zero(c.relative_ci) == c.significant, c
            assert (c.p_value <= 0.05) == c.significant


def test_zero_conversions_is_not_computable_not_p_equals_one() -> None:
    result = analyze(_sums([1_000, 1_000], [[12, 0]]))
    c = result.metrics[0].comparisons[0]
    assert c.not_computable and "zero variance" in c.not_computable
    assert c.p_value is None and c.absolute_ci == (None, None) and not c.significant
    assert "not computable" in c.verdict
    # the exact Beta model still gives a chance to win
    assert c.chance_to_win is not None and c.chance_to_win < 0.001


def test_sample_ratio_mismatch_is_a_loud_warning() -> None:
    result = analyze(_sums([10_000, 9_000], [[1_000, 900]], units=[10_000, 9_000]))
    assert result.srm.ok is False
    assert result.verdict.startswith("DO NOT TRUST")


def _revenue(sum_squares_control: float) -> ExperimentSums:
    return ExperimentSums(("control", "test"), np.array([40.0, 40.0]), (MetricSums(
        "revenue", "mean", np.array([40.0, 40.0]), np.array([40.0, 120.0]),
        np.array([sum_squares_control, 438.0])),))


def test_noisy_control_mean_switches_to_fieller() -> None:
    c = analyze(_revenue(118.0)).metrics[0].comparisons[0]  # g = t^2 var(mean) / mean^2 ~ 0.2
    assert c.relative_ci_method == "fieller"
    assert c.relative_ci[1] - c.relative_effect > c.relative_effect - c.relative_ci[0]


def test_control_mean_indistinguishable_from_zero_gives_an_unbounded_lift() -> None:
    c = analyze(_revenue(2_000.0)).metrics[0].comparisons[0]  # g > 1
    assert c.relative_ci == (None, None) and c.relative_ci_method is None
    assert "unbounded" in c.verdict


def test_days_needed_uses_current_traffic() -> None:
    sums = _sums([2_000, 2_000], [[200, 210]])
    c = analyze(sums, AnalysisOptions(units_per_day=400)).metrics[0].comparisons[0]
    assert not c.significant and c.days_needed == pytest.approx(
        c.additional_units_needed / 400)
    assert "more days" in c.verdict


@pytest.mark.parametrize("correction", ["holm", "bh"])
def test_adjusted_means_agree_with_their_intervals_too(correction: str) -> None:
    rng = np.random.default_rng(10)
    units = 3_000
    arm = rng.choice(np.array(["control", "a", "b"]), units)
    pre = rng.gamma(2.0, 5.0, units)
    metrics = {f"m{i}": pre * 0.8 + rng.normal(0, 5, units) + 0.6 * i * (arm == "a")
               for i in range(8)}
    sums = from_units(arm, ["control", "a", "b"], metrics, {"pre": pre})
    result = analyze(sums, AnalysisOptions(correction=correction))  # type: ignore[arg-type]
    decisions = [c.significant for m in result.metrics for c in m.comparisons]
    assert any(decisions) and not all(decisions)
    for m in result.metrics:
        for c in m.comparisons:
            assert _excludes_zero(c.absolute_ci) == c.significant
            assert _excludes_zero(c.relative_ci) == c.significant


def test_values_too_large_to_square_are_not_called_zero_variance() -> None:
    sums = ExperimentSums(("control", "test"), np.array([40.0, 40.0]), (MetricSums(
        "revenue", "mean", np.array([40.0, 40.0]), np.array([4e170, 4.4e170]),
        np.array([np.inf, np.inf])),))
    c = analyze(sums).metrics[0].comparisons[0]
    assert c.not_computable == "values too large for their variance to be computed in double " \
                               "precision"
    assert c.p_value is None and not c.significant
