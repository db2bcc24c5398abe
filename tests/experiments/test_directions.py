"""One-sided metrics, zero-weight arms and unit detection, through tables, definitions and the
CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from needle.errors import UserError
from needle.experiments import AnalysisOptions, TableSpec, analyze_table
from needle.experiments.definitions import parse_directions
from needle.experiments.table import _exclusions
from tests.experiments.test_cli_experiment import CREATE


@pytest.fixture
def cookie_cats(shared: Path) -> Path:
    return shared / "data" / "cookie-cats-ab" / "cookie_cats.csv"


def _retention(path: Path, alternative: str, **options: object) -> object:
    spec = TableSpec("version", ("retention_7",), unit="userid", control="gate_30")
    result = analyze_table(path, spec, AnalysisOptions(
        correction="none", alternatives={"retention_7": alternative}, **options))  # type: ignore[arg-type]
    return result.metrics[0].comparisons[0]


def test_one_sided_tests_on_cookie_cats(cookie_cats: Path) -> None:
    """Moving the gate to level 40 lowered 7-day retention: the "less" test has half the
    two-sided p-value (scipy's Welch on the same counts, with the binomial sd sqrt(p(1-p)))
    and an interval open below."""
    frame = pd.read_csv(cookie_cats)
    arms = [frame.loc[frame.version == v, "retention_7"].astype(float) for v in
            ("gate_40", "gate_30")]
    two = _retention(cookie_cats, "two-sided")
    less = _retention(cookie_cats, "less")
    greater = _retention(cookie_cats, "greater")
    (m1, n1), (m2, n2) = ((x.mean(), len(x)) for x in arms)
    ref = stats.ttest_ind_from_stats(m1, np.sqrt(m1 * (1 - m1)), n1, m2, np.sqrt(m2 * (1 - m2)),
                                     n2, equal_var=False, alternative="less")
    assert less.p_value == pytest.approx(ref.pvalue, rel=1e-6)
    assert less.p_value == pytest.approx(two.p_value / 2, rel=1e-9)
    assert greater.p_value == pytest.approx(1 - less.p_value, rel=1e-9)
    assert less.absolute_ci[0] is None and less.absolute_ci[1] < 0  # (-inf, upper)
    assert less.relative_ci[0] is None and less.relative_ci[1] < 0
    assert greater.absolute_ci[1] is None and not greater.significant
    assert less.significant and less.alternative == "less"


def test_one_sided_sequential_on_cookie_cats(cookie_cats: Path) -> None:
    less = _retention(cookie_cats, "less", sequential_tuning=50_000)
    two = _retention(cookie_cats, "two-sided", sequential_tuning=50_000)
    assert less.absolute_ci[0] is None
    assert less.absolute_ci[1] < two.absolute_ci[1]  # the one-sided bound is tighter
    assert less.p_value < two.p_value


def test_directions_are_parsed_per_metric() -> None:
    assert parse_directions(["a", "b"], ["less", "b=greater"]) == {"a": "less", "b": "greater"}
    with pytest.raises(UserError, match="must be one of two-sided, greater, less"):
        parse_directions(["a"], ["a=up"])
    with pytest.raises(UserError, match="no metric 'c'"):
        parse_directions(["a"], ["c=less"])


def test_zero_weight_arm_in_the_split(tmp_path: Path) -> None:
    rows = ["unit,arm,converted"] + [f"u{i},{'a' if i % 2 else 'b'},{i % 5 == 0:d}"
                                     for i in range(2_000)]
    rows += [f"h{i},holdout,0" for i in range(12)]
    path = tmp_path / "units.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = TableSpec("arm", ("converted",), unit="unit", control="a")
    result = analyze_table(path, spec, AnalysisOptions(split={"a": 1, "b": 1, "holdout": 0}))
    assert result.srm.unplanned_units == 12 and result.srm.ok is False
    assert result.srm.p_value == pytest.approx(stats.chisquare([1_000, 1_000]).pvalue)
    quiet = analyze_table(path, TableSpec(
        "arm", ("converted",), unit="unit", control="a"), AnalysisOptions(
        split={"a": 1, "b": 1, "holdout": 0, "retired": 0}))
    assert quiet.srm.unplanned_units == 12  # a zero-weight arm never seen is no error


def _events_table(shared: Path, tmp_path: Path) -> Path:
    """Retentioneering's A/B demo, one row per event: users repeat, with their bucket."""
    events = pd.read_csv(shared / "data" / "retentioneering-synthetic" / "v3.3.0" /
                         "ab_test_demo.csv")
    events = events[events.user_backet != "not_in_test"]
    events = events.assign(paid=(events.event == "payment_done").astype(int))
    path = tmp_path / "events.csv"
    events[["user_id", "user_backet", "paid"]].to_csv(path, index=False)
    return path


def test_repeated_unit_ids_stop_an_analysis_without_a_unit(shared: Path, tmp_path: Path,
                                                           cli) -> None:
    path = _events_table(shared, tmp_path)
    spec = TableSpec("user_backet", ("paid",), control="control")
    with pytest.raises(UserError, match="column 'user_id' looks like the unit id and repeats"):
        analyze_table(path, spec)
    frame = pd.read_csv(path)
    keep, report = _exclusions(frame, TableSpec("user_backet", ("paid",), unit="user_id"))
    assert not keep.any() and report["duplicate_units"] == frame.user_id.nunique() > 1_000
    out = cli("experiment", "analyze-table", str(path), "--variant", "user_backet", "--metric",
              "paid", ok=False)
    assert out.exit_code == 1 and len(out.output.strip().splitlines()) == 1
    assert "'user_id' looks like the unit id" in out.output


def test_unique_ids_need_no_unit(cookie_cats: Path) -> None:
    result = analyze_table(cookie_cats, TableSpec("version", ("retention_1",),
                                                  control="gate_30"))
    assert sum(result.units) == 90_189


def test_alternative_is_stored_with_the_definition(cli, experiment_workspace) -> None:
    cli(*CREATE, "--alternative", "bought=greater", "--alternative", "ticket=less")
    shown = json.loads(cli("experiment", "show", "checkout", "--json").output)
    assert [m["alternative"] for m in shown["metrics"]] == ["greater", "less"]
    data = json.loads(cli("experiment", "analyze", "checkout", "--json").output)
    bought, ticket = (m["comparisons"][0] for m in data["metrics"])
    assert bought["alternative"] == "greater" and bought["absolute_ci"][1] is None
    assert ticket["alternative"] == "less" and ticket["absolute_ci"][0] is None
    bad = cli(*CREATE[:2], "other", *CREATE[3:], "--alternative", "bought=up", ok=False)
    assert "must be one of two-sided, greater, less" in bad.output
    assert np.isfinite(bought["p_value"])


def test_power_is_planned_for_every_comparison(tmp_path: Path) -> None:
    """Three variants and two metrics under Holm: each test powered at alpha / 4 and the
    target shared by the two metrics; the power of one comparison by hand (delta-method se of
    the lift, z power) from the table's own counts."""
    rng = np.random.default_rng(5)
    n = 3_000
    frame = pd.DataFrame({"arm": np.repeat(["a", "b", "c"], n),
                          "x": rng.binomial(1, 0.1, 3 * n), "y": rng.binomial(1, 0.3, 3 * n)})
    path = tmp_path / "units.csv"
    frame.to_csv(path, index=False)
    result = analyze_table(path, TableSpec("arm", ("x", "y"), control="a"),
                           AnalysisOptions(correction="holm", mde=0.1))
    a, b = (frame.loc[frame.arm == v, "x"].mean() for v in ("a", "b"))
    se = np.sqrt(a * (1 - a) / n * b**2 / a**4 + b * (1 - b) / n / a**2)
    z = stats.norm.isf(0.05 / (2 * 4))
    want = stats.norm.sf(z - 0.1 / se) + stats.norm.cdf(-z - 0.1 / se)
    assert result.metrics[0].comparisons[0].power == pytest.approx(want, rel=1e-9)
    plain = analyze_table(path, TableSpec("arm", ("x", "y"), control="a"),
                          AnalysisOptions(correction="none", mde=0.1))
    assert plain.metrics[0].comparisons[0].power > want  # no correction: alpha itself
