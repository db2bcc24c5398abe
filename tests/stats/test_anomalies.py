"""The anomaly detector and NAB's scoring rule, on the shared NAB subset."""

import numpy as np
import pytest

from benchmarks.anomalies import (
    baseline_scores,
    corpus,
    needle_scores,
    published_scores,
)
from needle.stats.anomalies import score_series, step_seconds
from needle.stats.anomaly_nab import normalised, score_file


@pytest.fixture(scope="module")
def nab():
    return {f.name: f for f in corpus()}


def test_scorer_reproduces_nabs_published_scores_for_every_file(nab) -> None:
    ours = baseline_scores(list(nab.values()))
    for name, score in published_scores().items():
        assert ours[name].score == pytest.approx(score, abs=1e-9), name


def test_scorer_counts_rows_like_nab() -> None:
    windows = [(100, 109)]
    alerts = np.zeros(400, dtype=bool)  # the first 60 rows are probation
    alerts[[20, 102, 105, 300]] = True  # one unscored, two in the window (the first counts), one FP
    result = score_file(alerts, windows)
    assert (result.tp, result.fp, result.windows) == (2, 1, 1)
    assert result.score == pytest.approx(
        (2 / (1 + np.exp(5 * -(109 - 102 + 1) / 10)) - 1) / (2 / (1 + np.exp(-5)) - 1) - 0.11)


def test_needle_scores_at_least_70_on_the_shared_subset(nab) -> None:
    assert normalised(list(needle_scores(list(nab.values())).values())) >= 70


@pytest.mark.parametrize("name", ["art_daily_no_noise", "art_daily_perfect_square_wave",
                                  "art_daily_small_noise", "art_flatline", "art_noisy"])
def test_at_most_one_alert_on_series_without_anomalies(nab, name: str) -> None:
    series = nab[f"artificialNoAnomaly/{name}.csv"]
    found = score_series(series.values, step_seconds(series.timestamps))
    assert np.all((found.score >= 0) & (found.score <= 1))
    assert found.alert.sum() <= 1


@pytest.mark.parametrize("name", ["art_daily_jumpsup", "art_daily_jumpsdown",
                                  "art_daily_flatmiddle"])
def test_an_alert_falls_in_the_labelled_window_and_few_outside(nab, name: str) -> None:
    series = nab[f"artificialWithAnomaly/{name}.csv"]
    found = score_series(series.values, step_seconds(series.timestamps))
    (left, right), = series.windows
    inside = found.alert[left:right + 1].sum()
    assert inside >= 1 and found.alert.sum() - inside <= 2


@pytest.mark.parametrize(("name", "period"), [("realKnownCause/nyc_taxi.csv", 336),
                                              ("artificialWithAnomaly/art_daily_jumpsup.csv", 288),
                                              ("artificialNoAnomaly/art_noisy.csv", 0)])
def test_period_is_learned_from_the_series(nab, name: str, period: int) -> None:
    series = nab[name]
    assert score_series(series.values, step_seconds(series.timestamps)).period == period


def test_scores_are_causal(nab) -> None:
    series = nab["realKnownCause/nyc_taxi.csv"]
    step = step_seconds(series.timestamps)
    full = score_series(series.values, step).score
    head = score_series(series.values[:6000], step).score
    assert np.allclose(full[:6000], head)
