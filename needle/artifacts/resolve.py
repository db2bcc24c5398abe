"""Answers from other Needle packages, through their public functions, when they exist."""

from __future__ import annotations

from typing import Any

from needle.artifacts.links import optional_api
from needle.workspace import Workspace


def experiment_result(workspace: Workspace, name: str) -> dict[str, Any]:
    """The experiment's headline result, or a note that it cannot be read here."""
    analyse = optional_api("needle.experiments", "analyse_experiment")
    if analyse is None:
        return {"name": name, "summary": "result not available in this workspace"}
    result = analyse(workspace, name)
    summary = result.summary() if hasattr(result, "summary") else str(result)
    data = result.to_json() if hasattr(result, "to_json") else {}
    return {"name": name, "summary": summary, "result": data}
