"""The stored experiment definition."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from needle.experiments.metrics import MetricDef
from needle.store import Base


class Experiment(Base):
    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    exposure_event: Mapped[str] = mapped_column(String(255))
    variant_property: Mapped[str] = mapped_column(String(255))
    exposure_filters: Mapped[list[list[str]]] = mapped_column(JSON)
    control: Mapped[str | None] = mapped_column(String(255))
    metrics: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    hypothesis: Mapped[str] = mapped_column(Text)
    decision_rule: Mapped[str] = mapped_column(Text)
    alpha: Mapped[float] = mapped_column(Float)
    correction: Mapped[str] = mapped_column(String(16))
    sequential_tuning: Mapped[float | None] = mapped_column(Float)
    mde: Mapped[float] = mapped_column(Float)
    split: Mapped[dict[str, float] | None] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def metric_defs(self) -> list[MetricDef]:
        return [MetricDef.from_json(m) for m in self.metrics]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "exposure_event": self.exposure_event,
            "variant_property": self.variant_property,
            "exposure_filters": {k: v for k, v in self.exposure_filters},
            "control": self.control, "metrics": self.metrics, "hypothesis": self.hypothesis,
            "decision_rule": self.decision_rule, "alpha": self.alpha,
            "correction": self.correction, "sequential_tuning": self.sequential_tuning,
            "mde": self.mde, "split": self.split, "author": self.author,
            "created_at": self.created_at.isoformat(),
            "locked_at": self.locked_at.isoformat() if self.locked_at else None,
        }
