"""Themes x behaviour: do the people who report a theme behave differently in the product?

For every theme, the customers behind its evidence who also appear as ``distinct_id`` in the event
lake are compared on N-day retention with every other user in the lake (``against="users"``) or
with the customers who reported other themes only (``against="reporters"``: people who write in
are usually more engaged than the average user, so this baseline removes that bias). A user is
*retained* when they have any event N days or more after their first event. Users whose first
event is less than N days before the lake's last event cannot be judged yet and are left out. The
difference of the two rates comes with a Newcombe (Wilson score) interval from statsmodels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
from sqlalchemy import select
from statsmodels.stats.proportion import confint_proportions_2indep

from needle.errors import UserError
from needle.evidence.models import Evidence
from needle.themes.view import list_themes
from needle.workspace import Workspace

_RETENTION_SQL = """
WITH users AS (
    SELECT distinct_id, min(timestamp) AS first_at, max(timestamp) AS last_at
    FROM read_parquet($files) GROUP BY distinct_id
)
SELECT distinct_id, last_at >= first_at + to_days($days) AS retained
FROM users
WHERE first_at + to_days($days) <= (SELECT max(last_at) FROM users)
"""


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

    def to_json(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


def retention_by_user(workspace: Workspace, days: int = 30) -> dict[str, bool]:
    """Whether each judgeable user of the lake was retained ``days`` days after first seen."""
    files = [str(path) for path in workspace.lake.files()]
    if not files:
        raise UserError("the event lake is empty; import events first (`needle events import`)")
    with duckdb.connect() as con:
        rows = con.execute(_RETENTION_SQL, {"files": files, "days": days}).fetchall()
    return {str(user): bool(retained) for user, retained in rows}


AGAINST = ("users", "reporters")


def theme_behaviour(
    workspace: Workspace, days: int = 30, against: str = "users", confidence: float = 0.95
) -> list[BehaviourRow]:
    """Retention of each theme's reporters versus everyone else, with an interval."""
    if against not in AGAINST:
        raise UserError(f"compare against one of {', '.join(AGAINST)}, not {against!r}")
    retained = retention_by_user(workspace, days)
    themes = list_themes(workspace).themes
    by_theme = {t.id: _reporters(workspace, t.evidence_ids) & retained.keys() for t in themes}
    if against == "reporters":
        everyone = set().union(*by_theme.values())
        retained = {user: retained[user] for user in everyone}
    metric = f"retention_{days}d"
    return [_compare(t.id, t.label, metric, by_theme[t.id], retained, confidence) for t in themes]


def _reporters(workspace: Workspace, evidence_ids: list[int]) -> set[str]:
    with workspace.store.session() as session:
        found = session.scalars(select(Evidence.customer).where(
            Evidence.id.in_(evidence_ids), Evidence.customer.is_not(None)))
        return {str(customer) for customer in found}


def _compare(theme_id: int, label: str, metric: str, reporters: set[str],
             retained: dict[str, bool], confidence: float) -> BehaviourRow:
    hits = sum(retained[user] for user in reporters)
    others_total = len(retained) - len(reporters)
    others_hits = sum(retained.values()) - hits
    if not reporters or not others_total:
        return BehaviourRow(theme_id, label, metric, len(reporters), None, others_total, None,
                            None, None, None)
    low, high = confint_proportions_2indep(hits, len(reporters), others_hits, others_total,
                                           method="newcomb", compare="diff",
                                           alpha=1 - confidence)
    rate, other_rate = hits / len(reporters), others_hits / others_total
    return BehaviourRow(theme_id, label, metric, len(reporters), rate, others_total, other_rate,
                        rate - other_rate, float(low), float(high))
