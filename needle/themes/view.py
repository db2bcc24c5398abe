"""Reading themes back: summaries for listings, full detail for one theme.

Sizes, customers, first/last seen and trends are computed from the stored assignments at read
time, so they are current after an incremental update.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from needle.errors import UserError
from needle.evidence.models import Evidence
from needle.store import Store
from needle.themes.models import Theme, ThemeAssignment, ThemeEdit
from needle.themes.trend import WEEKS, Trend, trend


@dataclass(frozen=True)
class Quote:
    evidence_id: int
    text: str
    customer: str | None

    def to_json(self) -> dict[str, Any]:
        return {"evidence_id": self.evidence_id, "text": self.text, "customer": self.customer}


@dataclass(frozen=True)
class ThemeSummary:
    """One theme as people read it; ``evidence_ids`` can cite it as evidence elsewhere."""

    id: int
    label: str
    keywords: list[str]
    size: int
    share: float
    customers: int
    first_seen: datetime | None
    last_seen: datetime | None
    trend: Trend
    quotes: list[Quote]
    evidence_ids: list[int]
    origin: str = "auto"
    renamed: bool = False
    edits: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "keywords": self.keywords, "size": self.size,
            "share": round(self.share, 4), "customers": self.customers,
            "first_seen": self.first_seen, "last_seen": self.last_seen,
            "trend": self.trend.to_json(), "quotes": [q.to_json() for q in self.quotes],
            "evidence_ids": self.evidence_ids, "origin": self.origin, "renamed": self.renamed,
        }

    def detail_json(self) -> dict[str, Any]:
        """One theme shown alone: its JSON and the edits people made to it."""
        return {**self.to_json(), "edits": self.edits}


@dataclass(frozen=True)
class ThemeList:
    themes: list[ThemeSummary]
    unthemed: list[int]
    evidence: int

    def to_json(self) -> dict[str, Any]:
        return {"themes": [t.to_json() for t in self.themes], "unthemed": self.unthemed,
                "evidence": self.evidence}


@dataclass
class _Members:
    ids: list[int] = field(default_factory=list)
    customers: set[str] = field(default_factory=set)
    moments: list[datetime | None] = field(default_factory=list)


def list_themes(store: Store, weeks: int = WEEKS) -> ThemeList:
    """Every active theme, largest first, with the evidence left unthemed."""
    with store.session() as session:
        return _list(session, weeks)


def get_theme(store: Store, theme_id: int, weeks: int = WEEKS) -> ThemeSummary:
    """One theme by id (the stable handle other artifacts cite); edits included."""
    with store.session() as session:
        theme = session.get(Theme, theme_id)
        if theme is None or not theme.active:
            raise UserError(f"no theme {theme_id}", field="theme", value=theme_id, hint="themes")
        members = _members(session).get(theme_id, _Members())
        summary = _summary(session, theme, members, _total(session), _newest(session), weeks)
        edits = session.scalars(select(ThemeEdit).where(ThemeEdit.theme_id == theme_id)
                                .order_by(ThemeEdit.id))
        summary.edits.extend({"kind": e.kind, "detail": e.detail, "author": e.author,
                              "at": e.created_at} for e in edits)
        return summary


def _list(session: Session, weeks: int) -> ThemeList:
    groups = _members(session)
    total, newest = _total(session), _newest(session)
    themes = session.scalars(select(Theme).where(Theme.active)).all()
    summaries = [_summary(session, t, groups.get(t.id, _Members()), total, newest, weeks)
                 for t in themes]
    summaries.sort(key=lambda s: (-s.size, s.id))
    unthemed = sorted(session.scalars(
        select(ThemeAssignment.evidence_id).where(ThemeAssignment.theme_id.is_(None))))
    return ThemeList(summaries, unthemed, total)


def _members(session: Session) -> dict[int, _Members]:
    rows = session.execute(
        select(ThemeAssignment.theme_id, Evidence.id, Evidence.customer, Evidence.created_at)
        .join(Evidence, Evidence.id == ThemeAssignment.evidence_id)
        .where(ThemeAssignment.theme_id.is_not(None)).order_by(Evidence.id)
    ).all()
    out: dict[int, _Members] = defaultdict(_Members)
    for theme_id, evidence_id, customer, created in rows:
        group = out[theme_id or 0]
        group.ids.append(evidence_id)
        group.moments.append(created)
        if customer:
            group.customers.add(customer)
    return out


def _summary(session: Session, theme: Theme, members: _Members, total: int,
             newest: date | None, weeks: int) -> ThemeSummary:
    dated = [m for m in members.moments if m is not None]
    quotes = [Quote(e.id, e.text, e.customer) for e in
              (session.get(Evidence, i) for i in theme.quotes) if e is not None]
    return ThemeSummary(
        id=theme.id, label=theme.title, keywords=list(theme.keywords), size=len(members.ids),
        share=len(members.ids) / total if total else 0.0, customers=len(members.customers),
        first_seen=min(dated, default=None), last_seen=max(dated, default=None),
        trend=trend(members.moments, newest, weeks), quotes=quotes, evidence_ids=members.ids,
        origin=theme.origin, renamed=theme.renamed is not None,
    )


def _total(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Evidence)) or 0


def _newest(session: Session) -> date | None:
    newest = session.scalar(select(func.max(Evidence.created_at)))
    return newest.date() if newest is not None else None
