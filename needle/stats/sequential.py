"""Always-valid inference: an asymptotic confidence sequence that may be read at every look.

This is the normal-mixture boundary of Robbins and of Howard et al. (2021), in the asymptotic
form of Waudby-Smith et al. (2023, eq. 9): with N units in total and s^2 = N * se^2,

    halfwidth = sqrt(s^2 * 2 (N rho^2 + 1) / (N^2 rho^2) * log(sqrt(N rho^2 + 1) / alpha)),

where rho is tuned so the sequence is tightest at N* units (eq. 161). The p-value is the alpha at
which the sequence first touches zero (1 / e-value, capped at 1), so "p <= alpha" and "interval
excludes 0" always agree. Normal, not t, throughout.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from needle.stats.frequentist import Contrast, TestResult, _mask


def rho(alpha: Any, tuning: Any) -> np.ndarray:
    """Mixture tuning that makes the sequence tightest at ``tuning`` units in total."""
    log_alpha = np.log(np.asarray(alpha, dtype=float))
    return np.sqrt((-2 * log_alpha + np.log(-2 * log_alpha + 1)) / np.asarray(tuning, float))


def halfwidth(se: Any, n_total: Any, alpha: Any, tuning: Any,
              design_alpha: Any = None) -> np.ndarray:
    """Half-width of the confidence sequence at ``n_total`` units. ``design_alpha`` (default:
    ``alpha``) fixes the mixture; keep it at the nominal level when drawing a sequence at a
    corrected level, so the sequence excludes 0 exactly when the p-value is below that level."""
    r2 = rho(alpha if design_alpha is None else design_alpha, tuning) ** 2
    n = np.asarray(n_total, dtype=float)
    s2 = np.asarray(se, dtype=float) ** 2 * n
    return np.sqrt(s2 * 2 * (n * r2 + 1) / (n**2 * r2) * np.log(np.sqrt(n * r2 + 1) / alpha))


def sequential_p_value(estimate: Any, se: Any, n_total: Any, alpha: Any,
                       tuning: Any) -> np.ndarray:
    """1 / e-value of the mixture martingale, capped at 1."""
    r2 = rho(alpha, tuning) ** 2
    n = np.asarray(n_total, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z2 = (np.asarray(estimate, dtype=float) / np.asarray(se, dtype=float)) ** 2
    return np.minimum(1.0, np.sqrt(n * r2 + 1) * np.exp(-z2 * n * r2 / (2 * (n * r2 + 1))))


def confidence_sequence(c: Contrast, alpha: Any = 0.05, tuning: Any = 5000,
                        design_alpha: Any = None) -> TestResult:
    """Two-sided always-valid interval and p-value for a contrast (see :func:`halfwidth`)."""
    design = alpha if design_alpha is None else design_alpha
    half = halfwidth(c.se, c.n_total, alpha, tuning, design)
    p = sequential_p_value(c.estimate, c.se, c.n_total, design, tuning)
    return _mask(c, c.estimate, c.estimate - half, c.estimate + half, p)
