"""Answers from other Needle packages that an artifact records as it is written."""

from __future__ import annotations

from typing import Any

from needle.experiments import analyze_experiment
from needle.workspace import Workspace


def experiment_result(workspace: Workspace, name: str) -> dict[str, Any]:
    """The experiment's verdict and its full analysis, as the ship post will keep them.

    Reading the result locks the experiment's hypothesis and decision rule, as any read does."""
    _, analysis = analyze_experiment(workspace, name)
    return {"name": name, "summary": analysis.verdict, "result": analysis.to_json()}
