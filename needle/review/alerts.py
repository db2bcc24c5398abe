"""Alert rules on saved insights, checked against a week's review.

Three kinds, each on the insight's weekly value (a count summed over the week, people active as
a daily mean, a funnel as the week's conversion):

- ``above`` / ``below``: the week's value is above (below) ``value``;
- ``change``: the week moved by at least ``value`` relative to last week (``-0.2``: fell 20% or
  more; ``0.2``: rose 20% or more);
- ``anomaly``: the review found an anomaly on the insight (or one of its funnel's steps).

Each check records its outcome on the rule, so the web and the next review show the latest state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from needle.analytics.insights import Insight, get_insight
from needle.errors import UserError
from needle.store import Base, Store, find

KINDS = ("above", "below", "change", "anomaly")


class AlertRule(Base):
    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    insight_id: Mapped[int] = mapped_column(
        ForeignKey("insights.id", ondelete="CASCADE"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    value: Mapped[float | None] = mapped_column(Float)
    author: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_week: Mapped[str | None] = mapped_column(String(8))
    firing: Mapped[bool | None] = mapped_column(Boolean)
    message: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True)
class RuleState:
    """A rule and the outcome of its latest check (None before the first)."""

    id: int
    insight: str
    kind: str
    value: float | None
    checked_week: str | None
    firing: bool | None
    message: str | None

    @property
    def text(self) -> str:
        if self.kind == "anomaly":
            return f"{self.insight}: any anomaly"
        if self.value is None:  # stored before thresholds were checked (NaN reads back NULL)
            return f"{self.insight}: {self.kind} (no threshold)"
        if self.kind == "change":
            return f"{self.insight}: moves {self.value:+.0%} or more on last week"
        return f"{self.insight}: {self.kind} {self.value:g}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "insight": self.insight, "kind": self.kind, "value": self.value,
                "rule": self.text, "checked_week": self.checked_week, "firing": self.firing,
                "message": self.message}


def add_rule(store: Store, insight: str, kind: str, value: float | None,
             author: str) -> RuleState:
    """Store a rule on the saved insight ``insight``."""
    if kind not in KINDS:
        raise UserError(f"alert kind {kind!r}: use one of {', '.join(KINDS)}", field="kind",
                        value=kind)
    if (kind == "anomaly") != (value is None):
        raise UserError(f"an {kind} alert {'takes no' if kind == 'anomaly' else 'needs a'} "
                        "value", field="value")
    if value is not None and not math.isfinite(value):
        raise UserError(f"alert threshold {value:g}: it must be a finite number", field=kind,
                        value=value)
    if kind == "change" and value == 0:
        raise UserError("a change alert needs a non-zero relative change, such as -0.2",
                        field="value", value=value)
    if kind == "change" and value is not None and value < -1:
        raise UserError(f"a change alert of {value:+.0%} could never fire: nothing falls by more "
                        "than 100%", field="change", value=value)
    target = get_insight(store, insight)
    with store.session() as session:
        rule = AlertRule(insight_id=target.id, kind=kind, value=value, author=author,
                         created_at=datetime.now(UTC))
        session.add(rule)
        session.flush()
        return _state(rule, target.name)


def _state(rule: AlertRule, insight: str) -> RuleState:
    return RuleState(rule.id, insight, rule.kind, rule.value, rule.checked_week, rule.firing,
                     rule.message)


def list_rules(store: Store) -> list[RuleState]:
    with store.session() as session:
        pairs = session.execute(select(AlertRule, Insight.name).join(
            Insight, Insight.id == AlertRule.insight_id).order_by(AlertRule.id)).all()
        return [_state(rule, name) for rule, name in pairs]


def remove_rule(store: Store, rule_id: int) -> None:
    with store.session() as session:
        rule = find(session, AlertRule, rule_id)
        if rule is None:
            raise UserError(f"no alert rule {rule_id}", field="id", value=rule_id)
        session.delete(rule)


def verdict(kind: str, value: float | None, this_week: float | None,
            change: float | None, anomalous: bool) -> tuple[bool | None, str]:
    """Whether a rule fires on a week, and why; None when the week has nothing to judge."""
    if kind == "anomaly":
        return anomalous, "an anomaly this week" if anomalous else "no anomaly"
    if value is None:
        return None, "the rule has no threshold; remove it and add it again"
    if kind == "change":
        if change is None:
            return None, "no value last week to compare with"
        fired = change <= value if value < 0 else change >= value
        return fired, f"{change:+.1%} on last week"
    if this_week is None:
        return None, "no value this week"
    fired = this_week > value if kind == "above" else this_week < value
    return fired, f"this week {this_week:,.4g}"


def record(store: Store, rule_id: int, week: str, firing: bool | None, message: str) -> None:
    """Keep a check's outcome on its rule."""
    with store.session() as session:
        rule = find(session, AlertRule, rule_id)
        if rule is not None:
            rule.checked_at, rule.checked_week = datetime.now(UTC), week
            rule.firing, rule.message = firing, message
