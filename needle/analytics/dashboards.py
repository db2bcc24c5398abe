"""Dashboards: named, ordered collections of saved insights, reviewed together every week.

A dashboard holds insights, not results: each visit re-runs them on the events as they are
then. Items are kept in a dense 1-based order; moving one shifts the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from needle.analytics.engine import Engine, run
from needle.analytics.insights import Insight
from needle.analytics.results import Result
from needle.errors import UserError
from needle.store import Base, Store, find


class Dashboard(Base):
    __tablename__ = "dashboards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    author: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class DashboardItem(Base):
    """One insight on one dashboard, at ``position`` (1 is first)."""

    __tablename__ = "dashboard_items"
    __table_args__ = (UniqueConstraint("dashboard_id", "insight_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dashboard_id: Mapped[int] = mapped_column(
        ForeignKey("dashboards.id", ondelete="CASCADE"), index=True, nullable=False)
    insight_id: Mapped[int] = mapped_column(
        ForeignKey("insights.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)


@dataclass(frozen=True)
class DashboardView:
    """A dashboard as people read it: its fields and its insights in order."""

    id: int
    name: str
    description: str
    author: str
    created_at: datetime
    updated_at: datetime
    insights: tuple[Insight, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "description": self.description,
                "author": self.author, "created_at": _iso(self.created_at),
                "updated_at": _iso(self.updated_at),
                "insights": [{"position": i, "name": insight.name, "kind": insight.kind,
                              "description": insight.description}
                             for i, insight in enumerate(self.insights, 1)]}


@dataclass(frozen=True)
class Tile:
    """One insight of a dashboard run now: its result, or why it could not run."""

    insight: Insight
    result: Result | None
    error: str | None = None


@dataclass(frozen=True)
class DashboardRun:
    """A dashboard with every insight run on the events as they are now."""

    dashboard: DashboardView
    tiles: tuple[Tile, ...]

    def to_json(self) -> dict[str, Any]:
        listed = self.dashboard.to_json()
        for entry, tile in zip(listed["insights"], self.tiles, strict=True):
            entry.update(query=tile.insight.spec,
                         result=tile.result.to_json() if tile.result is not None else None,
                         error=tile.error)
        return listed


def create_dashboard(store: Store, name: str, author: str, description: str = "") -> DashboardView:
    """A new, empty dashboard; names are unique."""
    name = name.strip()
    if not name:
        raise UserError("a dashboard needs a name", field="name")
    now = datetime.now(UTC)
    with store.session() as session:
        if session.scalar(select(Dashboard.id).where(Dashboard.name == name)) is not None:
            raise UserError(f"dashboard {name!r} exists; choose another name", field="name",
                            value=name)
        dashboard = Dashboard(name=name, description=description.strip(), author=author,
                              created_at=now, updated_at=now)
        session.add(dashboard)
        session.flush()
        return _view(session, dashboard)


def list_dashboards(store: Store) -> list[DashboardView]:
    """Every dashboard, by name."""
    with store.session() as session:
        return [_view(session, d) for d in session.scalars(select(Dashboard).order_by(
            Dashboard.name))]


def get_dashboard(store: Store, dashboard_id: int) -> DashboardView:
    with store.session() as session:
        return _view(session, _get(session, dashboard_id))


def add_insight(store: Store, dashboard_id: int, insight_name: str) -> DashboardView:
    """Put the saved insight last on the dashboard; an insight is on a dashboard once."""
    with store.session() as session:
        dashboard = _get(session, dashboard_id)
        insight = _insight(session, insight_name)
        if _item(session, dashboard.id, insight.id) is not None:
            raise UserError(f"insight {insight.name!r} is already on dashboard "
                            f"{dashboard.name!r}", field="insight", value=insight.name)
        last = session.scalar(select(func.max(DashboardItem.position)).where(
            DashboardItem.dashboard_id == dashboard.id)) or 0
        session.add(DashboardItem(dashboard_id=dashboard.id, insight_id=insight.id,
                                  position=last + 1))
        return _touched(session, dashboard)


def remove_insight(store: Store, dashboard_id: int, insight_name: str) -> DashboardView:
    """Take the insight off the dashboard (the insight itself stays saved)."""
    with store.session() as session:
        dashboard = _get(session, dashboard_id)
        item = _required_item(session, dashboard, insight_name)
        session.delete(item)
        session.flush()
        _renumber(session, dashboard.id, [i for i in _items(session, dashboard.id)])
        return _touched(session, dashboard)


def move_insight(store: Store, dashboard_id: int, insight_name: str,
                 position: int) -> DashboardView:
    """Move the insight to ``position`` (1 is first; beyond the ends means the end)."""
    with store.session() as session:
        dashboard = _get(session, dashboard_id)
        item = _required_item(session, dashboard, insight_name)
        others = [i for i in _items(session, dashboard.id) if i.id != item.id]
        place = min(max(position, 1), len(others) + 1)
        _renumber(session, dashboard.id, [*others[:place - 1], item, *others[place - 1:]])
        return _touched(session, dashboard)


def delete_dashboard(store: Store, dashboard_id: int) -> None:
    """Delete the dashboard (its insights stay saved)."""
    with store.session() as session:
        dashboard = _get(session, dashboard_id)
        session.execute(delete(DashboardItem).where(DashboardItem.dashboard_id == dashboard.id))
        session.delete(dashboard)


def run_dashboard(store: Store, engine: Engine, dashboard_id: int) -> DashboardRun:
    """Run every insight of the dashboard; one that cannot run (an event no longer there)
    says why instead of failing the others."""
    dashboard = get_dashboard(store, dashboard_id)
    tiles = []
    for insight in dashboard.insights:
        try:
            tiles.append(Tile(insight, run(engine, insight.query)))
        except UserError as exc:
            tiles.append(Tile(insight, None, str(exc)))
    return DashboardRun(dashboard, tuple(tiles))


def _get(session: Session, dashboard_id: int) -> Dashboard:
    dashboard = find(session, Dashboard, dashboard_id)
    if dashboard is None:
        raise UserError(f"no dashboard with id {dashboard_id}", field="dashboard",
                        value=dashboard_id, hint="dashboard-list")
    return dashboard


def _insight(session: Session, name: str) -> Insight:
    insight = session.scalar(select(Insight).where(Insight.name == name.strip()))
    if insight is None:
        raise UserError(f"no insight named {name!r}", field="insight", value=name,
                        hint="insight-list")
    return insight


def _item(session: Session, dashboard_id: int, insight_id: int) -> DashboardItem | None:
    return session.scalar(select(DashboardItem).where(
        DashboardItem.dashboard_id == dashboard_id, DashboardItem.insight_id == insight_id))


def _required_item(session: Session, dashboard: Dashboard, insight_name: str) -> DashboardItem:
    item = _item(session, dashboard.id, _insight(session, insight_name).id)
    if item is None:
        raise UserError(f"insight {insight_name!r} is not on dashboard {dashboard.name!r}",
                        field="insight", value=insight_name)
    return item


def _items(session: Session, dashboard_id: int) -> list[DashboardItem]:
    return list(session.scalars(select(DashboardItem).where(
        DashboardItem.dashboard_id == dashboard_id).order_by(DashboardItem.position,
                                                              DashboardItem.id)))


def _renumber(session: Session, dashboard_id: int, ordered: list[DashboardItem]) -> None:
    for position, item in enumerate(ordered, 1):
        item.position = position
    session.flush()


def _touched(session: Session, dashboard: Dashboard) -> DashboardView:
    dashboard.updated_at = datetime.now(UTC)
    session.flush()
    return _view(session, dashboard)


def _view(session: Session, dashboard: Dashboard) -> DashboardView:
    insights = session.scalars(
        select(Insight).join(DashboardItem, DashboardItem.insight_id == Insight.id)
        .where(DashboardItem.dashboard_id == dashboard.id)
        .order_by(DashboardItem.position, DashboardItem.id))
    return DashboardView(dashboard.id, dashboard.name, dashboard.description, dashboard.author,
                         dashboard.created_at, dashboard.updated_at, tuple(insights))


def _iso(moment: datetime) -> str:
    """ISO-8601 in UTC; SQLite hands stored instants back without their (UTC) zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
