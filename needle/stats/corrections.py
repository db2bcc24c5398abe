"""Multiple comparisons: Holm and Benjamini-Hochberg, with intervals at the corrected level.

The adjusted p-value p_adj decides "significant" (p_adj <= alpha). Each comparison's interval
is then drawn at its own corrected level alpha * p / p_adj, the level at which the unadjusted
test would reach the same decision, so a significant result never has an interval that crosses
zero and a non-significant one always does.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from statsmodels.stats.multitest import multipletests

Correction = Literal["none", "holm", "bh"]
_METHODS = {"holm": "holm", "bh": "fdr_bh"}


def adjust_p_values(p_values: Any, method: Correction) -> np.ndarray:
    """Adjusted p-values; NaN (not computable) entries stay NaN and do not count."""
    p = np.asarray(p_values, dtype=float)
    out = p.copy()
    ok = ~np.isnan(p)
    if method != "none" and ok.sum() > 1:
        out[ok] = multipletests(p[ok], method=_METHODS[method])[1]
    return out


def corrected_alpha(alpha: float, p_values: Any, adjusted: Any) -> np.ndarray:
    """Per-comparison level alpha * p / p_adj (alpha itself when nothing was adjusted)."""
    p, q = np.asarray(p_values, dtype=float), np.asarray(adjusted, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where((q > 0) & (q > p), alpha * p / q, alpha)
    return np.minimum(level, alpha)
