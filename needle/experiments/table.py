"""Read a per-unit table (CSV or Parquet) for analysis, refusing to analyse what it cannot trust.

Rows whose unit appears more than once (twice in one variant, or in two variants) are excluded
and reported; a value that is not a number stops the read with the file, line and column. When
no unit column is named but a column looks like one (``user_id``, ``userid``, ``id``, ...) and
its ids repeat, rows are not units, and the read stops rather than count each row as one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from needle.errors import InputError, UserError
from needle.experiments.analysis import AnalysisOptions, analyze
from needle.experiments.results import Analysis
from needle.experiments.sums import ExperimentSums, from_units, quantile_sums, ratio_sums
from needle.io.frames import read_frame

_BOOLEAN = {"true": "1", "false": "0"}
# Larger values are a broken cell, not a measurement: their squares (the variance's sufficient
# statistic) would overflow a double over a few million units.
MAX_VALUE = 1e100


@dataclass(frozen=True)
class TableSpec:
    variant: str
    metrics: tuple[str, ...]
    unit: str | None = None
    control: str | None = None
    covariates: tuple[str, ...] = ()


def _numeric(frame: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    raw = frame[column]
    if raw.dtype == bool:
        return raw.to_numpy(dtype=float)
    text = raw.astype(str).str.strip()
    lowered = text.str.lower()
    for word, number in _BOOLEAN.items():
        text = text.mask(lowered == word, number)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~(np.abs(values) <= MAX_VALUE))
    if len(bad):
        row = int(bad[0])
        why = ("is not a number" if np.isnan(values[row]) else "is not a finite number"
               if np.isinf(values[row]) else f"is too large to analyse (above {MAX_VALUE:g})")
        raise InputError(str(path), _place(path, row), f"column {column!r}: "
                         f"{str(raw.iloc[row])!r} {why}")
    return values


def _place(path: Path, row: int) -> str:
    """Where row ``row`` (from 0) is: a CSV line (the header is line 1), or a Parquet row."""
    return f"row {row + 1}" if path.suffix.lower() in (".parquet", ".pq") else f"line {row + 2}"


_QUANTILE = re.compile(r"^p(\d+(?:\.\d+)?)\((.+)\)$")


def _metric_columns(metric: str, frame: pd.DataFrame) -> list[str]:
    """The columns a metric reads: COL, NUM/DEN (ratio) or pNN(COL) (quantile)."""
    if metric in frame.columns:
        return [metric]
    quantile = _QUANTILE.match(metric)
    if quantile:
        return [quantile.group(2)]
    return metric.split("/", 1) if "/" in metric else [metric]


def _check_spec(spec: TableSpec) -> None:
    """Refuse a metric given twice (it would be tested twice and widen every interval), a
    covariate that is a metric (it explains all of it: no variance is left) and a quantile
    outside 0 to 100 (exclusive: p0 and p100 are the extremes, with no interval)."""
    repeated = sorted({m for m in spec.metrics if spec.metrics.count(m) > 1})
    if repeated:
        raise UserError(f"metric {repeated[0]!r} is given twice; give each metric once",
                        field="metric", value=repeated[0])
    both = sorted(set(spec.covariates) & set(spec.metrics))
    if both:
        raise UserError(f"column {both[0]!r} is both a metric and a covariate; a covariate is "
                        "measured before the experiment", field="covariate", value=both[0])
    for metric in spec.metrics:
        quantile = _QUANTILE.match(metric)
        if quantile and not 0 < float(quantile.group(1)) < 100:
            raise UserError(f"metric {metric!r}: a quantile is above p0 and below p100 "
                            "(p50, p90, p99.9)", field="metric", value=metric)


def _check_columns(frame: pd.DataFrame, spec: TableSpec, path: Path) -> None:
    metric_columns = [c for m in spec.metrics for c in _metric_columns(m, frame)]
    wanted = [spec.variant, *metric_columns, *spec.covariates,
              *([spec.unit] if spec.unit else [])]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise UserError(f"{path}: no column {missing[0]!r}; columns are "
                        f"{', '.join(map(str, frame.columns))}")


# Column names that usually identify a unit: id, user_id, userid, Customer ID, distinct_id, ...
_UNIT_NAME = re.compile(r"^(?:(?:.*[_ ])?(?:user|unit|customer|visitor|account|person|member|"
                        r"player|client|distinct|device)[_ ]?)?id$", re.IGNORECASE)


def likely_unit(frame: pd.DataFrame, spec: TableSpec) -> str | None:
    """The first column outside the analysis whose name says it identifies a unit."""
    used = {spec.variant, *spec.covariates,
            *(c for m in spec.metrics for c in _metric_columns(m, frame))}
    return next((str(c) for c in frame.columns
                 if c not in used and _UNIT_NAME.match(str(c))), None)


def _check_unit(frame: pd.DataFrame, spec: TableSpec, path: Path) -> None:
    """Refuse to treat rows as units when an unnamed unit column repeats its ids."""
    if spec.unit is not None:
        return
    column = likely_unit(frame, spec)
    if column is None or not frame[column].duplicated().any():
        return
    ids = frame[column].nunique()
    mixed = int((frame.groupby(column)[spec.variant].nunique() > 1).sum())
    raise UserError(
        f"{path}: column {column!r} looks like the unit id and repeats ({len(frame):,} rows "
        f"for {ids:,} ids, {mixed:,} of them in several variants), so rows are not units: name "
        f"the unit column ({column!r}) to exclude repeated units, or give one row per unit",
        field="unit", value=column)


def _exclusions(frame: pd.DataFrame, spec: TableSpec) -> tuple[np.ndarray, dict[str, Any]]:
    """Rows to keep, and what was excluded: units seen twice in a variant or in two variants."""
    if spec.unit is None:
        return np.ones(len(frame), dtype=bool), {}
    unit, variant = frame[spec.unit].astype(str), frame[spec.variant].astype(str)
    variants_per_unit = variant.groupby(unit).transform("nunique")
    repeated = unit.duplicated(keep=False)
    several = (variants_per_unit > 1).to_numpy()
    duplicate = repeated.to_numpy() & ~several
    report = {
        "units_in_several_variants": int(unit[several].nunique()),
        "duplicate_units": int(unit[duplicate].nunique()),
        "rows_excluded": int((several | duplicate).sum()),
        "examples": sorted(unit[several | duplicate].unique().tolist())[:5],
    }
    return ~(several | duplicate), report


def _labels(frame: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    """Each row's variant; a row without one cannot be analysed, nor silently dropped."""
    labels = frame[column]
    blank = np.flatnonzero((labels.isna() | (labels.astype(str).str.strip() == "")).to_numpy())
    if len(blank):
        raise InputError(str(path), _place(path, int(blank[0])),
                         f"column {column!r} is empty; every unit needs one")
    return labels.astype(str).to_numpy()


