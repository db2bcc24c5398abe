"""Always-valid inference: an asymptotic confidence sequence that may be read at every look.

This is the normal-mixture boundary of Robbins and of Howard et al. (2021), in the asymptotic
form of Waudby-Smith et al. (2023): with N units in total and s^2 = N * se^2, the two-sided
half-width is (eq. 9)

    sqrt(s^2 * 2 (N rho^2 + 1) / (N^2 rho^2) * log(sqrt(N rho^2 + 1) / alpha))

and the one-sided bound's (eq. 134) replaces the log by log(1 + sqrt(N rho^2 + 1) / (2 alpha)).
rho is tuned so the sequence is tightest at N* units (eq. 161, at 2 alpha for one side). The
p-value is the alpha at which the sequence first touches zero, in closed form, so "p <= alpha"
and "interval excludes 0" always agree. Normal, not t, throughout.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from needle.stats.frequentist import Alternative, Contrast, TestResult, _mask


def rho(alpha: Any, tuning: Any, alternative: Alternative = "two-sided") -> np.ndarray:
    """Mixture tuning that makes the sequence tightest at ``tuning`` units in total."""
    level = np.asarray(alpha, dtype=float) * (1 if alternative == "two-sided" else 2)
    log_alpha = np.log(level)
    return np.sqrt((-2 * log_alpha + np.log(-2 * log_alpha + 1)) / np.asarray(tuning, float))


def _spread(se: Any, n_total: Any, r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(se^2 * 2 (N rho^2 + 1) / (N rho^2), sqrt(N rho^2 + 1)): the factors of both bounds."""
    n = np.asarray(n_total, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.asarray(se, dtype=float) ** 2 * 2 * (n * r2 + 1) / (n * r2),
                np.sqrt(n * r2 + 1))


def halfwidth(se: Any, n_total: Any, alpha: Any, tuning: Any, design_alpha: Any = None,
              alternative: Alternative = "two-sided") -> np.ndarray:
    """Half-width of the confidence sequence at ``n_total`` units (one-sided: the distance of
    its one bound). ``design_alpha`` (default: ``alpha``) fixes the mixture; keep it at the
    nominal level when drawing a sequence at a corrected level, so the sequence excludes 0
    exactly when the p-value is below that level."""
    r2 = rho(alpha if design_alpha is None else design_alpha, tuning, alternative) ** 2
    spread, root = _spread(se, n_total, r2)
    alpha = np.asarray(alpha, dtype=float)
    log = np.log(root / alpha) if alternative == "two-sided" else np.log1p(root / (2 * alpha))
    return np.sqrt(spread * log)


def sequential_p_value(estimate: Any, se: Any, n_total: Any, alpha: Any, tuning: Any,
                       alternative: Alternative = "two-sided") -> np.ndarray:
    """The level at which the sequence touches 0: 1 / e-value (two-sided), or the root of the
    one-sided bound, alpha = root / (2 (exp(estimate^2 / spread) - 1)); capped at 1, and 1 when
    the estimate points away from the alternative."""
    r2 = rho(alpha, tuning, alternative) ** 2
    spread, root = _spread(se, n_total, r2)
    estimate = np.asarray(estimate, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q = estimate**2 / spread
        if alternative == "two-sided":
            return np.minimum(1.0, root * np.exp(-q))
        p = np.minimum(1.0, root / (2 * np.expm1(q)))
    toward = estimate > 0 if alternative == "greater" else estimate < 0
    return np.where(toward | np.isnan(estimate), p, 1.0)


def confidence_sequence(c: Contrast, alpha: Any = 0.05, tuning: Any = 5000,
                        design_alpha: Any = None,
                        alternative: Alternative = "two-sided") -> TestResult:
    """Always-valid interval and p-value for a contrast (see :func:`halfwidth`); a one-sided
    alternative gives the one-sided sequence, (lower, inf) or (-inf, upper)."""
    design = alpha if design_alpha is None else design_alpha
    half = halfwidth(c.se, c.n_total, alpha, tuning, design, alternative)
    p = sequential_p_value(c.estimate, c.se, c.n_total, design, tuning, alternative)
    lower, upper = c.estimate - half, c.estimate + half
    if alternative == "greater":
        upper = np.full_like(half, np.inf)
    elif alternative == "less":
        lower = np.full_like(half, -np.inf)
    return _mask(c, c.estimate, lower, upper, p)
