"""Anomaly benchmark: the Numenta Anomaly Benchmark (NAB v1.1) on the shared subset.

(1) The scorer: NAB's windowed-Gaussian output for every shared file is scored at NAB's threshold
(1.0) and each file's score is compared with the one NAB published (the largest difference is
printed; it should be zero to rounding). (2) Needle's detector, at its default alert threshold
and with the same parameters for every file, scored the same way: its normalised score next to
windowed Gaussian's (null detector 0, perfect 100). (3) Seconds to score 10,000 points, against
one statsmodels STL decomposition of the same points (a batch fit, the usual building block).

``--smoke`` scores three files with windows and times 2,000 points.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from needle.stats.anomalies import score_series, step_seconds
from needle.stats.anomaly_nab import FileScore, normalised, score_file

NAB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nab"
BASELINE = NAB / "results" / "windowedGaussian"
BASELINE_THRESHOLD = 1.0  # NAB's config/thresholds.json for windowedGaussian, standard profile


@dataclass(frozen=True)
class NabFile:
    """One labelled series: its rows and its windows as inclusive row ranges."""

    name: str
    timestamps: np.ndarray
    values: np.ndarray
    windows: list[tuple[int, int]]


def corpus() -> list[NabFile]:
    """The shared NAB files, in name order, with their windows from the label file."""
    with open(NAB / "labels" / "combined_windows.json") as handle:
        windows = json.load(handle)
    files = []
    for path in sorted((NAB / "data").glob("*/*.csv")):
        name = f"{path.parent.name}/{path.name}"
        frame = pd.read_csv(path)
        times = pd.to_datetime(frame["timestamp"])
        row = {t: i for i, t in enumerate(times)}
        files.append(NabFile(name, times.to_numpy(), frame["value"].to_numpy(dtype=float),
                             [(row[pd.Timestamp(a)], row[pd.Timestamp(b)])
                              for a, b in windows[name]]))
    return files


def baseline_scores(files: list[NabFile]) -> dict[str, FileScore]:
    """Windowed Gaussian's per-row scores from NAB's results, scored by Needle's scorer."""
    out = {}
    for f in files:
        category, name = f.name.split("/")
        rows = pd.read_csv(BASELINE / category / f"windowedGaussian_{name}")
        out[f.name] = score_file(rows["anomaly_score"].to_numpy() >= BASELINE_THRESHOLD, f.windows)
    return out


def published_scores() -> dict[str, float]:
    """NAB's own per-file scores for windowed Gaussian (standard profile)."""
    table = pd.read_csv(BASELINE / "windowedGaussian_standard_scores.csv")
    return dict(zip(table["File"], table["Score"].astype(float), strict=True))


def needle_scores(files: list[NabFile]) -> dict[str, FileScore]:
    return {f.name: score_file(score_series(f.values, step_seconds(f.timestamps)).alert,
                               f.windows) for f in files}


def _best(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks anomalies")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    everything = corpus()
    files = [f for f in everything if f.windows][:3] if args.smoke else everything
    published = published_scores()
    baseline = baseline_scores(files)
    gap = max(abs(baseline[f.name].score - published[f.name]) for f in files)
    print(f"scorer: {len(files)} files, largest difference from NAB's published per-file "
          f"scores {gap:.2e}")
    ours = needle_scores(files)
    print(f"{'file':58} {'windows':>7} {'windowed Gaussian':>17} {'Needle':>8}")
    for f in files:
        print(f"{f.name:58} {len(f.windows):7} {baseline[f.name].score:17.3f} "
              f"{ours[f.name].score:8.3f}")
    base_total = normalised(list(baseline.values()))
    our_total = normalised(list(ours.values()))
    print(f"NAB standard profile, normalised: Needle {our_total:.1f}, windowed Gaussian "
          f"{base_total:.1f} (Needle - baseline = {our_total - base_total:+.1f} points)")
    size = 2_000 if args.smoke else 10_000
    series = next(f for f in everything if f.values.size >= size)
    values, step = series.values[:size], step_seconds(series.timestamps)
    ours_s = _best(lambda: score_series(values, step), 3)
    stl_s = _best(lambda: STL(values, period=288).fit(), 3)
    print(f"{size:,} points ({series.name}): Needle {ours_s:.3f} s, statsmodels STL "
          f"{stl_s:.3f} s (ratio {ours_s / stl_s:.2f})")
