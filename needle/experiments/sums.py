"""Per-variant sufficient statistics of an experiment's metrics: what the analysis consumes.

They come either from a per-unit table (:func:`from_units`, numpy) or from the event lake (SQL in
:mod:`needle.experiments.aggregate`); the analysis never sees individual units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS = ("proportion", "mean")


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
