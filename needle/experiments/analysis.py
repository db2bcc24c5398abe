"""Analyse an experiment from per-variant sufficient statistics: every metric against the
control, frequentist and Bayesian, with one multiple-comparison rule that decides "significant"
everywhere and draws every interval at the same corrected level. Each metric is tested in its
own direction (two-sided, or one-sided: its interval is then open on the other side).

All metrics of one kind are analysed in one vectorised pass (arrays of metrics x treatments).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from needle.errors import UserError
from needle.experiments.results import Analysis, Comparison, MetricResult, VariantSummary
from needle.experiments.sums import ExperimentSums, MetricSums
from needle.experiments.verdicts import comparison_verdict, overall_verdict
from needle.stats import (
    Proportion,
    Quantile,
    Ratio,
    SampleMean,
    adjust_p_values,
    adjusted_pair,
    beta_binomial,
    check_srm,
    confidence_sequence,
    contrast,
    corrected_alpha,
    family_size,
    fieller,
    gaussian_best,
    gaussian_effect,
    sample_needed,
    welch,
)
from needle.stats.corrections import Correction
from needle.stats.frequentist import Alternative, Contrast, TestResult, critical
from needle.stats.sequential import halfwidth

# Above this g = t^2 var(control mean) / control mean^2 the delta-method interval of a relative
# effect is unreliable (it ignores the skew of 1 / control mean) and Fieller's is used.
DELTA_G_LIMIT = 0.05


@dataclass(frozen=True)
class AnalysisOptions:
    alpha: float = 0.05
    correction: Correction = "holm"
    sequential_tuning: float | None = None
    mde: float = 0.05
    target_power: float = 0.8
    units_per_day: float | None = None
    split: Mapping[str, float] | None = None  # planned share per variant (SRM); None: equal
    lower_is_better: frozenset[str] = field(default_factory=frozenset)
    alternatives: Mapping[str, Alternative] = field(default_factory=dict)  # else two-sided
    guardrails: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class _Block:
    """Metrics of one kind, stacked: arrays (metrics, variants) or (metrics, treatments)."""

    metrics: tuple[MetricSums, ...]
    absolute: Contrast
    relative: Contrast
    p_value: np.ndarray
    sides: np.ndarray  # (metrics, 1): each metric's alternative


def _by_side(sides: np.ndarray, compute: Callable[[Alternative], TestResult]) -> TestResult:
    """One test per metric in its own direction: each alternative present computed once over
    the whole block, rows taken from the one that applies."""
    present = [cast(Alternative, a) for a in dict.fromkeys(sides.ravel().tolist())]
    results = {a: compute(a) for a in present}
    if len(results) == 1:
        return results[present[0]]

    def pick(name: str) -> np.ndarray:
        out = getattr(results[present[0]], name)
        for a in present[1:]:
            out = np.where(sides == a, getattr(results[a], name), out)
        return np.asarray(out)

    return TestResult(**{f.name: pick(f.name) for f in dataclasses.fields(TestResult)})


def check_levels(alpha: float, mde: float, sequential_tuning: float | None) -> None:
    """Refuse settings that would print nonsense (a 110% interval, power for a lift of 0)."""
    if not 0 < alpha < 1:
        raise UserError(f"alpha {alpha:g}: it must be between 0 and 1 (0.05 for 95% intervals)",
                        field="alpha", value=alpha)
    if not 0 < mde < math.inf:
        raise UserError(f"mde {mde:g}: the relative lift to detect must be above 0 (0.05 for "
                        "5%)", field="mde", value=mde)
    if sequential_tuning is not None and not 1 <= sequential_tuning < math.inf:
        raise UserError(f"sequential {sequential_tuning:g}: the number of units the confidence "
                        "sequences are tuned for must be 1 or more", field="sequential",
                        value=sequential_tuning)


def planned_weights(variants: Sequence[str], split: Mapping[str, float] | None
                    ) -> list[float] | None:
    """The planned shares in ``variants`` order; a variant missing on either side is an error,
    except a variant planned at weight 0, which may well never be seen."""
    if split is None:
        return None
    unplanned = [v for v in variants if v not in split]
    if unplanned:
        raise UserError(f"variants {unplanned} were exposed but are not in the planned split "
                        f"{dict(split)}")
    never = [v for v in split if v not in variants and split[v] > 0]
    if never:
        raise UserError(f"variants {never} of the planned split were never exposed: "
                        "assignment or logging is broken")
    return [split[v] for v in variants]


def analyze(sums: ExperimentSums, options: AnalysisOptions = AnalysisOptions()) -> Analysis:
    """The full analysis: SRM, per-metric comparisons, corrections, Bayesian chances, power."""
    if len(sums.variants) < 2:
        raise UserError(f"an experiment needs at least 2 variants, found {list(sums.variants)}")
    check_levels(options.alpha, options.mde, options.sequential_tuning)
    srm = check_srm(sums.units.astype(int).tolist(), planned_weights(sums.variants, options.split))
    # Sums too large to square overflow to inf or nan; each comparison then says why it is
    # not computable (``needle.stats.frequentist.degenerate``) instead of warning mid-way.
    with np.errstate(over="ignore", invalid="ignore"):
        results = _results(sums, options)
    order = {m.name: i for i, m in enumerate(sums.metrics)}
    results.sort(key=lambda r: order[r.metric])
    return Analysis(
        variants=sums.variants, units=[int(u) for u in sums.units], srm=srm,
        alpha=options.alpha, correction=options.correction,
        sequential_tuning=options.sequential_tuning, covariates=sums.covariates,
        metrics=results, verdict=overall_verdict(srm, results, options.guardrails,
                                                  options.lower_is_better),
    )


def _results(sums: ExperimentSums, options: AnalysisOptions) -> list[MetricResult]:
    blocks = [_block(group, options) for group in _groups(sums.metrics)]
    flat = np.concatenate([b.p_value.ravel() for b in blocks]) if blocks else np.array([])
    adjusted = adjust_p_values(flat, options.correction)
    results: list[MetricResult] = []
    start = 0
    for block in blocks:
        size = block.p_value.size
        p_adj = adjusted[start:start + size].reshape(block.p_value.shape)
        start += size
        results += _finish(block, p_adj, sums, options)
    return results


def _groups(metrics: tuple[MetricSums, ...]) -> list[tuple[MetricSums, ...]]:
    kinds = dict.fromkeys(m.kind for m in metrics)
    return [tuple(m for m in metrics if m.kind == kind) for kind in kinds]


def _stack(metrics: tuple[MetricSums, ...], name: str) -> np.ndarray:
    return np.stack([getattr(m, name) for m in metrics]).astype(float)


def _arms(metrics: tuple[MetricSums, ...]) -> tuple[Any, Any]:
    """Control (metrics, 1) and treatments (metrics, k-1) as needle.stats statistics."""
    n, s, ss = (_stack(metrics, f) for f in ("n", "sum", "sum_squares"))
    if metrics[0].pre_sum is not None:
        x, xx, xy = (_stack(metrics, f) for f in ("pre_sum", "pre_cross", "post_pre"))
        return adjusted_pair(SampleMean(n[:, :1], s[:, :1], ss[:, :1]), x[:, :1], xx[:, :1],
                             xy[:, :1], SampleMean(n[:, 1:], s[:, 1:], ss[:, 1:]), x[:, 1:],
                             xx[:, 1:], xy[:, 1:])
    kind = metrics[0].kind
    if kind == "proportion":
        return Proportion(n[:, :1], s[:, :1]), Proportion(n[:, 1:], s[:, 1:])
    if kind == "ratio":
        d, dd, md = (_stack(metrics, f) for f in ("den_sum", "den_sum_squares", "num_den_sum"))
        ctl, trt = (Ratio(n[:, c], SampleMean(n[:, c], s[:, c], ss[:, c]),
                          SampleMean(n[:, c], d[:, c], dd[:, c]), md[:, c]) for c in _SIDES)
        return ctl, trt
    if kind == "quantile":
        q = _stack(metrics, "quantile")
        nu = np.array([m.nu for m in metrics], dtype=float)[:, None]
        low, high = (Quantile(n[:, c], q[:, c, 0], nu, q[:, c, 1], q[:, c, 2], q[:, c, 3])
                     for c in _SIDES)
        return low, high
    return SampleMean(n[:, :1], s[:, :1], ss[:, :1]), SampleMean(n[:, 1:], s[:, 1:], ss[:, 1:])


_SIDES = (slice(0, 1), slice(1, None))


def _block(metrics: tuple[MetricSums, ...], options: AnalysisOptions) -> _Block:
    control, treatment = _arms(metrics)
    absolute = contrast(control, treatment)
    relative = contrast(control, treatment, relative=True)
    sides = np.array([[options.alternatives.get(m.name, "two-sided")] for m in metrics])
    p = _interval(absolute, np.asarray(options.alpha), options, sides).p_value
    return _Block(metrics, absolute, relative, p, sides)


def _interval(c: Contrast, level: np.ndarray, options: AnalysisOptions,
              sides: np.ndarray) -> TestResult:
    def test(alternative: Alternative) -> TestResult:
        if options.sequential_tuning is None:
            return welch(c, level, alternative)
        return confidence_sequence(c, level, options.sequential_tuning, options.alpha,
                                   alternative)
    return _by_side(sides, test)


def _relative_ci(block: _Block, level: np.ndarray, significant: np.ndarray,
                 options: AnalysisOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Delta-method interval where it is reliable and agrees with the decision; Fieller's
    (which always agrees with the absolute test) otherwise."""
    delta = _interval(block.relative, level, options, block.sides)
    one_sided = block.sides != "two-sided"
    a = block.absolute
    if options.sequential_tuning is None:
        # a one-sided bound is one end of the two-sided interval at twice the level
        crit = critical(np.where(one_sided, 2 * level, level), a.dof)
    else:
        tuning = options.sequential_tuning
        with np.errstate(divide="ignore", invalid="ignore"):
            crit = np.where(one_sided, halfwidth(a.se, a.n_total, level, tuning, options.alpha,
                                                 "greater"),
                            halfwidth(a.se, a.n_total, level, tuning, options.alpha)) / a.se
    lo, hi, g = fieller(block.relative, level, crit=crit)
    lo = np.where(block.sides == "less", -np.inf, lo)
    hi = np.where(block.sides == "greater", np.inf, hi)
    excludes = (delta.ci_lower > 0) | (delta.ci_upper < 0)
    use_fieller = (g >= DELTA_G_LIMIT) | (excludes != significant)
    method = np.where(use_fieller, "fieller", "delta")
    return (np.where(use_fieller, lo, delta.ci_lower), np.where(use_fieller, hi, delta.ci_upper),
            method)


