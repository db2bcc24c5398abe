"""Experiment statistics on sufficient statistics: pure numpy/scipy/statsmodels, no I/O.

Every function accepts scalars or numpy arrays (one element per metric), so a whole experiment's
metrics are analysed in one vectorised call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from needle import lazy

if TYPE_CHECKING:
    from needle.stats.bandits import BanditResult, period_weighted, thompson, top_two_probabilities
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
    from needle.stats.poststrat import post_stratified, post_stratified_contrast
    from needle.stats.sequential import confidence_sequence
    from needle.stats.sizing import (
        bayesian_power,
        family_size,
        minimum_detectable_effect,
        power,
        sample_needed,
    )
    from needle.stats.srm import SrmResult, check_srm
    from needle.stats.twosample import (
        Interval,
        mean_difference,
        median_difference,
        proportion_difference,
    )

# Loaded on first use (PEP 562): SciPy and statsmodels cost about half a second to import, and
# most commands never compute a statistic.
_EXPORTS = {
    "Adjusted": "needle.stats.moments",
    "BanditResult": "needle.stats.bandits",
    "BetaComparison": "needle.stats.bayesian",
    "Contrast": "needle.stats.frequentist",
    "EffectPosterior": "needle.stats.bayesian",
    "GaussianPrior": "needle.stats.bayesian",
    "Interval": "needle.stats.twosample",
    "Proportion": "needle.stats.moments",
    "Quantile": "needle.stats.moments",
    "Ratio": "needle.stats.moments",
    "RatioAdjusted": "needle.stats.moments",
    "SampleMean": "needle.stats.moments",
    "SrmResult": "needle.stats.srm",
    "TestResult": "needle.stats.frequentist",
    "adjust_p_values": "needle.stats.corrections",
    "adjusted_pair": "needle.stats.moments",
    "bayesian_power": "needle.stats.sizing",
    "beta_binomial": "needle.stats.bayesian",
    "check_srm": "needle.stats.srm",
    "confidence_sequence": "needle.stats.sequential",
    "contrast": "needle.stats.frequentist",
    "corrected_alpha": "needle.stats.corrections",
    "family_size": "needle.stats.sizing",
    "fieller": "needle.stats.frequentist",
    "gaussian_best": "needle.stats.bayesian",
    "gaussian_effect": "needle.stats.bayesian",
    "mean_difference": "needle.stats.twosample",
    "median_difference": "needle.stats.twosample",
    "minimum_detectable_effect": "needle.stats.sizing",
    "period_weighted": "needle.stats.bandits",
    "post_stratified": "needle.stats.poststrat",
    "post_stratified_contrast": "needle.stats.poststrat",
    "power": "needle.stats.sizing",
    "proportion_difference": "needle.stats.twosample",
    "ratio_adjusted_pair": "needle.stats.moments",
    "sample_needed": "needle.stats.sizing",
    "thompson": "needle.stats.bandits",
    "top_two_probabilities": "needle.stats.bandits",
    "welch": "needle.stats.frequentist",
}


__getattr__ = lazy.exports(__name__, _EXPORTS)


__all__ = [
    "Adjusted",
    "BanditResult",
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
    "bayesian_power",
    "beta_binomial",
    "check_srm",
    "confidence_sequence",
    "contrast",
    "corrected_alpha",
    "family_size",
    "fieller",
    "gaussian_best",
    "gaussian_effect",
    "mean_difference",
    "median_difference",
    "minimum_detectable_effect",
    "period_weighted",
    "post_stratified",
    "post_stratified_contrast",
    "power",
    "proportion_difference",
    "ratio_adjusted_pair",
    "sample_needed",
    "thompson",
    "top_two_probabilities",
    "welch",
]
