"""Saved insights as the data behind artifacts: who they count, and a metric they define.

A funnel insight counts as usage data: the people who entered it and did not finish are the
people a problem reaches. A two-step funnel without filters becomes a success metric
(``conversion:A>B@Nd``) evaluated by :mod:`needle.artifacts.metrics`, so its before/after and
baseline numbers come from the same re-runnable statements as every other metric.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from needle.analytics.engine import Engine, funnel_people
from needle.analytics.insights import Insight
from needle.analytics.specs import FunnelQuery
from needle.errors import UserError

PREFIX = "insight:"


def get(session: Session, name: str) -> Insight:
    insight = session.scalar(select(Insight).where(Insight.name == name))
    if insight is None:
        raise UserError(f"unknown insight {name!r}", field="insight", value=name,
                        hint="insight-list")
    return insight


def users(session: Session, engine: Engine, name: str) -> list[str] | None:
    """People who entered a funnel insight and did not reach its last step; None otherwise."""
    query = get(session, name).query
    if not isinstance(query, FunnelQuery):
        return None
    found: set[str] = set()
    for step in range(1, len(query.steps)):
        found.update(funnel_people(engine, query, step, dropped=True))
    return sorted(found)


def metric_spec(session: Session, text: str) -> tuple[str, str | None]:
    """``insight:NAME`` as a metric spec plus the insight's name; other text is unchanged."""
    if not text.startswith(PREFIX):
        return text, None
    name = text.removeprefix(PREFIX)
    query = get(session, name).query
    if (not isinstance(query, FunnelQuery) or len(query.steps) != 2 or query.filters
            or any(s.filters or s.event is None for s in query.steps) or query.exclusions):
        raise UserError(f"insight {name!r} cannot be a success metric: use a two-step funnel "
                        "without filters, or a metric spec such as conversion:A>B@7d",
                        field="metric", value=text)
    days = max(1, round(query.window_seconds / 86400))
    return f"conversion:{query.steps[0].event}>{query.steps[1].event}@{days}d", name
