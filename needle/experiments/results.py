"""The results of an analysis as frozen values with one JSON shape (docs/experiments.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from needle.stats import SrmResult


@dataclass(frozen=True)
class VariantSummary:
    name: str
    units: int
    mean: float | None
    chance_to_be_best: float | None


@dataclass(frozen=True)
class Comparison:
    variant: str
    control: str
    absolute_effect: float | None
    absolute_ci: tuple[float | None, float | None]
    relative_effect: float | None
    relative_ci: tuple[float | None, float | None]
    relative_ci_method: str | None
    p_value: float | None
    p_value_unadjusted: float | None
    ci_level: float | None
    significant: bool
    chance_to_win: float | None
    risk_if_shipped: float | None
    risk_if_kept: float | None
    power: float | None
    mde: float | None
    additional_units_needed: float | None
    days_needed: float | None
    not_computable: str | None
    verdict: str
    alternative: str = "two-sided"  # two-sided, greater or less


@dataclass(frozen=True)
class MetricResult:
    metric: str
    kind: str
    variants: list[VariantSummary]
    comparisons: list[Comparison]


@dataclass(frozen=True)
class Analysis:
    variants: tuple[str, ...]
    units: list[int]
    srm: SrmResult
    alpha: float
    correction: str
    sequential_tuning: float | None
    covariates: tuple[str, ...]
    metrics: list[MetricResult]
    verdict: str
    excluded: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        srm = self.srm
        return {
            "variants": [{"name": n, "units": u} for n, u in zip(self.variants, self.units,
                                                                  strict=True)],
            "control": self.variants[0],
            "alpha": self.alpha,
            "correction": self.correction,
            "sequential": self.sequential_tuning is not None,
            "sequential_tuning": self.sequential_tuning,
            "covariates": list(self.covariates),
            "srm": {"p_value": srm.p_value, "chi2": srm.chi2, "ok": srm.ok,
                    "warning": srm.warning, "not_computable": srm.reason,
                    "unplanned_units": srm.unplanned_units},
            "excluded": self.excluded or {},
            "metrics": [_metric_json(m) for m in self.metrics],
            "verdict": self.verdict,
        }


def _metric_json(m: MetricResult) -> dict[str, Any]:
    comparisons = []
    for c in m.comparisons:
        row = asdict(c)
        row["absolute_ci"] = list(c.absolute_ci)
        row["relative_ci"] = list(c.relative_ci)
        comparisons.append(row)
    return {"metric": m.metric, "kind": m.kind,
            "variants": [asdict(v) for v in m.variants], "comparisons": comparisons}
