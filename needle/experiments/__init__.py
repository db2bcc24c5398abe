"""Experiments: definitions in the store, metrics from events or tables, honest analysis."""

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
