"""Before and after a ship date: windows aligned by weekday, an interval, and a plain verdict.

Both windows span the same whole number of weeks, starting on the same weekday, so a product
with a weekly rhythm compares like with like. The interval is for after minus before:
Newcombe's for a difference of proportions (statsmodels), Welch's for a difference of means
(scipy) and a bootstrap percentile interval for a difference of medians (scipy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from needle.analytics.engine import Engine
from needle.artifacts.metrics import (
    Measurement,
    Metric,
    Window,
    data_span,
    measure,
    user_values,
)
from needle.errors import UserError

if TYPE_CHECKING:  # SciPy loads when something is compared, not when artifacts are listed
    import numpy as np

    from needle.stats.twosample import Interval

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Comparison:
    metric: Metric
    before: Measurement
    after: Measurement
    difference: float
    low: float
    high: float
    p_value: float
    method: str

    @property
    def distinguishable(self) -> bool:
        """The interval of the change excludes zero."""
        return self.low > 0 or self.high < 0

    def interval_text(self) -> str:
        return f"{CONFIDENCE:.0%} CI {self._delta(self.low)} to {self._delta(self.high)}"

    def statement(self) -> str:
        moved = (f"{self.metric.label} moved {self.metric.format(self.before.value)} → "
                 f"{self.metric.format(self.after.value)} ({self._delta(self.difference)}, "
                 f"{self.interval_text()}, p = {self.p_value:.3g})")
        if self.distinguishable:
            return f"{moved}. The interval excludes zero: the change is distinguishable from noise."
        return (f"{moved}. The interval includes zero: the change is not distinguishable "
                "from noise.")

    def _delta(self, value: float) -> str:
        if self.metric.unit == "rate":
            return f"{value * 100:+.1f} pts"
        return f"{value:+.2f}"

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric.spec, "label": self.metric.label,
            "before": self.before.to_json(), "after": self.after.to_json(),
            "difference": self.difference, "low": self.low, "high": self.high,
            "confidence": CONFIDENCE, "p_value": self.p_value, "method": self.method,
            "distinguishable": self.distinguishable, "statement": self.statement(),
        }


def aligned_windows(engine: Engine, metric: Metric, shipped_on: date,
                    weeks: int) -> tuple[Window, Window]:
    """Equal whole-week windows either side of ``shipped_on``, shortened to the data there is
    (after cohorts need their full conversion window before the last event)."""
    span = data_span(engine)
    last_usable = span.end - timedelta(days=metric.within_days or 0)
    available = min((last_usable - shipped_on).days, (shipped_on - span.start).days) // 7
    weeks = min(weeks, available)
    if weeks < 1:
        raise UserError(
            f"the events span {span}: need at least one whole week of data on each side of "
            f"{shipped_on} (plus {metric.within_days or 0} days to convert) to compare",
            field="shipped_on", value=shipped_on.isoformat())
    length = timedelta(weeks=weeks)
    return Window(shipped_on - length, shipped_on), Window(shipped_on, shipped_on + length)


def compare(engine: Engine, metric: Metric, shipped_on: date, weeks: int = 4) -> Comparison:
    before_w, after_w = aligned_windows(engine, metric, shipped_on, weeks)
    before, after = measure(engine, metric, before_w), measure(engine, metric, after_w)
    if not before.n or not after.n or before.value is None or after.value is None:
        raise UserError(f"{metric.spec}: no users in the window {before_w} or {after_w}",
                        field="shipped_on", value=shipped_on.isoformat())
    if metric.kind == "conversion":
        low, high, p, method = _proportions(before, after)
    else:
        a, b = user_values(engine, metric, after_w), user_values(engine, metric, before_w)
        low, high, p, method = (_medians(a, b) if metric.kind == "median_days"
                                else _means(a, b))
    return Comparison(metric, before, after, after.value - before.value, low, high, p, method)


def _proportions(before: Measurement, after: Measurement) -> tuple[float, float, float, str]:
    assert before.value is not None and after.value is not None
    from needle.stats.twosample import proportion_difference

    hits_a, hits_b = round(after.value * after.n), round(before.value * before.n)
    return _fields(proportion_difference(hits_a, after.n, hits_b, before.n, CONFIDENCE))


def _means(after: np.ndarray, before: np.ndarray) -> tuple[float, float, float, str]:
    from needle.stats.twosample import mean_difference

    return _fields(mean_difference(after, before, CONFIDENCE))


def _medians(after: np.ndarray, before: np.ndarray) -> tuple[float, float, float, str]:
    from needle.stats.twosample import median_difference

    return _fields(median_difference(after, before, CONFIDENCE))


def _fields(interval: Interval) -> tuple[float, float, float, str]:
    return interval.low, interval.high, interval.p_value, interval.method
