"""Scoring a metric series from a file or a saved insight: rows in, one score per row out.

Rows keep their input order and their own timestamps (no zone shift, no resampling); the detector
sees them in time order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from needle.errors import InputError, UserError
from needle.io.frames import read_frame
from needle.stats.anomalies import score_series


@dataclass(frozen=True)
class ScoredPoint:
    timestamp: datetime | date
    value: float
    score: float
    alert: bool

    def to_json(self) -> dict[str, Any]:
        return {"timestamp": self.timestamp.isoformat(), "value": self.value,
                "score": self.score, "alert": self.alert}


@dataclass(frozen=True)
class ScoredSeries:
    """The scored rows, in input order, and the seasonal period found (in rows; 0 for none)."""

    points: tuple[ScoredPoint, ...]
    period: int

    def to_json(self) -> dict[str, Any]:
        return {"rows": [p.to_json() for p in self.points]}


def _instant(t: datetime | date) -> float:
    """Seconds since the epoch, for ordering; a time without a zone counts as UTC."""
    if not isinstance(t, datetime):
        t = datetime(t.year, t.month, t.day)
    return t.timestamp() if t.tzinfo else (t - datetime(1970, 1, 1)).total_seconds()


def score_points(times: Sequence[datetime | date], values: Sequence[float],
                 threshold: float, source: str = "series") -> ScoredSeries:
    """Score ``values`` observed at ``times`` (any order; each time once)."""
    if len(times) < 2:
        raise UserError(f"{source}: a series needs at least two points, got {len(times)}")
    seconds = np.array([_instant(t) for t in times])
    order = np.argsort(seconds, kind="stable")
    ordered = seconds[order]
    repeated = np.flatnonzero(np.diff(ordered) == 0)
    if repeated.size:
        first = times[int(order[repeated[0]])]
        raise UserError(f"{source}: time {first.isoformat()} appears twice; give one value "
                        "per time", field="timestamp", value=first.isoformat())
    step = float(np.median(np.diff(ordered)))
    found = score_series(np.asarray(values, dtype=float)[order], step, threshold)
    score = np.empty(len(times))
    alert = np.empty(len(times), dtype=bool)
    score[order], alert[order] = found.score, found.alert
    return ScoredSeries(tuple(ScoredPoint(t, float(v), float(s), bool(a))
                              for t, v, s, a in zip(times, values, score, alert, strict=True)),
                        found.period)


def _parse_time(text: str, path: Path, row: int, column: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(str(path), f"line {row + 2}", f"column {column!r}: {text!r} is not an "
                         "ISO-8601 time", field=column, value=text) from None


def _parse_value(text: str, path: Path, row: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not np.isfinite(value):
        raise InputError(str(path), f"line {row + 2}", f"column {column!r}: {text!r} is not a "
                         "number", field=column, value=text)
    return value


def read_series(path: Path, time_column: str, value_column: str
                ) -> tuple[list[datetime], list[float]]:
    """The file's times and values, row by row; a bad cell stops the read naming its line."""
    frame = read_frame(path)
    for column in (time_column, value_column):
        if column not in frame.columns:
            raise UserError(f"{path}: no column {column!r}; columns are "
                            f"{', '.join(map(str, frame.columns))}", field=column)
    times = [_parse_time(str(t), path, i, time_column)
             for i, t in enumerate(frame[time_column].tolist())]
    values = [_parse_value(str(v), path, i, value_column)
              for i, v in enumerate(frame[value_column].tolist())]
    return times, values


def score_file(path: Path, time_column: str, value_column: str,
               threshold: float) -> ScoredSeries:
    """Score the series in a CSV or Parquet file."""
    times, values = read_series(path, time_column, value_column)
    return score_points(times, values, threshold, str(path))
