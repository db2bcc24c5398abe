"""Sample-ratio check with arms planned at weight 0, against scipy's chi-square."""

from __future__ import annotations

import pytest
from scipy import stats

from needle.stats import check_srm


@pytest.mark.parametrize(("users", "weights"), [
    ([5_000, 5_100, 0], [0.5, 0.5, 0.0]),
    ([0, 4_000, 4_300], [0, 1, 1]),
    ([2_000, 0, 3_900, 4_100], [0.2, 0.0, 0.4, 0.4]),
])
def test_zero_weight_arms_are_left_out_of_the_test(users: list[int],
                                                   weights: list[float]) -> None:
    r = check_srm(users, weights)
    kept = [(u, w) for u, w in zip(users, weights, strict=True) if w > 0]
    total, weight = sum(u for u, _ in kept), sum(w for _, w in kept)
    ref = stats.chisquare([u for u, _ in kept], [total * w / weight for _, w in kept])
    assert r.p_value == pytest.approx(ref.pvalue, abs=1e-12)
    assert r.chi2 == pytest.approx(ref.statistic, abs=1e-9)
    assert r.unplanned_units == 0


def test_traffic_in_a_zero_weight_arm_is_a_finding() -> None:
    r = check_srm([5_000, 5_020, 37], [0.5, 0.5, 0.0])
    assert r.p_value is not None and r.p_value > 0.5  # the planned arms are balanced
    assert r.ok is False and r.unplanned_units == 37
    assert r.warning and "37 units reached arms planned at weight 0" in r.warning


@pytest.mark.parametrize(("users", "weights"), [([0, 0], [0.5, 0.5]), ([10, 0], [0.0, 1.0]),
                                                ([10, 20], [1.0, 0.0])])
def test_not_computable_without_two_planned_arms_with_units(users: list[int],
                                                            weights: list[float]) -> None:
    r = check_srm(users, weights)
    assert r.p_value is None and r.reason
    assert (r.ok is False) == bool(r.unplanned_units)
