"""The ``needle experiment`` commands end to end on a generated experiment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CREATE = ["experiment", "create", "checkout", "--exposure-event", "$feature_flag_called",
          "--variant-prop", "$feature_flag_response", "--filter", "$feature_flag=checkout-v2",
          "--control", "control", "--metric", "bought=conversion:purchase:7",
          "--metric", "ticket=conversion:support_ticket:14",
          "--hypothesis", "A shorter checkout raises purchases",
          "--decision-rule", "Ship if bought is significantly higher"]


def test_create_analyze_and_lock(cli, experiment_workspace) -> None:
    cli(*CREATE)
    listed = json.loads(cli("experiment", "list", "--json").output)
    assert [e["name"] for e in listed] == ["checkout"] and listed[0]["locked_at"] is None
    cli(*CREATE, "--replace")  # allowed: nobody has read results yet
    data = json.loads(cli("experiment", "analyze", "checkout", "--json").output)
    assert data["srm"]["ok"] and data["excluded"] == {"units_in_several_variants": 2}
    bought, ticket = data["metrics"]
    assert bought["comparisons"][0]["significant"] and not ticket["comparisons"][0]["significant"]
    assert data["experiment"]["locked_at"] is not None
    refused = cli(*CREATE, "--replace", ok=False)
    assert refused.exit_code == 1 and "was locked when its results were first read" in (
        refused.output)
    human = cli("experiment", "analyze", "checkout").output
    assert "Ship if bought is significantly higher" in human and "bought" in human


def test_definition_is_checked_before_storing(cli) -> None:
    bad = cli(*CREATE[:-4], ok=False)
    assert bad.exit_code != 0
    result = cli(*[a if a != "bought=conversion:purchase:7" else "conversion:purchase"
                   for a in CREATE], ok=False)
    assert "write it as conversion:EVENT:DAYS" in result.output
    assert json.loads(cli("experiment", "list", "--json").output) == []


def test_analyze_table_json_shape(cli, shared: Path) -> None:
    path = shared / "data" / "cookie-cats-ab" / "cookie_cats.csv"
    out = json.loads(cli("experiment", "analyze-table", str(path), "--unit", "userid",
                         "--variant", "version", "--control", "gate_30", "--metric",
                         "retention_7", "--json").output)
    assert set(out["srm"]) >= {"p_value", "ok"}
    metric = out["metrics"][0]
    assert metric["metric"] == "retention_7"
    assert {"name", "units", "mean"} <= set(metric["variants"][0])
    comparison = metric["comparisons"][0]
    assert {"variant", "control", "absolute_effect", "absolute_ci", "relative_effect",
            "relative_ci", "p_value", "chance_to_win", "significant"} <= set(comparison)
    assert comparison["variant"] == "gate_40" and comparison["control"] == "gate_30"


def test_analyze_table_bad_value_is_one_line(cli, tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("arm,converted\na,1\nb,maybe\n", encoding="utf-8")
    result = cli("experiment", "analyze-table", str(path), "--variant", "arm", "--metric",
                 "converted", ok=False)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: {path}: line 3: column 'converted': 'maybe' is not a number"]


def _uneven_table(tmp_path: Path) -> Path:
    """A 90/10 experiment: 900 control units, 100 test units; tickets fall in test."""
    rows = ["unit,arm,tickets"]
    rows += [f"c{i},control,{i % 3}" for i in range(900)]
    rows += [f"t{i},test,{i % 2}" for i in range(100)]
    path = tmp_path / "uneven.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_planned_split_decides_the_sample_ratio_check(cli, tmp_path: Path) -> None:
    from scipy.stats import chisquare

    path = _uneven_table(tmp_path)
    base = ["experiment", "analyze-table", str(path), "--unit", "unit", "--variant", "arm",
            "--metric", "tickets", "--json"]
    equal = json.loads(cli(*base).output)["srm"]
    assert not equal["ok"] and equal["p_value"] < 1e-100
    planned = json.loads(cli(*base, "--split", "control=90", "--split", "test=10").output)
    assert planned["srm"]["ok"]
    assert planned["srm"]["p_value"] == pytest.approx(chisquare([900, 100], [900, 100]).pvalue)
    skewed = json.loads(cli(*base, "--split", "control=0.8", "--split", "test=0.2").output)
    assert skewed["srm"]["p_value"] == pytest.approx(chisquare([900, 100], [800, 200]).pvalue)
    for split, message in [(["--split", "control=90"], "every variant once"),
                            (["--split", "control=9", "--split", "test=x"], "VARIANT=WEIGHT"),
                            (["--split", "control=9", "--split", "other=1"],
                             "are not in the planned split")]:
        refused = cli(*base, *split, ok=False)
        assert refused.exit_code == 1 and message in refused.output


def test_lower_is_better_turns_the_chance_to_win(cli, tmp_path: Path) -> None:
    path = _uneven_table(tmp_path)
    base = ["experiment", "analyze-table", str(path), "--variant", "arm", "--metric", "tickets",
            "--json"]
    higher = json.loads(cli(*base).output)["metrics"][0]["comparisons"][0]
    lower = json.loads(cli(*base, "--lower-is-better", "tickets").output)
    turned = lower["metrics"][0]["comparisons"][0]
    assert higher["absolute_effect"] < 0 and higher["chance_to_win"] < 0.5
    assert turned["chance_to_win"] == pytest.approx(1 - higher["chance_to_win"], abs=1e-9)
    assert turned["p_value"] == higher["p_value"]
    refused = cli(*base, "--lower-is-better", "nope", ok=False)
    assert "not a --metric" in refused.output


def test_split_and_direction_are_stored_with_the_experiment(cli, experiment_workspace) -> None:
    cli(*CREATE, "--split", "control=1", "--split", "test=1", "--lower-is-better", "ticket")
    shown = json.loads(cli("experiment", "show", "checkout", "--json").output)
    assert shown["split"] == {"control": 1.0, "test": 1.0}
    assert [m["lower_is_better"] for m in shown["metrics"]] == [False, True]
    data = json.loads(cli("experiment", "analyze", "checkout", "--json").output)
    assert data["srm"]["ok"]
    uneven = cli("experiment", "create", "other", *CREATE[3:], "--split", "control=9",
                 "--split", "test=1")
    assert uneven.exit_code == 0
    skewed = json.loads(cli("experiment", "analyze", "other", "--json").output)["srm"]
    assert not skewed["ok"] and "sample ratio mismatch" in skewed["warning"]
    refused = cli(*CREATE, "--replace", "--lower-is-better", "nope", ok=False)
    assert "no metric of that name" in refused.output


@pytest.mark.parametrize(("options", "message"), [
    (("--alpha", "0"), "alpha 0: it must be between 0 and 1 (0.05 for 95% intervals) (see "
                       "--alpha)"),
    (("--alpha", "1"), "alpha 1: it must be between 0 and 1"),
    (("--alpha", "nan"), "alpha nan: it must be between 0 and 1"),
    (("--mde", "0"), "mde 0: the relative lift to detect must be above 0 (0.05 for 5%) (see "
                     "--mde)"),
    (("--mde", "-0.1"), "mde -0.1: the relative lift to detect must be above 0"),
    (("--sequential", "0"), "sequential 0: the number of units the confidence sequences are "
                            "tuned for must be 1 or more (see --sequential)"),
    (("--split", "a=inf", "--split", "b=1"), "split 'a=inf': write it as VARIANT=WEIGHT with a "
                                             "finite weight of 0 or more (see --split)"),
    (("--split", "a=0", "--split", "b=0"), "split: give every variant once, at least two of "
                                           "them with a weight above 0 (see --split)"),
    (("--metric", "spend"), "metric 'spend' is given twice; give each metric once (see --metric)"),
    (("--metric", "p100(spend)"), "metric 'p100(spend)': a quantile is above p0 and below p100"),
    (("--covariate", "spend"), "column 'spend' is both a metric and a covariate; a covariate is "
                               "measured before the experiment (see --covariate)"),
])
def test_analyze_table_refuses_settings_that_print_nonsense(cli, tmp_path: Path, options,
                                                            message: str) -> None:
    path = tmp_path / "units.csv"
    path.write_text("arm,spend\n" + "".join(f"{'ab'[i % 2]},{i % 7}\n" for i in range(40)),
                    encoding="utf-8")
    result = cli("experiment", "analyze-table", str(path), "--variant", "arm", "--metric",
                 "spend", *options, ok=False)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith(f"error: {message}")


@pytest.mark.parametrize("options", [("--mde", "-1"), ("--alpha", "2"), ("--sequential", "0.5")])
def test_a_definition_with_nonsense_settings_is_not_stored(cli, options) -> None:
    result = cli(*CREATE, *options, ok=False)
    assert result.exit_code == 1 and result.output.startswith("error: ")
    assert json.loads(cli("experiment", "list", "--json").output) == []


@pytest.mark.parametrize("spec", ["conversion:purchase:nan", "count:purchase:inf",
                                  "retention:purchase:-1", "sum:purchase:amount:soon"])
def test_a_metric_window_that_is_not_a_number_of_days_is_refused(cli, spec: str) -> None:
    result = cli(*[spec if a == "bought=conversion:purchase:7" else a for a in CREATE],
                 ok=False)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith(f"error: metric {spec!r}: ")
    assert json.loads(cli("experiment", "list", "--json").output) == []


@pytest.mark.parametrize(("rows", "options", "message"), [
    (["a,1,0", ",0,0", "b,1,0"], (), "line 3: column 'arm' is empty; every unit needs one"),
    (["a,1,0", "b,0,", "b,1,0"], (), "line 3: column 'period' is empty; every unit needs one"),
    (["a,1,0", "b,0,0"], ("--weights", "a=nan", "--weights", "b=1"),
     "weights 'a=nan': write it as VARIANT=WEIGHT with a finite weight of 0 or more (see "
     "--weights)"),
])
def test_a_bandit_table_or_weight_it_cannot_use_is_one_line(cli, tmp_path: Path, rows, options,
                                                           message: str) -> None:
    path = tmp_path / "arms.csv"
    path.write_text("\n".join(["arm,y,period", *rows]) + "\n", encoding="utf-8")
    result = cli("experiment", "bandit", str(path), "--variant", "arm", "--metric", "y",
                 "--period", "period", *options, ok=False)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert message in result.output
