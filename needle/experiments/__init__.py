"""Experiments: definitions in the store, metrics from events or tables, honest analysis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from needle import lazy

if TYPE_CHECKING:
    from needle.experiments.analysis import AnalysisOptions, analyze
    from needle.experiments.definitions import (
        ExperimentSpec,
        create_experiment,
        get_experiment,
        list_experiments,
    )
    from needle.experiments.metrics import MetricDef, parse_metric
    from needle.experiments.results import Analysis
    from needle.experiments.run import analyze_experiment
    from needle.experiments.table import TableSpec, analyze_table

# Loaded on first use (PEP 562): importing the package, or one of its models, must stay cheap for
# commands that never run an analysis.
_EXPORTS = {
    "Analysis": "needle.experiments.results",
    "AnalysisOptions": "needle.experiments.analysis",
    "ExperimentSpec": "needle.experiments.definitions",
    "MetricDef": "needle.experiments.metrics",
    "TableSpec": "needle.experiments.table",
    "analyze": "needle.experiments.analysis",
    "analyze_experiment": "needle.experiments.run",
    "analyze_table": "needle.experiments.table",
    "create_experiment": "needle.experiments.definitions",
    "get_experiment": "needle.experiments.definitions",
    "list_experiments": "needle.experiments.definitions",
    "parse_metric": "needle.experiments.metrics",
}


__getattr__ = lazy.exports(__name__, _EXPORTS)


__all__ = [
    "Analysis",
    "AnalysisOptions",
    "ExperimentSpec",
    "MetricDef",
    "TableSpec",
    "analyze",
    "analyze_experiment",
    "analyze_table",
    "create_experiment",
    "get_experiment",
    "list_experiments",
    "parse_metric",
]
