"""Holm and Benjamini-Hochberg against statsmodels, and intervals that agree with decisions."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from needle.stats import Proportion, adjust_p_values, contrast, corrected_alpha, welch


@pytest.mark.parametrize(("method", "name"), [("holm", "holm"), ("bh", "fdr_bh")])
def test_matches_statsmodels(method: str, name: str) -> None:
    rng = np.random.default_rng(7)
    for size in (2, 3, 7, 40):
        p = rng.uniform(0, 0.2, size) ** 2
        assert np.allclose(adjust_p_values(p, method), multipletests(p, method=name)[1],
                           atol=1e-15)


def test_not_computable_entries_do_not_count() -> None:
    p = np.array([0.01, np.nan, 0.04])
    holm = adjust_p_values(p, "holm")
    assert np.isnan(holm[1]) and np.allclose(holm[[0, 2]], [0.02, 0.04])


def test_significant_never_has_an_interval_crossing_zero() -> None:
    rng = np.random.default_rng(8)
    n = 2_000
    a = Proportion(n, rng.binomial(n, 0.1, (500, 12)))
    b = Proportion(n, rng.binomial(n, 0.108, (500, 12)))
    c = contrast(a, b)
    p = welch(c, 0.05).p_value
    for method in ("holm", "bh"):
        adjusted = adjust_p_values(p, method)
        r = welch(c, corrected_alpha(0.05, p, adjusted))
        excludes_zero = (r.ci_lower > 0) | (r.ci_upper < 0)
        assert np.array_equal(excludes_zero, adjusted <= 0.05)
        assert (adjusted <= 0.05).any() and (adjusted > 0.05).any()
