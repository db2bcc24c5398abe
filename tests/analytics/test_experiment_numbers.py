"""Experiment sums read property numbers by the same rule on every engine."""

from __future__ import annotations

from needle.analytics.engine import run
from needle.analytics.specs import ExperimentQuery, Exposure, UnitMetric
from tests.analytics.conftest import H, ev

# Text spelling infinity or NaN is not a number: summed as one, a variant's total is NaN or inf.
ROWS = [ev("u", "see", 0, {"v": "a"}), ev("u", "pay", H, {"amount": 10}),
        ev("u", "pay", 2 * H, {"amount": "inf"}), ev("w", "see", 0, {"v": "a"}),
        ev("w", "pay", H, {"amount": "NaN"}), ev("w", "pay", 2 * H, {"amount": "-Infinity"})]


def test_words_for_infinity_and_nan_add_nothing(engine_for) -> None:
    q = ExperimentQuery(Exposure("see", "v"), (UnitMetric("sum", "pay", None, "amount"),))
    (variant,) = run(engine_for(ROWS), q).variants
    assert (variant.variant, variant.units, variant.sums, variant.squares) == (
        "a", 2, (10.0,), (100.0,))
