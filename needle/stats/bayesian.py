"""Bayesian comparisons: an exact Beta-Binomial model for proportions and a Gaussian model of the
effect for means, ratios and adjusted means.

Chance to win, chance to be best and expected loss under the Beta model are one-dimensional
integrals, computed by Gauss-Legendre quadrature over the posterior mass (vectorised across
metrics); nothing here samples, so results are exact to ~1e-9 and reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from needle.stats.frequentist import Alternative, Contrast

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)
_TAIL = 1e-12


@dataclass(frozen=True)
class GaussianPrior:
    """Prior on the effect; ``proper=False`` is the flat prior (posterior = likelihood).
    ``scale="relative"`` states mean and variance as lifts, rescaled for absolute effects."""

    mean: float = 0.0
    variance: float = 1.0
    proper: bool = False
    scale: str = "relative"


@dataclass(frozen=True)
class EffectPosterior:
    mean: np.ndarray
    sd: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    chance_to_win: np.ndarray
    risk_control: np.ndarray
    risk_treatment: np.ndarray
    reason: np.ndarray


def expected_shortfall(mean: Any, sd: Any) -> np.ndarray:
    """E[max(-D, 0)] for D ~ N(mean, sd^2)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.asarray(mean) / np.asarray(sd)
    return sd * stats.norm.pdf(z) - mean * stats.norm.cdf(-z)


def scaled_prior(c: Contrast, prior: GaussianPrior) -> tuple[Any, Any]:
    """The prior's mean and variance on the contrast's own scale: a relative prior times
    |control mean| (variance times its square) for an absolute effect, and an absolute prior
    divided by them for a relative one."""
    if not prior.proper or (prior.scale == "relative") == c.relative:
        return prior.mean, prior.variance
    base = np.asarray(c.denominator, dtype=float)
    if c.relative:
        with np.errstate(divide="ignore", invalid="ignore"):
            return prior.mean / np.abs(base), prior.variance / base**2
    return prior.mean * np.abs(base), prior.variance * base**2


