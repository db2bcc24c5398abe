"""Numbers and moments as people read them: counts without ``.0``, p-values and chances that a
reader can use (never ``9.996e-13``), times to the second."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from needle.readable import count, effect, moment, number, percent, probability


@pytest.mark.parametrize(("p", "shown"), [
    (9.996e-13, "< 0.001"),
    (3.907e-5, "< 0.001"),
    (0.0, "< 0.001"),
    (0.000999, "< 0.001"),
    (0.001, "0.00100"),
    (0.0123456, "0.0123"),
    (0.04999, "0.0500"),
    (0.5, "0.500"),
    (0.98, "0.980"),
    (0.999, "0.999"),
    (0.9996, "> 0.999"),
    (1.0, "> 0.999"),
    (None, "-"),
    (float("nan"), "-"),
])
def test_probabilities_have_three_significant_digits(p: float | None, shown: str) -> None:
    assert probability(p) == shown


@pytest.mark.parametrize(("x", "shown"), [
    (3687.0, "3,687"),
    (3687, "3,687"),
    (0, "0"),
    (-12.0, "-12"),
    (2.5, "2.5"),
    (12.3456, "12.35"),
    (1234.56, "1,234.6"),
    (0.000123, "0.000123"),
    (None, ""),
])
def test_numbers(x: float | None, shown: str) -> None:
    assert number(x) == shown


def test_counts_effects_and_percents() -> None:
    assert (count(1234567), count(3.0)) == ("1,234,567", "3")
    assert (effect(0.06436), effect(-0.00511), effect(None)) == ("+0.0644", "-0.00511", "-")
    assert (percent(0.16123), percent(-0.0294), percent(None)) == ("+16.1%", "-2.9%", "-")


@pytest.mark.parametrize(("value", "shown"), [
    (datetime(2024, 1, 2, 3, 4, 5, 678901), "2024-01-02 03:04:05"),
    (datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), "2024-01-02 03:04:05 UTC"),
    (datetime(2024, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))),
     "2024-01-02 03:04:05 UTC"),
    ("2026-12-03T10:10:43.444947", "2026-12-03 10:10:43"),
    ("2026-12-03T10:10:43.444947+00:00", "2026-12-03 10:10:43 UTC"),
    ("2026-12-03", "2026-12-03"),
    (date(2026, 12, 3), "2026-12-03"),
    ("not a time", "not a time"),
    (None, ""),
])
def test_moments_to_the_second(value: object, shown: str) -> None:
    assert moment(value) == shown  # type: ignore[arg-type]
