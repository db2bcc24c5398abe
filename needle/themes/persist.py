"""Writing a complete theming (every piece's theme) to the store, relabelling each theme."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from needle.themes.corpus import Corpus
from needle.themes.label import label_themes
from needle.themes.models import Theme, ThemeAssignment
from needle.themes.topics import store_topics


def vector_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def bytes_vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4")


def new_theme(session: Session, origin: str = "auto", parent_id: int | None = None) -> Theme:
    now = datetime.now(UTC)
    theme = Theme(label="", origin=origin, parent_id=parent_id, active=True, keywords=[],
                  quotes=[], centroid=b"", created_at=now, updated_at=now)
    session.add(theme)
    session.flush()
    return theme


def current_owners(session: Session) -> dict[int, int | None]:
    """Evidence id -> active theme id (None when unthemed) as stored now."""
    rows = session.execute(select(ThemeAssignment.evidence_id, ThemeAssignment.theme_id)).all()
    active = set(session.scalars(select(Theme.id).where(Theme.active)))
    return {e: (t if t in active else None) for e, t in rows}


def active_themes(session: Session) -> dict[int, Theme]:
    return {t.id: t for t in session.scalars(select(Theme).where(Theme.active))}


def save(
    session: Session, corpus: Corpus, owners: Mapping[int, int | None], method: str
) -> None:
    """Replace every assignment by ``owners`` and relabel the themes; retire emptied themes."""
    groups: dict[int, list[int]] = defaultdict(list)
    for row, evidence_id in enumerate(corpus.ids):
        theme_id = owners.get(evidence_id)
        if theme_id is not None:
            groups[theme_id].append(row)
    themes = active_themes(session)
    for theme_id in set(themes) - set(groups):
        themes.pop(theme_id).active = False
    similarity = _relabel(session, corpus, {t: groups[t] for t in sorted(themes)}, themes)
    session.execute(delete(ThemeAssignment))
    now = datetime.now(UTC)
    insert_assignments(session, [
        {"evidence_id": evidence_id, "theme_id": owners.get(evidence_id),
         "similarity": float(similarity[row]), "method": method, "assigned_at": now}
        for row, evidence_id in enumerate(corpus.ids)
    ])


def insert_assignments(session: Session, rows: list[dict[str, object]]) -> None:
    """Bulk insert; an empty list would insert one row of defaults, so it is skipped."""
    if rows:
        session.execute(insert(ThemeAssignment), rows)


def _relabel(session: Session, corpus: Corpus, groups: dict[int, list[int]],
             themes: dict[int, Theme]) -> np.ndarray:
    """Set centroid, label, keywords and quotes of each theme, and the topics; return each
    row's similarity."""
    similarity = np.zeros(len(corpus), dtype=np.float32)
    if not groups:
        store_topics(session, corpus, groups, themes)
        return similarity
    groups = dict(sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])))
    vectors = [corpus.vectors[rows] for rows in groups.values()]
    centroids = [normalised(v.mean(axis=0)) for v in vectors]
    labels = label_themes([[corpus.prepared[i] for i in rows] for rows in groups.values()],
                          vectors, np.stack(centroids), corpus.embedder)
    now = datetime.now(UTC)
    for (theme_id, rows), block, centroid, found in zip(
        groups.items(), vectors, centroids, labels, strict=True
    ):
        theme = themes[theme_id]
        theme.centroid = vector_bytes(centroid)
        theme.label, theme.keywords = found.label, found.keywords
        theme.quotes = [corpus.ids[rows[q]] for q in found.quotes]
        theme.updated_at = now
        similarity[rows] = block @ centroid
    store_topics(session, corpus, groups, themes)
    return similarity


def normalised(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm else vector).astype(np.float32)