def _bayes(block: _Block, options: AnalysisOptions) -> dict[str, np.ndarray]:
    metrics = block.metrics
    inverse = np.array([m.name in options.lower_is_better for m in metrics])[:, None]
    n, s = _stack(metrics, "n"), _stack(metrics, "sum")
    if metrics[0].kind == "proportion":
        up = beta_binomial(n, s, options.alpha)
        down = beta_binomial(n, s, options.alpha, inverse=True) if inverse.any() else up

        def pick(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            return np.asarray(np.where(inverse, y, x))

        return {"win": pick(up.chance_to_beat_control, down.chance_to_beat_control)[:, 1:],
                "best": np.where(inverse, down.chance_to_be_best, up.chance_to_be_best),
                "risk_ship": np.maximum(pick(up.risk_treatment, down.risk_treatment), 0)[:, 1:],
                "risk_keep": np.maximum(pick(up.risk_control, down.risk_control), 0)[:, 1:]}
    post = gaussian_effect(block.absolute)
    win = np.where(inverse, 1 - post.chance_to_win, post.chance_to_win)
    mean, var = _arm_moments(metrics)
    se = np.sqrt(var / n)
    best = np.where(inverse, gaussian_best(mean, se, inverse=True), gaussian_best(mean, se))
    return {"win": win, "best": best,
            "risk_ship": np.where(inverse, post.risk_control, post.risk_treatment),
            "risk_keep": np.where(inverse, post.risk_treatment, post.risk_control)}


def _arm_moments(metrics: tuple[MetricSums, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per-arm mean and unit variance (metrics, variants) for chance to be best. Adjusted
    metrics have one slope per pair of arms, so arms are ranked on their unadjusted means."""
    if metrics[0].pre_sum is not None:
        arm = SampleMean(*(_stack(metrics, f) for f in ("n", "sum", "sum_squares")))
        return arm.mean, arm.variance
    control, treatment = _arms(metrics)
    shape = (len(metrics), 1)
    return (np.concatenate([np.broadcast_to(control.mean, shape), treatment.mean], 1),
            np.concatenate([np.broadcast_to(control.variance, shape), treatment.variance], 1))


def _finish(block: _Block, p_adj: np.ndarray, sums: ExperimentSums,
            options: AnalysisOptions) -> list[MetricResult]:
    """Intervals at the corrected levels, Bayesian chances and power, as result values."""
    significant = p_adj <= options.alpha
    columns, method = _columns(block, p_adj, significant, options,
                               (len(sums.variants), len(sums.metrics)))
    bayes = _bayes(block, options)
    columns.update(win=bayes["win"], risk_ship=bayes["risk_ship"], risk_keep=bayes["risk_keep"])
    lists = {k: _plain(v) for k, v in columns.items()}
    best = _plain(bayes["best"])
    out = []
    for i, metric in enumerate(block.metrics):
        comparisons = [
            _comparison(metric.name, variant, sums.variants[0],
                        {k: v[i][j] for k, v in lists.items()}, bool(significant[i, j]),
                        str(method[i, j]), block.absolute.reason[i, j], options)
            for j, variant in enumerate(sums.variants[1:])]
        means = _plain(_variant_values(metric))
        variants = [VariantSummary(name, int(metric.n[k]), means[k], best[i][k])
                    for k, name in enumerate(sums.variants)]
        out.append(MetricResult(metric.name, metric.kind, variants, comparisons))
    return out


def _columns(block: _Block, p_adj: np.ndarray, significant: np.ndarray,
             options: AnalysisOptions, family: tuple[int, int]
             ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Frequentist and power figures for every (metric, treatment), as arrays. ``family`` is
    (variants, metrics): power is planned for all of them at once (see :func:`_power`)."""
    level = corrected_alpha(options.alpha, block.p_value, p_adj)
    absolute = _interval(block.absolute, level, options, block.sides)
    rel_lo, rel_hi, method = _relative_ci(block, level, significant, options)
    rel = block.relative
    power_now, extra, days = _power(block, options, family)
    z_power = critical(2 * (1 - options.target_power), None, "z")  # z quantile of the power
    # the distance from the estimate to the bound that decides, plus the power's quantile
    reach = np.where(block.sides == "greater", absolute.estimate - absolute.ci_lower,
                     absolute.ci_upper - absolute.estimate)
    with np.errstate(divide="ignore", invalid="ignore"):
        mde_now = (reach + z_power * block.absolute.se) / np.abs(rel.denominator)
    return {
        "absolute_effect": absolute.estimate, "absolute_lo": absolute.ci_lower,
        "absolute_hi": absolute.ci_upper,
        "relative_effect": np.where(rel.reason == None, rel.estimate, np.nan),  # noqa: E711
        "relative_lo": rel_lo, "relative_hi": rel_hi, "p_value": p_adj,
        "p_unadjusted": block.p_value, "level": level, "power": power_now,
        "mde": mde_now, "extra_units": extra, "days": days,
    }, method


def _power(block: _Block, options: AnalysisOptions, family: tuple[int, int]
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(power now, units still needed, days) per comparison, planned as GrowthBook plans them:
    under a correction every test at alpha / ((variants - 1) x metrics), and the power target
    shared by the metrics (target ** (1 / metrics)); each comparison with its own variance."""
    variants, metrics = family
    rel = block.relative
    tests = family_size(variants, metrics, options.correction != "none")
    out = []
    for side in dict.fromkeys(block.sides.ravel().tolist()):
        need = sample_needed(rel.se**2, rel.n_total, options.mde, options.alpha,
                             options.target_power, options.sequential_tuning,
                             options.units_per_day, tests=tests, goal_metrics=metrics,
                             alternative=side)
        days = need.days_needed if need.days_needed is not None else np.full_like(
            need.power_now, np.nan)
        out.append((side, need.power_now, need.additional_units, days))
    picked = [np.asarray(x) for x in out[0][1:]]
    for side, *values in out[1:]:
        picked = [np.where(block.sides == side, v, p) for v, p in zip(values, picked,
                                                                      strict=True)]
    return picked[0], picked[1], picked[2]


def _variant_values(metric: MetricSums) -> np.ndarray:
    """The per-variant value shown: mean, ratio of sums, or quantile."""
    if metric.quantile is not None:
        return metric.quantile[:, 1]
    den = metric.den_sum if metric.den_sum is not None else metric.n
    return np.divide(metric.sum, den, where=den > 0, out=np.full(len(metric.n), np.nan))


def _comparison(metric: str, variant: str, control: str, v: dict[str, Any], significant: bool,
                method: str, reason: str | None, options: AnalysisOptions) -> Comparison:
    if reason is not None:
        significant = False
    fields = dict(
        variant=variant, control=control,
        alternative=options.alternatives.get(metric, "two-sided"),
        absolute_effect=v["absolute_effect"],
        absolute_ci=(v["absolute_lo"], v["absolute_hi"]), relative_effect=v["relative_effect"],
        relative_ci=(v["relative_lo"], v["relative_hi"]),
        relative_ci_method=method if v["relative_lo"] is not None else None,
        p_value=v["p_value"], p_value_unadjusted=v["p_unadjusted"],
        ci_level=None if v["level"] is None else 1 - v["level"], significant=significant,
        chance_to_win=v["win"], risk_if_shipped=v["risk_ship"], risk_if_kept=v["risk_keep"],
        power=v["power"], mde=v["mde"], additional_units_needed=v["extra_units"],
        days_needed=v["days"], not_computable=reason,
    )
    draft = Comparison(**fields, verdict="")  # type: ignore[arg-type]
    verdict = comparison_verdict(metric, draft, options.mde, options.target_power)
    return Comparison(**fields, verdict=verdict)  # type: ignore[arg-type]


def _plain(values: Any) -> Any:
    """Nested Python lists with NaN and infinities as None (JSON has neither)."""
    return _finite(np.asarray(values, dtype=float).tolist())


def _finite(x: Any) -> Any:
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return x if math.isfinite(x) else None
