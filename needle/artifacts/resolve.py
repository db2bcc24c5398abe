"""Answers from other Needle packages that an artifact records as it is written."""

from __future__ import annotations

from typing import Any

from needle.analytics.engine import Engine
from needle.experiments.run import analyze_experiment
from needle.store import Store


def experiment_result(store: Store, engine: Engine, name: str) -> dict[str, Any]:
    """The experiment's verdict and its full analysis, as the ship post will keep them.

    Reading the result locks the experiment's hypothesis and decision rule, as any read does."""
    _, analysis = analyze_experiment(store, engine, name)
    return {"name": name, "summary": analysis.verdict, "result": analysis.to_json()}
