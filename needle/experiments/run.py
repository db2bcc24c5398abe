"""Analyse a stored experiment from the workspace's events (and lock its definition)."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from needle.analytics.engine import Engine
from needle.analytics.specs import Exposure
from needle.experiments.aggregate import aggregate
from needle.experiments.analysis import AnalysisOptions, analyze
from needle.experiments.definitions import flag_arms, get_experiment, lock
from needle.experiments.models import Experiment
from needle.experiments.results import Analysis
from needle.stats.corrections import Correction
from needle.stats.frequentist import Alternative
from needle.store import Store


def analyze_experiment(store: Store, engine: Engine, name: str) -> tuple[Experiment, Analysis]:
    """Aggregate the experiment's metrics from events and analyse them; the first call locks
    the hypothesis and decision rule."""
    experiment = get_experiment(store, name)
    exposure = Exposure(experiment.exposure_event, experiment.variant_property,
                        tuple((k, v) for k, v in experiment.exposure_filters))
    arms = flag_arms(experiment.exposure_event, experiment.variant_property, experiment.split)
    data = aggregate(engine, exposure, experiment.metric_defs, experiment.control, arms)
    options = AnalysisOptions(
        alpha=experiment.alpha, correction=cast(Correction, experiment.correction),
        sequential_tuning=experiment.sequential_tuning, mde=experiment.mde,
        units_per_day=data.units_per_day, split=experiment.split,
        lower_is_better=frozenset(m.name for m in experiment.metric_defs if m.lower_is_better),
        guardrails=frozenset(m.name for m in experiment.metric_defs if m.guardrail),
        alternatives={m.name: cast(Alternative, m.alternative) for m in experiment.metric_defs})
    result = analyze(data.sums, options)
    lock(store, name)
    excluded = {"units_in_several_variants": data.mixed_units}
    return get_experiment(store, name), replace(result, excluded=excluded)
