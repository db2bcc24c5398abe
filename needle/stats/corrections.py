"""Multiple comparisons: Holm and Benjamini-Hochberg, with intervals at the corrected level.

The adjusted p-value p_adj decides "significant" (p_adj <= alpha). Each comparison's interval
is then drawn at its own corrected level alpha * p / p_adj, the level at which the unadjusted
test would reach the same decision, so a significant result never has an interval that crosses
zero and a non-significant one always does.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

Correction = Literal["none", "holm", "bh"]


def adjust_p_values(p_values: Any, method: Correction) -> np.ndarray:
    """Adjusted p-values over the last axis (one family per row); NaN (not computable) entries
    stay NaN and do not count. Hand-written rather than statsmodels' ``multipletests`` because
    that handles one family per call (and runs the garbage collector on every Holm call); the
    tests check both agree."""
    p = np.asarray(p_values, dtype=float)
    if method == "none":
        return p.copy()
    order = np.argsort(p, axis=-1)                     # NaN sort last
    ranked = np.take_along_axis(p, order, axis=-1)
    m = np.sum(~np.isnan(p), axis=-1, keepdims=True)
    j = np.arange(p.shape[-1])
    if method == "holm":
        adjusted = np.fmax.accumulate((m - j) * ranked, axis=-1)
    else:
        scaled = m * ranked / (j + 1)
        adjusted = np.flip(np.fmin.accumulate(np.flip(scaled, -1), axis=-1), -1)
    adjusted = np.where(np.isnan(ranked), np.nan, np.minimum(adjusted, 1.0))
    out = np.empty_like(adjusted)
    np.put_along_axis(out, order, adjusted, axis=-1)
    return out


def corrected_alpha(alpha: float, p_values: Any, adjusted: Any) -> np.ndarray:
    """Per-comparison level alpha * p / p_adj (alpha itself when nothing was adjusted)."""
    p, q = np.asarray(p_values, dtype=float), np.asarray(adjusted, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where((q > 0) & (q > p), alpha * p / q, alpha)
    return np.minimum(level, alpha)
