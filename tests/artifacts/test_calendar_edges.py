"""Days at the ends of the calendar: a week, a sprint or a baseline that would run off it."""

from __future__ import annotations

import pytest

from tests.artifacts.conftest import Needle
from tests.artifacts.tinyproduct import METRIC, START

pytestmark = pytest.mark.parametrize("store_kind", ["sqlite"], indirect=True)


def _titles(needle: Needle, *args: str) -> list[str]:
    return [d["title"] for d in needle.json("journal", *args)]


def test_the_last_and_first_weeks_of_the_calendar(needle: Needle) -> None:
    needle("journal", "log", "Last day", "--on", "9999-12-31")
    needle("journal", "log", "Week before", "--on", "9999-12-26")
    needle("journal", "log", "First day", "--on", "0001-01-01")
    assert _titles(needle, "--on", "9999-12-31") == ["Last day"]
    assert _titles(needle, "--on", "9999-12-27") == ["Last day"]
    assert _titles(needle, "top", "--sprint", "--on", "0001-01-02") == ["First day"]
    assert _titles(needle, "top", "--sprint", "--on", "9999-12-31") == ["Last day",
                                                                          "Week before"]


@pytest.mark.parametrize("as_of", ["0001-01-01", START.date().isoformat()])
def test_a_baseline_before_the_events_is_refused(needle: Needle, as_of: str) -> None:
    needle("problem", "new", "Slow onboarding", "--statement", "People stall.")
    result = needle("proposal", "new", "Guide", "--problem", "1", "--metric", METRIC,
                    "--as-of", as_of, ok=False)
    assert result.stderr.startswith(f"error: as of {as_of}: the events span 2026-06-01 to ")
    assert result.stderr.endswith(f"too little of it before then to measure {METRIC} "
                                  "(see --as-of)\n") and result.stderr.count("\n") == 1
    assert needle.json("proposal", "list") == []
