"""A person's edits: merge two themes, split one, rename one. Each is logged and survives refreshes
(see :mod:`needle.themes.reconcile` for how); artifacts citing a merged or split theme then cite
the themes that hold its evidence."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sklearn.cluster import KMeans
from sqlalchemy.orm import Session

from needle.artifacts.store import follow_theme
from needle.errors import UserError
from needle.store import Store, find
from needle.themes.corpus import load_corpus
from needle.themes.models import Theme, ThemeEdit
from needle.themes.persist import current_owners, new_theme, save


def _active(session: Session, theme_id: int) -> Theme:
    theme = find(session, Theme, theme_id)
    if theme is None or not theme.active:
        raise UserError(f"no theme {theme_id}", field="theme", value=theme_id, hint="themes")
    return theme


def _log(session: Session, author: str, kind: str, theme_id: int,
         detail: dict[str, Any]) -> None:
    session.add(ThemeEdit(kind=kind, theme_id=theme_id, detail=detail, author=author,
                          created_at=datetime.now(UTC)))


def rename(store: Store, author: str, theme_id: int, label: str) -> None:
    """Give a theme a person's name, which refreshes keep."""
    if not label.strip():
        raise UserError("a theme's name cannot be empty")
    with store.session() as session:
        theme = _active(session, theme_id)
        _log(session, author, "rename", theme_id, {"from": theme.title, "to": label.strip()})
        theme.renamed = label.strip()


def merge(store: Store, author: str, cache_dir: Path, keep: int, other: int) -> None:
    """Fold theme ``other`` into theme ``keep``; later refreshes keep them together."""
    if keep == other:
        raise UserError("merge needs two different themes")
    with store.session() as session:
        target, source = _active(session, keep), _active(session, other)
        owners = current_owners(session)
        owners.update({e: keep for e, t in owners.items() if t == other})
        target.origin = "merge"
        source.active = False
        _log(session, author, "merge", keep, {"merged": other})
        save(session, load_corpus(cache_dir, session), owners, "edit")
        follow_theme(session, other, [keep], author)


def split(store: Store, author: str, cache_dir: Path, theme_id: int, parts: int = 2
          ) -> list[int]:
    """Split a theme into ``parts`` themes by k-means on its members; return the new ids."""
    with store.session() as session:
        parent = _active(session, theme_id)
        owners = current_owners(session)
        corpus = load_corpus(cache_dir, session)
        rows = [r for r, e in enumerate(corpus.ids) if owners.get(e) == theme_id]
        if len(rows) < 2 * parts:
            raise UserError(f"theme {theme_id} has {len(rows)} pieces: too few to split in {parts}")
        found = KMeans(parts, n_init=4, random_state=0).fit_predict(corpus.vectors[rows])
        children = [new_theme(session, "split", theme_id).id for _ in range(parts)]
        owners.update({corpus.ids[r]: children[int(p)] for r, p in zip(rows, found, strict=True)})
        parent.active = False
        _log(session, author, "split", theme_id, {"into": children})
        save(session, corpus, owners, "edit")
        follow_theme(session, theme_id, children, author)
        return children