def gaussian_effect(c: Contrast, prior: GaussianPrior = GaussianPrior(), alpha: float = 0.05,
                    inverse: bool = False,
                    alternative: Alternative = "two-sided") -> EffectPosterior:
    """Conjugate normal posterior of the effect; chance to win is P(effect > 0), or < 0 when
    lower is better; risk is the expected loss of each decision. A one-sided ``alternative``
    draws the one-sided credible bound, (lower, inf) or (-inf, upper), at 1 - alpha."""
    data_var = c.se**2
    mean, var = np.asarray(c.estimate, dtype=float), data_var
    if prior.proper:
        prior_mean, prior_var = scaled_prior(c, prior)
        with np.errstate(divide="ignore", invalid="ignore"):
            precision = 1 / prior_var + 1 / data_var
            mean = (prior_mean / prior_var + mean / data_var) / precision
            var = 1 / precision
    sd = np.sqrt(var)
    half = stats.norm.isf(alpha / (2 if alternative == "two-sided" else 1)) * sd
    lower = mean - half if alternative != "less" else np.full_like(sd, -np.inf)
    upper = mean + half if alternative != "greater" else np.full_like(sd, np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        win = stats.norm.sf(-mean / sd)
    gain, loss = expected_shortfall(-mean, sd), expected_shortfall(mean, sd)
    if inverse:
        win, gain, loss = 1 - win, loss, gain
    reason = c.reason
    if prior.proper:
        # a relative prior scaled by a control mean of 0 has no spread left to express
        unscalable = ~(np.asarray(scaled_prior(c, prior)[1]) > 0)
        reason = np.where(unscalable & (reason == None),  # noqa: E711
                          "control mean is 0, so the prior cannot be put on this scale",
                          reason)
    bad = reason != None  # noqa: E711
    def nan(x: Any) -> np.ndarray:
        return np.where(bad, np.nan, x)
    return EffectPosterior(nan(mean), nan(sd), nan(lower), nan(upper), nan(win),
                           nan(gain), nan(loss), reason)


def _grid(lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes and weights on [lower, upper] (shape (..., 1) -> (..., nodes))."""
    mid, half = (upper + lower) / 2, (upper - lower) / 2
    return mid + half * _NODES, half * _WEIGHTS


@dataclass(frozen=True)
class BetaComparison:
    """Exact Beta-Binomial results for k arms (axis -1; arm 0 is the control)."""

    posterior_mean: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    chance_to_beat_control: np.ndarray
    chance_to_be_best: np.ndarray
    risk_control: np.ndarray
    risk_treatment: np.ndarray
    effect_mean: np.ndarray
    effect_sd: np.ndarray


def beta_binomial(n: Any, conversions: Any, alpha: float = 0.05, prior: tuple[float, float] =
                  (1.0, 1.0), inverse: bool = False) -> BetaComparison:
    """Independent Beta posteriors per arm; ``n`` and ``conversions`` have arms on axis -1."""
    a = np.asarray(conversions, dtype=float) + prior[0]
    b = np.asarray(n, dtype=float) - np.asarray(conversions, dtype=float) + prior[1]
    lo = special.betaincinv(a, b, _TAIL).min(axis=-1, keepdims=True)
    hi = special.betaincinv(a, b, 1 - _TAIL).max(axis=-1, keepdims=True)
    x, w = _grid(lo, hi)                                  # (..., q)
    ae, be = a[..., :, None], b[..., :, None]             # (..., k, 1)
    xe = x[..., None, :]
    # the Beta density written out: scipy.stats.beta.logpdf's argument checks cost more than this
    pdf = np.exp((ae - 1) * np.log(xe) + (be - 1) * np.log1p(-xe) - special.betaln(ae, be))
    cdf = special.betainc(ae, be, xe)
    mean = a / (a + b)
    upper_cdf = cdf if not inverse else 1 - cdf
    best = _best(pdf, upper_cdf, w)
    beat = np.sum(w[..., None, :] * pdf * upper_cdf[..., :1, :], axis=-1)
    # E[(p_control - p_arm)^+] = int f_arm(y) E[(p_control - y)^+] dy
    partial_c = (mean[..., :1, None] * (1 - special.betainc(ae[..., :1, :] + 1, be[..., :1, :],
                                                            xe)) - xe * (1 - cdf[..., :1, :]))
    shortfall = np.sum(w[..., None, :] * pdf * partial_c, axis=-1)   # E[(pc - parm)^+]
    diff = mean - mean[..., :1]
    shortfall[..., 0] = 0.0  # the control against itself: nothing to lose
    beat[..., 0] = np.nan
    risk_treatment, risk_control = shortfall, shortfall + diff
    if inverse:
        risk_treatment, risk_control = risk_control, risk_treatment
    var = a * b / ((a + b) ** 2 * (a + b + 1))
    return BetaComparison(
        posterior_mean=mean, ci_lower=special.betaincinv(a, b, alpha / 2),
        ci_upper=special.betaincinv(a, b, 1 - alpha / 2),
        chance_to_beat_control=np.clip(beat, 0, 1),
        chance_to_be_best=np.clip(best, 0, 1), risk_control=risk_control,
        risk_treatment=risk_treatment, effect_mean=diff, effect_sd=np.sqrt(var + var[..., :1]),
    )


def _best(pdf: np.ndarray, cdf: np.ndarray, w: np.ndarray) -> np.ndarray:
    """P(arm i is the largest) = int f_i prod_{j != i} F_j, for every arm i."""
    k = pdf.shape[-2]
    out = []
    for i in range(k):
        others = np.prod(np.delete(cdf, i, axis=-2), axis=-2)
        out.append(np.sum(w * pdf[..., i, :] * others, axis=-1))
    return np.stack(out, axis=-1)


def gaussian_best(means: Any, sds: Any, inverse: bool = False) -> np.ndarray:
    """P(arm i is best) for independent normal posteriors (arms on axis -1), by quadrature."""
    m, s = np.asarray(means, dtype=float), np.asarray(sds, dtype=float)
    if inverse:
        m = -m
    z = stats.norm.isf(_TAIL)
    lo = (m - z * s).min(axis=-1, keepdims=True)
    hi = (m + z * s).max(axis=-1, keepdims=True)
    x, w = _grid(lo, hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_nodes = (x[..., None, :] - m[..., :, None]) / s[..., :, None]
        pdf = np.exp(-0.5 * z_nodes**2) / (
            np.sqrt(2 * np.pi) * s[..., :, None])
        best = _best(pdf, special.ndtr(z_nodes), w)
    return np.where(np.isfinite(best), np.clip(best, 0, 1), np.nan)
