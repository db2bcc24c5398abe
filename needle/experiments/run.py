"""Analyse a stored experiment from the workspace's events (and lock its definition)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from needle.experiments.aggregate import ExposureSpec, aggregate
from needle.experiments.analysis import AnalysisOptions, analyze
from needle.experiments.definitions import get_experiment, lock
from needle.experiments.models import Experiment
from needle.experiments.results import Analysis
from needle.stats.corrections import Correction


def analyze_experiment(workspace: Any, name: str) -> tuple[Experiment, Analysis]:
    """Aggregate the experiment's metrics from the lake and analyse them; the first call locks
    the hypothesis and decision rule."""
    experiment = get_experiment(workspace, name)
    exposure = ExposureSpec(experiment.exposure_event, experiment.variant_property,
                            tuple((k, v) for k, v in experiment.exposure_filters))
    data = aggregate(workspace.lake.files(), exposure, experiment.metric_defs,
                     experiment.control, cache_dir=workspace.cache_dir / "analytics")
    options = AnalysisOptions(
        alpha=experiment.alpha, correction=cast(Correction, experiment.correction),
        sequential_tuning=experiment.sequential_tuning, mde=experiment.mde,
        units_per_day=data.units_per_day, split=experiment.split,
        lower_is_better=frozenset(m.name for m in experiment.metric_defs if m.lower_is_better))
    result = analyze(data.sums, options)
    lock(workspace, name)
    excluded = {"units_in_several_variants": data.mixed_units}
    return get_experiment(workspace, name), replace(result, excluded=excluded)
