"""Outcome goals that pass a SMART check, and their progress measured from live data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import insights, store
from needle.artifacts.metrics import measure, parse_metric, trailing_window
from needle.artifacts.models import Artifact
from needle.artifacts.proposals import baseline
from needle.errors import UserError

_PARTS = (("metric", "a metric"), ("target", "a target (a number)"), ("due", "a date (YYYY-MM-DD)"))


def check_smart(fields: Mapping[str, Any]) -> None:
    """Refuse a goal that does not name a metric, a target and a date, saying which is missing."""
    missing = [(name, text) for name, text in _PARTS if fields.get(name) in (None, "")]
    if missing:
        raise UserError(f"a goal needs {', '.join(text for _, text in missing)}; it is not "
                        "measurable without it", field=missing[0][0])
    problem = parse_metric(fields["metric"]).target_problem(fields["target"])
    if problem:
        raise UserError(f"{problem}; the goal could never be met", field="target",
                        value=fields["target"])
    try:
        date.fromisoformat(str(fields["due"]))
    except ValueError:
        raise UserError(f"goal date {fields['due']!r}: write it as YYYY-MM-DD", field="due",
                        value=fields["due"]) from None


def create(session: Session, engine: Engine, title: str, who: str,
           fields: Mapping[str, Any]) -> Artifact:
    fields = {**fields, "metric": insights.metric_spec(session, fields.get("metric") or "")[0]
              or None}
    check_smart(fields)
    values = {**fields, "target": float(fields["target"]),
              "baseline": baseline(engine, fields["metric"])}
    check_moves(values)
    return store.create(session, "goal", title, who, values)


def check_moves(fields: Mapping[str, Any]) -> None:
    """A target equal to the baseline asks for no change: its progress cannot be measured."""
    if fields["target"] == (fields.get("baseline") or {}).get("value"):
        raise UserError(f"target {fields['target']:g} is the baseline already; a goal moves "
                        "its metric", field="target", value=fields["target"])


@dataclass(frozen=True)
class GoalStatus:
    goal: int
    title: str
    metric: str
    baseline: float | None
    current: float | None
    target: float
    due: str
    progress: float | None  # share of the way from baseline to target
    verdict: str
    sql: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def status(engine: Engine, goal: Artifact, today: date) -> GoalStatus:
    f = goal.fields
    metric = parse_metric(f["metric"])
    now = measure(engine, metric, trailing_window(engine, metric))
    start = f["baseline"]["value"]
    progress = None
    if now.value is not None and start is not None and f["target"] != start:
        progress = (now.value - start) / (f["target"] - start)
    return GoalStatus(goal.id, goal.title, metric.spec, start, now.value, f["target"], f["due"],
                      progress, _verdict(progress, date.fromisoformat(f["due"]), today), now.sql)


def _verdict(progress: float | None, due: date, today: date) -> str:
    if progress is None:
        return "no data"
    if progress >= 1:
        return "met"
    return "missed" if today > due else "in progress"
