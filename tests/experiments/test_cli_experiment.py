"""The ``needle experiment`` commands end to end on a generated experiment."""

from __future__ import annotations

import json
from pathlib import Path

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
