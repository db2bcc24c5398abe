"""Metrics and before/after comparisons against independent pandas computations."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from needle.analytics.duckdb import DuckDBEngine
from needle.artifacts.compare import aligned_windows, compare
from needle.artifacts.metrics import Window, measure, parse_metric
from needle.errors import UserError
from needle.events.lake import EventLake
from tests.artifacts.tinyproduct import LAUNCH, RATE_AFTER, RATE_BEFORE, START


@pytest.fixture(scope="module")
def lake(tmp_path_factory, product_events):  # type: ignore[no-untyped-def]
    events = EventLake(tmp_path_factory.mktemp("lake"))
    events.append(product_events)
    engine = DuckDBEngine(events.files())
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def frame(product_events) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return product_events.select(["event", "distinct_id", "timestamp"]).to_pandas()


def _cohort(frame: pd.DataFrame, first: str, then: str, window: Window) -> pd.DataFrame:
    starts = frame[frame.event == first].groupby("distinct_id").timestamp.min()
    lo, hi = (pd.Timestamp(d.isoformat(), tz="UTC") for d in (window.start, window.end))
    starts = starts[(starts >= lo) & (starts < hi)].rename("t0").reset_index()
    later = frame[frame.event == then].merge(starts, on="distinct_id")
    later = later[later.timestamp >= later.t0].groupby("distinct_id").timestamp.min()
    return starts.set_index("distinct_id").join(later.rename("t1"))


WINDOW = Window(date(2026, 6, 8), date(2026, 7, 6))


def test_conversion_matches_pandas(lake, frame) -> None:
    cohort = _cohort(frame, "signup", "onboarding_completed", WINDOW)
    expected = ((cohort.t1 - cohort.t0) < pd.Timedelta(days=2)).mean()
    got = measure(lake, parse_metric("conversion:signup>onboarding_completed@2d"), WINDOW)
    assert (got.n, got.value) == (len(cohort), pytest.approx(expected))


def test_median_days_and_per_user_match_pandas(lake, frame) -> None:
    cohort = _cohort(frame, "signup", "project_created", WINDOW).dropna()
    days = (cohort.t1 - cohort.t0).dt.total_seconds() / 86400
    got = measure(lake, parse_metric("median_days:signup>project_created"), WINDOW)
    assert (got.n, got.value) == (len(days), pytest.approx(days.median()))
    lo, hi = (pd.Timestamp(d.isoformat(), tz="UTC") for d in (WINDOW.start, WINDOW.end))
    active = frame[(frame.timestamp >= lo) & (frame.timestamp < hi)]
    per_user = active.assign(x=active.event == "invite_sent").groupby("distinct_id").x.sum()
    got = measure(lake, parse_metric("per_user:invite_sent"), WINDOW)
    assert (got.n, got.value) == (len(per_user), pytest.approx(per_user.mean()))


def test_windows_are_whole_weeks_on_the_same_weekday(lake) -> None:
    metric = parse_metric("conversion:signup>onboarding_completed@2d")
    shipped = date(2026, 7, 2)  # a Thursday
    before, after = aligned_windows(lake, metric, shipped, weeks=10)
    assert before.start.weekday() == after.start.weekday() == shipped.weekday()
    assert before.days == after.days and before.days % 7 == 0 and before.end == after.start
    assert before.days == 28  # shortened from ten weeks to the data there is
    with pytest.raises(UserError, match="at least one whole week"):
        aligned_windows(lake, metric, START.date() + timedelta(days=3), weeks=2)


def test_planted_launch_is_distinguishable_and_a_quiet_date_is_not(lake) -> None:
    metric = parse_metric("conversion:signup>onboarding_completed@2d")
    launch = compare(lake, metric, LAUNCH.date(), weeks=3)
    assert launch.distinguishable and launch.low < RATE_AFTER - RATE_BEFORE < launch.high
    quiet = compare(lake, metric, START.date() + timedelta(days=14), weeks=2)
    assert not quiet.distinguishable and "not distinguishable from noise" in quiet.statement()


def test_median_comparison_uses_a_bootstrap_interval(lake) -> None:
    result = compare(lake, parse_metric("median_days:signup>project_created@7d"), LAUNCH.date(),
                     weeks=2)
    assert result.low <= result.difference <= result.high and "bootstrap" in result.method


@pytest.mark.parametrize("spec", ["conversion:signup", "per_user:a>b", "funnel:a>b", "x"])
def test_bad_metric_specs_are_refused(spec: str) -> None:
    with pytest.raises(UserError, match="is not understood"):
        parse_metric(spec)
