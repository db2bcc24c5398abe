"""Reading themes back: summaries for listings, full detail for one theme.

Sizes, customers, first/last seen and trends are computed from the stored assignments at read
time, so they are current after an incremental update. Read through SQLAlchemy Core on the tables
the ORM maps (:mod:`needle.themes.tables`), so that listing themes does not load the ORM.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, select

from needle.errors import UserError
from needle.evidence.tables import EVIDENCE
from needle.store import Store, holds
from needle.themes.tables import THEME_ASSIGNMENTS, THEME_EDITS, THEME_TOPICS, THEMES
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
    with store.engine.connect() as conn:
        return _list(conn, weeks)


def built(store: Store) -> bool:
    """Whether themes were built: some evidence has an assignment (theme or unthemed)."""
    with store.engine.connect() as conn:
        return conn.scalar(select(THEME_ASSIGNMENTS.c.evidence_id).limit(1)) is not None


def get_theme(store: Store, theme_id: int, weeks: int = WEEKS) -> ThemeSummary:
    """One theme by id (the stable handle other artifacts cite); edits included."""
    with store.engine.connect() as conn:
        theme = (conn.execute(select(THEMES).where(THEMES.c.id == theme_id)).first()
                 if holds(THEMES.c.id, conn.dialect, theme_id) else None)
        if theme is None or not theme.active:
            raise UserError(f"no theme {theme_id}", field="theme", value=theme_id, hint="themes")
        members = _members(conn).get(theme_id, _Members())
        summary = _summary(_quotes(conn, theme.quotes), theme, members, _total(conn),
                           _newest(conn), weeks)
        edits = conn.execute(select(THEME_EDITS).where(THEME_EDITS.c.theme_id == theme_id)
                             .order_by(THEME_EDITS.c.id))
        summary.edits.extend({"kind": e.kind, "detail": e.detail, "author": e.author,
                              "at": e.created_at} for e in edits)
        return summary


def _list(conn: Connection, weeks: int) -> ThemeList:
    groups = _members(conn)
    total, newest = _total(conn), _newest(conn)
    themes = conn.execute(select(THEMES).where(THEMES.c.active)).all()
    quoted = _quotes(conn, [e for t in themes for e in t.quotes])
    summaries = sorted((_summary(quoted, t, groups.get(t.id, _Members()), total, newest, weeks)
                        for t in themes), key=lambda s: (-s.size, s.id))
    unthemed = sorted(conn.scalars(select(THEME_ASSIGNMENTS.c.evidence_id)
                                   .where(THEME_ASSIGNMENTS.c.theme_id.is_(None))))
    return ThemeList(summaries, unthemed, total, _topics(conn, themes, summaries, total))


def _topics(conn: Connection, themes: Sequence[Row], summaries: list[ThemeSummary],
            total: int) -> list[Topic]:
    """Stored topics with their active themes, largest first (a theme edited after the build
    keeps its topic; a theme new since then has none until the next build)."""
    topic_of: dict[int, int | None] = {t.id: t.topic_id for t in themes}
    stored = {t.id: t for t in conn.execute(select(THEME_TOPICS))}
    members: dict[int, list[ThemeSummary]] = defaultdict(list)
    for summary in summaries:
        topic_id = topic_of.get(summary.id)
        if topic_id is not None and topic_id in stored:
            members[topic_id].append(summary)
    found = [Topic(t, stored[t].label, list(stored[t].keywords), m,
                   sum(s.size for s in m) / total if total else 0.0)
             for t, m in members.items()]
    return sorted(found, key=lambda t: (-t.size, t.id))


def _members(conn: Connection) -> dict[int, _Members]:
    rows = conn.execute(
        select(THEME_ASSIGNMENTS.c.theme_id, EVIDENCE.c.id, EVIDENCE.c.customer,
               EVIDENCE.c.created_at)
        .join(EVIDENCE, EVIDENCE.c.id == THEME_ASSIGNMENTS.c.evidence_id)
        .where(THEME_ASSIGNMENTS.c.theme_id.is_not(None)).order_by(EVIDENCE.c.id)
    ).all()
    out: dict[int, _Members] = defaultdict(_Members)
    for theme_id, evidence_id, customer, created in rows:
        group = out[theme_id or 0]
        group.ids.append(evidence_id)
        group.moments.append(created)
        if customer:
            group.customers.add(customer)
    return out


def _quotes(conn: Connection, ids: list[int]) -> dict[int, Quote]:
    """The quoted pieces, read in one query (a listing quotes three per theme)."""
    if not ids:
        return {}
    rows = conn.execute(select(EVIDENCE.c.id, EVIDENCE.c.text, EVIDENCE.c.customer)
                        .where(EVIDENCE.c.id.in_(ids)))
    return {row.id: Quote(row.id, row.text, row.customer) for row in rows}


def _summary(quoted: dict[int, Quote], theme: Row, members: _Members, total: int,
             newest: date | None, weeks: int) -> ThemeSummary:
    dated = [m for m in members.moments if m is not None]
    quotes = [quoted[i] for i in theme.quotes if i in quoted]
    return ThemeSummary(
        id=theme.id, label=theme.renamed or theme.label, keywords=list(theme.keywords),
        size=len(members.ids), share=len(members.ids) / total if total else 0.0,
        customers=len(members.customers), first_seen=min(dated, default=None),
        last_seen=max(dated, default=None), trend=trend(members.moments, newest, weeks),
        quotes=quotes, evidence_ids=members.ids, origin=theme.origin,
        renamed=theme.renamed is not None,
    )


def _total(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(EVIDENCE)) or 0


def _newest(conn: Connection) -> date | None:
    newest = conn.scalar(select(func.max(EVIDENCE.c.created_at)))
    return newest.date() if newest is not None else None
