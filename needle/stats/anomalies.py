"""Anomalies in a metric series: a score in [0, 1] per point and an alert decision.

The detector is causal (a point is judged only on the points before it), so the score of last
week does not change when this week arrives, and it works for any regular interval:

1. *Seasonality learned from the series.* The period is the daily or weekly lag (in rows, from
   the interval) whose autocorrelation is clearly positive; the expected value of a point is the
   median of the same phase in the last three periods (robust to one odd day, such as a holiday),
   or, without a period, the median of the last 30 points.
2. *Robust surprise.* The residual (less its usual level, which a growing series keeps above
   zero) is measured in units of the median absolute residual so far (outliers do not inflate
   the scale); a short mean of residuals catches level shifts and trend breaks that no single
   point shows; a value beyond the range seen so far counts as well.
3. *Surprise relative to the series' own history* (as Numenta's anomaly likelihood): the recent
   mean of the log surprise (six points; three for hourly or coarser series) against its
   mean and spread so far, so a spiky series must spike more than it usually does. The score is
   the normal distribution function of that statistic.
4. *Alert decision.* A point alerts when its score reaches the threshold, unless another alert
   fired within the cool-down (one alert per incident).

Statsmodels' STL/MSTL decompose a whole series at once, so using them causally means refitting at
every point (hundreds of fits per series); the rolling medians here give the same robustness in
one pass, which keeps 10,000 points well under a second. Parameters are fixed (not fitted per
series); ``docs/review.md`` records how they score on the Numenta Anomaly Benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm

DEFAULT_THRESHOLD = 0.9987  # about three standard deviations of surprise
_SPANS_SECONDS = (86_400, 7 * 86_400)  # the daily and the weekly cycle
_MIN_AUTOCORRELATION = 0.3
_SEASONS = 3  # past periods whose median is a point's expectation
_LOCAL_WINDOW = 30  # points whose median is the expectation without a period
_SHORT = 6  # points averaged to see a level shift, and to smooth the surprise
_SCALE_WINDOW = 2000  # points behind the residual scale and the range
_HISTORY = 300  # at most this many points before the scale is trusted
_MIN_HISTORY = 14  # at least this many (two weeks of a daily series)
_COOLDOWN = 120  # at most this many points between two alerts on one incident
_WEIGHTS = (0.15, 0.25, 1.0)  # point residual, short-mean residual, beyond the range
_SHORT_COARSE = 3  # the smoothing for coarse series (a point an hour or more apart)


@dataclass(frozen=True)
class SeriesScores:
    """The detector's output, one element per input point."""

    score: NDArray[np.float64]
    alert: NDArray[np.bool_]
    period: int


def seasonal_period(values: NDArray[np.float64], step_seconds: float) -> int:
    """The daily or weekly period in rows with the strongest autocorrelation, or 0."""
    best, best_corr = 0, _MIN_AUTOCORRELATION
    for span in _SPANS_SECONDS:
        lag = round(span / step_seconds) if step_seconds > 0 else 0
        if lag < 2 or _SEASONS * lag >= values.size:
            continue
        head, tail = values[:-lag], values[lag:]
        if np.std(head) == 0 or np.std(tail) == 0:
            continue
        corr = float(np.corrcoef(head, tail)[0, 1])
        if corr > best_corr:
            best, best_corr = lag, corr
    return best


def _expected(values: pd.Series, period: int) -> NDArray[np.float64]:
    if period:
        lags = pd.concat([values.shift(k * period) for k in range(1, _SEASONS + 1)], axis=1)
        return lags.median(axis=1, skipna=False).to_numpy()
    return values.shift(1).rolling(_LOCAL_WINDOW, min_periods=5).median().to_numpy()


def surprise(values: NDArray[np.float64], period: int) -> NDArray[np.float64]:
    """How unusual each point is given the points before it, in robust units (NaN while the
    history is too short)."""
    series = pd.Series(values)
    history = min(_HISTORY, max(values.size // 10, _MIN_HISTORY))
    residual = pd.Series(values - _expected(series, period))
    if period:  # a trend leaves seasonal residuals off zero: measure from their usual level
        residual = residual - residual.shift(1).rolling(_SCALE_WINDOW, min_periods=history).median()
    floor = float(np.nanmax(np.abs(values))) * 1e-3 + 1e-12 if values.size else 1e-12
    scale = residual.abs().shift(1).rolling(_SCALE_WINDOW, min_periods=history).median() * 1.4826
    scale = np.maximum(scale.fillna(np.inf).to_numpy(), floor)
    point = np.abs(residual.to_numpy()) / scale
    level = np.abs(residual.rolling(_SHORT).mean().to_numpy()) / scale
    past = series.shift(1)
    spread = (past.rolling(_SCALE_WINDOW, min_periods=history).quantile(0.75)
              - past.rolling(_SCALE_WINDOW, min_periods=history).quantile(0.25)).to_numpy()
    high = past.rolling(_SCALE_WINDOW, min_periods=history).max().to_numpy()
    low = past.rolling(_SCALE_WINDOW, min_periods=history).min().to_numpy()
    spread = np.maximum(np.nan_to_num(spread, nan=np.inf), floor)
    beyond = np.maximum(values - high, low - values) / spread
    parts = np.vstack([point * _WEIGHTS[0], level * _WEIGHTS[1], beyond * _WEIGHTS[2]])
    combined = np.nan_to_num(parts, nan=0.0).max(axis=0)
    combined[np.isnan(point) | np.isinf(scale)] = np.nan  # no expectation or scale yet
    return combined


def likelihood(raw: NDArray[np.float64], short: int = _SHORT) -> NDArray[np.float64]:
    """The recent mean of the log surprise, standardised by its mean and spread so far."""
    log = pd.Series(np.log1p(raw))
    needed = min(200, max(raw.size // 10, _MIN_HISTORY))
    past = log.shift(short)
    mean = past.expanding(min_periods=needed).mean()
    spread = past.expanding(min_periods=needed).std()
    recent = log.rolling(short, min_periods=1).mean()
    return ((recent - mean) / (spread + 1e-3)).fillna(-np.inf).to_numpy()


def alerts(score: NDArray[np.float64], threshold: float, cooldown: int) -> NDArray[np.bool_]:
    """Alert where the score reaches the threshold, at most once per ``cooldown`` points."""
    out = np.zeros(score.size, dtype=bool)
    last = -cooldown - 1
    for i in np.flatnonzero(score >= threshold).tolist():  # few candidates: a loop is clearest
        if i - last > cooldown:
            out[i] = True
            last = i
    return out


def score_series(values: ArrayLike, step_seconds: float,
                 threshold: float = DEFAULT_THRESHOLD) -> SeriesScores:
    """Score a regular series whose points are ``step_seconds`` apart."""
    data = np.asarray(values, dtype=np.float64)
    period = seasonal_period(data, step_seconds)
    short = _SHORT_COARSE if step_seconds >= 3600 else _SHORT
    score = norm.cdf(likelihood(surprise(data, period), short))
    cooldown = min(_COOLDOWN, period) if period else _COOLDOWN
    return SeriesScores(score=score, alert=alerts(score, threshold, cooldown), period=period)


def step_seconds(timestamps: ArrayLike) -> float:
    """The series' interval: the median gap between consecutive timestamps, in seconds."""
    times = np.asarray(timestamps, dtype="datetime64[ns]")
    if times.size < 2:
        return 0.0
    return float(np.median(np.diff(times).astype(np.int64))) / 1e9
