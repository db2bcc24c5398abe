"""Load the reference vectors files and turn their JSON statistics into needle.stats objects.

By default both files in ../shared/reference are read; ``NEEDLE_STATS_VECTORS`` names other
files instead (several separated by the path separator).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from needle.stats import (
    Proportion,
    Quantile,
    Ratio,
    SampleMean,
    adjusted_pair,
    ratio_adjusted_pair,
)

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference"
DEFAULT = (REFERENCE / "experiment_stats_vectors.json",
           REFERENCE / "experiment_stats_vectors_new_shapes.json")


def vectors_paths() -> list[Path]:
    named = os.environ.get("NEEDLE_STATS_VECTORS")
    return [Path(p) for p in named.split(os.pathsep)] if named else list(DEFAULT)


def load_cases() -> list[dict[str, Any]]:
    return [case for path in vectors_paths()
            for case in json.loads(path.read_text(encoding="utf-8"))]


def arm(s: dict[str, Any]) -> Any:
    kind = s["type"]
    if kind == "proportion":
        return Proportion(s["n"], s["sum"])
    if kind == "mean":
        return SampleMean(s["n"], s["sum"], s["sum_squares"])
    if kind == "ratio":
        return Ratio(s["n"], arm(s["m"]), arm(s["d"]), s["m_d_sum_of_products"])
    if kind == "quantile":
        return Quantile(s["n"], s["n_star"], s["nu"], s["quantile_hat"], s["quantile_lower"],
                        s["quantile_upper"])
    raise KeyError(kind)


def _ra_parts(s: dict[str, Any]) -> tuple[Any, ...]:
    post, pre = arm(s["post"]), arm(s["pre"])
    post = SampleMean(post.n, post.sum, getattr(post, "sum_squares", post.sum))
    pre_ss = getattr(pre, "sum_squares", pre.sum)
    return (post, np.array([pre.sum]), np.array([[pre_ss]]),
            np.array([s["post_pre_sum_of_products"]]))


_RA_RATIO = ("m_post", "d_post", "m_pre", "d_pre")


def _ra_ratio_parts(s: dict[str, Any]) -> tuple[Any, ...]:
    sums = np.array([s[k]["sum"] for k in _RA_RATIO])
    cross = np.diag([s[k]["sum_squares"] for k in _RA_RATIO])
    for i, left in enumerate(_RA_RATIO):
        for j, right in enumerate(_RA_RATIO):
            key = f"{left}_{right}_sum_of_products"
            if key in s:
                cross[i, j] = cross[j, i] = s[key]
    return s["n"], sums, cross


def pair(control: dict[str, Any], treatment: dict[str, Any]) -> tuple[Any, Any]:
    """The two arms, with any regression adjustment fitted on both."""
    if control["type"] == "ra":
        return adjusted_pair(*_ra_parts(control), *_ra_parts(treatment))
    if control["type"] == "ra_ratio":
        return ratio_adjusted_pair(*_ra_ratio_parts(control), *_ra_ratio_parts(treatment))
    return arm(control), arm(treatment)
