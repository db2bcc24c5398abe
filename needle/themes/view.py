"""Reading themes back: summaries for listings, full detail for one theme.

Sizes, customers, first/last seen and trends are computed from the stored assignments at read
time, so they are current after an incremental update.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from needle.errors import UserError
from needle.evidence.models import Evidence
from needle.store import Store
from needle.themes.models import Theme, ThemeAssignment, ThemeEdit, ThemeTopic
from needle.themes.trend import WEEKS, Trend, direction, trend


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
class Topic:
    """Related themes under one name, largest theme first."""

    id: int
    label: str
    keywords: list[str]
    themes: list[ThemeSummary]
    share: float

    @property
    def size(self) -> int:
        return sum(t.size for t in self.themes)

    @property
    def evidence_ids(self) -> list[int]:
        return sorted(e for t in self.themes for e in t.evidence_ids)

    @property
    def quotes(self) -> list[Quote]:
        """The first quote of each of its three largest themes."""
        return [t.quotes[0] for t in self.themes[:3] if t.quotes]

    @property
    def trend(self) -> Trend:
        """Its themes' weekly counts added up, judged by the themes' rule."""
        first = self.themes[0].trend
        if not first.week_starts:
            return first
        counts = [sum(c) for c in zip(*(t.trend.counts for t in self.themes), strict=True)]
        return Trend(direction(counts), first.week_starts, counts)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "keywords": self.keywords,
                "size": self.size, "share": round(self.share, 4),
                "theme_ids": [t.id for t in self.themes]}


@dataclass(frozen=True)
class ThemeList:
    themes: list[ThemeSummary]
    unthemed: list[int]
    evidence: int
    topics: list[Topic] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"topics": [t.to_json() for t in self.topics],
                "themes": [t.to_json() for t in self.themes], "unthemed": self.unthemed,
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


def built(store: Store) -> bool:
    """Whether themes were built: some evidence has an assignment (theme or unthemed)."""
    with store.session() as session:
        return session.scalar(select(ThemeAssignment.evidence_id).limit(1)) is not None


def get_theme(store: Store, theme_id: int, weeks: int = WEEKS) -> ThemeSummary:
    """One theme by id (the stable handle other artifacts cite); edits included."""
    with store.session() as session:
        theme = session.get(Theme, theme_id)
        if theme is None or not theme.active:
            raise UserError(f"no theme {theme_id}", field="theme", value=theme_id, hint="themes")
        members = _members(session).get(theme_id, _Members())
        summary = _summary(_quotes(session, theme.quotes), theme, members, _total(session),
                           _newest(session), weeks)
        edits = session.scalars(select(ThemeEdit).where(ThemeEdit.theme_id == theme_id)
                                .order_by(ThemeEdit.id))
        summary.edits.extend({"kind": e.kind, "detail": e.detail, "author": e.author,
                              "at": e.created_at} for e in edits)
        return summary


def _list(session: Session, weeks: int) -> ThemeList:
    groups = _members(session)
    total, newest = _total(session), _newest(session)
    themes = session.scalars(select(Theme).where(Theme.active)).all()
    quoted = _quotes(session, [e for t in themes for e in t.quotes])
    summaries = [_summary(quoted, t, groups.get(t.id, _Members()), total, newest, weeks)
                 for t in themes]
    summaries.sort(key=lambda s: (-s.size, s.id))
    unthemed = sorted(session.scalars(
        select(ThemeAssignment.evidence_id).where(ThemeAssignment.theme_id.is_(None))))
    return ThemeList(summaries, unthemed, total, _topics(session, themes, summaries, total))


def _topics(session: Session, themes: Sequence[Theme], summaries: list[ThemeSummary],
            total: int) -> list[Topic]:
    """Stored topics with their active themes, largest first (a theme edited after the build
    keeps its topic; a theme new since then has none until the next build)."""
    topic_of = {t.id: t.topic_id for t in themes}
    stored = {t.id: t for t in session.scalars(select(ThemeTopic))}
    members: dict[int, list[ThemeSummary]] = defaultdict(list)
    for summary in summaries:
        topic_id = topic_of.get(summary.id)
        if topic_id in stored:
            members[topic_id].append(summary)
    found = [Topic(t, stored[t].label, list(stored[t].keywords), m,
                   sum(s.size for s in m) / total if total else 0.0)
             for t, m in members.items()]
    return sorted(found, key=lambda t: (-t.size, t.id))


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


def _quotes(session: Session, ids: list[int]) -> dict[int, Quote]:
    """The quoted pieces, read in one query (a listing quotes three per theme)."""
    if not ids:
        return {}
    rows = session.execute(select(Evidence.id, Evidence.text, Evidence.customer)
                           .where(Evidence.id.in_(ids)))
    return {row.id: Quote(row.id, row.text, row.customer) for row in rows}


def _summary(quoted: dict[int, Quote], theme: Theme, members: _Members, total: int,
             newest: date | None, weeks: int) -> ThemeSummary:
    dated = [m for m in members.moments if m is not None]
    quotes = [quoted[i] for i in theme.quotes if i in quoted]
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
