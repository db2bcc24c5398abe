"""``/experiments`` and ``/experiments/NAME``: the experiments, and one experiment's results the
GrowthBook way: a row per metric (and variant) with its interval drawn against zero, coloured by
verdict and labelled with it in words; the sample-ratio check as a banner; the Bayesian chance
to win; p-values to three significant digits.

The twins are what ``needle experiment list --json`` and ``needle experiment analyze NAME
--json`` print. As with the CLI, reading the results locks the hypothesis and decision rule.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from needle.experiments.analysis import AnalysisOptions
from needle.web.charts import experiment_intervals
from needle.web.pages import View, add_page
from needle.workspace import Workspace

router = APIRouter()
TARGET_POWER = AnalysisOptions().target_power


def verdict_label(comparison: dict[str, Any], lower_is_better: bool) -> str:
    """A comparison's verdict in a word or two: better, worse, no change (the test had the
    power to see the lift it was sized for), inconclusive, not computable."""
    if comparison["not_computable"]:
        return "not computable"
    if comparison["significant"]:
        rose = (comparison["absolute_effect"] or 0) > 0
        return "better" if rose != lower_is_better else "worse"
    power = comparison["power"]
    return "no change" if power is not None and power >= TARGET_POWER else "inconclusive"


def signed_pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{value * 100:+.1f}%"


def chance(value: float | None) -> str:
    """A chance as a percentage that never claims certainty: ``> 99.9%``, ``< 0.1%``."""
    if value is None:
        return "\u2013"
    return "> 99.9%" if value > 0.999 else "< 0.1%" if value < 0.001 else f"{value:.1%}"


def _interval(low: float | None, high: float | None, level: float | None,
              alternative: str = "two-sided") -> str:
    """``-1.0% to +3.2%``, or a one-sided test's single bound: ``above -1.0%``."""
    text = {"greater": f"above {signed_pct(low)}", "less": f"below {signed_pct(high)}"}.get(
        alternative, f"{signed_pct(low)} to {signed_pct(high)}")
    return text + (f" ({level * 100:g}% interval)" if level else "")


def result_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per metric and variant against control, with what the page and chart show."""
    lower = {m["name"]: bool(m.get("lower_is_better")) for m in data["experiment"]["metrics"]}
    several = len(data["variants"]) > 2
    rows = []
    for m in data["metrics"]:
        means = {v["name"]: v for v in m["variants"]}
        for c in m["comparisons"]:
            low, high = c["relative_ci"]
            rows.append({
                "row": f"{m['metric']}: {c['variant']}" if several else m["metric"],
                "metric": m["metric"], "kind": m["kind"], "variant": c["variant"],
                "control": c["control"], "control_mean": means[c["control"]]["mean"],
                "variant_mean": means[c["variant"]]["mean"], "effect": c["relative_effect"],
                "low": low, "high": high, "effect_text": signed_pct(c["relative_effect"]),
                "interval_text": _interval(low, high, c["ci_level"],
                                           c.get("alternative", "two-sided")),
                "p_value": c["p_value"],
                "chance_to_win": c["chance_to_win"], "chance_text": chance(c["chance_to_win"]),
                "lower_is_better": lower.get(m["metric"], False),
                "verdict": verdict_label(c, lower.get(m["metric"], False)),
                "sentence": c["verdict"],
            })
    return rows


def experiments(request: Request, workspace: Workspace) -> View:
    return View([e.to_json() for e in workspace.experiments()],
                {"events": bool(workspace.lake.files())})


def experiment(request: Request, workspace: Workspace) -> View:
    name = request.path_params["name"]
    found, analysis = workspace.analyze_experiment(name)
    data = {"experiment": found.to_json(), **analysis.to_json()}
    rows = result_rows(data)
    return View(data, {"title": f"Experiment {name}", "rows": rows,
                       "spec": experiment_intervals(rows),
                       "undrawn": [r for r in rows if r["low"] is None or r["high"] is None]})


add_page(router, "/experiments", "experiments.html", "Experiments", experiments)
add_page(router, "/experiments/{name}", "experiment.html", "Experiment", experiment)
