"""Per-variant sufficient statistics of an experiment's metrics: what the analysis consumes.

They come either from a per-unit table (:func:`from_units`, numpy) or from the event lake (SQL in
:mod:`needle.experiments.aggregate`); the analysis never sees individual units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS = ("proportion", "mean", "ratio", "quantile")


@dataclass(frozen=True)
class MetricSums:
    """One metric: per-variant count, sum and sum of squares (axis 0 = variants, control
    first); with covariates, their sums (k, p), cross products (k, p, p) and products with the
    metric (k, p)."""

    name: str
    kind: str
    n: np.ndarray
    sum: np.ndarray
    sum_squares: np.ndarray
    pre_sum: np.ndarray | None = None
    pre_cross: np.ndarray | None = None
    post_pre: np.ndarray | None = None
    # ratio metrics: the denominator's sum and sum of squares, and sum of products with it
    den_sum: np.ndarray | None = None
    den_sum_squares: np.ndarray | None = None
    num_den_sum: np.ndarray | None = None
    # quantile metrics: level, and per variant (n_star, estimate, lower, upper)
    nu: float | None = None
    quantile: np.ndarray | None = None


@dataclass(frozen=True)
class ExperimentSums:
    variants: tuple[str, ...]
    units: np.ndarray
    metrics: tuple[MetricSums, ...]
    covariates: tuple[str, ...] = ()


def metric_kind(values: np.ndarray) -> str:
    """Binary 0/1 metrics are proportions; everything else is a mean."""
    finite = values[~np.isnan(values)]
    return "proportion" if np.isin(finite, (0.0, 1.0)).all() else "mean"


def from_units(variant: np.ndarray, variants: Sequence[str], metrics: Mapping[str, np.ndarray],
               covariates: Mapping[str, np.ndarray] | None = None) -> ExperimentSums:
    """Sufficient statistics from per-unit arrays (one row per unit, no missing values)."""
    covariates = covariates or {}
    masks = [variant == name for name in variants]
    x = np.column_stack(list(covariates.values())) if covariates else None
    out = []
    for name, values in metrics.items():
        y = np.asarray(values, dtype=float)
        parts = [_arm(y[m], None if x is None else x[m]) for m in masks]
        stacked: list[Any] = [np.stack([p[i] for p in parts]) if parts[0][i] is not None
                              else None for i in range(6)]
        out.append(MetricSums(name, metric_kind(y), *stacked))  # type: ignore[arg-type]
    units = np.array([m.sum() for m in masks], dtype=float)
    return ExperimentSums(tuple(variants), units, tuple(out), tuple(covariates))


def _arm(y: np.ndarray, x: np.ndarray | None) -> tuple[Any, ...]:
    base = (np.float64(len(y)), y.sum(), (y * y).sum())
    if x is None:
        return (*base, None, None, None)
    return (*base, x.sum(axis=0), x.T @ x, x.T @ y)


def ratio_sums(name: str, variant: np.ndarray, variants: Sequence[str], num: np.ndarray,
               den: np.ndarray) -> MetricSums:
    """A ratio metric (sum of num over sum of den per variant), analysed by the delta method."""
    masks = [variant == v for v in variants]
    def per(values: np.ndarray) -> np.ndarray:
        return np.array([values[m].sum() for m in masks], dtype=float)
    n = np.array([m.sum() for m in masks], dtype=float)
    return MetricSums(name, "ratio", n, per(num), per(num * num), den_sum=per(den),
                      den_sum_squares=per(den * den), num_den_sum=per(num * den))


def quantile_sums(name: str, variant: np.ndarray, variants: Sequence[str], values: np.ndarray,
                  nu: float) -> MetricSums:
    """A quantile with the order-statistic interval at nu -/+ z sqrt(nu(1-nu)/n_star), n_star
    being the largest 100 * 2^k not above n, as GrowthBook computes it in SQL."""
    from needle.stats.frequentist import critical  # scipy: loaded only when a quantile is asked

    rows, n = [], []
    for v in variants:
        y = values[variant == v]
        n.append(float(len(y)))
        star = 100.0 * 2 ** np.floor(np.log2(max(len(y), 100) / 100)) if len(y) >= 100 else len(y)
        half = critical(0.05, None, "z") * np.sqrt(nu * (1 - nu) / max(star, 1))
        levels = np.clip([nu, nu - half, nu + half], 0, 1)
        rows.append([star, *np.quantile(y, levels, method="inverted_cdf")] if len(y) else
                    [0.0, np.nan, np.nan, np.nan])
    count = np.array(n)
    return MetricSums(name, "quantile", count, count * 0, count * 0, nu=nu,
                      quantile=np.array(rows, dtype=float))
