"""The Numenta Anomaly Benchmark's scoring rule (NAB v1.1), on arrays.

NAB scores a detector by its alerts: within a labelled window only the earliest alert counts, worth
up to ``tp_weight`` along a scaled sigmoid of its place in the window; a window without an alert
costs ``fn_weight``; every alert outside a window costs up to ``fp_weight``, less when it falls
just after a window. The first 15% of a file (at most 750 rows) is probation and is not scored.
NAB ships only a scorer coupled to its corpus classes, so the rule is written here from its
``nab/sweeper.py``; the benchmark checks it row by row against NAB's own output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class Profile:
    """NAB's cost weights (``config/profiles.json``)."""

    tp_weight: float = 1.0
    fn_weight: float = 1.0
    fp_weight: float = 0.11


STANDARD = Profile()


@dataclass(frozen=True)
class FileScore:
    """One file's NAB score and its row counts at the threshold (as NAB reports them)."""

    score: float
    tp: int
    tn: int
    fp: int
    fn: int
    windows: int


def scaled_sigmoid(position: NDArray[np.float64]) -> NDArray[np.float64]:
    """NAB's reward by relative position: about +1 at a window's left edge, 0 at its right edge,
    -1 three window-widths past it."""
    with np.errstate(over="ignore"):
        value = 2.0 / (1.0 + np.exp(5.0 * position)) - 1.0
    return np.where(position >= 3.0, -1.0, value)


def probation_length(rows: int, percent: float = 0.15) -> int:
    """Rows at the start of a file that NAB leaves unscored."""
    return int(min(np.floor(percent * rows), percent * 5000))


def row_weights(rows: int, windows: list[tuple[int, int]],
                profile: Profile = STANDARD) -> NDArray[np.float64]:
    """What an alert on each row is worth (NAB's ``S(t)`` column); ``windows`` are inclusive
    ``(first_row, last_row)`` pairs in time order."""
    index = np.arange(rows, dtype=np.float64)
    weights = np.full(rows, -profile.fp_weight)  # before any window: a full false positive
    max_tp = float(scaled_sigmoid(np.array(-1.0)))
    for k, (left, right) in enumerate(windows):
        width = right - left + 1
        inside = slice(left, right + 1)
        weights[inside] = scaled_sigmoid(-(right - index[inside] + 1) / width) \
            * profile.tp_weight / max_tp
        end = windows[k + 1][0] if k + 1 < len(windows) else rows
        after = slice(right + 1, end)
        # NAB divides by (width - 1); a one-row window is taken as a full false positive.
        past = (np.abs(right - index[after]) / (width - 1) if width > 1
                else np.full(end - right - 1, 3.0))
        weights[after] = scaled_sigmoid(past) * profile.fp_weight
    return weights


def score_file(alerts: ArrayLike, windows: list[tuple[int, int]],
               profile: Profile = STANDARD) -> FileScore:
    """NAB's score of one file given a boolean alert per row."""
    alert = np.asarray(alerts, dtype=bool)
    rows = alert.size
    start = probation_length(rows)
    weights = row_weights(rows, windows, profile)
    in_window = np.zeros(rows, dtype=bool)
    for left, right in windows:
        in_window[left:right + 1] = True
    scored = np.arange(rows) >= start
    total = 0.0
    counted = 0
    for left, right in windows:
        first = max(left, start)
        if first > right:
            continue  # the whole window lies in probation
        counted += 1
        hits = weights[first:right + 1][alert[first:right + 1]]
        total += max(-profile.fn_weight, float(hits.max())) if hits.size else -profile.fn_weight
    outside = scored & ~in_window
    total += float(weights[outside & alert].sum())
    inside = scored & in_window
    return FileScore(score=total, tp=int((inside & alert).sum()), tn=int((outside & ~alert).sum()),
                     fp=int((outside & alert).sum()), fn=int((inside & ~alert).sum()),
                     windows=counted)


def normalised(scores: list[FileScore], profile: Profile = STANDARD,
               total_windows: int | None = None) -> float:
    """A corpus score on NAB's scale: the null detector (no alerts) 0, the perfect one 100."""
    raw = sum(s.score for s in scores)
    null = -profile.fn_weight * sum(s.windows for s in scores)
    windows = sum(s.windows for s in scores) if total_windows is None else total_windows
    perfect = profile.tp_weight * windows
    return 100.0 * (raw - null) / (perfect - null)
