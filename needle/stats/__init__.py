"""Experiment statistics on sufficient statistics: pure numpy/scipy/statsmodels, no I/O.

Every function accepts scalars or numpy arrays (one element per metric), so a whole experiment's
metrics are analysed in one vectorised call.
"""

from needle.stats.bayesian import (
    BetaComparison,
    EffectPosterior,
    GaussianPrior,
    beta_binomial,
    gaussian_best,
    gaussian_effect,
)
from needle.stats.corrections import adjust_p_values, corrected_alpha
from needle.stats.frequentist import Contrast, TestResult, contrast, fieller, welch
from needle.stats.moments import (
    Adjusted,
    Proportion,
    Quantile,
    Ratio,
    RatioAdjusted,
    SampleMean,
    adjusted_pair,
    ratio_adjusted_pair,
)
from needle.stats.power import minimum_detectable_effect, power, sample_needed
from needle.stats.sequential import confidence_sequence
from needle.stats.srm import SrmResult, check_srm
from needle.stats.twosample import (
    Interval,
    mean_difference,
    median_difference,
    proportion_difference,
)

__all__ = [
    "Adjusted",
    "BetaComparison",
    "Contrast",
    "EffectPosterior",
    "GaussianPrior",
    "Interval",
    "Proportion",
    "Quantile",
    "Ratio",
    "RatioAdjusted",
    "SampleMean",
    "SrmResult",
    "TestResult",
    "adjust_p_values",
    "adjusted_pair",
    "beta_binomial",
    "check_srm",
    "confidence_sequence",
    "contrast",
    "corrected_alpha",
    "fieller",
    "gaussian_best",
    "gaussian_effect",
    "mean_difference",
    "median_difference",
    "minimum_detectable_effect",
    "power",
    "proportion_difference",
    "ratio_adjusted_pair",
    "sample_needed",
    "welch",
]
