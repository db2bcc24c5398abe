"""The review's sections drawn from artifacts: themes on the move and experiments to decide."""

from __future__ import annotations

from typing import Any

from needle.analytics.engine import Engine
from needle.artifacts.week import waiting_experiments
from needle.experiments.run import analyze_experiment
from needle.store import Store
from needle.themes.view import list_themes

READY_POWER = 0.8


def themes_moving(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Themes whose weekly evidence is rising or falling, largest first."""
    out: dict[str, list[dict[str, Any]]] = {"rising": [], "falling": []}
    for theme in list_themes(store).themes:
        if theme.trend.direction in out:
            out[theme.trend.direction].append({"id": theme.id, "label": theme.label,
                                               "size": theme.size,
                                               "weeks": theme.trend.counts})
    return out


def experiments_to_decide(store: Store, engine: Engine) -> list[dict[str, Any]]:
    """Experiments no decision cites yet that are ready (a significant result, which for a
    sequential test is a crossed boundary, or the planned power reached on every metric) or
    whose split is off (sample-ratio mismatch). Only experiments already analysed are measured:
    the first analysis locks an experiment, and a review must not."""
    found = []
    with store.session() as session:
        waiting = [e for e in waiting_experiments(session) if e["analysed"]]
    for entry in waiting:
        _, analysis = analyze_experiment(store, engine, entry["name"])
        comparisons = [c for m in analysis.metrics for c in m.comparisons]
        significant = any(c.significant for c in comparisons)
        powered = bool(comparisons) and all((c.power or 0.0) >= READY_POWER for c in comparisons)
        srm_problem = not analysis.srm.ok
        if significant or powered or srm_problem:
            found.append({"name": entry["name"], "decision_rule": entry["decision_rule"],
                          "ready": significant or powered,
                          "why": "a significant result" if significant else
                          ("planned power reached" if powered else "not ready"),
                          "srm_problem": srm_problem, "verdict": analysis.verdict})
    return found
