"""Themes x behaviour: do the people who report a theme behave differently in the product?

For every theme, the customers behind its evidence who also appear as ``distinct_id`` in the event
lake are compared on N-day retention with the customers who reported other themes only
(``against="reporters"``, the default: people who write in are far more engaged than the average
user, so against everyone nearly every theme "retains better", which is engagement, not insight)
or with every other user in the lake (``against="users"``). A user is
*retained* when they have any event N days or more after their first event. Users whose first
event is less than N days before the lake's last event cannot be judged yet and are left out. The
difference of the two rates comes with a Newcombe (Wilson score) interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from needle.analytics.engine import Engine, run
from needle.analytics.results import UserRetentionResult
from needle.analytics.specs import UserRetentionQuery
from needle.errors import UserError
from needle.evidence.models import Evidence
from needle.stats.twosample import proportion_difference
from needle.store import Store
from needle.themes.view import list_themes


@dataclass(frozen=True)
class BehaviourRow:
    """One theme's reporters against everyone else on ``metric``."""

    theme_id: int
    label: str
    metric: str
    reporters: int
    reporters_rate: float | None
    others: int
    others_rate: float | None
    difference: float | None
    low: float | None
    high: float | None
    against: str = "reporters"

    def to_json(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


def retention_by_user(engine: Engine, days: int = 30) -> dict[str, bool]:
    """Whether each judgeable user of the lake was retained ``days`` days after first seen."""
    result = run(engine, UserRetentionQuery(days))
    assert isinstance(result, UserRetentionResult)
    return result.by_user()


AGAINST = ("users", "reporters")


def theme_behaviour(
    store: Store, engine: Engine, days: int = 30, against: str = "reporters",
    confidence: float = 0.95, only: int | None = None,
) -> list[BehaviourRow]:
    """Retention of each theme's reporters (or of theme ``only``'s) versus everyone else, with
    an interval."""
    if against not in AGAINST:
        raise UserError(f"compare against one of {', '.join(AGAINST)}, not {against!r}",
                        field="against", value=against)
    retained = retention_by_user(engine, days)
    themes = list_themes(store).themes
    needed = [t for t in themes if only is None or t.id == only or against == "reporters"]
    by_theme = {t.id: _reporters(store, t.evidence_ids) & retained.keys() for t in needed}
    if against == "reporters":
        everyone = set().union(*by_theme.values())
        retained = {user: retained[user] for user in everyone}
    metric = f"retention_{days}d"
    return [_compare(t.id, t.label, metric, by_theme[t.id], retained, confidence, against)
            for t in themes if only is None or t.id == only]


def _reporters(store: Store, evidence_ids: list[int]) -> set[str]:
    with store.session() as session:
        found = session.scalars(select(Evidence.customer).where(
            Evidence.id.in_(evidence_ids), Evidence.customer.is_not(None)))
        return {str(customer) for customer in found}


def _compare(theme_id: int, label: str, metric: str, reporters: set[str],
             retained: dict[str, bool], confidence: float, against: str) -> BehaviourRow:
    hits = sum(retained[user] for user in reporters)
    others_total = len(retained) - len(reporters)
    others_hits = sum(retained.values()) - hits
    if not reporters or not others_total:
        return BehaviourRow(theme_id, label, metric, len(reporters), None, others_total, None,
                            None, None, None, against)
    interval = proportion_difference(hits, len(reporters), others_hits, others_total,
                                     confidence)
    rate, other_rate = hits / len(reporters), others_hits / others_total
    return BehaviourRow(theme_id, label, metric, len(reporters), rate, others_total, other_rate,
                        rate - other_rate, interval.low, interval.high, against)
