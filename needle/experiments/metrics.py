"""Metric definitions of an experiment, measured per unit from the exposure onwards.

Written on the command line as ``[NAME=]KIND:ARGS``:

    conversion:EVENT:DAYS         1 if EVENT happens within DAYS days of exposure, else 0
    count:EVENT[:DAYS]            number of EVENTs after exposure (within DAYS days if given)
    sum:EVENT:PROPERTY[:DAYS]     sum of a numeric PROPERTY over those EVENTs
    retention:EVENT:DAY           1 if EVENT happens on day DAY after exposure ([DAY, DAY+1))
    insight:NAME                  a saved funnel or trend (see needle.experiments.insight_metrics)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from needle.analytics.specs import UnitMetric
from needle.errors import UserError


@dataclass(frozen=True)
class MetricDef:
    name: str
    kind: str                 # conversion | count | sum | retention
    event: str
    days: float | None = None  # window length from exposure (retention: the day)
    property_name: str | None = None
    insight: str | None = None  # the saved insight this metric was translated from
    lower_is_better: bool = False  # a fall is the good direction (tickets, latency, churn)
    alternative: str = "two-sided"  # or greater / less: the direction the test looks in
    guardrail: bool = False  # a counter metric: it must not get worse, whatever the goal does
    timing: str | None = None  # leading (moves within the test) or lagging (moves later)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MetricDef:
        return cls(**data)

    @property
    def binary(self) -> bool:
        return self.kind in ("conversion", "retention")

    @property
    def unit_metric(self) -> UnitMetric:
        """What the engine measures per unit."""
        return UnitMetric(self.kind, self.event, self.days, self.property_name)  # type: ignore[arg-type]


def _days(text: str, spec: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise UserError(f"metric {spec!r}: {text!r} is not a number of days")
    if value < 0:
        raise UserError(f"metric {spec!r}: days must not be negative")
    return value


def _conversion(args: list[str], spec: str) -> tuple[str, float | None, str | None]:
    event, days = _exactly(args, 2, spec, "conversion:EVENT:DAYS")
    return event, _days(days, spec), None


def _count(args: list[str], spec: str) -> tuple[str, float | None, str | None]:
    if len(args) not in (1, 2):
        raise UserError(f"metric {spec!r}: write it as count:EVENT[:DAYS]")
    return args[0], _days(args[1], spec) if len(args) == 2 else None, None


def _sum(args: list[str], spec: str) -> tuple[str, float | None, str | None]:
    if len(args) not in (2, 3):
        raise UserError(f"metric {spec!r}: write it as sum:EVENT:PROPERTY[:DAYS]")
    return args[0], _days(args[2], spec) if len(args) == 3 else None, args[1]


def _retention(args: list[str], spec: str) -> tuple[str, float | None, str | None]:
    event, day = _exactly(args, 2, spec, "retention:EVENT:DAY")
    return event, _days(day, spec), None


def _exactly(args: list[str], count: int, spec: str, usage: str) -> list[str]:
    if len(args) != count or not all(args):
        raise UserError(f"metric {spec!r}: write it as {usage}")
    return args


PARSERS: dict[str, Callable[[list[str], str], tuple[str, float | None, str | None]]] = {
    "conversion": _conversion, "count": _count, "sum": _sum, "retention": _retention,
}


def _default_name(kind: str, event: str, days: float | None, prop: str | None) -> str:
    suffix = "" if days is None else f"_{days:g}d"
    if kind == "retention":
        return f"{event}_retained_day{days:g}"
    return f"{kind}_{event}{'_' + prop if prop else ''}{suffix}"


def parse_metric(spec: str) -> MetricDef:
    """``[NAME=]KIND:ARGS`` as a metric definition."""
    name, sep, body = spec.partition("=")
    if not sep:
        name, body = "", spec
    kind, *args = body.strip().split(":")
    if kind not in PARSERS:
        raise UserError(f"metric {spec!r}: kind must be one of {', '.join(PARSERS)}")
    event, days, prop = PARSERS[kind]([a.strip() for a in args], spec)
    return MetricDef(name.strip() or _default_name(kind, event, days, prop), kind, event, days,
                     prop)
