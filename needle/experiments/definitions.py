"""Create, list and read experiments; the hypothesis and decision rule lock at the first read
of results, so they cannot be bent to fit what the data showed."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import select

from needle.errors import UserError
from needle.experiments.analysis import check_levels
from needle.experiments.metrics import MetricDef
from needle.experiments.models import Experiment
from needle.stats.corrections import Correction
from needle.stats.frequentist import Alternative
from needle.store import Store

CORRECTIONS = ("none", "holm", "bh")
ALTERNATIVES = ("two-sided", "greater", "less")
# PostHog's exposure of a feature flag: the event its SDKs send whenever code reads a flag, the
# property naming the flag and the one carrying its answer (the variant, or false when the person
# is outside the rollout or the flag's conditions).
FLAG_EXPOSURE = "$feature_flag_called"
FLAG_KEY = "$feature_flag"
FLAG_RESPONSE = "$feature_flag_response"


@dataclass(frozen=True)
class ExperimentSpec:
    name: str
    exposure_event: str
    variant_property: str
    metrics: tuple[MetricDef, ...]
    hypothesis: str
    decision_rule: str
    control: str | None = None
    exposure_filters: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    alpha: float = 0.05
    correction: Correction = "holm"
    sequential_tuning: float | None = None
    mde: float = 0.05
    split: tuple[tuple[str, float], ...] = ()  # planned share per variant; () means equal


def parse_split(values: Sequence[str], field: str = "split") -> tuple[tuple[str, float], ...]:
    """``VARIANT=WEIGHT`` options (weights in any unit: 90/10, 0.9/0.1) as pairs; a weight of
    0 plans no traffic (a holdout, a retired variant), so any unit it gets is reported.
    ``field`` names the option at fault in errors (a bandit's are its ``weights``)."""
    out = []
    for value in values:
        name, sep, weight = value.partition("=")
        try:
            share = float(weight)
        except ValueError:
            share = -1.0
        if not sep or not name.strip() or not 0 <= share < math.inf:
            raise UserError(f"{field} {value!r}: write it as VARIANT=WEIGHT with a finite "
                            "weight of 0 or more", field=field, value=value)
        out.append((name.strip(), share))
    if out and (sum(w > 0 for _, w in out) < 2 or len({n for n, _ in out}) != len(out)):
        raise UserError(f"{field}: give every variant once, at least two of them with a "
                        "weight above 0", field=field, value=list(values))
    return tuple(out)


def on_flag(spec: ExperimentSpec, key: str, variants: Sequence[tuple[str, float]]
            ) -> ExperimentSpec:
    """``spec`` measured on feature flag ``key`` with ``variants`` (name, percent): its exposures
    are the flag's ``$feature_flag_called`` events, the arm is the flag's answer; the control is
    the flag's first variant and the planned split the flag's, unless the spec names them."""
    names = [name for name, _ in variants]
    if len(names) < 2:
        raise UserError(f"flag {key!r} has no variants to compare: an experiment needs a flag "
                        "with two variants or more", field="flag", value=key)
    control = spec.control or names[0]
    if control not in names:
        raise UserError(f"control {control!r} is not a variant of flag {key!r}; its variants "
                        f"are {names}", field="control", value=control)
    split = spec.split or tuple(variants)  # a 0% variant stays, so its traffic is reported
    return replace(spec, exposure_event=FLAG_EXPOSURE, variant_property=FLAG_RESPONSE,
                   exposure_filters=((FLAG_KEY, key), *spec.exposure_filters),
                   control=control, split=split)


def flag_arms(exposure_event: str, variant_property: str,
              split: Mapping[str, float] | None) -> frozenset[str] | None:
    """The arms of an experiment on a flag (its planned variants): people whose answer was
    another (false: outside the rollout) are not in it. None for any other experiment."""
    if exposure_event != FLAG_EXPOSURE or variant_property != FLAG_RESPONSE or not split:
        return None
    return frozenset(split)


def mark_lower_is_better(metrics: Sequence[MetricDef], names: Sequence[str]
                         ) -> tuple[MetricDef, ...]:
    """``metrics`` with the named ones marked so a fall counts as the good direction."""
    unknown = sorted(set(names) - {m.name for m in metrics})
    if unknown:
        raise UserError(f"lower is better {unknown}: no metric of that name; metrics are "
                        f"{[m.name for m in metrics]}", field="lower_is_better", value=unknown)
    return tuple(replace(m, lower_is_better=m.name in names) for m in metrics)


TIMINGS = ("leading", "lagging")


def mark_guardrails(metrics: Sequence[MetricDef], names: Sequence[str],
                    timings: Sequence[str] = ()) -> tuple[MetricDef, ...]:
    """``metrics`` with the named ones marked as guardrails (counter metrics) and tagged
    ``NAME=leading|lagging``; the first metric is the goal and cannot be a guardrail."""
    known = [m.name for m in metrics]
    tags = dict(t.partition("=")[::2] for t in timings)
    unknown = sorted((set(names) | set(tags)) - set(known))
    if unknown:
        raise UserError(f"metrics {unknown}: no metric of that name; metrics are {known}",
                        field="guardrail", value=unknown)
    wrong = sorted(f"{k}={v}" for k, v in tags.items() if v not in TIMINGS)
    if wrong:
        raise UserError(f"timing {wrong}: write NAME=leading or NAME=lagging", field="timing",
                        value=wrong)
    if metrics and metrics[0].name in names:
        raise UserError(f"{metrics[0].name!r} is the goal metric (the first); a guardrail is "
                        "another metric that must not get worse", field="guardrail",
                        value=metrics[0].name)
    return tuple(replace(m, guardrail=m.name in names, timing=tags.get(m.name, m.timing))
                 for m in metrics)


def warnings(spec: ExperimentSpec) -> list[str]:
    """What a definition risks without being wrong: no guardrail, untagged metrics."""
    found = []
    if not any(m.guardrail for m in spec.metrics):
        found.append(f"experiment {spec.name!r} has no guardrail metric: name one that must not "
                     "get worse (a proxy goal with no counter metric invites Goodhart's law)")
    untagged = [m.name for m in spec.metrics if m.timing is None]
    if untagged:
        found.append(f"metrics {untagged} are not tagged leading or lagging")
    return found


def parse_directions(names: Sequence[str], values: Sequence[str]) -> dict[str, Alternative]:
    """Test directions from ``METRIC=DIRECTION`` options; a bare ``DIRECTION`` applies to every
    metric. Directions: two-sided, greater, less; metrics not named are not in the result."""
    chosen: dict[str, Alternative] = {}
    for value in values:
        name, sep, direction = value.rpartition("=") if "=" in value else ("", "", value)
        direction = direction.strip()
        if direction not in ALTERNATIVES:
            raise UserError(f"alternative {value!r}: the direction must be one of "
                            f"{', '.join(ALTERNATIVES)}", field="alternative", value=value)
        if sep and name.strip() not in names:
            raise UserError(f"alternative {value!r}: no metric {name.strip()!r}; metrics are "
                            f"{list(names)}", field="alternative", value=value)
        side = cast(Alternative, direction)
        chosen.update({name.strip(): side} if sep else dict.fromkeys(names, side))
    return chosen


def parse_alternatives(metrics: Sequence[MetricDef], values: Sequence[str]
                       ) -> tuple[MetricDef, ...]:
    """``metrics`` with the test directions of ``METRIC=DIRECTION`` options set."""
    chosen = parse_directions([m.name for m in metrics], values)
    return tuple(replace(m, alternative=chosen.get(m.name, m.alternative)) for m in metrics)


def validate(spec: ExperimentSpec) -> None:
    """Refuse a definition that could not be analysed, before anything is stored."""
    if not spec.name.strip():
        raise UserError("an experiment needs a name")
    if not spec.exposure_event.strip() or not spec.variant_property.strip():
        raise UserError(f"experiment {spec.name!r}: name its exposure event and the property "
                        "carrying the variant, or tie it to a feature flag",
                        field="exposure_event" if not spec.exposure_event.strip()
                        else "variant_property")
    if not spec.metrics:
        raise UserError(f"experiment {spec.name!r}: give at least one metric", field="metric")
    names = [m.name for m in spec.metrics]
    if len(set(names)) != len(names):
        raise UserError(f"experiment {spec.name!r}: metric names must be unique: {names}")
    if not spec.hypothesis.strip() or not spec.decision_rule.strip():
        raise UserError(f"experiment {spec.name!r}: write the hypothesis and the decision rule "
                        "now, before any result is read",
                        field="decision_rule" if spec.hypothesis.strip() else "hypothesis")
    check_levels(spec.alpha, spec.mde, spec.sequential_tuning)
    if spec.correction not in CORRECTIONS:
        raise UserError(f"correction must be one of {', '.join(CORRECTIONS)}")
    wrong = [m.name for m in spec.metrics if m.alternative not in ALTERNATIVES]
    if wrong:
        raise UserError(f"experiment {spec.name!r}: metrics {wrong} need a direction among "
                        f"{', '.join(ALTERNATIVES)}", field="alternative", value=wrong)


def create_experiment(store: Store, author: str, spec: ExperimentSpec, replace: bool = False
                      ) -> Experiment:
    """Store ``spec``; replacing is allowed only until results were first read."""
    validate(spec)
    with store.session() as session:
        row = session.scalar(select(Experiment).where(Experiment.name == spec.name))
        if row is not None and not replace:
            raise UserError(f"experiment {spec.name!r} exists; replace it to redefine it",
                            field="replace", value=spec.name)
        if row is not None and row.locked_at is not None:
            raise UserError(
                f"experiment {spec.name!r} was locked when its results were first read "
                f"({row.locked_at:%Y-%m-%d %H:%M} UTC): its hypothesis, metrics and decision rule "
                "can no longer change; create a new experiment instead")
        row = row or Experiment(name=spec.name)
        _fill(row, spec, author)
        session.add(row)
        return row


def _fill(row: Experiment, spec: ExperimentSpec, author: str) -> None:
    row.exposure_event, row.variant_property = spec.exposure_event, spec.variant_property
    row.exposure_filters = [list(f) for f in spec.exposure_filters]
    row.control, row.metrics = spec.control, [m.to_json() for m in spec.metrics]
    row.hypothesis, row.decision_rule = spec.hypothesis.strip(), spec.decision_rule.strip()
    row.alpha, row.correction = spec.alpha, spec.correction
    row.sequential_tuning, row.mde = spec.sequential_tuning, spec.mde
    row.split = dict(spec.split) or None
    row.author, row.created_at, row.locked_at = author, datetime.now(UTC), None


def get_experiment(store: Store, name: str) -> Experiment:
    with store.session() as session:
        row = session.scalar(select(Experiment).where(Experiment.name == name))
        if row is None:
            raise UserError(f"no experiment named {name!r}", field="experiment", value=name,
                            hint="experiment-list")
        return row


def list_experiments(store: Store) -> Sequence[Experiment]:
    with store.session() as session:
        return session.scalars(select(Experiment).order_by(Experiment.created_at)).all()


def lock(store: Store, name: str) -> None:
    """Record the first read of results (idempotent)."""
    with store.session() as session:
        row = session.scalar(select(Experiment).where(Experiment.name == name))
        if row is not None and row.locked_at is None:
            row.locked_at = datetime.now(UTC)
