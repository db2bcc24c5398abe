"""Guardrail (counter) metrics: named and tagged at definition, warned about when missing, and
a significant worsening said first in the verdict."""

from __future__ import annotations

import json

import numpy as np
import pytest

from needle.errors import UserError
from needle.experiments.analysis import AnalysisOptions, analyze
from needle.experiments.definitions import ExperimentSpec, mark_guardrails, warnings
from needle.experiments.metrics import parse_metric
from needle.experiments.sums import ExperimentSums, MetricSums
from tests.experiments.test_cli_experiment import CREATE

METRICS = (parse_metric("bought=conversion:purchase:7"),
           parse_metric("ticket=conversion:support_ticket:14"))


def _sums(goal: list[float], counter: list[float]) -> ExperimentSums:
    n = np.array([2000.0, 2000.0])
    return ExperimentSums(("control", "test"), n, tuple(
        MetricSums(name, "proportion", n, np.array(c), np.array(c))
        for name, c in (("bought", goal), ("ticket", counter))))


@pytest.mark.parametrize(("counter", "lower", "flagged"), [
    ([600.0, 450.0], frozenset(), True),  # fewer tickets where more is better: worse
    ([600.0, 450.0], frozenset({"ticket"}), False),  # a fall is the good direction
    ([450.0, 600.0], frozenset({"ticket"}), True),  # more tickets, fewer wanted: worse
    ([600.0, 605.0], frozenset(), False),  # no significant move
])
def test_a_worse_guardrail_is_said_first(counter: list[float], lower: frozenset[str],
                                         flagged: bool) -> None:
    options = AnalysisOptions(guardrails=frozenset({"ticket"}), lower_is_better=lower)
    verdict = analyze(_sums([1000.0, 1010.0], counter), options).verdict
    assert verdict.startswith("GUARDRAIL ticket got worse") is flagged
    assert "bought" in verdict  # the goal's verdict follows


def test_without_the_option_nothing_is_a_guardrail() -> None:
    assert "GUARDRAIL" not in analyze(_sums([1000.0, 1010.0], [600.0, 450.0])).verdict


def test_definitions_mark_tag_and_warn() -> None:
    marked = mark_guardrails(METRICS, ["ticket"], ["bought=leading", "ticket=lagging"])
    assert [(m.guardrail, m.timing) for m in marked] == [(False, "leading"), (True, "lagging")]
    spec = ExperimentSpec("x", "exposed", "variant", marked, "h", "r")
    assert warnings(spec) == []
    bare = ExperimentSpec("x", "exposed", "variant", METRICS, "h", "r")
    assert [w.split(":")[0] for w in warnings(bare)] == [
        "experiment 'x' has no guardrail metric", "metrics ['bought', 'ticket'] are not tagged "
        "leading or lagging"]


@pytest.mark.parametrize(("names", "timings", "message"), [
    (["bought"], [], "is the goal metric"),
    (["nope"], [], "no metric of that name"),
    ([], ["ticket=soon"], "write NAME=leading or NAME=lagging"),
])
def test_bad_guardrails_are_refused(names: list[str], timings: list[str], message: str) -> None:
    with pytest.raises(UserError, match=message):
        mark_guardrails(METRICS, names, timings)


def test_the_cli_stores_them_and_warns_when_none(cli, experiment_workspace) -> None:
    bare = cli(*CREATE)
    assert "warning: experiment 'checkout' has no guardrail metric" in bare.stderr
    guarded = cli(*CREATE, "--replace", "--guardrail", "ticket", "--timing", "bought=leading",
                  "--timing", "ticket=lagging")
    assert "warning" not in guarded.stderr
    metrics = json.loads(cli("experiment", "show", "checkout", "--json").output)["metrics"]
    assert [(m["guardrail"], m["timing"]) for m in metrics] == [(False, "leading"),
                                                                (True, "lagging")]
