"""An experiment's per-unit metrics from events, as per-variant sums shaped for analysis.

The engine answers an :class:`~needle.analytics.specs.ExperimentQuery`; this module only picks
the control, orders the variants and counts the units seen in several variants.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from needle.analytics.engine import Engine, run
from needle.analytics.results import ExperimentResult
from needle.analytics.specs import ExperimentQuery, Exposure
from needle.errors import UserError
from needle.experiments.metrics import MetricDef
from needle.experiments.sums import ExperimentSums, MetricSums


@dataclass(frozen=True)
class Aggregated:
    sums: ExperimentSums
    mixed_units: int
    units_per_day: float | None


def aggregate(engine: Engine, exposure: Exposure, metrics: Sequence[MetricDef],
              control: str | None, arms: Collection[str] | None = None) -> Aggregated:
    """Measure ``metrics`` per variant and shape them for
    :func:`needle.experiments.analysis.analyze`; with ``arms``, units exposed to another
    variant are not in the experiment."""
    spec = ExperimentQuery(exposure, tuple(m.unit_metric for m in metrics))
    result = run(engine, spec)
    assert isinstance(result, ExperimentResult)
    mixed = next((v.units for v in result.variants if v.variant is None), 0)
    rows = [v for v in result.variants if v.variant is not None
            and (arms is None or v.variant in arms)]
    names = [v.variant for v in rows]
    if not rows:
        where = " with those filters" if exposure.filters else ""
        raise UserError(f"no unit was exposed: no {exposure.event!r} event carries "
                        f"{exposure.variant_property!r}{where}")
    control = control or ("control" if "control" in names else names[0])
    if control not in names:
        raise UserError(f"control {control!r} was never exposed; variants seen: {names}",
                        field="control", value=control)
    rows.sort(key=lambda v: (v.variant != control, v.variant))
    n = np.array([float(v.units) for v in rows])
    metric_sums = tuple(
        MetricSums(m.name, "proportion" if m.binary else "mean", n,
                   np.array([v.sums[i] for v in rows], dtype=float),
                   np.array([v.squares[i] for v in rows], dtype=float))
        for i, m in enumerate(metrics))
    first = min(v.first_exposed for v in rows)
    last = max(v.last_exposed for v in rows)
    span = (last - first) / 86400
    per_day = float(n.sum()) / span if span >= 1 else None
    variants = tuple(v.variant or "" for v in rows)
    return Aggregated(ExperimentSums(variants, n, metric_sums), mixed, per_day)
