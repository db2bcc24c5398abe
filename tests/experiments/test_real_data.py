"""Published results of two real randomised experiments are reproduced."""

from __future__ import annotations

from pathlib import Path

import pytest

from needle.experiments import AnalysisOptions, TableSpec, analyze_table


@pytest.fixture
def hillstrom(shared: Path) -> Path:
    return shared / "data" / "hillstrom-email-ab" / "hillstrom.csv"


def _visit(path: Path, covariates: tuple[str, ...] = ()) -> dict:
    spec = TableSpec("segment", ("visit",), control="No E-Mail", covariates=covariates)
    result = analyze_table(path, spec, AnalysisOptions(correction="none"))
    return {c.variant: c for c in result.metrics[0].comparisons}


def test_hillstrom_visit_uplift(hillstrom: Path) -> None:
    plain = _visit(hillstrom)
    assert plain["Mens E-Mail"].absolute_effect == pytest.approx(0.0766, abs=5e-5)
    assert plain["Womens E-Mail"].absolute_effect == pytest.approx(0.0452, abs=5e-5)
    assert all(c.significant for c in plain.values())


@pytest.mark.parametrize("covariates", [("history",), ("history", "recency")])
def test_hillstrom_covariates_narrow_the_interval(hillstrom: Path,
                                                  covariates: tuple[str, ...]) -> None:
    plain, adjusted = _visit(hillstrom), _visit(hillstrom, covariates)
    for arm, c in adjusted.items():
        lo, hi = c.absolute_ci
        plain_lo, plain_hi = plain[arm].absolute_ci
        assert hi - lo < plain_hi - plain_lo
        assert lo < plain[arm].absolute_effect < hi  # same effect, estimated more precisely


def test_cookie_cats_seven_day_retention(shared: Path) -> None:
    path = shared / "data" / "cookie-cats-ab" / "cookie_cats.csv"
    spec = TableSpec("version", ("retention_1", "retention_7"), unit="userid", control="gate_30")
    result = analyze_table(path, spec)
    assert result.srm.ok and result.excluded == {
        "units_in_several_variants": 0, "duplicate_units": 0, "rows_excluded": 0,
        "examples": []}
    day1, day7 = result.metrics
    assert [round(v.mean, 3) for v in day7.variants] == [0.190, 0.182]
    assert [round(v.mean, 3) for v in day1.variants] == [0.448, 0.442]
    assert day7.comparisons[0].significant and day7.comparisons[0].absolute_effect < 0
    assert not day1.comparisons[0].significant
