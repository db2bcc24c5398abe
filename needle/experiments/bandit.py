"""A bandit's next traffic weights from a per-unit table with a period column.

Each row is a unit with its arm, the period it arrived in and its metric value. The arms' means
are combined over periods with the same period shares for every arm (the weights changed
between periods, so pooling would mix periods unevenly), then Thompson sampling
(:func:`needle.stats.thompson`) gives each arm's chance to be best, the next weights and
whether to stop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from needle.errors import UserError
from needle.experiments.table import _labels, _numeric
from needle.io.frames import read_frame
from needle.stats import period_weighted, thompson


@dataclass(frozen=True)
class BanditSpec:
    variant: str
    metric: str
    period: str
    current: Mapping[str, float] | None = None  # this period's weights; None: equal
    top_two: bool = True
    lower_is_better: bool = False
    min_weight: float = 0.01


def _period_stats(values: np.ndarray, arm: np.ndarray, period: np.ndarray, arms: list[str]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, mean, variance) per (period, arm); binary values use p(1-p), others ddof 1."""
    periods = sorted(set(period.tolist()))
    n, mean, var = (np.zeros((len(periods), len(arms))) for _ in range(3))
    binary = bool(np.isin(values, (0.0, 1.0)).all())
    for i, p in enumerate(periods):
        for j, a in enumerate(arms):
            x = values[(period == p) & (arm == a)]
            n[i, j] = len(x)
            if len(x):
                mean[i, j] = x.mean()
                var[i, j] = mean[i, j] * (1 - mean[i, j]) if binary else (
                    x.var(ddof=1) if len(x) > 1 else 0.0)
    return n, mean, var


def bandit_table(path: Path, spec: BanditSpec) -> dict[str, Any]:
    """The bandit's state and next weights from the table at ``path``."""
    frame = read_frame(path)
    missing = [c for c in (spec.variant, spec.metric, spec.period) if c not in frame.columns]
    if missing:
        raise UserError(f"{path}: no column {missing[0]!r}; columns are "
                        f"{', '.join(map(str, frame.columns))}")
    arm = _labels(frame, spec.variant, path)
    arms = sorted(set(arm.tolist()))
    if len(arms) < 2:
        raise UserError(f"{path}: a bandit needs at least 2 arms, found {arms}")
    current = _current(arms, spec.current)
    n, mean, var = _period_stats(_numeric(frame, spec.metric, path), arm,
                                 _labels(frame, spec.period, path), arms)
    units, arm_mean, arm_var = period_weighted(n, mean, var)
    r = thompson(units, arm_mean, arm_var, current, inverse=spec.lower_is_better,
                 top_two=spec.top_two, min_weight=spec.min_weight)
    rows = zip(arms, units, arm_mean, r.posterior_mean, r.posterior_sd, r.ci_lower, r.ci_upper,
               r.best_arm_probabilities, r.weights, strict=True)
    return {
        "arms": [{"name": name, "units": int(u), "mean": _num(m), "posterior_mean": _num(pm),
                  "posterior_sd": _num(sd), "ci": [_num(lo), _num(hi)],
                  "chance_to_be_best": _num(best), "next_weight": float(w)}
                 for name, u, m, pm, sd, lo, hi, best, w in rows],
        "periods": len(n), "top_two": spec.top_two, "enough_units": r.enough_units,
        "stop": r.stop, "winner": None if r.winner is None else arms[r.winner],
        "message": r.message if r.winner is None else (
            f"stop: {arms[r.winner]} is best with probability "
            f"{r.best_arm_probabilities[r.winner]:.3f}"),
    }


def _current(arms: list[str], weights: Mapping[str, float] | None) -> np.ndarray:
    if weights is None:
        return np.full(len(arms), 1 / len(arms))
    if set(weights) != set(arms):
        raise UserError(f"current weights name {sorted(weights)}, the table's arms are {arms}",
                        field="weights", value=dict(weights))
    w = np.array([weights[a] for a in arms], dtype=float)
    return w / w.sum()


def _num(x: Any) -> float | None:
    return float(x) if np.isfinite(x) else None