def _variant_order(labels: np.ndarray, control: str | None, path: Path) -> list[str]:
    names = sorted(set(labels.tolist()))
    if not names:
        raise UserError(f"{path}: no units to analyse (no rows, or every row excluded)")
    if control is None:
        control = "control" if "control" in names else names[0]
    if control not in names:
        raise UserError(f"{path}: control {control!r} is not a variant; variants are "
                        f"{', '.join(names)}")
    return [control, *[n for n in names if n != control]]


def table_sums(path: Path, spec: TableSpec) -> tuple[ExperimentSums, dict[str, Any]]:
    """Sufficient statistics of the table's metrics per variant, and the exclusion report."""
    _check_spec(spec)
    frame = read_frame(path)
    _check_columns(frame, spec, path)
    _check_unit(frame, spec, path)
    labels = _labels(frame, spec.variant, path)
    if spec.unit is not None:
        _labels(frame, spec.unit, path)  # a unit with no id cannot be told from another
    keep, report = _exclusions(frame, spec)
    labels = labels[keep]
    order = _variant_order(labels, spec.control, path)

    def column(name: str) -> np.ndarray:
        return _numeric(frame, name, path)[keep]

    plain = [m for m in spec.metrics if _metric_columns(m, frame) == [m]]
    covariates = {c: column(c) for c in spec.covariates}
    base = from_units(labels, order, {m: column(m) for m in plain}, covariates)
    built = {m.name: m for m in base.metrics}
    for m in spec.metrics:
        if m in built:
            continue
        if spec.covariates:
            raise UserError(f"metric {m!r}: regression adjustment covers plain columns only")
        columns = _metric_columns(m, frame)
        quantile = _QUANTILE.match(m)
        built[m] = (quantile_sums(m, labels, order, column(columns[0]),
                                  float(quantile.group(1)) / 100) if quantile else
                    ratio_sums(m, labels, order, column(columns[0]), column(columns[1])))
    return replace(base, metrics=tuple(built[m] for m in spec.metrics)), report


def parse_columns(values: Sequence[str]) -> tuple[str, ...]:
    """Accept repeated options and comma-separated lists alike."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def analyze_table(path: Path, spec: TableSpec, options: AnalysisOptions | None = None
                  ) -> Analysis:
    """Read, check and analyse a per-unit table; excluded units are reported in the result."""
    sums, report = table_sums(path, spec)
    return replace(analyze(sums, options or AnalysisOptions()), excluded=report)
