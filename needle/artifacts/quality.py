"""Checks of a proposal's success metric against Goodhart's law: a number chosen to be moved
gets moved, whether or not the outcome behind it does.

Each finding is an ``error`` (the proposal is refused: it contradicts itself) or a ``warning``
(it is written, and its page says what is at risk):

- errors: ``tag`` (a metric tagged other than leading or lagging), ``target-rule`` (the
  decision rule says the metric rises and the target is below the baseline, or falls and it is
  above), ``target-range`` (a target the metric can never reach: a rate outside 0 to 1,
  days or a count below zero, not a finite number);
- warnings: ``no-guardrail`` (no guardrail, or counter, metric), ``proxy`` (a leading success
  metric, a proxy, with no guardrail: it can move while the outcome does not), ``untagged`` (a
  metric not tagged leading or lagging), ``unknown-event`` (an event the lake does not hold yet:
  a proposal may come before the instrumentation), ``ship-before-approval`` (a ship post dated
  before the approval: the metric was not fixed before launch; historical data makes this
  common, so it is said, not refused).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from needle.artifacts.metrics import parse_metric
from needle.errors import UserError

TAGS = ("leading", "lagging")
# Words a decision rule uses for the direction it wants; hand-written because a rule is one
# sentence and these few stems are the whole vocabulary that matters.
_RISES = re.compile(r"\b(rise|rises|increase|increases|grow|grows|up|higher|more|improve)\b",
                    re.IGNORECASE)
_FALLS = re.compile(r"\b(fall|falls|drop|drops|decrease|decreases|reduce|reduces|down|lower|"
                    r"fewer|less|shrink|shrinks)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    severity: str  # error or warning
    code: str
    field: str
    message: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def direction(rule: str | None) -> str | None:
    """``rises``, ``falls`` or None (no direction, or both) from a decision rule's words."""
    up, down = bool(_RISES.search(rule or "")), bool(_FALLS.search(rule or ""))
    return "rises" if up and not down else "falls" if down and not up else None


def _tags(fields: Mapping[str, Any]) -> list[Finding]:
    found = []
    tagged = [("metric_kind", fields.get("metric_kind"))] + [
        (f"guardrail {g.get('metric')}", g.get("kind")) for g in fields.get("guardrails") or []]
    for name, tag in tagged:
        if tag is None:
            found.append(Finding("warning", "untagged", "metric_kind",
                                 f"{name} is not tagged leading or lagging"))
        elif tag not in TAGS:
            found.append(Finding("error", "tag", "metric_kind",
                                 f"{name} is tagged {tag!r}: use leading or lagging"))
    return found


def _target(fields: Mapping[str, Any]) -> list[Finding]:
    target, base = fields.get("target"), (fields.get("baseline") or {}).get("value")
    if target is None:
        return []
    found = []
    if problem := parse_metric(fields["metric"]).target_problem(target):
        return [Finding("error", "target-range", "target", problem)]
    wanted = direction(fields.get("decision_rule"))
    if base is not None and wanted == "rises" and float(target) < base:
        found.append(Finding("error", "target-rule", "target",
                             f"target {target:g} is below the baseline {base:.4g}, but the "
                             "decision rule says the metric rises"))
    if base is not None and wanted == "falls" and float(target) > base:
        found.append(Finding("error", "target-rule", "target",
                             f"target {target:g} is above the baseline {base:.4g}, but the "
                             "decision rule says the metric falls"))
    return found


def _events(fields: Mapping[str, Any], events: frozenset[str]) -> list[Finding]:
    specs = [fields["metric"], *(g["metric"] for g in fields.get("guardrails") or [])]
    missing = sorted({e for spec in specs for e in _named_events(spec)} - events)
    return [Finding("warning", "unknown-event", "metric",
                    f"no {name!r} event in the data yet: instrument it before launch, or the "
                    "metric cannot be read") for name in missing]


def _named_events(spec: str) -> tuple[str, ...]:
    metric = parse_metric(spec)
    return tuple(e for e in (metric.event, metric.then) if e)


def proposal_findings(fields: Mapping[str, Any], events: frozenset[str]) -> list[Finding]:
    """Every finding about a proposal's metric, guardrails, target and rule."""
    if not fields.get("metric"):
        return []
    found = _tags(fields) + _target(fields) + _events(fields, events)
    if not fields.get("guardrails"):
        found.append(Finding("warning", "no-guardrail", "guardrails",
                             "no guardrail metric: name one that must not get worse"))
        if fields.get("metric_kind") == "leading":
            found.append(Finding("warning", "proxy", "metric",
                                 "a leading (proxy) metric with no guardrail can be moved "
                                 "without moving the outcome (Goodhart's law)"))
    return found


def ship_findings(shipped_on: date, approved_on: date | None) -> list[Finding]:
    if approved_on is not None and shipped_on < approved_on:
        return [Finding("warning", "ship-before-approval", "shipped_on",
                        f"shipped on {shipped_on}, before the proposal was approved on "
                        f"{approved_on}: the metric was not fixed before launch")]
    return []


def refuse_errors(findings: list[Finding]) -> None:
    """Raise the first error; warnings pass."""
    error = next((f for f in findings if f.severity == "error"), None)
    if error is not None:
        raise UserError(error.message, field=error.field)


def guardrail(text: str) -> dict[str, str | None]:
    """``SPEC`` or ``SPEC:leading`` / ``SPEC:lagging`` as a guardrail; the spec must parse."""
    spec, _, tag = text.rpartition(":") if text.endswith(TAGS) else (text, "", "")
    parse_metric(spec)
    return {"metric": spec, "kind": tag or None}
