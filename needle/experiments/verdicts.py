"""Plain-language verdicts: what a product engineer may say about each result."""

from __future__ import annotations

from typing import Any

from needle.experiments.results import Comparison, MetricResult
from needle.stats import SrmResult


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:+.2f}%"


def _ci(lo: float | None, hi: float | None, pct: bool) -> str:
    def fmt(x: float | None) -> str:
        if x is None:
            return "unbounded"
        return _pct(x) if pct else f"{x:+.4g}"
    return f"[{fmt(lo)}, {fmt(hi)}]"


def comparison_verdict(metric: str, c: Comparison, mde: float, target_power: float) -> str:
    """One sentence: significant change, a credible null, or an inconclusive result."""
    who = f"{c.variant} vs {c.control} on {metric}"
    if c.not_computable:
        return f"{who}: not computable ({c.not_computable})."
    level = f"{(c.ci_level or 0) * 100:.1f}%"
    effect = (f"{_pct(c.relative_effect)} relative, {level} interval "
              f"{_ci(*c.relative_ci, pct=True)}" if c.relative_effect is not None else
              f"{c.absolute_effect:+.4g}, {level} interval {_ci(*c.absolute_ci, pct=False)}")
    if c.significant:
        direction = "raises" if (c.absolute_effect or 0) > 0 else "lowers"
        return f"{who}: {c.variant} {direction} {metric} ({effect}); significant."
    if c.power is not None and c.power >= target_power:
        return (f"{who}: no significant change ({effect}); the test had {c.power:.0%} power "
                f"for a {mde:.0%} lift, so an effect that large is unlikely.")
    more = ""
    if c.days_needed is not None:
        more = f"; about {c.days_needed:.0f} more days at current traffic for {target_power:.0%}"
        more += f" power at a {mde:.0%} lift"
    elif c.additional_units_needed:
        more = f"; about {c.additional_units_needed:,.0f} more units needed for {target_power:.0%}"
        more += f" power at a {mde:.0%} lift"
    return (f"{who}: inconclusive ({effect}); this sample only detects lifts of about "
            f"{_pct(c.mde)}{more}.")


def overall_verdict(srm: SrmResult, metrics: list[MetricResult],
                    guardrails: frozenset[str] = frozenset(),
                    lower_is_better: frozenset[str] = frozenset()) -> str:
    """The primary (first) metric decides, unless a guardrail got significantly worse; a
    sample ratio mismatch overrides everything."""
    if not metrics:
        return "No metrics to analyse."
    lines = [f"GUARDRAIL {m.metric} got worse: {c.verdict}" for m in metrics
             if m.metric in guardrails for c in m.comparisons if _worse(c, m.metric in
                                                                       lower_is_better)]
    lines += [c.verdict for c in metrics[0].comparisons]
    if srm.ok is False:
        lines.insert(0, f"DO NOT TRUST THESE RESULTS: {srm.warning}.")
    return " ".join(lines)


def _worse(c: Comparison, lower_is_better: bool) -> bool:
    effect = c.absolute_effect or 0.0
    return c.significant and (effect > 0 if lower_is_better else effect < 0)


_EXCLUDED = (  # (key of Analysis.excluded, how one reads)
    ("units_in_several_variants", "unit seen in several variants", "units seen in several "
                                                                    "variants"),
    ("duplicate_units", "unit listed more than once", "units listed more than once"),
)


def describe_exclusions(excluded: dict[str, Any] | None) -> str | None:
    """What an analysis left out, as one sentence; ``None`` when it left nothing out."""
    excluded = excluded or {}
    parts = [f"{excluded[key]:,} {one if excluded[key] == 1 else many}"
             for key, one, many in _EXCLUDED if excluded.get(key)]
    if not parts:
        return None
    rows = excluded.get("rows_excluded")
    head = f"Excluded {rows:,} row{'' if rows == 1 else 's'}: " if rows else "Excluded "
    examples = excluded.get("examples") or []
    tail = f" (for example {', '.join(map(str, examples))})" if examples else ""
    return f"{head}{' and '.join(parts)}{tail}."
